"""engage served as in production: gunicorn behind a real nginx with the repo's own config."""

from __future__ import annotations

import http.client
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from benchmarks.respondents import Tally, journey
from engage.attempts import RESUME_ADDRESS_CEILING
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]
# Debian's nginx, installed by scripts/setup.sh.
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CLI = [sys.executable, "-c", "from engage.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "server ended while starting"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listening on {port}")


def _site_config(app_port: int, proxy_port: int) -> str:
    """Return the repo's nginx site file, pointed at this test's ports."""
    text = (ROOT / "deploy" / "nginx" / "engage.conf").read_text()
    assert "server 127.0.0.1:5000" in text and "listen 80;" in text
    return text.replace("server 127.0.0.1:5000", f"server 127.0.0.1:{app_port}").replace(
        "listen 80;", f"listen 127.0.0.1:{proxy_port};"
    )


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    """Serve a fresh instance with `engage serve` behind nginx; yield (proxy port, code, db)."""
    folder = tmp_path_factory.mktemp("proxy")
    instance = folder / "instance"
    app_port, proxy_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "ENGAGE_INSTANCE": str(instance),
        "ENGAGE_TRUSTED_PROXIES": "127.0.0.1",
        "ENGAGE_BASE_URL": f"http://127.0.0.1:{proxy_port}",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([*CLI, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    made = subprocess.run(
        [*CLI, "campaign", "create", "--framework", "cqc-la", "--statements", "QS1"]
        + ["--title", "Behind a proxy"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    code = made.stdout.strip().rstrip("/").rsplit("/", 1)[1]
    (folder / "site.conf").write_text(_site_config(app_port, proxy_port))
    (folder / "nginx.conf").write_text(
        # One process as the test's own user, everything it writes inside the test's folder.
        f"daemon off;\nmaster_process off;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\nevents {{ worker_connections 512; }}\n"
        f"http {{\n access_log off;\n client_body_temp_path {folder}/body;\n"
        f" proxy_temp_path {folder}/proxy;\n fastcgi_temp_path {folder}/fcgi;\n"
        f" uwsgi_temp_path {folder}/uwsgi;\n scgi_temp_path {folder}/scgi;\n"
        f" include {folder}/site.conf;\n}}\n"
    )
    app = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(app_port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    nginx = subprocess.Popen(
        [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(app_port, app)
        _wait_for(proxy_port, nginx)
        yield proxy_port, code, instance / "engage.db"
    finally:
        # A quick stop: gunicorn's graceful one waits out nginx's idle keep-alive connections.
        nginx.terminate()
        app.send_signal(signal.SIGINT)
        for process in (nginx, app):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _saved_answers(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]


def test_slow_request_bodies_do_not_stop_anyone_answering(behind_nginx):
    port, code, db = behind_nginx
    # More connections than the app has threads, each promising a body it never sends: straight
    # to gunicorn they held every thread; nginx waits for them instead.
    stalled = []
    for _ in range(40):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(
            f"POST /s/{code}/consent HTTP/1.1\r\nHost: x\r\n".encode()
            + b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n"
        )
        stalled.append(connection)
    try:
        before = _saved_answers(db)
        tally = Tally()
        for number in range(3):
            journey("127.0.0.1", port, code, tally, random.Random(number), f"slow-{number}")
        assert tally.errors == []
        assert tally.journeys == 3
        assert len(tally.acknowledged) >= 3
        assert _saved_answers(db) - before == len(tally.acknowledged)
    finally:
        for connection in stalled:
            connection.close()


def _wrong_code(port: int, code: str, source: str, claimed: str) -> int:
    """Open a wrong resume link in a fresh browser and press its button; return the status."""
    path = f"/s/{code}/resume/ZZZZZZZZ"

    def send(method: str, headers: dict, body: str | None = None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(
                method, path, body=body, headers={"X-Forwarded-For": claimed, **headers}
            )
            response = connection.getresponse()
            return response, response.read().decode()
        finally:
            connection.close()

    page, text = send("GET", {})
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    posted, _ = send(
        "POST",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        urlencode({"csrf_token": csrf_token(text)}),
    )
    return posted.status


def test_the_app_sees_each_clients_own_address_and_not_a_claimed_one(behind_nginx):
    port, code, _ = behind_nginx
    # One device keeps guessing while claiming a new address each time: the app must see the
    # device's real address (nginx replaces the claim), so the guessing is stopped...
    # It also drops its cookies, so only the per-address ceiling can stop it.
    tries = RESUME_ADDRESS_CEILING[0][0] + 20
    statuses = [
        _wrong_code(port, code, "127.0.0.5", f"10.9.{n // 250}.{n % 250 + 1}") for n in range(tries)
    ]
    assert 429 in statuses
    stopped_at = statuses.index(429)
    assert set(statuses[:stopped_at]) == {404}
    assert set(statuses[stopped_at:]) == {429}
    # ... while a device at another address, behind the same proxy, is not locked out with it.
    assert _wrong_code(port, code, "127.0.0.6", "127.0.0.5") == 404


def test_the_two_server_sample_configuration_is_valid_nginx(tmp_path):
    site = (ROOT / "docs" / "nginx-two-servers.conf").read_text()
    assert site.count("server 10.0.0.1") == 2
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n access_log off;\n"
        f" client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
        f" include {tmp_path}/site.conf;\n}}\n"
    )
    checked = subprocess.run(
        [NGINX, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
