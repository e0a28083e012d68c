"""Browser tests: engage on a real port, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from engage import create_app
from engage.campaigns import create as create_campaign
from engage.store import get_db

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-gpu",
    "--no-sandbox",
]
TABLET = {
    "viewport": {"width": 1024, "height": 768},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 3,
}


class LiveServer:
    """engage served by werkzeug on a free loopback port, in a daemon thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def campaign(self, **options) -> dict:
        options.setdefault("framework_id", "cqc-la")
        options.setdefault("statement_ids", ["QS1", "QS7"])
        options.setdefault("title", "How is your support?")
        with self.app.app_context():
            return create_campaign(get_db(), **options)

    def query(self, sql: str, params=()) -> list:
        with self.app.app_context():
            return [dict(row) for row in get_db().execute(sql, list(params)).fetchall()]

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("browser-instance")
    # The browser has no internet here: "exit this page" goes to the built-in neutral page.
    app = create_app(
        {"INSTANCE_PATH": str(instance), "LIGHT_PASSWORD_HASHING": True, "EXIT_URL": "/search"}
    )
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context with the options given."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page and return its violations for the WCAG 2.2 AA tags."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # add_script_tag would be blocked by the page's CSP; evaluate is not.
        page.evaluate(AXE_SOURCE.read_text())
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})))",
        AXE_TAGS,
    )


SMALL_TARGETS_JS = """
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.classList.contains('skip-link')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width < 44 || box.height < 44) {
      small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent || el.value || '').trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


def small_targets(page) -> list[str]:
    """Return every visible interactive element smaller than 44 by 44 CSS pixels."""
    return page.evaluate(SMALL_TARGETS_JS)


def sideways_overflow(page) -> int:
    """Return how many CSS pixels the page scrolls sideways (0 when it reflows)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def check_page(page) -> None:
    """Assert the page has no axe violations and no interactive target under 44 px."""
    # A click that submits a form returns before the next page has its stylesheet; measured
    # then, unstyled footer links were once reported as too small.
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"
    assert small_targets(page) == [], f"{page.url}: small targets {small_targets(page)}"
    assert sideways_overflow(page) <= 0, f"{page.url} scrolls sideways"


def agree_and_start(page, base: str, quote: str = "yes", media: str = "yes") -> str:
    """Agree, say who is answering, and land on the first question; return its id."""
    page.goto(f"{base}/consent")
    answers = [("take_part", "yes"), ("quote", quote), ("media", media)]
    answers += [("respondent_group", "person"), ("answered_how", "own")]
    # One question a page: choose, then Continue, five times.
    for name, value in answers:
        page.locator(f"label[for='{name}-{value}']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    return page.url.rsplit("/", 1)[-1]


def start_journey(live_server, page, **campaign_options) -> tuple[str, str]:
    """Make a one-statement campaign and start it on this page; return (base, question)."""
    campaign = live_server.campaign(statement_ids=["QS1"], **campaign_options)
    base = f"{live_server.url}/s/{campaign['code']}"
    return base, agree_and_start(page, base)
