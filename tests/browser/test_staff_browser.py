"""Staff pages in Chromium: signing in by keyboard, and axe on every page."""

from __future__ import annotations

import pytest

from engage import store
from engage.auth import hash_password
from engage.store import get_db
from tests.browser.conftest import TABLET, check_page

pytestmark = pytest.mark.browser


def _lead(server, email: str) -> dict:
    with server.app.app_context():
        store.staff.create_user(
            get_db(),
            email=email,
            name="Lena Lead",
            role="lead",
            password_hash=hash_password("a long enough password"),
        )
    return {"email": email, "password": "a long enough password"}


def test_staff_pages_pass_axe(live_server, new_page):
    lead = _lead(live_server, "axe-lead@example.org")
    page = new_page(**TABLET)
    page.goto(f"{live_server.url}/staff/")
    assert page.url.endswith("/staff/sign-in?next=/staff/?")
    check_page(page)
    page.locator("#email").fill(lead["email"])
    page.locator("#password").fill("wrong password here")
    page.get_by_role("button", name="Sign in", exact=True).click()
    check_page(page)
    page.locator("#password").fill(lead["password"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda url: "/staff/" in url and "sign-in" not in url)
    check_page(page)
    page.goto(f"{live_server.url}/staff/audit")
    check_page(page)
    page.goto(f"{live_server.url}/staff/patterns")
    assert page.locator(".error-summary a").get_attribute("href") == "#phrase"
    check_page(page)
    page.goto(f"{live_server.url}/staff/password")
    check_page(page)
    page.get_by_role("button", name="Change the password", exact=True).click()
    assert page.locator(".error-summary").is_visible()
    check_page(page)


def test_sign_in_with_the_keyboard_only(live_server, new_page):
    lead = _lead(live_server, "keys-lead@example.org")
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/staff/sign-in")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    page.keyboard.type(lead["email"])
    page.keyboard.press("Tab")
    page.keyboard.type(lead["password"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/staff/")
    assert page.get_by_role("heading", name="Campaigns").is_visible()
