"""Many servers: one PostgreSQL, two `engage serve` processes, people on both, one killed.

    python -m benchmarks.cluster [--people 100] [--seconds 30] [--think 2] [--photo-share 0.1]

Starts a throwaway PostgreSQL cluster (durable settings: fsync and synchronous commit on) and
two engage servers, each with its own instance folder, sharing the database
(`ENGAGE_DATABASE_URL`), the media folder (`ENGAGE_MEDIA_DIR`) and the signing key
(`ENGAGE_SECRET_KEY`), as two machines behind a load balancer would. The simulated people of
benchmarks/load.py then walk whole journeys, each request going to the next server in turn,
the way a round-robin balancer sends them; a person's cookie is shared by both servers.

Three runs of `--seconds` each: one server alone; both servers; both servers with one killed
(`kill -9` of its whole process group) half-way through, after which its people move to the
one left, as a balancer does when a server stops answering (a request cut off by the kill is
sent again to the other server, as a person presses the button again). Between the runs a lead
signs in on one server, renames the campaign and adds a picture there, and the other server
must show the new name and send the same picture at the next request.

Reports, per run, p50/p95/p99 of question pages and answer posts, requests a second and the
load average, and checks every answer the servers acknowledged is in the database exactly
once. Exits non-zero if any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import respondents
from benchmarks.load import Browser, Response, Tally, page_forms, person, spread
from benchmarks.server import ENGAGE, ROOT, Server, free_port
from tests.pgserver import PgServer

LEAD_EMAIL = "lead@example.org"
# Made afresh each run: the lead exists only in the run's throwaway database.
LEAD_PASSWORD = secrets.token_urlsafe(18)
NEW_TITLE = "Renamed on one server, shown by the other"


# -- The servers ---------------------------------------------------------------------------------


@dataclass
class Cluster:
    """The shared settings and the servers serving them."""

    folder: Path
    database_url: str
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    servers: dict[str, Server] = field(default_factory=dict)

    def env(self, name: str) -> dict[str, str]:
        """Return one server's environment: its own instance folder, everything else shared."""
        return {
            "ENGAGE_INSTANCE": str(self.folder / name),
            "ENGAGE_DATABASE_URL": self.database_url,
            "ENGAGE_MEDIA_DIR": str(self.folder / "media"),
            "ENGAGE_SECRET_KEY": self.secret_key,
            # As in benchmarks/load.py: clips are made when played, not on the measured cores.
            "ENGAGE_NARRATION_PRERENDER": "false",
        }

    def command(self, *args: str, stdin: str = "") -> str:
        """Run an engage command as the first server would; return what it printed."""
        done = subprocess.run(
            [ENGAGE, *args],
            env={**os.environ, **self.env("one")},
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if done.returncode:
            raise RuntimeError(f"engage {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done.stdout

    def start(self, name: str, workers: int) -> Server:
        """Start one server on a port of its own."""
        port = free_port()
        server = Server(
            [ENGAGE, "serve", "--port", str(port), "--workers", str(workers)],
            port,
            {**self.env(name), "PORT": str(port)},
            self.folder / f"{name}.log",
        )
        self.servers[name] = server
        return server

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


class Balancer:
    """Which servers still answer; people send each request to the next of them in turn."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = list(ports)
        self.down: set[int] = set()
        self.resent = 0
        self.served: dict[int, int] = dict.fromkeys(ports, 0)

    def alive(self) -> list[int]:
        return [port for port in self.ports if port not in self.down]


class BalancedBrowser:
    """One person's browser behind a round-robin balancer: one cookie jar for every server."""

    def __init__(self, balancer: Balancer, turn: int) -> None:
        self.balancer = balancer
        self.turn = turn
        self.cookies: dict[str, str] = {}
        self.browsers: dict[int, Browser] = {}

    def _browser(self, port: int) -> Browser:
        browser = self.browsers.get(port)
        if browser is None:
            browser = self.browsers[port] = Browser("127.0.0.1", port)
            browser.cookies = self.cookies
        return browser

    async def request(
        self, method: str, url: str, body: bytes = b"", content_type: str = ""
    ) -> Response:
        """Send a request to the next server; one that does not answer is marked down."""
        while alive := self.balancer.alive():
            port = alive[self.turn % len(alive)]
            self.turn += 1
            try:
                response = await self._browser(port).request(method, url, body, content_type)
            except (OSError, asyncio.IncompleteReadError):
                # The balancer stops sending to a server that refuses or drops connections;
                # the person's request goes again to one that answers.
                self.balancer.down.add(port)
                self.balancer.resent += 1
                continue
            self.balancer.served[port] += 1
            return response
        raise RuntimeError("no server is left")

    def close(self) -> None:
        for browser in self.browsers.values():
            browser.close()


# -- The people ----------------------------------------------------------------------------------


async def drive(ports, base_url, args, prefix, kill=None) -> tuple[Tally, Balancer, dict]:
    """Run the people against the servers; call `kill` half-way through, if given."""
    tally = Tally()
    balancer = Balancer(ports)
    started = time.monotonic()
    stop_at = started + args.seconds
    loads: list[float] = []

    async def watch() -> None:
        while True:
            loads.append(os.getloadavg()[0])
            await asyncio.sleep(5)

    async def kill_later() -> None:
        await asyncio.sleep(args.seconds / 2)
        kill(balancer)

    tasks = [asyncio.create_task(watch())]
    if kill is not None:
        tasks.append(asyncio.create_task(kill_later()))
    await asyncio.gather(
        *(
            person(
                n,
                functools.partial(BalancedBrowser, balancer, n),
                base_url,
                tally,
                args,
                stop_at,
                args.seed,
                prefix,
            )
            for n in range(args.people)
        )
    )
    ended = time.monotonic()
    for task in tasks:
        task.cancel()
    loads.append(os.getloadavg()[0])
    return tally, balancer, {"seconds": round(ended - started, 1), "load_average_max": max(loads)}


def check_saved(database_url: str, tally: Tally) -> dict:
    """Match every acknowledged answer with the database: none lost, none twice."""
    import psycopg

    with psycopg.connect(database_url) as db:
        rows = db.execute("SELECT free_text, question_id, value FROM answers").fetchall()
        photos = db.execute("SELECT COUNT(*) FROM media_items WHERE kind = 'photo'").fetchone()
    saved: dict[tuple[str, str], list[str]] = {}
    for free_text, question_id, value in rows:
        saved.setdefault(((free_text or "").removeprefix("load "), question_id), []).append(value)
    return {
        "answers_acknowledged": len(tally.acknowledged),
        "lost": sum(
            1 for key, value in tally.acknowledged.items() if value not in saved.get(key, [])
        ),
        "duplicated": sum(
            len(saved.get(key, [])) - 1 for key in tally.acknowledged if len(saved.get(key, [])) > 1
        ),
        "photos_sent": tally.photos,
        # Every run so far: the runs share the database.
        "photos_saved_in_all": photos[0],
    }


def figures(tally: Tally, balancer: Balancer, timing: dict, saved: dict) -> dict:
    requests = sum(len(values) for values in tally.ms.values())
    return {
        **timing,
        "journeys_started": tally.started,
        "journeys_finished": tally.finished,
        "errors": len(tally.errors),
        "first_errors": tally.errors[:3],
        "requests": requests,
        "requests_per_second": round(requests / timing["seconds"], 1),
        "requests_by_server": list(balancer.served.values()),
        "requests_sent_again": balancer.resent,
        "ms": {
            kind: spread(tally.ms[kind])
            for kind in ("question_page", "answer_post")
            if kind in tally.ms
        },
        **saved,
    }


# -- A lead on one server, seen from the other ---------------------------------------------------


async def _submit(browser: Browser, url: str, change: dict, files=None) -> Response:
    """Fill the page's form that posts to itself with its own values and `change`; send it."""
    from benchmarks.load import multipart

    page = await browser.request("GET", url)
    # The page's own form, not the navigation's (signing out is a form too).
    here = urllib.parse.urlsplit(url).path
    form = next(
        (
            f
            for f in page_forms(page.text, url)
            if f.method == "post" and urllib.parse.urlsplit(f.action).path == here
        ),
        None,
    )
    if form is None:
        raise RuntimeError(f"GET {url} answered {page.status} with no form to send")
    values = []
    for control in form.fields:
        name = control.get("name")
        kind = control.get("type", "text").lower() if control["tag"] == "input" else control["tag"]
        if not name or kind in ("file", "submit", "button"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in control:
            continue
        values.append((name, change.pop(name, control.get("value", ""))))
    values += list(change.items())
    if files or form.enctype == "multipart/form-data":
        body, content_type = multipart(values, files or [])
    else:
        body = urllib.parse.urlencode(values).encode()
        content_type = "application/x-www-form-urlencoded"
    return await browser.request("POST", form.action, body, content_type)


async def lead_edits_one_server_other_shows(cluster: Cluster, code: str) -> dict:
    """Rename the campaign and add a picture through one server; read both from the other."""
    one = Browser("127.0.0.1", cluster.servers["one"].port)
    two = Browser("127.0.0.1", cluster.servers["two"].port)
    try:
        signed = await _submit(
            one, f"{one.origin}/staff/sign-in", {"email": LEAD_EMAIL, "password": LEAD_PASSWORD}
        )
        settings = f"{one.origin}/staff/campaigns/{code}/settings"
        renamed = await _submit(one, settings, {"title": NEW_TITLE})
        welcome = await two.request("GET", f"{two.origin}/s/{code}/")
        pictures = f"{one.origin}/staff/campaigns/{code}/pictures"
        photo = respondents.photo_bytes()
        added = await _submit(
            one, pictures, {"alt": "A photo added on one server"}, [("picture", "p.jpg", photo)]
        )
        listed = await one.request("GET", pictures)
        found = re.search(r"/pictures/own/\d+/", listed.text)
        sent = {}
        for size in ("small", "large") if found else ():
            for name, browser in (("one", one), ("two", two)):
                got = await browser.request("GET", f"{browser.origin}{found.group(0)}{size}")
                sent[name, size] = (got.status, got.text)
    finally:
        one.close()
        two.close()
    return {
        "lead_signed_in_on_one": signed.status in (302, 303),
        "rename_on_one_acknowledged": renamed.status in (302, 303),
        "other_server_shows_new_title": NEW_TITLE in welcome.text,
        "picture_added_on_one": added.status in (302, 303) and found is not None,
        "other_server_sends_same_picture": bool(sent)
        and all(sent["two", size] == sent["one", size] for size in ("small", "large"))
        and sent["two", "large"][0] == 200,
    }


# -- The runs ------------------------------------------------------------------------------------


def run(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="engage-cluster-") as folder:
        root = Path(folder)
        # A folder of its own in /tmp: run as root, the server runs as the postgres user,
        # who cannot enter this run's private folder.
        pg_folder = Path(tempfile.mkdtemp(prefix="engage-cluster-pg-"))
        database = PgServer(pg_folder, port=free_port(), durable=True).start()
        cluster = Cluster(root, database.create_database("engage"))
        try:
            cluster.command("init")
            link = cluster.command(
                "campaign", "create", "--framework", "cqc-la", "--statements", "QS1,QS4,QS7",
                "--title", "Cluster test",
            )  # fmt: skip
            code = link.strip().splitlines()[-1].rstrip("/").rsplit("/", 1)[1]
            cluster.command(
                "user", "create", "--role", "lead", "--email", LEAD_EMAIL, "--name", "Lead",
                "--password-stdin", stdin=LEAD_PASSWORD + "\n",
            )  # fmt: skip
            one = cluster.start("one", args.workers)
            base = f"{one.url}/s/{code}/"
            results: dict = {"people": args.people, "seconds": args.seconds}

            tally, balancer, timing = asyncio.run(drive([one.port], base, args, "a"))
            results["one_server"] = figures(
                tally, balancer, timing, check_saved(cluster.database_url, tally)
            )

            two = cluster.start("two", args.workers)
            tally, balancer, timing = asyncio.run(drive([one.port, two.port], base, args, "b"))
            results["two_servers"] = figures(
                tally, balancer, timing, check_saved(cluster.database_url, tally)
            )
            results["shared"] = asyncio.run(lead_edits_one_server_other_shows(cluster, code))

            killed = {}

            def kill(balancer: Balancer) -> None:
                killed["after_requests"] = sum(balancer.served.values())
                two.kill()

            tally, balancer, timing = asyncio.run(
                drive([one.port, two.port], base, args, "c", kill)
            )
            results["one_killed"] = {
                **figures(tally, balancer, timing, check_saved(cluster.database_url, tally)),
                "killed_after_requests": killed.get("after_requests"),
                "survivor_answers_after": one.process.poll() is None,
            }
            results["server_tracebacks"] = {
                name: len(server.tracebacks()) for name, server in cluster.servers.items()
            }
        finally:
            cluster.stop()
            database.stop()
    return results


def failures(results: dict) -> list[str]:
    """Return what the run shows to be wrong: lost or doubled answers, a server not sharing."""
    found = []
    for run_name in ("one_server", "two_servers", "one_killed"):
        figures = results[run_name]
        for check in ("lost", "duplicated", "errors"):
            if figures[check]:
                found.append(f"{run_name}: {figures[check]} {check}")
    sent = sum(results[name]["photos_sent"] for name in ("one_server", "two_servers", "one_killed"))
    saved = results["one_killed"]["photos_saved_in_all"]
    if saved < sent:
        found.append(f"{sent} photos acknowledged, {saved} saved")
    found += [name for name, ok in results["shared"].items() if not ok]
    if not results["one_killed"]["survivor_answers_after"]:
        found.append("the surviving server stopped")
    return found


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100, help="people part-way at once")
    parser.add_argument("--seconds", type=float, default=30, help="seconds of each run")
    parser.add_argument("--think", type=float, default=2, help="mean seconds spent on a page")
    parser.add_argument("--photo-share", type=float, default=0.1, help="share sending a photo")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    results = run(args)
    results["failures"] = failures(results)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    if results["failures"]:
        sys.exit(1)
    return results


if __name__ == "__main__":
    main()
