"""Start engage under gunicorn in a child process, on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGAGE = str(Path(sys.executable).parent / "engage")


def free_port() -> int:
    """Return a port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def engage_command(instance: Path, *args: str) -> str:
    """Run an engage command against an instance folder and return what it printed."""
    env = {**os.environ, "ENGAGE_INSTANCE": str(instance)}
    done = subprocess.run([ENGAGE, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        # Say what the command said: a bare exit status hides why a run under load failed.
        raise RuntimeError(f"engage {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


class Server:
    """A gunicorn process group serving on 127.0.0.1, stopped on exit."""

    def __init__(
        self, argv: list[str], port: int, env: dict | None = None, log: Path | None = None
    ):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        # The server's own error log, when kept, says why a request failed under load.
        errors = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - held by the child
        try:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv built here
                argv,
                env={**os.environ, **(env or {})},
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
            )
        finally:
            if log:
                errors.close()
        self.wait_ready()

    def tracebacks(self) -> list[str]:
        """Return the tracebacks in the server's error log (none when no log is kept)."""
        if not self.log or not self.log.exists():
            return []
        text = self.log.read_text(errors="replace")
        return [part for part in text.split("Traceback (most recent call last):")[1:]]

    @classmethod
    def engage(
        cls, instance: Path, port: int | None = None, workers: int = 2, log: Path | None = None
    ) -> Server:
        """Serve engage with its own `engage serve` command (its errors kept in `log`)."""
        port = port or free_port()
        return cls(
            [ENGAGE, "serve", "--port", str(port), "--workers", str(workers)],
            port,
            {
                "ENGAGE_INSTANCE": str(instance),
                "PORT": str(port),
                # A running service makes each clip once, the first time its text shows; here
                # that would put espeak-ng and ffmpeg on the cores being measured, so the
                # benchmark measures the steady state, with clips made when played.
                "ENGAGE_NARRATION_PRERENDER": "false",
            },
            log,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        """Wait until the server answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):  # noqa: S310
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the server exited while starting") from None
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        """Kill the whole process group at once, as a crash or power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop gracefully."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()
