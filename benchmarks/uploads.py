"""Upload a 1 GB video to engage under gunicorn and watch the worker's memory.

Usage: python -m benchmarks.uploads [--size-mb 1024] [--chunk-mb 4]

Makes a real H.264 video of about the given size with ffmpeg, serves engage with one gunicorn
worker in a child process, then sends the video twice: through the resumable chunked protocol
(the JavaScript path) and as one multipart form (the no-JavaScript path). The worker's resident
memory is read from /proc/PID/status every 20 ms; the growth over its warmed-up size is the
figure that matters (target: under 50 MB for a 1 GB file).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVE = "import sys; from engage.server import serve; serve('127.0.0.1', int(sys.argv[1]), 1)"
MB = 1024 * 1024


def free_port() -> int:
    """Return a loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_video(path: Path, size_mb: int) -> None:
    """Write a lossless H.264 MP4 of noise, about size_mb megabytes (about 50 MB a second)."""
    seconds = max(1, round(size_mb / 52))
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30",
            "-vf", "noise=alls=60:allf=t", "-t", str(seconds), "-c:v", "libx264",
            "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-y", str(path),
        ],
        check=True,
    )  # fmt: skip


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """Return a memory figure of a process, in kB, from /proc."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+)", text, re.M).group(1))


def worker_pid(master: int, timeout: float = 20) -> int:
    """Return the pid of the master's one gunicorn worker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


class Sampler(threading.Thread):
    """Read a process's resident memory every 20 ms and keep the highest."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


class Browser:
    """A respondent's cookie and CSRF token, over plain http.client."""

    def __init__(self, port: int, code: str):
        self.port = port
        self.base = f"/s/{code}"
        self.cookie = ""
        self.token = ""

    def request(self, method: str, path: str, body=None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {**(headers or {}), "Cookie": self.cookie}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookie = value.split(";", 1)[0]
        connection.close()
        return response.status, data

    def form(self, path: str, fields: dict) -> tuple[int, bytes]:
        body = urllib.parse.urlencode({**fields, "csrf_token": self.token})
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def start(self) -> str:
        """Agree and say who is answering; return the first question's id."""
        _, page = self.request("GET", f"{self.base}/consent")
        self.token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        self.form(f"{self.base}/consent", {"take_part": "yes", "quote": "yes", "media": "yes"})
        status, _ = self.form(f"{self.base}/who", {"respondent_group": "person",
                                                     "answered_how": "own"})  # fmt: skip
        assert status == 302, status
        _, page = self.request("GET", f"{self.base}/check")
        return re.search(rb"/q/([A-Z0-9-]+)\?change=1", page).group(1).decode()


def chunked_upload(browser: Browser, video: Path, question_id: str, chunk: int) -> dict:
    """Send the video through create, chunks and finish; return timings."""
    size = video.stat().st_size
    status, body = browser.form(
        f"{browser.base}/media/uploads",
        {"kind": "video", "q": question_id, "size": size, "name": video.name},
    )
    assert status == 201, body
    url = re.search(rb'"url":\s*"([^"]+)"', body).group(1).decode()
    started = time.perf_counter()
    with open(video, "rb") as handle:
        offset = 0
        while offset < size:
            data = handle.read(chunk)
            status, body = browser.request(
                "PUT",
                f"{url}?offset={offset}",
                data,
                {"Content-Type": "application/octet-stream", "X-CSRFToken": browser.token},
            )
            assert status == 200, body
            offset += len(data)
    sent = time.perf_counter()
    status, body = browser.form(f"{url}/finish", {})
    assert status == 200, body
    return {"send_s": sent - started, "finish_s": time.perf_counter() - sent}


def form_upload(browser: Browser, video: Path, question_id: str) -> dict:
    """Send the video as one multipart form, streamed from disk; return timings."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f'{browser.token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{video.name}"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body():
        yield head
        with open(video, "rb") as handle:
            while block := handle.read(MB):
                yield block
        yield tail

    length = len(head) + video.stat().st_size + len(tail)
    started = time.perf_counter()
    status, data = browser.request(
        "POST",
        f"{browser.base}/media/add/video?q={question_id}",
        body(),
        {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
        },
    )
    assert status == 302, data[:500]
    return {"total_s": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--chunk-mb", type=int, default=4)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        video = scratch / "film.mp4"
        print(f"Making a video of about {options.size_mb} MB ...", flush=True)
        make_video(video, options.size_mb)
        size = video.stat().st_size
        instance = scratch / "instance"
        env = {**os.environ, "ENGAGE_INSTANCE": str(instance)}
        subprocess.run(
            [sys.executable, "-c", "from engage.cli import main; main()", "init"],
            env=env, cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        created = subprocess.run(
            [sys.executable, "-c", "from engage.cli import main; main()", "campaign", "create",
             "--framework", "cqc-la", "--statements", "QS1", "--title", "Uploads benchmark"],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        code = re.search(r"/s/([a-z0-9]+)/", created).group(1)
        with sqlite3.connect(instance / "engage.db") as db:
            db.execute("UPDATE campaigns SET max_video_bytes = ?", [4 * size])
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(port)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            worker = worker_pid(server.pid)
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            results = []
            for name in ("chunked", "form"):
                browser = Browser(port, code)
                question_id = browser.start()
                # Warm up the pages and a small upload path before measuring.
                browser.request("GET", f"{browser.base}/media/add/video?q={question_id}")
                before = rss_kb(worker)
                sampler = Sampler(worker)
                sampler.start()
                if name == "chunked":
                    timing = chunked_upload(browser, video, question_id, options.chunk_mb * MB)
                else:
                    timing = form_upload(browser, video, question_id)
                peak = sampler.stop()
                results.append((name, before, peak, timing))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(f"\nVideo: {size / MB:.0f} MB; one gunicorn gthread worker on loopback.")
    print("| path | worker RSS before | peak during upload | growth | timings |")
    print("| --- | --- | --- | --- | --- |")
    for name, before, peak, timing in results:
        if name == "chunked":
            rate = size / MB / timing["send_s"]
            timings = (
                f"sent in {timing['send_s']:.1f} s ({rate:.0f} MB/s, {options.chunk_mb} MB chunks);"
                f" checked and cleaned in {timing['finish_s']:.1f} s"
            )
        else:
            timings = f"sent, checked and cleaned in {timing['total_s']:.1f} s"
        print(
            f"| {name} | {before / 1024:.1f} MB | {peak / 1024:.1f} MB | "
            f"{(peak - before) / 1024:.1f} MB | {timings} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
