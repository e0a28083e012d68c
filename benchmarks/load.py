"""Load in people: many simulated people at once, each reading every page, through whole journeys.

    python -m benchmarks.load [--people 1000] [--minutes 10] [--think 10] [--photo-share 0.2]
    python -m benchmarks.load --profile [--calls 500]

Makes a campaign (QS1, QS4, QS7: 9 questions) in a temporary instance, serves it with
`engage serve` (2 workers) on 127.0.0.1, and runs the people in this one process on asyncio,
on the same cores as the server. Each person opens the welcome page, follows its start link,
then answers whatever form each page shows (the first offered choice, a random face on a
question, their journey's id in the "tell us more" box) until the thank-you page, pausing
`--think` seconds (half to one and a half times that) on every page before going on. A
`--photo-share` of the people also send a photo through the upload form a person without
JavaScript uses, from their first question. Someone who finishes is replaced by a new person,
so the same number are always part-way through; at the end, each finishes the journey they are
on and nobody new starts.

Reports p50/p95/p99 of question pages and answer posts, requests a second, the server's CPU
seconds per request (its processes' own time, read from /proc), its memory every 10 seconds,
the load average, and answers lost or duplicated: every answer the server acknowledged with a
redirect is looked for in the database afterwards, by the journey id in its words.

`--profile` answers a question page and an answer post many times in this process, through the
app's WSGI callable as the server calls it, under cProfile, and prints where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import html
import io
import json
import os
import pstats
import random
import re
import sqlite3
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.test import EnvironBuilder

from benchmarks import respondents
from benchmarks.server import Server, engage_command

SAMPLE_SECONDS = 10
# A keep-alive connection idle longer than this is dropped before the next request: the
# server closes idle connections after 2 s, and a request sent just as it does would be lost.
IDLE_SECONDS = 1.0
REQUEST_TIMEOUT = 120

_TAG = re.compile(r"<(/?)(form|input|button|textarea|select|option|a)\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_TEXTAREA_END = re.compile(r"</textarea\s*>", re.I)
_QUESTION_PATH = re.compile(r"/q/([^/?#]+)$")


# -- Pages and forms ----------------------------------------------------------------------------


def attributes(text: str) -> dict[str, str]:
    """Return a tag's attributes, unescaped, by lower-case name."""
    found = {}
    for match in _ATTRIBUTE.finditer(text):
        value = next((part for part in match.groups()[1:] if part is not None), "")
        found.setdefault(match.group(1).lower(), html.unescape(value))
    return found


@dataclass
class Form:
    """One form on a page: where it goes, its fields in order and its submit buttons."""

    action: str
    method: str
    enctype: str
    id: str = ""
    fields: list[dict[str, str]] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)


def page_forms(page: str, url: str) -> list[Form]:
    """Read every form on a page, as a browser would see it (buttons outside a form included)."""
    forms: list[Form] = []
    by_id: dict[str, Form] = {}
    outside: list[dict[str, str]] = []
    current: Form | None = None
    select: dict[str, str] | None = None
    for match in _TAG.finditer(page):
        closing, tag, rest = match.group(1), match.group(2).lower(), match.group(3)
        if tag == "form":
            if closing:
                current = None
                continue
            found = attributes(rest)
            current = Form(
                action=urllib.parse.urljoin(url, found.get("action") or url),
                method=found.get("method", "get").lower(),
                enctype=found.get("enctype", "application/x-www-form-urlencoded").lower(),
                id=found.get("id", ""),
            )
            forms.append(current)
            if current.id:
                by_id[current.id] = current
            continue
        if closing:
            if tag == "select":
                select = None
            continue
        found = attributes(rest)
        found["tag"] = tag
        if tag == "a":
            continue
        if tag == "option":
            if select is not None and ("selected" in found or not select.get("value_set")):
                select["value"] = found.get("value", "")
                select["value_set"] = "1"
            continue
        if tag == "textarea":
            end = _TEXTAREA_END.search(page, match.end())
            found["value"] = html.unescape(page[match.end() : end.start() if end else match.end()])
        owner = by_id.get(found.get("form", "")) if found.get("form") else current
        if tag == "select":
            select = found
        is_button = (tag == "button" and found.get("type", "submit") == "submit") or (
            tag == "input" and found.get("type") in ("submit", "image")
        )
        if owner is None:
            if found.get("form"):
                outside.append(found)
            continue
        (owner.buttons if is_button else owner.fields).append(found)
    # A control may name a form that comes after it on the page.
    for found in outside:
        owner = by_id.get(found["form"])
        if owner is not None:
            is_button = found["tag"] in ("button", "input")
            (owner.buttons if is_button else owner.fields).append(found)
    return forms


