"""Render one clip with espeak-ng: run as a child process, one clip per process.

Reads {"text", "voice", "rate", "out"} as JSON on stdin and writes a WAV file to "out" by way of a
temporary name, so a reader never sees half a file.

Why this drives libespeak-ng through pyttsx3's ctypes binding, and not through pyttsx3's engine
(`save_to_file` then `runAndWait`): pyttsx3 2.99's espeak driver sets espeak-ng up to hand audio
back from a thread of its own, and its event loop ends before that thread has finished.
`runAndWait()` queues an end-of-loop command behind `save_to_file`, and the driver runs that whole
queue, ending the loop, before it even starts speaking; the loop turns once (10 ms) and returns.
The driver writes the WAV later, from espeak-ng's thread, when the "message finished" event comes.
On idle cores that takes a few milliseconds; on busy ones the file was often checked too early:
missing, or only its 44-byte header written (the parent then failed with no reason given), or
half written, then renamed into place and cut short as the process exited. Trying again in the
same process, as this child used to, let the earlier synthesis run on into the same buffer and
file name. The same end-of-loop command also calls espeak-ng's cancel whenever its queue is still
busy, which can drop the queued rate change: now and then a clip came out at 200 words a minute
instead of 140, and was cached under the slower key. Waiting for the driver's "finished-utterance"
notice cures the first fault but not the second. So this child uses espeak-ng's synchronous mode:
every setting applies at once, `Synth` returns only when all audio has been handed over on this
thread, and the file is written here, completely, before the child exits. The audio is the
same as before (same library, voice, rate, volume and flags).
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import wave

# Audio comes back to `collect` in chunks of up to this many milliseconds.
BUFFER_MS = 1000


def main() -> int:
    """Speak the requested text into a WAV file; exit 2 if the voice is unknown."""
    request = json.load(sys.stdin)
    # pyttsx3's own ctypes binding of libespeak-ng. It is not pyttsx3's public interface; every
    # narration test renders real clips through it, so a change there fails them at once.
    from pyttsx3.drivers import _espeak as espeak

    sample_rate = espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS)
    if sample_rate <= 0:
        print("espeak-ng could not start", file=sys.stderr)
        return 1
    known = {voice.identifier.decode("utf-8").lower() for voice in espeak.ListVoices(None)}
    # SetVoiceByName falls back without saying so: refuse an unknown id instead of using English.
    if request["voice"] not in known:
        print(f"unknown voice {request['voice']}", file=sys.stderr)
        return 2
    if espeak.SetVoiceByName(request["voice"].encode("utf-8")) != espeak.EE_OK:
        print(f"espeak-ng could not load voice {request['voice']}", file=sys.stderr)
        return 1
    if espeak.SetParameter(espeak.RATE, int(request["rate"]), 0) != espeak.EE_OK:
        print(f"espeak-ng refused the rate {request['rate']}", file=sys.stderr)
        return 1
    espeak.SetParameter(espeak.VOLUME, 100, 0)
    chunks: list[bytes] = []

    def collect(samples, count, _events) -> int:
        if count > 0:
            chunks.append(ctypes.string_at(samples, count * ctypes.sizeof(ctypes.c_short)))
        return 0

    espeak.SetSynthCallback(collect)
    # The flags pyttsx3's driver passes: a pause at the end, text as UTF-8.
    status = espeak.Synth(request["text"], flags=espeak.ENDPAUSE | espeak.CHARS_UTF8)
    audio = b"".join(chunks)
    if status != espeak.EE_OK or not audio:
        print(f"espeak-ng returned {status} and {len(audio)} bytes of audio", file=sys.stderr)
        return 1
    temporary = f"{request['out']}.part.wav"
    with wave.open(temporary, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(sample_rate)
        clip.writeframes(audio)
    os.replace(temporary, request["out"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
