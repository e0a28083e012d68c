"""Leads' evidence pages as people see them: nothing scrolls the whole page sideways on a
320 px wide screen (WCAG 1.4.10), even with long unbroken words in answers, titles and the
audit log, and the triangulation charts' text is at least 14 px as shown."""

from __future__ import annotations

import json

import pytest

from engage import evidence, store
from engage.store import get_db
from tests.browser.conftest import PHONE, TABLET, check_page
from tests.browser.test_review_browser import _signed_in_lead

pytestmark = pytest.mark.browser
NARROW = {"viewport": {"width": 320, "height": 640}}
LONG_WORD = "https://www.example.org/services/community-support/feedback-about-my-care-2026"
LONG_EMAIL = "someone.with.a.very.long.name@community-support-organisation.example.org"

# Every chart label's font size as shown: its size in the SVG times the SVG's scale.
CHART_TEXT_PX = """() => [...document.querySelectorAll('.chart svg text')]
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


def _seed(server, code: str) -> int:
    """Make a campaign whose words, title and audit log hold long unbroken strings."""
    campaign = server.campaign(title=f"Review-{code}-{'Pembrokeshire' * 4}", code=code)
    with server.app.app_context():
        db = get_db()
        question = store.campaigns.campaign_questions(db, campaign["id"])[0]["question_id"]
        for n in range(12):
            session = store.respondents.start_session(
                db, campaign["id"], {"take_part": True, "quote": True, "media": False}, "en"
            )
            store.respondents.set_who(db, session["id"], "person", "own")
            text = f"Look at {LONG_WORD} or write to {LONG_EMAIL}" if n == 0 else ""
            store.respondents.save_answer(db, session["id"], question, "good", text)
        evidence.suggest_redactions(db, campaign["id"])
        item = store.review.search_items(db, campaign["id"], "example")[0]["id"]
        store.staff.audit(
            db,
            None,
            "backup",
            f"/var/lib/engage/backups/{'engage-backup-' * 4}2026-12-05T18-04-00.sqlite",
            json.dumps({"file_name": "x" * 90, "people": [LONG_EMAIL, LONG_EMAIL]}),
        )
    return item


def test_evidence_pages_reflow_at_320_px(live_server, new_page):
    item = _seed(live_server, "narrow")
    page = _signed_in_lead(live_server, new_page, "narrow-lead@example.org", **NARROW)
    base = f"{live_server.url}/staff/campaigns/narrow/evidence"
    for url in (f"{base}/", f"{base}/items/{item}", f"{live_server.url}/staff/audit"):
        page.goto(url)
        page.wait_for_load_state("load")
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == 320, f"{url} is {widths[0]} px wide at 320"
        check_page(page)
        # Nor does any part of it hide words in a strip of its own: the back link, with the
        # campaign's long title, wraps.
        back = page.locator(".back-link")
        if back.count():
            assert back.evaluate("a => a.scrollWidth <= a.clientWidth")
            assert back.evaluate("a => a.getBoundingClientRect().right") <= 320
    # Each audit entry is read down the screen, not cut off at the side of its table.
    cells = page.evaluate(
        "[...document.querySelectorAll('.table--stack td')]"
        ".map(td => td.getBoundingClientRect().right)"
    )
    assert cells and max(cells) <= 320


@pytest.mark.parametrize("context", [TABLET, PHONE], ids=["tablet", "phone"])
def test_triangulation_chart_text_is_at_least_14_px(live_server, new_page, context):
    suffix = "tablet" if context is TABLET else "phone"
    _seed(live_server, f"chart{suffix}")
    page = _signed_in_lead(live_server, new_page, f"chart-{suffix}@example.org", **context)
    page.goto(f"{live_server.url}/staff/campaigns/chart{suffix}/evidence/triangulation")
    sizes = page.evaluate(CHART_TEXT_PX)
    assert len(sizes) > 20
    assert min(sizes) >= 14, f"chart text as small as {min(sizes):.1f} px"
    # And no label runs past its chart's edge.
    overhang = page.evaluate(
        """() => [...document.querySelectorAll('.chart svg')].flatMap(svg => {
          const edge = svg.getBoundingClientRect().right;
          return [...svg.querySelectorAll('text')]
            .map(t => t.getBoundingClientRect().right - edge);
        })"""
    )
    assert max(overhang) <= 0, f"a chart label runs {max(overhang):.0f} px past the chart"
