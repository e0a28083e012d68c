"""`engage serve` under gunicorn stops cleanly when told to, even while clips are being made."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import urllib.request

from benchmarks.server import ENGAGE, Server, engage_command, free_port
from engage.server import GRACEFUL_TIMEOUT


def test_sigterm_while_new_clips_are_made_stops_inside_the_grace_period(tmp_path):
    instance = tmp_path / "instance"
    engage_command(instance, "init")
    link = engage_command(instance, "demo").strip().splitlines()[-1]
    port = free_port()
    link = link.replace(link.split("/s/")[0], f"http://127.0.0.1:{port}")
    log = tmp_path / "server.log"
    # Clips are made in the background the first time a page shows their text, as in service.
    server = Server(
        [ENGAGE, "serve", "--port", str(port)],
        port,
        {"ENGAGE_INSTANCE": str(instance), "PORT": str(port)},
        log,
    )
    try:
        for page in ("", "settings", "resume", "stop", "no-thanks"):
            with urllib.request.urlopen(link + page, timeout=30) as response:
                assert response.status == 200
        with sqlite3.connect(instance / "engage.db") as db:
            registered = db.execute("SELECT COUNT(*) FROM narration_texts").fetchone()[0]
        db.close()
        made = len(list((instance / "audio").rglob("*.ogg")))
        assert made < registered, "every clip was made before the stop: nothing was tested"

        # To the master alone, as `kill` or a service manager sends it.
        server.process.send_signal(signal.SIGTERM)
        try:
            status = server.process.wait(timeout=GRACEFUL_TIMEOUT)
        except subprocess.TimeoutExpired:
            status = None
        assert status == 0, "a worker outstayed the grace period and had to be killed"
    finally:
        server.stop()
    said = log.read_text()
    assert "SIGKILL" not in said
    assert "Traceback" not in said
