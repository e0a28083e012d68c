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
    # pyttsx3 announces every saved file on stdout; keep the child's output for errors only.
    with contextlib.redirect_stdout(io.StringIO()):
        engine.save_to_file(request["text"], temporary)
        engine.runAndWait()
    os.replace(temporary, request["out"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
