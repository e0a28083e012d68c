"""Check your answers in Chromium with JavaScript off: a photo shows, and deleting asks first.

(axe needs scripts, so it does not run on these pages here.)
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, start_journey
from tests.media import samples

pytestmark = pytest.mark.browser


def _items(live_server, base: str) -> list[dict]:
    return live_server.query(
        "SELECT m.* FROM media_items m JOIN respondent_sessions s ON s.id = m.session_id "
        "JOIN campaigns c ON c.id = s.campaign_id WHERE c.code = ?",
        [base.rsplit("/", 1)[-1]],
    )


def test_a_photo_on_check_your_answers_and_deleting_it_without_javascript(
    live_server, new_page, tmp_path
):
    page = new_page(java_script_enabled=False, **PHONE)
    base, question_id = start_journey(live_server, page)
    photo = samples.photo_with_gps(tmp_path / "garden.jpg")
    page.goto(f"{base}/media/add/photo?q={question_id}")
    page.set_input_files("#file-choose", str(photo))
    with page.expect_navigation():
        page.get_by_role("button", name="Send my photo", exact=True).click()
    page.locator("label[for='consent-words']").click()
    page.fill("#description", "My garden")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go back", exact=True).click()

    # Scripts are off, so the picture is checked by what the browser fetched, not by script.
    thumbs = []
    page.on("response", lambda r: thumbs.append(r.status) if r.url.endswith("/thumb") else None)
    page.goto(f"{base}/check")
    page.wait_for_load_state("load")
    assert page.locator("img.media-summary__thumb").is_visible()
    assert thumbs == [200]
    assert page.get_by_text("You cannot change your answers after you send them.").is_visible()
    assert page.locator("q", has_text="My garden").is_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Change or delete Your photo").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Delete this photo", exact=True).click()
    assert page.get_by_role("heading", name="Do you want to delete your photo?").is_visible()
    assert len(_items(live_server, base)) == 1
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, delete my photo", exact=True).click()
    assert page.url.endswith("/check")
    assert page.locator("img.media-summary__thumb").count() == 0
    assert _items(live_server, base) == []
