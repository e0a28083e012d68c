"""Read-aloud controls and personal settings in Chromium: every text plays, axe in every look."""

from __future__ import annotations

import itertools
import re

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET, check_page

pytestmark = pytest.mark.browser

PLAY_EVERY_CONTROL_JS = """
async () => {
  const problems = [];
  const buttons = Array.from(document.querySelectorAll('.say__button'));
  for (const button of buttons) {
    const audio = button.nextElementSibling;
    if (button.hidden || !audio || audio.tagName !== 'AUDIO') {
      problems.push(`no working control for ${button.getAttribute('aria-label')}`);
    }
  }
  return {count: buttons.length, problems};
}
"""


def _open_all_details(page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def _play_every_control(page) -> int:
    """Tap each play button in turn; each clip must reach "playing" with a length above 0."""
    _open_all_details(page)
    summary = page.evaluate(PLAY_EVERY_CONTROL_JS)
    assert summary["problems"] == [], summary["problems"]
    buttons = page.locator(".say__button")
    for index in range(buttons.count()):
        button = buttons.nth(index)
        label = button.get_attribute("aria-label")
        button.click()
        page.wait_for_function(
            "i => { const a = document.querySelectorAll('.say__button')[i].nextElementSibling;"
            " return a.dataset.played === 'yes' || (!a.paused && a.readyState >= 2); }",
            arg=index,
        )
        # A short clip can end before this looks (a loaded machine): then the button's state
        # while it played is what counts, and stopping is checked on the clips still playing.
        state = button.evaluate(
            "b => { const a = b.nextElementSibling; return {ended: a.paused, duration: a.duration,"
            " pressed: a.paused ? a.dataset.pressed : b.getAttribute('aria-pressed')}; }"
        )
        assert state["pressed"] == "true", label
        assert state["duration"] > 0, label
        if not state["ended"]:
            button.click()
            assert button.get_attribute("aria-pressed") == "false", label
    return summary["count"]


def _mark_playing(page) -> None:
    """Record each clip's "playing" event, so a short clip that already ended still counts."""
    page.add_init_script(
        "document.addEventListener('playing', e => { e.target.dataset.played = 'yes';"
        " const b = e.target.previousElementSibling;"
        " if (b) { e.target.dataset.pressed = b.getAttribute('aria-pressed'); } }, true);"
    )


def _visit_journey(page, base: str, on_page) -> list[str]:
    """Walk the journey (error states included), calling on_page on every page."""
    seen = []

    def visit():
        seen.append(re.sub(r"^.*/s/[^/]+", "", page.url))
        on_page()

    page.goto(f"{base}/")
    visit()
    page.goto(f"{base}/settings")
    visit()
    page.goto(f"{base}/consent")
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_selector(".error-summary")
    visit()
    answers = [("take_part", "yes"), ("quote", "no"), ("media", "no")]
    for name, value in [*answers, ("respondent_group", "person"), ("answered_how", "own")]:
        page.locator(f"label[for='{name}-{value}']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
        visit()
    first = True
    while "/q/" in page.url:
        if first:
            with page.expect_navigation():
                page.get_by_role("button", name="Save and continue", exact=True).click()
            visit()
            first = False
        visit()
        page.locator("label[for='answer-good']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue", exact=True).click()
    visit()
    page.goto(f"{base}/stop")
    visit()
    page.goto(f"{base}/resume")
    visit()
    page.goto(f"{base}/check")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers", exact=True).click()
    visit()
    return seen


def test_every_text_on_every_respondent_page_plays(live_server, new_page):
    page = new_page(**TABLET)
    _mark_playing(page)
    campaign = live_server.campaign(statement_ids=["QS9"])
    counts = []
    seen = _visit_journey(
        page,
        f"{live_server.url}/s/{campaign['code']}",
        lambda: counts.append(_play_every_control(page)),
    )
    assert {"/", "/settings", "/consent", "/who", "/check", "/stop", "/resume", "/thanks"} <= set(
        seen
    )
    assert all(count > 0 for count in counts), list(zip(seen, counts, strict=True))


def test_read_this_page_plays_in_order_and_stops_at_a_tap(live_server, new_page):
    page = new_page(**TABLET)
    _mark_playing(page)
    campaign = live_server.campaign(statement_ids=["QS1"])
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/s/{campaign['code']}/")
    # Nothing plays, or even downloads, until the person asks.
    assert page.evaluate("Array.from(document.querySelectorAll('audio')).every(a => a.paused)")
    assert not [url for url in requests if "/audio/" in url]

    page.get_by_role("button", name="Read this page to me", exact=True).click()
    order = page.evaluate(
        "Array.from(document.querySelectorAll('main .say__button')).map(b => b.getAttribute('aria-label'))"
    )
    assert order[:2] == [
        "Listen: Tell us what you think",
        "Listen: We want to know how your care and support is going.",
    ]
    page.wait_for_function(
        "() => document.querySelectorAll('main audio')[1].dataset.played === 'yes'"
    )
    assert page.evaluate("document.querySelectorAll('main audio')[0].ended")
    page.locator("h1").click()
    assert page.evaluate("Array.from(document.querySelectorAll('audio')).every(a => a.paused)")
    assert (
        page.get_by_role("button", name="Read this page to me", exact=True).get_attribute(
            "aria-pressed"
        )
        == "false"
    )
    assert page.locator(".say__button[aria-pressed='true']").count() == 0


def test_read_every_page_starts_by_itself_only_when_chosen(live_server, browser):
    campaign = live_server.campaign(statement_ids=["QS1"])
    base = f"{live_server.url}/s/{campaign['code']}"
    # Headless Chromium blocks sound without a gesture; allow it, so only our own rule counts.
    autoplaying = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"],
    )
    try:
        page = autoplaying.new_context(**TABLET).new_page()
        _mark_playing(page)
        page.goto(f"{base}/")
        page.wait_for_load_state("networkidle")
        assert page.locator("audio[data-played]").count() == 0
        assert page.evaluate("Array.from(document.querySelectorAll('audio')).every(a => a.paused)")
        page.goto(f"{base}/settings")
        page.locator("label[for='read_aloud-on']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Save these choices", exact=True).click()
        page.wait_for_function(
            "() => document.querySelector('main audio').dataset.played === 'yes'"
        )
    finally:
        autoplaying.close()


def _choose_settings(page, base: str, chosen: dict[str, str]) -> None:
    page.goto(f"{base}/settings")
    for name, value in chosen.items():
        page.locator(f"label[for='{name}-{value}']").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save these choices", exact=True).click()


@pytest.mark.parametrize(
    ("contrast", "text_size", "pictures"),
    list(itertools.product(["standard", "high"], ["standard", "large", "largest"], ["on", "off"])),
)
def test_axe_passes_in_every_combination_of_settings(
    live_server, new_page, contrast, text_size, pictures
):
    page = new_page(**TABLET)
    campaign = live_server.campaign(statement_ids=["QS2"], scale_points=5)
    base = f"{live_server.url}/s/{campaign['code']}"
    font = "dyslexic" if text_size == "large" else "standard"
    _choose_settings(
        page,
        base,
        {"contrast": contrast, "text_size": text_size, "pictures": pictures, "font": font},
    )
    assert page.evaluate("document.documentElement.className").split() == [
        c
        for c in [
            f"text-{text_size}",
            "contrast-high" if contrast == "high" else "",
            "font-dyslexic" if font == "dyslexic" else "",
            "pictures-off" if pictures == "off" else "",
        ]
        if c
    ]
    check_page(page)
    page.goto(f"{base}/consent")
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_selector(".error-summary")
    check_page(page)
    answers = [("take_part", "yes"), ("quote", "yes"), ("media", "no")]
    for name, value in [*answers, ("respondent_group", "family"), ("answered_how", "helped")]:
        page.locator(f"label[for='{name}-{value}']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    assert "/q/" in page.url
    assert (page.locator("main img").count() == 0) == (pictures == "off")
    check_page(page)
    page.goto(f"{base}/check")
    check_page(page)
    if font == "dyslexic":
        assert "OpenDyslexic" in page.evaluate("getComputedStyle(document.body).fontFamily")
        assert page.evaluate("document.fonts.check('16px OpenDyslexic')")
