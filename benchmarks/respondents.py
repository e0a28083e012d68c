"""Simulated respondents: real HTTP, real CSRF tokens, a record of every acknowledged answer."""

from __future__ import annotations

import functools
import http.client
import io
import random
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
QUESTION_LINK = re.compile(r"/q/([A-Za-z0-9-]+)")
VALUES = ("good", "ok", "not_good", "not_sure", "prefer_not_to_say")


@dataclass
class Tally:
    """What the clients saw: latencies, acknowledged answers and failures."""

    page_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    acknowledged: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    journeys: int = 0
    photos: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Browser:
    """One respondent's connection with its cookie, like a phone's browser."""

    def __init__(self, host: str, port: int):
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.cookie = ""

    def request(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        body: bytes | None = None,
        content_type: str = "",
    ):
        """Send a request (a form, or a body of a given type); return status, location, text, ms."""
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        try:
            response, text = self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed an idle keep-alive connection before reading this request,
            # so it was never processed; a browser sends it again on a new connection.
            self.connection.close()
            started = time.perf_counter()
            response, text = self._send(method, path, body, headers)
        elapsed = (time.perf_counter() - started) * 1000
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text, elapsed

    def _send(self, method: str, path: str, body: bytes | None, headers: dict):
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise

    def close(self) -> None:
        self.connection.close()


def multipart_body(fields: dict, file_bytes: bytes, name: str) -> tuple[bytes, str]:
    """Encode a form with one file the way a browser does; return the body and content type."""
    boundary = secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f"--{boundary}\r\n".encode()
        + f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'.encode()
        + b"Content-Type: image/jpeg\r\n\r\n"
        + file_bytes
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@functools.cache
def photo_bytes() -> bytes:
    """Return a small real JPEG photo, made once."""
    picture = Image.new("RGB", (640, 480), (90, 140, 200))
    ImageDraw.Draw(picture).ellipse((200, 120, 440, 360), fill=(250, 210, 60))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()


def upload_photo(browser: Browser, path: str, token: str) -> None:
    """Send a photo through the form a person without JavaScript uses."""
    body, content_type = multipart_body({"csrf_token": token}, photo_bytes(), "photo.jpg")
    status, _, _, _ = browser.request("POST", path, body=body, content_type=content_type)
    if status != 302:
        raise RuntimeError(f"photo answered {status}")


def journey(
    host: str,
    port: int,
    code: str,
    tally: Tally,
    rng: random.Random,
    journey_id: str,
    think: float = 0.0,
    media_share: float = 0.0,
) -> None:
    """Go through a whole campaign as one person, recording each answer the server acknowledged.

    Each answer's free text carries the journey id, so the saved rows can be matched exactly.
    """
    browser = Browser(host, port)
    base = f"/s/{code}"
    try:
        status, _, page, ms = browser.request("GET", f"{base}/consent")
        tally.page_ms.append(ms)
        token = TOKEN.search(page).group(1)
        # One question a page: three about consent, then who is answering and how.
        for path, field, value in (
            ("consent", "take_part", "yes"),
            ("consent/words", "quote", "yes"),
            ("consent/pictures", "media", "no"),
            ("who", "respondent_group", rng.choice(["person", "family", "staff"])),
            ("who/how", "answered_how", rng.choice(["own", "helped"])),
        ):
            form = {"csrf_token": token, field: value}
            status, location, _, ms = browser.request("POST", f"{base}/{path}", form)
            tally.post_ms.append(ms)
            if status != 302:
                raise RuntimeError(f"{path} answered {status}")
        wants_photo = rng.random() < media_share
        while "/q/" in location:
            if think:
                # A person reads the question and chooses a face before the next request.
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))
            path = urllib.parse.urlsplit(location).path
            if wants_photo:
                wants_photo = False
                upload_photo(browser, f"{base}/media/add/photo?q={path.rsplit('/', 1)[1]}", token)
                with tally.lock:
                    tally.photos += 1
            status, _, page, ms = browser.request("GET", path)
            tally.page_ms.append(ms)
            if status != 200:
                raise RuntimeError(f"question page answered {status}")
            question_id = path.rsplit("/", 1)[1]
            value = rng.choice(VALUES)
            form = {
                "csrf_token": token,
                "answer": value,
                "free_text": f"load {journey_id}",
                "action": "continue",
            }
            status, location, _, ms = browser.request("POST", path, form)
            tally.post_ms.append(ms)
            if status == 302:
                with tally.lock:
                    tally.acknowledged[(journey_id, question_id)] = value
            else:
                raise RuntimeError(f"answer answered {status}")
        with tally.lock:
            tally.journeys += 1
    except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
        with tally.lock:
            tally.errors.append(f"{type(error).__name__}: {error}")
    finally:
        browser.close()


def run(
    host: str,
    port: int,
    code: str,
    clients: int,
    seconds: float,
    seed: int = 7,
    think: float = 0.0,
    media_share: float = 0.0,
) -> Tally:
    """Run `clients` respondents at once, each starting new journeys until time is up.

    `think` is the mean pause in seconds before each question, and people arrive spread over
    twice that; 0 makes every client start together and send its next request at once, a
    stress far beyond what people do. `media_share` of the
    journeys also send a photo with their first question.
    """
    tally = Tally()
    deadline = time.monotonic() + seconds

    def worker(number: int) -> None:
        rng = random.Random(seed + number)
        if think:
            # People arrive over a while, not all in the same millisecond: fifty first pages at
            # once made the slowest twentieth of a whole run's requests.
            time.sleep(rng.uniform(0, 2 * think))
        count = 0
        while time.monotonic() < deadline:
            count += 1
            journey(host, port, code, tally, rng, f"{number}-{count}", think, media_share)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return tally


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def compare(tally: Tally, saved_rows: list[dict]) -> dict[str, int]:
    """Match saved answers against acknowledged ones: lost must be zero, and so must duplicated."""
    saved: dict[tuple[str, str], list[str]] = {}
    for row in saved_rows:
        marker = row["free_text"].removeprefix("load ")
        saved.setdefault((marker, row["question_id"]), []).append(row["value"])
    lost = sum(1 for key, value in tally.acknowledged.items() if value not in saved.get(key, []))
    duplicated = sum(len(values) - 1 for values in saved.values() if len(values) > 1)
    return {
        "acknowledged": len(tally.acknowledged),
        "saved": len(saved_rows),
        "lost": lost,
        "duplicated": duplicated,
    }
