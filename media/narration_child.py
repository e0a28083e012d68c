"""Render one clip with espeak-ng: run as a child process, one clip per process.

Reads {"text", "voice", "rate", "out"} as JSON on stdin and writes a WAV file to "out" by way of a
temporary name, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import wave

ATTEMPTS = 3


def main() -> int:
    """Speak the requested text into a WAV file; exit 2 if the voice is unknown."""
    request = json.load(sys.stdin)
    import pyttsx3

    engine = pyttsx3.init("espeak")
    known = {voice.id for voice in engine.getProperty("voices")}
    # pyttsx3 ignores an unknown voice id silently: refuse it instead of speaking English.
    if request["voice"] not in known:
        print(f"unknown voice {request['voice']}", file=sys.stderr)
        return 2
    engine.setProperty("voice", request["voice"])
    engine.setProperty("rate", int(request["rate"]))
    temporary = f"{request['out']}.part.wav"
    # The espeak driver now and then ends its loop before writing the file: try again.
    for _attempt in range(ATTEMPTS):
        # pyttsx3 announces every saved file on stdout; keep the child's output for errors only.
        with contextlib.redirect_stdout(io.StringIO()):
            engine.save_to_file(request["text"], temporary)
            engine.runAndWait()
        if _has_sound(temporary):
            os.replace(temporary, request["out"])
            return 0
    print("espeak-ng wrote no audio", file=sys.stderr)
    return 1


def _has_sound(path: str) -> bool:
    """Say whether a WAV file exists and holds at least one audio frame."""
    try:
        with wave.open(path, "rb") as clip:
            return clip.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False


if __name__ == "__main__":
    sys.exit(main())
