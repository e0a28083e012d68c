"""Leads' set-up pages in Chromium: axe, 44 px targets and reflow on each, a keyboard-only
campaign set-up, and the easy-read checks running while the lead types."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engage import store
from engage.auth import hash_password
from engage.store import get_db
from tests.browser.conftest import PHONE, TABLET, check_page

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"


def _signed_in_lead(server, new_page, email: str, **context):
    with server.app.app_context():
        store.staff.create_user(
            get_db(),
            email=email,
            name="Lena Lead",
            role="lead",
            password_hash=hash_password(PASSWORD),
        )
    page = new_page(**context)
    page.goto(f"{server.url}/staff/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{server.url}/staff/")
    return page


@pytest.mark.parametrize("context", [TABLET, PHONE], ids=["tablet", "phone"])
def test_every_setup_page_passes_the_checks(live_server, new_page, context):
    suffix = "tablet" if context is TABLET else "phone"
    page = _signed_in_lead(live_server, new_page, f"setup-{suffix}@example.org", **context)
    code = live_server.campaign(title=f"Checks {suffix}")["code"]
    base = f"{live_server.url}/staff"
    for path in (
        "/",
        "/users",
        "/campaigns/new",
        f"/campaigns/{code}/",
        f"/campaigns/{code}/settings",
        f"/campaigns/{code}/questions",
        f"/campaigns/{code}/questions/QS1-01",
        f"/campaigns/{code}/questions/QS1-01/preview",
        f"/campaigns/{code}/statements/QS1/new-question",
        f"/campaigns/{code}/invitation",
        "/words",
    ):
        page.goto(base + path)
        check_page(page)
    # Pages with errors and with an invitation link shown.
    page.goto(f"{base}/campaigns/new")
    page.get_by_role("button", name="Make the campaign", exact=True).click()
    assert page.locator(".error-summary").is_visible()
    check_page(page)
    page.goto(f"{base}/users")
    page.locator("#email").fill(f"invitee-{suffix}@example.org")
    page.locator("#role-supporter").check()
    page.get_by_role("button", name="Make an invitation link", exact=True).click()
    link = page.locator("#invitation-link").text_content()
    check_page(page)
    page.goto(f"{base}/words")
    page.get_by_role("button", name="Add the word", exact=True).click()
    check_page(page)
    invitee = new_page(**context)
    # The link carries the configured public address; the test server listens elsewhere.
    invitee.goto(live_server.url + link[link.index("/staff/invitation/") :])
    check_page(invitee)
    invitee.get_by_role("button", name="Make my account", exact=True).click()
    check_page(invitee)


def test_a_lead_sets_up_a_campaign_with_the_keyboard_only(live_server, new_page):
    page = _signed_in_lead(
        live_server,
        new_page,
        "keys-setup@example.org",
        viewport={"width": 1280, "height": 900},
    )
    page.goto(f"{live_server.url}/staff/campaigns/new")

    def tab_to(selector: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # The title is left out at first: the error summary takes focus and leads to the field.
    tab_to("#framework-cqc-la")
    page.keyboard.press("Space")
    tab_to("#statement-QS2")
    page.keyboard.press("Space")
    tab_to("#statement-QS7")
    page.keyboard.press("Space")
    tab_to("#scale-3")
    page.keyboard.press("Space")
    tab_to("#language-cy")
    page.keyboard.press("Space")
    # Dates are three labelled boxes, day, month, year, in every browser.
    for box, typed in (("opens_at-day", "1"), ("opens_at-month", "2"), ("opens_at-year", "2026")):
        tab_to(f"#{box}")
        page.keyboard.type(typed)
    for box, typed in (
        ("closes_at-day", "28"),
        ("closes_at-month", "3"),
        ("closes_at-year", "2026"),
    ):
        tab_to(f"#{box}")
        page.keyboard.type(typed)
    tab_to("#help_contact")
    page.keyboard.type("Call Ana on 01632 960000")
    tab_to("button[type=submit]:not(.staff-nav__button)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.keyboard.press("Tab")
    assert "title" in page.evaluate("document.activeElement.textContent")
    # The summary's link moves focus to the field, on the same page.
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "title"
    page.keyboard.type("Keyboard campaign")
    tab_to("button[type=submit]:not(.staff-nav__button)")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/staff/campaigns/[a-z0-9]{8}/$", page.url), page.locator("main").inner_text()
    assert page.get_by_role("heading", name="Keyboard campaign").is_visible()
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    row = live_server.query("SELECT * FROM campaigns WHERE code = ?", [code])[0]
    assert row["statement_ids"] == '["QS2", "QS7"]'
    assert row["languages"] == '["en", "cy"]'
    assert (row["opens_at"], row["closes_at"]) == ("2026-02-01", "2026-03-28")
    assert row["help_contact"] == "Call Ana on 01632 960000"


def test_easy_read_checks_run_while_the_lead_types(live_server, new_page):
    page = _signed_in_lead(live_server, new_page, "live-checks@example.org", **TABLET)
    code = live_server.campaign(title="Live checks")["code"]
    page.goto(f"{live_server.url}/staff/campaigns/{code}/questions/QS1-01")
    region = page.locator("#text-checks")
    assert region.get_attribute("aria-live") == "polite"
    page.locator("#text").fill("")
    page.locator("#text").type("Is your CQC assessment OK?")
    expect(region).to_contain_text("CQC")
    text = region.text_content()
    assert "assessment" in text
    assert "yes-or-no question" in text
    page.locator("#text").fill("How is it when people plan your support with you?")
    expect(region).to_contain_text("no problems found")
    check_page(page)
    stored = live_server.query(
        "SELECT content FROM campaign_questions WHERE question_id = 'QS1-01' AND campaign_id ="
        " (SELECT id FROM campaigns WHERE code = ?)",
        [code],
    )[0]["content"]
    assert "CQC" not in stored
