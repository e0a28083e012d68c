"""A resume link in Chromium: it asks first, passes axe, and works by keyboard and without JS."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PHONE, TABLET, agree_and_start, check_page

pytestmark = pytest.mark.browser


def _started(server, page, base: str) -> str:
    """Answer the first question on this page's device, stop, and return the resume link's path."""
    agree_and_start(page, base, quote="no", media="no")
    page.locator("label[for='answer-good']").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Stop and come back later", exact=True).click()
    # The link is built from the configured address; this server listens elsewhere.
    return urlsplit(page.locator("a.resume-link").get_attribute("href")).path


@pytest.mark.parametrize(("viewport", "javascript"), [(TABLET, True), (PHONE, False)])
def test_a_resume_link_asks_then_carries_on(live_server, new_page, viewport, javascript):
    campaign = live_server.campaign(statement_ids=["QS1"])
    base = f"{live_server.url}/s/{campaign['code']}"
    link = _started(live_server, new_page(**TABLET), base)
    page = new_page(**viewport, java_script_enabled=javascript)
    page.goto(live_server.url + link)
    assert page.get_by_role("heading", name="Carry on with your answers?").is_visible()
    if javascript:
        check_page(page)
    # Nothing is open yet on this device.
    assert "Carry on where I stopped" not in page.content()
    # Keyboard only: Tab to the button and press Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Yes, carry on":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/q/" in page.url
