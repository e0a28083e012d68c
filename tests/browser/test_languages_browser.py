"""The whole journey in Chromium in each language: axe clean, and mirrored right to left."""

from __future__ import annotations

import pytest

from engage.i18n import LANGUAGES
from tests.browser.conftest import TABLET, check_page

pytestmark = pytest.mark.browser


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _choose(page, name: str, value: str) -> None:
    page.locator(f"label[for='{name}-{value}']").click()
    assert page.locator(f"#{name}-{value}").is_checked()


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _assert_layout(page, rtl: bool) -> None:
    """Check the question page reads in the right direction: picture, back link, progress."""
    picture = _box(page, ".with-picture--question .with-picture__picture")
    words = _box(page, ".with-picture--question .with-picture__words")
    back = _box(page, ".back-link")
    bar = _box(page, ".progress-bar")
    done = _box(page, ".progress-bar__done")
    width = page.viewport_size["width"]
    if rtl:
        assert picture["x"] >= words["x"] + words["width"] - 1
        assert back["x"] > width / 2
        assert abs((done["x"] + done["width"]) - (bar["x"] + bar["width"])) <= 2
    else:
        assert picture["x"] + picture["width"] <= words["x"] + 1
        assert back["x"] + back["width"] < width / 2
        assert abs(done["x"] - bar["x"]) <= 2
    assert 0 < done["width"] < bar["width"]


@pytest.mark.parametrize("language", ["cy", "pl", "ur", "ar", "en"])
def test_whole_journey_in_each_language(live_server, new_page, language):
    page = new_page(**TABLET)
    campaign = live_server.campaign(statement_ids=["QS1"], languages=list(LANGUAGES))
    base = f"{live_server.url}/s/{campaign['code']}"
    rtl = LANGUAGES[language][1] == "rtl"

    page.goto(base + "/")
    # The language choice is the first thing on the page, and its buttons are large.
    first = page.locator("main > :first-child")
    assert first.evaluate("e => e.classList.contains('languages')")
    button = page.locator(f"button.languages__button[value='{language}']")
    assert button.inner_text() == LANGUAGES[language][0]
    size = button.bounding_box()
    assert size["height"] >= 44 and size["width"] >= 88
    _submit(page, f"button.languages__button[value='{language}']")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == LANGUAGES[language][1]
    check_page(page)

    _submit(page, "main a.button[href$='/consent']")
    check_page(page)
    for name, value in (("take_part", "yes"), ("quote", "yes"), ("media", "no")):
        _choose(page, name, value)
        _submit(page, "main form button.button[type=submit]")

    check_page(page)
    _choose(page, "respondent_group", "person")
    _submit(page, "main form button.button[type=submit]")
    check_page(page)
    _choose(page, "answered_how", "own")
    _submit(page, "main form button.button[type=submit]")

    questions = 0
    while "/q/" in page.url:
        if questions == 1:
            # The second question: the bar shows the first one done, from the start edge.
            _assert_layout(page, rtl)
        if questions == 0:
            check_page(page)
            assert _box(page, ".progress-bar__done")["width"] == 0
            _submit(page, "button.button[value=continue]")
            # The error summary is mirrored too: it starts at the page's start edge.
            summary = _box(page, ".error-summary")
            main = _box(page, "main")
            edge = main["x"] + main["width"] if rtl else main["x"]
            near = summary["x"] + summary["width"] if rtl else summary["x"]
            assert abs(near - edge) <= 24
            check_page(page)
        _choose(page, "answer", "good")
        _submit(page, "button.button[value=continue]")
        questions += 1
    assert questions == 3
    assert page.url.endswith("/check")
    check_page(page)
    _submit(page, "form[action$='/check'] button[type=submit]")
    assert page.url.endswith("/thanks")
    check_page(page)
    assert page.locator("html").get_attribute("lang") == language

    rows = live_server.query(
        "SELECT language FROM respondent_sessions WHERE campaign_id = ?", [campaign["id"]]
    )
    assert rows == [{"language": language}]
