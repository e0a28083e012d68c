"""Narration benchmark: the whole CQC question set cold and warm, and a question page's bytes.

Run with `python -m benchmarks.narration`. It works in a temporary instance folder, renders with
the real espeak-ng and ffmpeg, and loads pages in Debian's Chromium.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from engage import create_app
from engage.campaigns import create as create_campaign
from engage.store import get_db
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET, LiveServer


def _audio_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.glob("*/*") if p.suffix in (".ogg", ".mp3")]
    return len(files), sum(p.stat().st_size for p in files)


def narrate_cqc(instance: Path) -> dict:
    """Render every clip of a campaign over all nine CQC statements, twice."""
    app = create_app({"INSTANCE_PATH": str(instance), "NARRATION_PRERENDER": False})
    with app.app_context():
        campaign = create_campaign(
            get_db(), framework_id="cqc-la", statement_ids=[], title="Benchmark"
        )
    runner = app.test_cli_runner()
    figures = {"questions": None}
    with app.app_context():
        figures["questions"] = (
            get_db()
            .execute(
                "SELECT COUNT(*) FROM campaign_questions WHERE campaign_id = ?", [campaign["id"]]
            )
            .fetchone()[0]
        )
    for run in ("cold", "warm"):
        started = time.perf_counter()
        result = runner.invoke(args=["narrate", campaign["code"]])
        seconds = time.perf_counter() - started
        if result.exit_code != 0:
            raise SystemExit(result.output)
        summary = next(line for line in result.output.splitlines() if " clips: " in line)
        files, size = _audio_bytes(instance / "audio")
        figures[run] = {"seconds": round(seconds, 1), "summary": summary}
        figures["files"], figures["bytes"] = files, size
    return figures


class _Bytes:
    """Count the bytes a page pulls over the network, from Chromium's own accounting."""

    def __init__(self, page):
        self.total = 0
        self.requests = 0
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.loadingFinished", self._finished)

    def _finished(self, event) -> None:
        self.total += int(event["encodedDataLength"])
        self.requests += 1

    def take(self) -> tuple[int, int]:
        total, requests = self.total, self.requests
        self.total = self.requests = 0
        return total, requests


def page_bytes(instance: Path) -> dict:
    """Load question 1 then question 2 with pictures and narration on; then play every clip."""
    from playwright.sync_api import sync_playwright

    app = create_app({"INSTANCE_PATH": str(instance)})
    server = LiveServer(app)
    campaign = server.campaign(statement_ids=["QS1"])
    base = f"{server.url}/s/{campaign['code']}"
    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(**TABLET).new_page()
        page.goto(f"{base}/consent")
        for name, value in (("take_part", "yes"), ("quote", "no"), ("media", "no")):
            page.locator(f"label[for='{name}-{value}']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
        page.locator("label[for='respondent_group-person']").click()
        page.locator("label[for='answered_how-own']").click()
        counter = _Bytes(page)
        # A fresh cache, as a respondent arriving at the first question on a new tablet would have.
        session = page.context.new_cdp_session(page)
        session.send("Network.clearBrowserCache")
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
        page.wait_for_load_state("networkidle")
        figures["first question page"] = counter.take()
        page.locator("label[for='answer-good']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue", exact=True).click()
        page.wait_for_load_state("networkidle")
        figures["second question page"] = counter.take()
        clips = page.locator("main .say__button")
        for index in range(clips.count()):
            clips.nth(index).click()
            page.wait_for_function(
                "i => document.querySelectorAll('main .say__button')[i]"
                ".nextElementSibling.readyState >= 3",
                arg=index,
            )
            clips.nth(index).click()
        page.wait_for_load_state("networkidle")
        figures["every clip on the second page, played"] = counter.take()
        figures["clips on the second page"] = clips.count()
        browser.close()
    server.stop()
    return figures


def main() -> None:
    """Print the figures docs/performance.md records."""
    print(f"CPU cores: {os.cpu_count()}; Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder:
        cqc = narrate_cqc(Path(folder) / "cqc")
        print(f"CQC question set: {cqc['questions']} questions")
        for run in ("cold", "warm"):
            print(f"  {run}: {cqc[run]['seconds']} s ({cqc[run]['summary']})")
        print(f"  clip files (Ogg + MP3): {cqc['files']}, {cqc['bytes'] / 1024:.0f} KiB in all")
        for label, value in page_bytes(Path(folder) / "pages").items():
            if isinstance(value, tuple):
                print(f"{label}: {value[0] / 1024:.1f} KiB in {value[1]} requests")
            else:
                print(f"{label}: {value}")


if __name__ == "__main__":
    main()
