"""A speech engine that fails now and then: the real one, with faults put in front of it."""

from __future__ import annotations

import threading
from pathlib import Path

from media import narration

MESSAGE = "espeak-ng wrote no audio (a fault put in by the test)"


class FlakyEngine:
    """Call the real engine, but fail the `first` calls, every `every`-th call after them and
    every call for a `doomed` text.

    A failure raises what `speak_to_wav` raises when the engine writes nothing, with the
    engine's message; every other call renders for real with espeak-ng.
    """

    def __init__(self, every: int = 0, first: int = 0, doomed: frozenset[str] = frozenset()):
        self.every = every
        self.first = first
        self.doomed = doomed
        self.calls = 0
        self.faults = 0
        self.rendered: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, text: str, voice: narration.Voice, wav: Path) -> None:
        with self._lock:
            self.calls += 1
            fail = (
                text in self.doomed
                or self.calls <= self.first
                or (self.every and self.calls % self.every == 0)
            )
            self.faults += bool(fail)
        if fail:
            raise narration.NarrationError(f"The speech engine failed: {MESSAGE}", MESSAGE)
        narration.speak_to_wav(text, voice, wav)
        with self._lock:
            self.rendered.append(text)