def start_link(page: str, url: str, base: str) -> str | None:
    """Return where a page's main button-like link goes, within the campaign."""
    for match in _TAG.finditer(page):
        if match.group(1) or match.group(2).lower() != "a":
            continue
        found = attributes(match.group(3))
        target = urllib.parse.urljoin(url, found.get("href", ""))
        path = urllib.parse.urlsplit(target).path
        if "button" in found.get("class", "").split() and path.startswith(base):
            return target
    return None


def journey_form(forms: list[Form], url: str) -> Form | None:
    """Return the form that carries the journey on: the one a page posts to itself.

    The settings, language and "leave" forms post elsewhere; if a page's own form ever posts
    elsewhere too, the first form posting anywhere but those is taken.
    """
    posting = [form for form in forms if form.method == "post"]
    for form in posting:
        if form.action == url:
            return form
    here = urllib.parse.urlsplit(url).path
    for form in posting:
        if urllib.parse.urlsplit(form.action).path == here:
            return form
    for form in posting:
        if not re.search(
            r"/(settings|language|leave|done)$", urllib.parse.urlsplit(form.action).path
        ):
            return form
    return None


def choose_button(form: Form, wanted: str = "") -> dict[str, str] | None:
    """Pick the button a person presses: `wanted` if offered, else the plain onward one."""
    if wanted:
        for button in form.buttons:
            if button.get("value") == wanted:
                return button
    for button in form.buttons:
        if button.get("value") == "continue":
            return button
    for button in form.buttons:
        value = button.get("value", "")
        if not value.startswith("media-") and value not in ("stop", "back"):
            return button
    return form.buttons[0] if form.buttons else None


def fill(
    form: Form, rng: random.Random, words: str, photo: bytes | None
) -> tuple[list[tuple[str, str]], list[tuple[str, str, bytes]], dict[str, str]]:
    """Fill a form as a person would; return its fields, its files and the choices made.

    A choice already made stays; otherwise a question's faces get a random one and every other
    group its first offered answer. Words go into an empty text box.
    """
    values: list[tuple[str, str]] = []
    files: list[tuple[str, str, bytes]] = []
    radios: dict[str, list[dict[str, str]]] = {}
    for control in form.fields:
        name = control.get("name")
        if not name or "disabled" in control:
            continue
        kind = control.get("type", "text").lower() if control["tag"] == "input" else control["tag"]
        if kind == "radio":
            radios.setdefault(name, []).append(control)
        elif kind == "checkbox":
            if "checked" in control:
                values.append((name, control.get("value", "on")))
        elif kind == "file":
            if photo is not None and not any(name == taken for taken, _, _ in files):
                files.append((name, "photo.jpg", photo))
        elif kind == "textarea":
            values.append((name, control.get("value") or words))
        elif kind not in ("submit", "button", "reset", "image"):
            values.append((name, control.get("value", "")))
    chosen = {}
    for name, group in radios.items():
        ticked = [control for control in group if "checked" in control]
        if ticked:
            pick = ticked[0]
        elif name == "answer":
            pick = rng.choice(group)
        else:
            pick = group[0]
        chosen[name] = pick.get("value", "on")
        values.append((name, chosen[name]))
    return values, files, chosen


