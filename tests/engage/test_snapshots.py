"""Published figures come from snapshots: two exports never differ by one person.

Respondents answer over HTTP, through the store, and the figures are read back from exports
downloaded by a lead and from the triangulation page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from engage import store
from engage.erasure import erase_respondent
from engage.store import get_db
from tests.conftest import csrf_token
from tests.engage.journey import Respondent


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(statement_ids=["QS1"], code="snap")


def _first_question(app) -> str:
    with app.app_context():
        db = get_db()
        return store.campaigns.campaign_questions(
            db, store.campaigns.campaign_by_code(db, "snap")["id"]
        )[0]["question_id"]


def _answer(app, value: str, group: str = "person") -> Respondent:
    """Send one new person through consent, who and the first question, over HTTP."""
    person = Respondent(app.test_client(), "snap")
    person.start(group, "own")
    assert person.answer(_first_question(app), value).status_code == 302
    return person


def _export(lead) -> dict:
    token = csrf_token(lead.get("/staff/campaigns/snap/evidence/exports").get_data(as_text=True))
    response = lead.post(
        "/staff/campaigns/snap/evidence/exports", data={"csrf_token": token, "format": "json"}
    )
    assert response.status_code == 200
    document = json.loads(response.data)
    document["campaign"].pop("exported_at")
    document.pop("read_me")  # holds the export time too
    return document


def _everyone(document: dict) -> int | None:
    return next(r["people"] for r in document["engagement"] if r["section"] == "Everyone")


def _all_row(document: dict) -> dict:
    return next(
        r for r in document["scores"] if r["column"] == "All" and r["statement_id"] == "QS1"
    )


def _yesterday(app) -> None:
    """Make the stored snapshot a day old, as if it had been taken yesterday."""
    with app.app_context():
        get_db().execute("UPDATE published_snapshots SET taken_on = '2000-01-01'")


def test_exports_either_side_of_one_new_respondent_on_the_same_day_are_identical(
    app, campaign, staff_client
):
    for n in range(12):
        _answer(app, "good" if n % 3 else "not_good")
    lead = staff_client("lead")
    before = _export(lead)
    assert _everyone(before) == 12
    # A campaign without dates covers the days people answered, up to its snapshot.
    today = datetime.now(UTC).date().isoformat()
    assert before["campaign"]["period"] == f"{today} to {today}"
    _answer(app, "not_good")
    after = _export(lead)
    assert after == before
    # The triangulation page reads the same snapshot.
    page = lead.get("/staff/campaigns/snap/evidence/triangulation").get_data(as_text=True)
    assert "13 people" not in page
    exports_page = lead.get("/staff/campaigns/snap/evidence/exports").get_data(as_text=True)
    assert "The figures now are from the snapshot taken at" in exports_page


def test_a_new_day_brings_a_new_snapshot_only_once_enough_people_are_new(
    app, campaign, staff_client
):
    for _ in range(12):
        _answer(app, "good")
    lead = staff_client("lead")
    assert _everyone(_export(lead)) == 12
    for _ in range(4):
        _answer(app, "ok")
    _yesterday(app)
    assert _everyone(_export(lead)) == 12  # four new people are fewer than five
    _answer(app, "ok")
    _yesterday(app)
    assert _everyone(_export(lead)) == 17
    _answer(app, "good")
    assert _everyone(_export(lead)) == 17  # at most one a day


def test_the_snapshot_at_close_includes_everyone(app, campaign, staff_client, runner):
    for n in range(18):
        _answer(app, "good" if n < 12 else "ok")
    lead = staff_client("lead")
    assert _everyone(_export(lead)) == 18
    _answer(app, "good")
    assert _everyone(_export(lead)) == 18
    assert runner.invoke(args=["campaign", "close", "snap"]).exit_code == 0
    closed = _export(lead)
    assert _everyone(closed) == 19
    assert (_all_row(closed)["people"], _all_row(closed)["good"]) == (19, 13)
    with app.app_context():
        snapshot = get_db().execute("SELECT at_close, people FROM published_snapshots").fetchone()
    assert tuple(snapshot) == (1, 19)
    taken = _snapshot_id(app)
    assert _export(lead) == closed  # nothing changed since the close: the same snapshot
    assert _snapshot_id(app) == taken


def _snapshot_id(app) -> int:
    with app.app_context():
        return get_db().execute("SELECT id FROM published_snapshots").fetchone()[0]


def test_a_campaign_closed_before_any_export_is_published_whole_and_again_if_reopened(
    app, campaign, staff_client, runner
):
    for _ in range(12):
        _answer(app, "good")
    assert runner.invoke(args=["campaign", "close", "snap"]).exit_code == 0
    lead = staff_client("lead")
    closed = _export(lead)  # the first look at the figures comes after the close
    assert _everyone(closed) == 12
    taken = _snapshot_id(app)
    assert _export(lead) == closed and _snapshot_id(app) == taken
    # Opened again for one more person and closed: the figures count them.
    assert runner.invoke(args=["campaign", "open", "snap"]).exit_code == 0
    _answer(app, "ok")
    assert runner.invoke(args=["campaign", "close", "snap"]).exit_code == 0
    reopened = _export(lead)
    assert (_everyone(reopened), _all_row(reopened)["ok"]) == (13, None)


def test_erasure_and_holds_apply_at_once(app, campaign, staff_client):
    for _ in range(14):
        _answer(app, "good")
    lead = staff_client("lead")
    assert _everyone(_export(lead)) == 14
    with app.app_context():
        db = get_db()
        sessions = [r["id"] for r in db.execute("SELECT id FROM respondent_sessions ORDER BY id")]
        erase_respondent(db, sessions[0], None, "asked")
        # Erasing a person erases every copy of their answers, snapshots included.
        assert db.execute("SELECT COUNT(*) FROM published_snapshots").fetchone()[0] == 0
        store.safeguarding.raise_flag(
            db, campaign_id=campaign["id"], reason="worried", session_id=sessions[1]
        )
    document = _export(lead)
    assert _everyone(document) == 12
    assert _all_row(document)["people"] == 12


def test_people_who_change_their_answers_count_towards_a_new_snapshot(app, campaign, staff_client):
    people = [_answer(app, "good") for _ in range(12)]
    lead = staff_client("lead")
    assert _all_row(_export(lead))["good"] == 12
    question = _first_question(app)
    for person in people[:4]:
        assert person.answer(question, "not_good").status_code == 302
    _yesterday(app)
    assert _all_row(_export(lead))["good"] == 12  # four changed are fewer than five
    assert people[4].answer(question, "not_good").status_code == 302
    _yesterday(app)
    row = _all_row(_export(lead))
    assert (row["people"], row["good"], row["not_good"]) == (12, 7, 5)


def _set_closing_date(app, days_from_today: int) -> None:
    closes = (datetime.now(UTC).date() + timedelta(days=days_from_today)).isoformat()
    with app.app_context():
        get_db().execute("UPDATE campaigns SET closes_at = ? WHERE code = 'snap'", [closes])


def test_a_campaign_closes_the_day_after_its_closing_date(app, campaign, staff_client):
    for _ in range(12):
        _answer(app, "good")
    lead = staff_client("lead")
    assert _everyone(_export(lead)) == 12
    _answer(app, "ok")
    _set_closing_date(app, 0)
    assert _everyone(_export(lead)) == 12  # open all of its closing day
    _set_closing_date(app, -1)
    assert _everyone(_export(lead)) == 13
    with app.app_context():
        at_close = (
            get_db()
            .execute("SELECT at_close FROM published_snapshots ORDER BY id DESC LIMIT 1")
            .fetchone()[0]
        )
    assert at_close == 1


def test_the_page_seen_before_any_export_publishes_everyone_who_took_part(
    app, campaign, staff_client
):
    for _ in range(12):
        _answer(app, "good")
    lead = staff_client("lead")
    page = lead.get("/staff/campaigns/snap/evidence/triangulation").get_data(as_text=True)
    assert "12 people" in page
    assert _everyone(_export(lead)) == 12  # the same snapshot, taken by the page


def test_a_hold_leaves_the_page_at_once(app, campaign, staff_client):
    for n in range(13):
        _answer(app, "good" if n % 2 else "ok")
    lead = staff_client("lead")
    triangulation = "/staff/campaigns/snap/evidence/triangulation"
    assert "13 people" in lead.get(triangulation).get_data(as_text=True)
    with app.app_context():
        db = get_db()
        first = db.execute("SELECT MIN(id) FROM respondent_sessions").fetchone()[0]
        store.safeguarding.raise_flag(
            db, campaign_id=campaign["id"], reason="worried", session_id=first
        )
    page = lead.get(triangulation).get_data(as_text=True)
    assert "12 people" in page
    assert "13 people" not in page


def test_the_period_ends_when_the_published_snapshot_was_taken(app, campaign, staff_client):
    with app.app_context():
        get_db().execute("UPDATE campaigns SET opens_at = '2000-01-01' WHERE code = 'snap'")
    for _ in range(12):
        _answer(app, "good")
    lead = staff_client("lead")
    _export(lead)
    with app.app_context():
        get_db().execute(
            "UPDATE published_snapshots SET taken_on = '2000-01-03', "
            "taken_at = '2000-01-03T12:00:00+00:00'"
        )
    _answer(app, "ok")  # one new person: the snapshot stays, so its date is the period's end
    document = _export(lead)
    assert document["campaign"]["figures_from"] == "2000-01-03T12:00:00+00:00"
    assert document["campaign"]["period"] == "2000-01-01 to 2000-01-03"
    rows = [r for table in ("scores", "triangulation", "engagement") for r in document[table]]
    assert rows
    assert {r["period"] for r in rows} == {"2000-01-01 to 2000-01-03"}
