"""The audit log reads as words a lead understands, in UK time, and fits a narrow screen."""

from __future__ import annotations

import ast
from pathlib import Path

from bs4 import BeautifulSoup

from engage import store
from engage.staff.audit_words import ACTIONS, detail_words, uk_time
from engage.store import get_db

ENGAGE = Path(__file__).resolve().parents[2] / "engage"


def _recorded_actions() -> set[str]:
    """Return every action name passed to `audit` as a constant anywhere in the app."""
    found = set()
    for path in ENGAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(
                node.func, "attr", getattr(node.func, "id", None)
            ) in ("audit",):
                found |= {
                    n.value
                    for arg in node.args[2:3]
                    for n in ast.walk(arg)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                }
    return found


def test_every_action_the_app_records_has_words():
    recorded = _recorded_actions()
    assert len(recorded) > 30
    assert recorded - set(ACTIONS) == set()


def test_times_are_uk_time_and_details_are_not_raw_json():
    assert uk_time("2026-07-01T17:04:09+00:00") == "1 Jul 2026, 18:04"
    assert uk_time("2026-12-05T17:04:09+00:00") == "5 Dec 2026, 17:04"
    assert detail_words('{"title": "Support", "statement_ids": ["QS1", "QS7"]}') == (
        "title: Support; statement ids: QS1, QS7"
    )
    assert detail_words("role lead") == "role lead"


def test_the_page_shows_words_not_codes(app, staff_client):
    lead = staff_client("lead")
    with app.app_context():
        store.staff.audit(get_db(), lead.user["id"], "view_flagged", "flag:3")
    html = lead.get("/staff/audit").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    cells = [row.find_all("td") for row in soup.select("tbody tr")]
    assert "Looked at words held for safeguarding" in [c[2].get_text() for c in cells]
    assert "view_flagged" not in soup.select_one("tbody").get_text()
    assert soup.select_one("tbody time")["datetime"].endswith("+00:00")
    # A wide table scrolls inside its own box, never the whole page sideways.
    assert soup.select_one(".table-wrap table") is not None