def multipart(values: list[tuple[str, str]], files: list[tuple[str, str, bytes]]):
    """Encode fields and files as a browser does; return the body and its content type."""
    boundary = os.urandom(12).hex()
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in values
    ]
    for name, filename, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# -- A small HTTP/1.1 client on asyncio streams -------------------------------------------------


@dataclass
class Response:
    status: int
    location: str
    text: str
    ms: float


class Browser:
    """One person's browser: a cookie jar and one keep-alive connection."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.origin = f"http://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def request(
        self, method: str, url: str, body: bytes = b"", content_type: str = ""
    ) -> Response:
        """Send one request; return what came back and the milliseconds it took."""
        parts = urllib.parse.urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        started = time.perf_counter()
        if self.writer is not None and time.monotonic() - self.last_used > IDLE_SECONDS:
            self.close()
        reused = self.writer is not None
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                response = await self._exchange(head + body)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            if not reused:
                raise
            # The server closed a kept connection before reading this request: send it again
            # on a new one, as a browser does.
            started = time.perf_counter()
            async with asyncio.timeout(REQUEST_TIMEOUT):
                response = await self._exchange(head + body)
        response.ms = (time.perf_counter() - started) * 1000
        self.last_used = time.monotonic()
        return response

    async def _exchange(self, data: bytes) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(data)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._keep_cookie(value)
            else:
                headers[name] = value
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")
            body = b"".join(chunks)
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        location = headers.get("location", "")
        if location:
            location = urllib.parse.urljoin(self.origin + "/", location)
        return Response(status, location, body.decode("utf-8", "replace"), 0.0)

    def _keep_cookie(self, value: str) -> None:
        pair, *options = value.split(";")
        name, _, content = pair.partition("=")
        gone = any(o.strip().lower() in ("max-age=0", "max-age=-1") for o in options)
        if gone or not content or "expires=thu, 01 jan 1970" in value.lower():
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = content.strip()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# -- The people ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the people saw: latencies by kind, acknowledged answers and failures."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    acknowledged: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    started: int = 0
    finished: int = 0
    photos: int = 0

    def add(self, kind: str, ms: float) -> None:
        self.ms.setdefault(kind, []).append(ms)


def kind_of(method: str, url: str) -> str:
    """Name a request for the figures: question pages and answer posts apart from the rest."""
    parts = urllib.parse.urlsplit(url)
    if _QUESTION_PATH.search(parts.path):
        if method == "GET":
            return "question_page" if not parts.query else "other_page"
        return "answer_post"
    if "/media/add/" in parts.path and method == "POST":
        return "photo_post"
    return "other_page" if method == "GET" else "other_post"


async def journey(
    browser: Browser,
    base_url: str,
    tally: Tally,
    rng: random.Random,
    journey_id: str,
    think: float,
    photo: bytes | None,
) -> None:
    """Walk one person from the welcome page to the thank-you page, reading every page."""
    base = urllib.parse.urlsplit(base_url).path.rstrip("/")
    words = f"load {journey_id}"
    url = base_url
    wants_photo = photo is not None
    for _ in range(100):
        page = await browser.request("GET", url)
        tally.add(kind_of("GET", url), page.ms)
        if page.status in (301, 302, 303, 307, 308):
            url = page.location
            continue
        if page.status != 200:
            raise RuntimeError(f"GET {url} answered {page.status}")
        path = urllib.parse.urlsplit(url).path
        if path.endswith("/thanks"):
            return
        if think:
            # A person reads the page and makes their choice before going on.
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        form = journey_form(page_forms(page.text, url), url)
        if form is None:
            onward = start_link(page.text, url, base)
            if onward is None:
                raise RuntimeError(f"nothing to press on {url}")
            url = onward
            continue
        question = _QUESTION_PATH.search(path)
        is_upload = "/media/add/" in path
        wanted = "media-photo" if question and wants_photo else ""
        values, files, chosen = fill(form, rng, words, photo if is_upload else None)
        button = choose_button(form, wanted)
        if button is not None and button.get("name"):
            values.append((button["name"], button.get("value", "")))
        if files:
            body, content_type = multipart(values, files)
        elif form.enctype == "multipart/form-data":
            body, content_type = multipart(values, [])
        else:
            body = urllib.parse.urlencode(values).encode()
            content_type = "application/x-www-form-urlencoded"
        sent = await browser.request("POST", form.action, body, content_type)
        tally.add(kind_of("POST", form.action), sent.ms)
        if sent.status not in (302, 303):
            raise RuntimeError(f"POST {form.action} answered {sent.status}")
        if question and "answer" in chosen:
            tally.acknowledged[(journey_id, question.group(1))] = chosen["answer"]
            if wanted and button is not None and button.get("value") == wanted:
                wants_photo = False
        if is_upload and files:
            tally.photos += 1
        url = sent.location
    raise RuntimeError(f"journey {journey_id} did not reach the thank-you page")


async def person(
    number: int,
    new_browser: Callable[[], Browser],
    base_url: str,
    tally: Tally,
    args,
    stop_at: float,
    seed: int,
    prefix: str = "",
) -> None:
    """Be one of the people at once: journeys one after another until time is up.

    Each journey starts with a fresh browser from `new_browser`, with no cookies.
    """
    rng = random.Random(seed * 100_003 + number)
    if args.think:
        # People arrive over a while, not all in the same millisecond.
        await asyncio.sleep(rng.uniform(0, args.think))
    count = 0
    while time.monotonic() < stop_at:
        count += 1
        journey_id = f"{prefix}{number}-{count}"
        photo = respondents.photo_bytes() if rng.random() < args.photo_share else None
        browser = new_browser()
        tally.started += 1
        try:
            await journey(browser, base_url, tally, rng, journey_id, args.think, photo)
            tally.finished += 1
        except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
            tally.errors.append(f"{journey_id}: {type(error).__name__}: {error}")
        finally:
            browser.close()


# -- The server's side: CPU and memory from /proc -----------------------------------------------


def server_pids(master: int) -> list[int]:
    """Return the gunicorn master and its workers."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [master, *map(int, children)]


