"""Load: 50 respondents at once through whole journeys against `engage serve`, on loopback.

Reports lost and duplicated answers (checked against what the clients were told was saved),
p50/p95/p99 latency for question pages and answer posts, and question-page throughput as a
ratio to a bare Flask app under the same server in the same run (measured with wrk, in
alternating rounds). It also times both apps' WSGI callables in this process, with no server
and no network, which tells the apps' own cost apart from the machine's noise.

    python -m benchmarks.load [--clients 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder

from benchmarks import respondents
from benchmarks.server import Server, engage_command


def wrk_requests_per_second(url: str, cookie: str = "", seconds: int = 10) -> float | None:
    """Measure requests a second with wrk (20 connections, 2 threads), or None without wrk."""
    if not shutil.which("wrk"):
        return None
    argv = ["wrk", "-t2", "-c20", f"-d{seconds}s", "--latency"]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"wrk saw {non_2xx.group(1)} failed responses at {url}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def question_page_with_cookie(server: Server, code: str) -> tuple[str, str]:
    """Start a respondent session and return a question page's URL and the session cookie."""
    browser = respondents.Browser("127.0.0.1", server.port)
    _, _, page, _ = browser.request("GET", f"/s/{code}/consent")
    token = respondents.TOKEN.search(page).group(1)
    form = {"csrf_token": token, "take_part": "yes", "quote": "no", "media": "no"}
    browser.request("POST", f"/s/{code}/consent", form)
    form = {"csrf_token": token, "respondent_group": "person", "answered_how": "own"}
    _, location, _, _ = browser.request("POST", f"/s/{code}/who", form)
    browser.close()
    return server.url + location, browser.cookie


def throughput_rounds(url: str, cookie: str, bare_url: str, args) -> dict:
    """Measure engage and the bare app in alternating rounds; report medians and the ratio.

    The machine's speed drifts from minute to minute (shared cores), so one long run of each
    compares two different machines; pairs of short runs side by side compare like with like.
    """
    engage_rps, bare_rps, ratios = [], [], []
    for _ in range(args.rounds):
        engage = wrk_requests_per_second(url, cookie, args.wrk_seconds)
        bare = wrk_requests_per_second(bare_url, "", args.wrk_seconds)
        if engage is None or bare is None:
            return {"question_page_rps": None, "bare_flask_rps": None, "throughput_ratio": None}
        engage_rps.append(engage)
        bare_rps.append(bare)
        ratios.append(engage / bare)
    return {
        "question_page_rps": round(statistics.median(engage_rps), 1),
        "bare_flask_rps": round(statistics.median(bare_rps), 1),
        "throughput_ratio": round(statistics.median(ratios), 3),
        "throughput_ratio_rounds": [round(ratio, 3) for ratio in ratios],
    }


def wsgi_ms(app, path: str, cookie: str = "", calls: int = 2000) -> float:
    """Return a WSGI app's milliseconds per request for one page, the best of five runs."""
    environ = EnvironBuilder(path=path, headers={"Cookie": cookie} if cookie else {}).get_environ()

    def one() -> None:
        statuses = []
        body = app(dict(environ), lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"{path} answered {statuses[0]}")

    for _ in range(calls // 10):
        one()
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(calls):
            one()
        best = min(best, (time.perf_counter() - started) / calls * 1000)
    return round(best, 3)


def in_process(instance: Path, url: str, cookie: str) -> dict:
    """Time the question page and the bare app's page in this process, as the server calls them."""
    from benchmarks.bare import app as bare_app
    from engage import create_app

    app = create_app({"INSTANCE_PATH": str(instance), "NARRATION_PRERENDER": False})
    question_page = wsgi_ms(app, urlsplit(url).path, cookie)
    bare = wsgi_ms(bare_app, "/")
    return {"question_page": question_page, "bare_flask": bare}


def main(argv: list[str] | None = None) -> dict:
    """Run the load test and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--wrk-seconds", type=int, default=4, help="seconds per wrk round")
    parser.add_argument("--rounds", type=int, default=5, help="wrk rounds of engage, then bare")
    parser.add_argument(
        "--media-share", type=float, default=0.2, help="share of journeys that send a photo"
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a person takes per question"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        engage_command(instance, "init")
        link = (
            engage_command(
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
            .strip()
            .splitlines()[-1]
        )
        code = link.rstrip("/").rsplit("/", 1)[1]
        with Server.engage(instance) as server:
            tally = respondents.run(
                "127.0.0.1",
                server.port,
                code,
                args.clients,
                args.seconds,
                think=args.think,
                media_share=args.media_share,
            )
            saved = json.loads(engage_command(instance, "responses", code, "--json"))
            url, cookie = question_page_with_cookie(server, code)
            with Server.bare_flask() as bare:
                rounds = throughput_rounds(url, cookie, bare.url + "/", args)
        in_process_ms = in_process(instance, url, cookie)

    result = {
        "clients": args.clients,
        "seconds": args.seconds,
        "think_seconds": args.think,
        "journeys_completed": tally.journeys,
        "photos_sent": tally.photos,
        "client_errors": len(tally.errors),
        "first_errors": tally.errors[:3],
        **respondents.compare(tally, saved),
        "question_page_ms": {
            "p50": respondents.percentile(tally.page_ms, 0.50),
            "p95": respondents.percentile(tally.page_ms, 0.95),
            "p99": respondents.percentile(tally.page_ms, 0.99),
            "count": len(tally.page_ms),
        },
        "answer_post_ms": {
            "p50": respondents.percentile(tally.post_ms, 0.50),
            "p95": respondents.percentile(tally.post_ms, 0.95),
            "p99": respondents.percentile(tally.post_ms, 0.99),
            "count": len(tally.post_ms),
        },
        **rounds,
        "in_process_ms": in_process_ms,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
