"""The whole respondent journey in Chromium: touch, phone, keyboard only and JavaScript off."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, TABLET, check_page, sideways_overflow

pytestmark = pytest.mark.browser


def _question_ids(server, campaign) -> list[str]:
    rows = server.query(
        "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
        [campaign["id"]],
    )
    return [row["question_id"] for row in rows]


def _answers(server, campaign) -> list[dict]:
    return server.query(
        "SELECT a.question_id, a.value, a.free_text, s.respondent_group, s.answered_how "
        "FROM answers a JOIN respondent_sessions s ON s.id = a.session_id "
        "WHERE s.campaign_id = ? ORDER BY a.id",
        [campaign["id"]],
    )


def _choose(page, name: str, value: str, touch: bool) -> None:
    label = page.locator(f"label[for='{name}-{value}']")
    if touch:
        label.tap()
    else:
        label.click()
    assert page.locator(f"#{name}-{value}").is_checked()


def _press(page, name: str, touch: bool) -> None:
    target = page.get_by_role("button", name=name, exact=True).or_(
        page.get_by_role("link", name=name, exact=True)
    )
    with page.expect_navigation():
        target.first.tap() if touch else target.first.click()


@pytest.mark.parametrize("device", ["tablet", "phone"])
def test_complete_journey_by_touch_with_axe_on_every_page(live_server, new_page, device):
    touch = True
    page = new_page(**(TABLET if device == "tablet" else PHONE))
    campaign = live_server.campaign()
    ids = _question_ids(live_server, campaign)

    page.goto(f"{live_server.url}/s/{campaign['code']}/")
    check_page(page)
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 19
    _press(page, "Start", touch)

    check_page(page)
    _press(page, "Continue", touch)
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    check_page(page)
    for name, value in (("take_part", "yes"), ("quote", "yes"), ("media", "no")):
        _choose(page, name, value, touch)
        _press(page, "Continue", touch)
        check_page(page)

    _choose(page, "respondent_group", "person", touch)
    _press(page, "Continue", touch)
    check_page(page)
    _choose(page, "answered_how", "helped", touch)
    _press(page, "Continue", touch)

    for index, question_id in enumerate(ids):
        assert page.url.endswith(f"/q/{question_id}")
        check_page(page)
        _choose(page, "answer", ["good", "ok", "not_good", "not_sure"][index % 4], touch)
        if index == 0:
            page.locator("#free_text").fill("The staff listen to me.")
        _press(page, "Save and continue", touch)

    assert page.url.endswith("/check")
    check_page(page)
    page.get_by_role(
        "link", name=f"Change your answer to: {page.locator('.summary__key').nth(1).inner_text()}"
    ).first.tap()
    page.wait_for_url(f"**/q/{ids[0]}?change=1")
    _choose(page, "answer", "not_good", touch)
    _press(page, "Save and go back to check", touch)
    assert page.url.endswith("/check")
    _press(page, "Send my answers", touch)
    assert page.url.endswith("/thanks")
    check_page(page)

    saved = _answers(live_server, campaign)
    assert [row["question_id"] for row in saved] == ids
    assert saved[0]["value"] == "not_good"
    assert saved[0]["free_text"] == "The staff listen to me."
    assert {(row["respondent_group"], row["answered_how"]) for row in saved} == {
        ("person", "helped")
    }


def test_stop_resume_and_error_pages_pass_axe(live_server, new_page):
    page = new_page(**TABLET)
    campaign = live_server.campaign(statement_ids=["QS4"], scale_points=5)
    base = f"{live_server.url}/s/{campaign['code']}"
    page.goto(f"{base}/consent")
    for name, value in (("take_part", "yes"), ("quote", "no"), ("media", "no")):
        _choose(page, name, value, True)
        _press(page, "Continue", True)
    _choose(page, "respondent_group", "family", True)
    _press(page, "Continue", True)
    _choose(page, "answered_how", "answered_for", True)
    _press(page, "Continue", True)
    _choose(page, "answer", "very_good", True)
    _press(page, "Stop and come back later", True)
    assert page.url.endswith("/stop")
    check_page(page)
    code = page.locator(".resume-code [aria-hidden]").inner_text()
    _press(page, "Finish for now", True)

    page.goto(f"{base}/resume")
    check_page(page)
    page.locator("#resume_code").fill("WRONG-CODE")
    _press(page, "Carry on", True)
    check_page(page)
    page.locator("#resume_code").fill(code)
    _press(page, "Carry on", True)
    ids = _question_ids(live_server, campaign)
    assert page.url.endswith(f"/q/{ids[1]}")

    for path in ("/s/nosuchcampaign/", "/", "/attributions", f"/s/{campaign['code']}/no-thanks"):
        page.goto(live_server.url + path)
        check_page(page)


def _tab_to(page, predicate_js: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate_js})(document.activeElement)"):
            focus = page.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement);"
                " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'"
                " || getComputedStyle(document.activeElement.nextElementSibling || document.activeElement).boxShadow !== 'none'; })()"
            )
            assert focus, "the focused element shows no focus indicator"
            return
    raise AssertionError(f"could not reach {predicate_js} with Tab")


def _key_choose(page, name: str, value: str) -> None:
    _tab_to(page, f"el.name === '{name}'")
    for _ in range(10):
        if page.evaluate("document.activeElement.value") == value:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.locator(f"#{name}-{value}").is_checked()


def _key_activate(page, text: str) -> None:
    _tab_to(
        page,
        f"(el.tagName === 'BUTTON' || el.tagName === 'A') && el.textContent.trim() === '{text}'",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_complete_journey_with_the_keyboard_only(live_server, new_page):
    page = new_page(viewport={"width": 1280, "height": 900})
    campaign = live_server.campaign(statement_ids=["QS7"])
    ids = _question_ids(live_server, campaign)
    page.goto(f"{live_server.url}/s/{campaign['code']}/")
    _key_activate(page, "Start")
    for name, value in (("take_part", "yes"), ("quote", "no"), ("media", "no")):
        _key_choose(page, name, value)
        _key_activate(page, "Continue")
    _key_choose(page, "respondent_group", "staff")
    _key_activate(page, "Continue")
    _key_choose(page, "answered_how", "own")
    _key_activate(page, "Continue")
    for question_id in ids:
        assert page.url.endswith(f"/q/{question_id}")
        _key_choose(page, "answer", "prefer_not_to_say")
        _key_activate(page, "Save and continue")
    _key_activate(page, "Send my answers")
    assert page.url.endswith("/thanks")
    saved = _answers(live_server, campaign)
    assert [row["value"] for row in saved] == ["prefer_not_to_say"] * len(ids)


def test_complete_journey_with_javascript_off(live_server, new_page):
    page = new_page(java_script_enabled=False, **PHONE)
    campaign = live_server.campaign(statement_ids=["QS2"])
    ids = _question_ids(live_server, campaign)
    page.goto(f"{live_server.url}/s/{campaign['code']}/")
    _press(page, "Start", False)
    for name, value in (("take_part", "yes"), ("quote", "yes"), ("media", "yes")):
        _choose(page, name, value, False)
        _press(page, "Continue", False)
    _choose(page, "respondent_group", "advocate", False)
    _press(page, "Continue", False)
    _choose(page, "answered_how", "own", False)
    _press(page, "Continue", False)
    for question_id in ids:
        assert page.url.endswith(f"/q/{question_id}")
        _choose(page, "answer", "ok", False)
        _press(page, "Save and continue", False)
    _press(page, "Send my answers", False)
    assert page.url.endswith("/thanks")
    assert len(_answers(live_server, campaign)) == len(ids)


@pytest.mark.parametrize("width", [320, 640])
def test_pages_reflow_without_sideways_scrolling(live_server, new_page, width):
    # 640 CSS px is a 1280 px screen at 200% zoom.
    page = new_page(viewport={"width": width, "height": 700})
    campaign = live_server.campaign(statement_ids=["QS1"])
    base = f"{live_server.url}/s/{campaign['code']}"
    page.goto(f"{base}/")
    assert sideways_overflow(page) <= 0
    page.goto(f"{base}/consent")
    assert sideways_overflow(page) <= 0
    for name, value in (("take_part", "yes"), ("quote", "yes"), ("media", "no")):
        _choose(page, name, value, False)
        _press(page, "Continue", False)
    _choose(page, "respondent_group", "partner", False)
    _press(page, "Continue", False)
    _choose(page, "answered_how", "own", False)
    _press(page, "Continue", False)
    assert sideways_overflow(page) <= 0
    _press(page, "Stop and come back later", False)
    assert sideways_overflow(page) <= 0