def cpu_seconds(pid: int) -> float:
    """Return a process's own user and system CPU seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> tuple[int, int]:
    """Return a process's resident and proportional set sizes, in kB."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


class Watch:
    """Sample the server's memory and CPU, the load average and the latest latencies every 10 s.

    The figures a window at a time show whether slow requests came with the machine's load.
    """

    def __init__(self, master: int, tally: Tally):
        self.master = master
        self.tally = tally
        self.seen: dict[str, int] = {}
        self.started = time.monotonic()
        self.cpu_first: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}
        self.samples: list[dict] = []
        self.lag_ms: list[float] = []
        self.sample()

    def sample(self) -> None:
        rss = pss = 0
        for pid in server_pids(self.master):
            try:
                seconds = cpu_seconds(pid)
                one_rss, one_pss = memory_kb(pid)
            except OSError:
                continue
            self.cpu_first.setdefault(pid, seconds if not self.samples else 0.0)
            self.cpu_last[pid] = seconds
            rss += one_rss
            pss += one_pss
        window = {}
        for kind in ("question_page", "answer_post"):
            values = self.tally.ms.get(kind, [])
            latest = values[self.seen.get(kind, 0) :]
            window[f"{kind}_p95"] = (
                round(respondents.percentile(latest, 0.95), 1) if latest else None
            )
            self.seen[kind] = len(values)
        cpu = self.server_cpu()
        self.samples.append(
            {
                "second": round(time.monotonic() - self.started),
                "rss_mb": round(rss / 1024, 1),
                "pss_mb": round(pss / 1024, 1),
                "load": float(Path("/proc/loadavg").read_text().split()[0]),
                "server_cpu_s": round(cpu, 1),
                **window,
            }
        )

    def server_cpu(self) -> float:
        return sum(self.cpu_last[pid] - self.cpu_first[pid] for pid in self.cpu_last)

    async def run(self) -> None:
        """Sample every 10 s; between, measure how late this event loop wakes (client lag)."""
        next_sample = time.monotonic() + SAMPLE_SECONDS
        while True:
            asked = time.monotonic()
            await asyncio.sleep(0.1)
            self.lag_ms.append((time.monotonic() - asked - 0.1) * 1000)
            if time.monotonic() >= next_sample:
                self.sample()
                next_sample += SAMPLE_SECONDS


def flatness(samples: list[dict], load_seconds: float) -> dict:
    """Compare the server's memory in the second minute with the last minute of full load."""
    second = [s["rss_mb"] for s in samples if 60 <= s["second"] < 120]
    last = [s["rss_mb"] for s in samples if load_seconds - 60 <= s["second"] <= load_seconds]
    if not second or not last or load_seconds < 180:
        return {"flat": None, "note": "needs a run of 3 minutes or more"}
    before, after = sum(second) / len(second), sum(last) / len(last)
    change = (after - before) / before * 100
    return {
        "second_minute_rss_mb": round(before, 1),
        "last_minute_rss_mb": round(after, 1),
        "change_percent": round(change, 1),
        "flat": abs(change) <= 5,
    }


# -- Putting it together ------------------------------------------------------------------------


def make_campaign(instance: Path) -> str:
    """Make the benchmark's campaign in a new instance; return its link code."""
    engage_command(instance, "init")
    link = engage_command(
        instance,
        "campaign",
        "create",
        "--framework",
        "cqc-la",
        "--statements",
        "QS1,QS4,QS7",
        "--title",
        "Load test",
    )
    return link.strip().splitlines()[-1].rstrip("/").rsplit("/", 1)[1]


def check_saved(database: Path, tally: Tally) -> dict:
    """Match the answers in the database with the answers the people were told were saved."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT free_text, question_id, value FROM answers").fetchall()
        photos = db.execute("SELECT count(*) FROM media_items WHERE kind = 'photo'").fetchone()[0]
    saved: dict[tuple[str, str], list[str]] = {}
    for free_text, question_id, value in rows:
        saved.setdefault((free_text.removeprefix("load "), question_id), []).append(value)
    lost = sum(1 for key, value in tally.acknowledged.items() if value not in saved.get(key, []))
    return {
        "answers_acknowledged": len(tally.acknowledged),
        "answers_saved": len(rows),
        "lost": lost,
        "duplicated": sum(len(values) - 1 for values in saved.values() if len(values) > 1),
        "photos_saved": photos,
    }


def spread(values: list[float]) -> dict:
    return {
        "count": len(values),
        "p50": round(respondents.percentile(values, 0.50), 1),
        "p95": round(respondents.percentile(values, 0.95), 1),
        "p99": round(respondents.percentile(values, 0.99), 1),
        "max": round(max(values), 1) if values else None,
    }


async def drive(server: Server, code: str, args, seconds: float) -> tuple[Tally, Watch, dict]:
    """Run the people against a server until time is up and every journey has ended."""
    tally = Tally()
    watch = Watch(server.process.pid, tally)
    watcher = asyncio.create_task(watch.run())
    base_url = f"{server.url}/s/{code}/"
    started = time.monotonic()
    stop_at = started + seconds
    cpu_before = time.process_time()
    people = [
        asyncio.create_task(
            person(
                n,
                functools.partial(Browser, "127.0.0.1", server.port),
                base_url,
                tally,
                args,
                stop_at,
                args.seed,
            )
        )
        for n in range(args.people)
    ]
    await asyncio.gather(*people)
    ended = time.monotonic()
    watch.sample()
    watcher.cancel()
    timing = {
        "seconds_full_load": round(seconds, 1),
        "seconds_with_last_journeys": round(ended - started, 1),
        "client_cpu_seconds": round(time.process_time() - cpu_before, 1),
    }
    return tally, watch, timing


def run_load(args) -> dict:
    """Serve a new instance, run the people, check the database; return the figures."""
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        code = make_campaign(instance)
        with Server.engage(
            instance, workers=args.workers, log=Path(folder) / "server.log"
        ) as server:
            tally, watch, timing = asyncio.run(drive(server, code, args, seconds))
            tracebacks = server.tracebacks()
        saved = check_saved(instance / "engage.db", tally)
    requests = sum(len(values) for values in tally.ms.values())
    lag = sorted(watch.lag_ms)
    return {
        "people": args.people,
        "minutes": args.minutes,
        "think_seconds": args.think,
        "photo_share": args.photo_share,
        "server_workers": args.workers,
        **timing,
        "journeys_started": tally.started,
        "journeys_finished": tally.finished,
        "photos_sent": tally.photos,
        "errors": len(tally.errors),
        "first_errors": tally.errors[:5],
        "server_tracebacks": len(tracebacks),
        # The last line of each traceback names the error; the log goes with the instance.
        "server_errors": sorted({part.strip().splitlines()[-1] for part in tracebacks}),
        **saved,
        "requests": requests,
        "requests_per_second": round(requests / timing["seconds_with_last_journeys"], 1),
        "ms": {kind: spread(values) for kind, values in sorted(tally.ms.items())},
        "server_cpu_ms_per_request": round(watch.server_cpu() / max(requests, 1) * 1000, 2),
        "client_cpu_ms_per_request": round(
            timing["client_cpu_seconds"] / max(requests, 1) * 1000, 2
        ),
        "client_loop_lag_ms": {
            "p50": round(respondents.percentile(lag, 0.5), 1),
            "p99": round(respondents.percentile(lag, 0.99), 1),
            "max": round(lag[-1], 1) if lag else None,
        },
        "memory": flatness(watch.samples, seconds),
        "load_average_max": max(s["load"] for s in watch.samples),
        "samples": watch.samples,
    }


# -- Where the time goes ------------------------------------------------------------------------


def _short(filename: str) -> str:
    """Name a file by its place in the project, an installed package or the standard library."""
    project = str(Path(__file__).resolve().parents[1]) + "/"
    return re.sub(r"^.*(site-packages|lib/python3\.\d+)/", "", filename.replace(project, ""))


def top_functions(profile: cProfile.Profile, calls: int, count: int) -> list[str]:
    """Return the functions with the most cumulative time, in ms per request."""
    stats = pstats.Stats(profile, stream=io.StringIO()).stats
    here = str(Path(__file__).resolve())
    rows = sorted(
        (item for item in stats.items() if item[0][0] != here),
        key=lambda item: item[1][3],
        reverse=True,
    )
    lines = ["cumulative ms | own ms | calls | function", "---: | ---: | ---: | ---"]
    for (filename, line, name), (_, total_calls, own, cumulative, _) in rows[:count]:
        where = f"{_short(filename)}:{line} {name}" if line else name
        lines.append(
            f"{cumulative / calls * 1000:.3f} | {own / calls * 1000:.3f} | "
            f"{total_calls / calls:g} | `{where}`"
        )
    return lines


def profile(calls: int, count: int) -> dict:
    """Answer a question page and an answer post `calls` times each in process, under cProfile."""
    from engage import create_app
    from engage.server import warm_up

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        code = make_campaign(instance)
        app = create_app({"INSTANCE_PATH": str(instance), "NARRATION_PRERENDER": False})
        with app.app_context():
            warm_up(app)
        client = app.test_client()
        base = f"http://localhost/s/{code}/"
        url = base
        rng = random.Random(1)
        # Walk to the first question the way the load's people do.
        while "/q/" not in url:
            page = client.get(url)
            if page.status_code in (301, 302, 303):
                url = urllib.parse.urljoin(url, page.location)
                continue
            text = page.get_data(as_text=True)
            form = journey_form(page_forms(text, url), url)
            if form is None:
                url = start_link(text, url, f"/s/{code}")
                continue
            values, _, _ = fill(form, rng, "load profile", None)
            button = choose_button(form)
            if button is not None and button.get("name"):
                values.append((button["name"], button.get("value", "")))
            sent = client.post(form.action, data=dict(values))
            url = urllib.parse.urljoin(url, sent.location)
        page = client.get(url).get_data(as_text=True)
        form = journey_form(page_forms(page, url), url)
        values, _, _ = fill(form, rng, "load profile", None)
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        headers = {"Cookie": f"{cookie.key}={cookie.value}"}
        path = urllib.parse.urlsplit(url).path
        page_environ = EnvironBuilder(path=path, headers=headers).get_environ()
        bodies = [
            urllib.parse.urlencode(dict(values, answer=value, action="continue")).encode()
            for value in respondents.VALUES
        ]
        post_environ = EnvironBuilder(
            path=path,
            method="POST",
            headers=headers,
            data=bodies[0],
            content_type="application/x-www-form-urlencoded",
        ).get_environ()

        def call(environ: dict, body: bytes, expected: str) -> None:
            # Called as the server calls it: the app's WSGI callable, with a fresh body.
            environ = dict(environ, **{"wsgi.input": io.BytesIO(body)})
            environ["CONTENT_LENGTH"] = str(len(body))
            statuses = []
            answer = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
            b"".join(answer)
            getattr(answer, "close", lambda: None)()
            if not statuses[0].startswith(expected):
                raise RuntimeError(f"{environ['REQUEST_METHOD']} {path} answered {statuses[0]}")

        def question_page(number: int) -> None:
            call(page_environ, b"", "200")

        def answer_post(number: int) -> None:
            call(post_environ, bodies[number % len(bodies)], "302")

        results = {}
        for name, one in (("question_page", question_page), ("answer_post", answer_post)):
            for number in range(50):
                one(number)
            started, cpu = time.perf_counter(), time.process_time()
            for number in range(calls):
                one(number)
            plain_ms = (time.perf_counter() - started) / calls * 1000
            cpu_ms = (time.process_time() - cpu) / calls * 1000
            profiler = cProfile.Profile()
            profiler.enable()
            for number in range(calls):
                one(number)
            profiler.disable()
            results[name] = {
                "ms_per_request": round(plain_ms, 3),
                "cpu_ms_per_request": round(cpu_ms, 3),
                "top": top_functions(profiler, calls, count),
            }
    return results


def main(argv: list[str] | None = None) -> dict:
    """Run the load (or the profile) and print its figures."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1000, help="people part-way at once")
    parser.add_argument("--minutes", type=float, default=10, help="minutes of full load")
    parser.add_argument("--think", type=float, default=10, help="mean seconds spent on a page")
    parser.add_argument("--photo-share", type=float, default=0.2, help="share sending a photo")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--profile", action="store_true", help="profile pages in process instead")
    parser.add_argument("--calls", type=int, default=500, help="requests profiled of each kind")
    parser.add_argument("--top", type=int, default=25, help="functions listed per profile")
    args = parser.parse_args(argv)
    if args.profile:
        result = profile(args.calls, args.top)
        for name, found in result.items():
            print(
                f"\n{name}: {found['ms_per_request']} ms a request in process, unprofiled "
                f"({found['cpu_ms_per_request']} ms of CPU)\n"
            )
            print("\n".join(found["top"]))
    else:
        result = run_load(args)
        print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))
        print("memory and load every 10 s:", json.dumps(result["samples"]), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
