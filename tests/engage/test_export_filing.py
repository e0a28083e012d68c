"""The export a self-assessment lead can file as it is, tested from the forms people use.

Answers go in through the respondent pages, a group tally through the advocate's pages, and
the lead's quote, its tags, a media description and the sign-off through the staff pages.
Every format is then downloaded over HTTP and parsed: each figure row must carry a stable
evidence reference, its period, source, method and owner; shares must be numbers with their
n; the sign-off must be in the file and in the store.
"""

from __future__ import annotations

import json

import pytest

from engage import store
from engage.store import get_db
from tests.conftest import CheckedClient, csrf_token
from tests.engage.journey import Respondent
from tests.engage.test_evidence_media_zip import _send_photo
from tests.engage.test_group_evidence import _export, _quote, _run_group
from tests.engage.test_media_answers import MediaRespondent

FORMATS = ("xlsx", "csv", "json", "zip")
WORDS = "The staff listen to me and I feel safe."
# Where the reference sits in each figure sheet, and what names a row in it.
FIGURES = {
    "Scores": (21, (0, 3, 4)),
    "Triangulation": (22, (0,)),
    "Engagement record": (3, (0, 1)),
    "Quotes": (0, (0,)),
    "Media": (0, (0,)),
}


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(statement_ids=["QS1", "QS7"], code="filing")


def _question(app, campaign, statement_id: str) -> str:
    with app.app_context():
        questions = store.campaigns.campaign_questions(get_db(), campaign["id"])
    return next(q["question_id"] for q in questions if q["statement_id"] == statement_id)


def _people(app, campaign, statement_id: str, values: list[str], words: str = "") -> None:
    """Have each person answer one question of a statement on their own device."""
    question_id = _question(app, campaign, statement_id)
    app.test_client_class = CheckedClient
    for n, value in enumerate(values):
        person = Respondent(app.test_client(), campaign["code"])
        person.start()
        response = person.answer(question_id, value, words if n == 0 else "")
        assert response.status_code == 302


def _lead_tags_the_quote(lead, app, campaign) -> None:
    """Tag the quote to both statements as a strength, through the quote's own form."""
    with app.app_context():
        quote = get_db().execute("SELECT id, review_item_id FROM quotes").fetchone()
    base = f"/staff/campaigns/{campaign['code']}/evidence"
    page = lead.get(f"{base}/items/{quote['review_item_id']}").get_data(as_text=True)
    response = lead.post(
        f"{base}/quotes/{quote['id']}",
        data={
            "statements": ["QS1", "QS7"],
            "strength": "strength",
            "english_translation": "",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302


def _lead_describes_the_photo(lead, app, campaign) -> None:
    with app.app_context():
        item_id = (
            get_db()
            .execute("SELECT id FROM review_items WHERE item_kind = 'media'")
            .fetchone()["id"]
        )
    base = f"/staff/campaigns/{campaign['code']}/evidence/items/{item_id}"
    page = lead.get(base).get_data(as_text=True)
    response = lead.post(
        f"{base}/describe",
        data={"description": "A garden with flowers", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302


def _signed_export(lead, campaign, fmt: str, tmp_path, sign_off: bool = True) -> dict:
    """Download an export as a lead does, ticking the sign-off box; read every table back."""
    if not sign_off:
        return _export(lead, campaign, fmt, tmp_path)
    original = lead.post

    def post_with_sign_off(path, data, **kwargs):
        return original(path, data={**data, "sign_off": "yes"}, **kwargs)

    lead.post = post_with_sign_off
    try:
        return _export(lead, campaign, fmt, tmp_path)
    finally:
        lead.post = original


def _text(value) -> str:
    return "" if value is None else str(value)


def _references(tables) -> dict[tuple, str]:
    """Return what each figure row is (sheet and naming cells) -> its evidence reference."""
    found = {}
    for sheet, (at, naming) in FIGURES.items():
        for row in tables[sheet]:
            found[(sheet, *(_text(row[i]) for i in naming))] = _text(row[at])
    return found


def _number(value) -> float | None:
    """Read a number back from any format; a CSV cell is text, a blank cell is None."""
    return None if value in ("", None) else float(value)


@pytest.fixture
def filed(staff_client, app, campaign, client, tmp_path):
    """A campaign with people's answers, a group tally, a quote and a photo, all via forms."""
    advocate = staff_client("advocate")
    lead = staff_client("lead")
    values = ["good"] * 6 + ["not_good"] * 5 + ["not_sure"] * 5
    _people(app, campaign, "QS1", values, WORDS)
    # Ten people in a group session: their tally counts for both questions of QS1.
    _run_group(advocate, app, campaign, 10, [{"good": 5, "not_good": 5}, {"good": 10}])
    person = MediaRespondent(client, campaign["code"], _question(app, campaign, "QS1"))
    person.consent(take_part="yes", quote="yes", media="yes")
    person.who()
    _send_photo(person, client, app, tmp_path, "garden.jpg", "report", "My garden")
    _quote(lead, app, campaign, [WORDS])
    _lead_tags_the_quote(lead, app, campaign)
    _lead_describes_the_photo(lead, app, campaign)
    return lead


def test_every_format_is_ready_to_file_and_its_references_are_stable(
    filed, app, campaign, tmp_path
):
    lead = filed
    owner = f"{lead.user['name']} ({lead.user['email']})"
    first = {}
    for fmt in FORMATS:
        tables = _signed_export(lead, campaign, fmt, tmp_path)
        first[fmt] = _references(tables)
        for sheet, (at, _naming) in FIGURES.items():
            assert tables[sheet], (fmt, sheet)
            for row in tables[sheet]:
                assert _text(row[at]).startswith("EV-"), (fmt, sheet, row)
                period, source, method, row_owner = (_text(v) for v in row[-4:])
                assert period and source and method, (fmt, sheet, row)
                assert row_owner == owner, (fmt, sheet, row)
        # References name one figure each.
        assert len(set(first[fmt].values())) == len(first[fmt]), fmt

        scores = {(r[0], r[3], r[4]): r for r in tables["Scores"]}
        person = scores[("QS1", "respondent group", "People who draw on care")]
        assert _text(person[21]) == "EV-QS1-SCORE-PERSON", fmt
        # 6 good of the 11 with a view; 5 of 16 answers not sure; nobody declined to say.
        assert [_number(v) for v in person[14:19]] == [0.55, 11, 0.31, 0, 16], fmt
        group = scores[("QS1", "answered how", "In a group session (group tally)")]
        assert _text(group[21]) == "EV-QS1-SCORE-HOW-GROUP", fmt
        assert [_number(v) for v in group[14:16]] == [0.75, 20], fmt
        assert _text(group[23]) == "Advocate group session", fmt
        assert _text(group[24]).startswith("Advocate's tally"), fmt
        triangulation = {r[0]: r for r in tables["Triangulation"]}
        assert [_number(v) for v in triangulation["QS1"][2:4]] == [0.55, 11], fmt

        [quote] = tables["Quotes"]
        assert (_text(quote[0]), _text(quote[1]), _text(quote[3])) == (
            "EV-QS1-0001",
            "QS1, QS7",
            "Strength",
        ), fmt
        assert _text(quote[12]) == "Person who draws on care: easy-read survey, written answer"
        [media] = tables["Media"]
        assert _text(media[2]) == "A garden with flowers", fmt
        assert (_text(media[5]), _text(media[6])) == ("QS1", "Working with people"), fmt
        assert _text(media[9]) == "Person who draws on care: easy-read survey, photo", fmt

        [sign_off] = tables["Sign-off"]
        assert [_text(v) for v in sign_off[:2]] == [owner, "Lead"], fmt
        assert _text(sign_off[2]).startswith("20"), fmt
        assert _text(sign_off[3]) == "Approved for filing in the self-assessment.", fmt

    # Every format names the same figures with the same references.
    assert first["xlsx"] == first["csv"] == first["json"] == first["zip"]

    # More people answer the other statement; every figure keeps its reference.
    _people(app, campaign, "QS7", ["good"] * 10 + ["ok"] * 2)
    for fmt in FORMATS:
        again = _references(_signed_export(lead, campaign, fmt, tmp_path))
        assert {k: again[k] for k in first[fmt]} == first[fmt], fmt

    with app.app_context():
        db = get_db()
        log = store.evidence.export_log(db, campaign["id"])
        audits = db.execute(
            "SELECT subject, detail FROM audit_log WHERE action = 'export_sign_off'"
        ).fetchall()
    assert len(log) == 8
    assert all(entry["approved_by"] == owner and entry["approved_role"] == "Lead" for entry in log)
    assert len(audits) == 8
    assert {a["subject"] for a in audits} == {"filing"}
    detail = json.loads(audits[-1]["detail"])
    assert (detail["approved_by"], detail["export"]) == (owner, log[0]["id"])
    page = lead.get(f"/staff/campaigns/{campaign['code']}/evidence/exports")
    assert f"{owner}, {log[0]['approved_at'][:10]}" in page.get_data(as_text=True)


def test_an_export_the_lead_did_not_approve_says_so_and_records_no_sign_off(
    staff_client, app, campaign, tmp_path
):
    lead = staff_client("lead")
    _people(app, campaign, "QS1", ["good"] * 10)
    tables = _signed_export(lead, campaign, "json", tmp_path, sign_off=False)
    assert tables["Sign-off"] == [
        ["", "", "", "Not signed off: no lead has approved this export for filing."]
    ]
    with app.app_context():
        db = get_db()
        [entry] = store.evidence.export_log(db, campaign["id"])
        signed = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export_sign_off'"
        ).fetchone()[0]
    assert (entry["approved_by"], entry["approved_at"], signed) == (None, None, 0)


def test_the_command_records_who_signed_off(runner, app, campaign, tmp_path):
    _people(app, campaign, "QS1", ["good"] * 10)
    path = tmp_path / "out.json"
    result = runner.invoke(
        args=["export", "filing", "--format", "json", "-o", str(path), "--by", "Ann Lead"]
    )
    assert result.exit_code == 0, result.output
    assert "Signed off by Ann Lead at " in result.output
    document = json.loads(path.read_text())
    [sign_off] = document["sign_off"]
    assert (sign_off["approved_by"], sign_off["role"]) == ("Ann Lead", "Lead")
    assert {row["owner"] for row in document["scores"]} == {"Ann Lead"}
    with app.app_context():
        db = get_db()
        [entry] = store.evidence.export_log(db, campaign["id"])
        audit = db.execute(
            "SELECT user_id, subject FROM audit_log WHERE action = 'export_sign_off'"
        ).fetchone()
    assert (entry["approved_by"], entry["approved_at"]) == ("Ann Lead", sign_off["approved_at"])
    assert (audit["user_id"], audit["subject"]) == (None, "filing")


def test_the_export_describes_the_campaign_as_its_lead_set_it(staff_client, app, make_campaign):
    campaign = make_campaign(statement_ids=["QS1"], code="dated", is_demo=True)
    lead = staff_client("lead")
    # The lead sets the dates, the scale and the thresholds on the campaign's settings page.
    page = f"/staff/campaigns/{campaign['code']}/settings"
    settings = {"title": campaign["title"], "statements": ["QS1"], "scale": "5"}
    settings |= {"groups": ["person"], "min_group_size": "6", "min_cell_count": "4"}
    settings |= {"opens_at-day": "1", "opens_at-month": "11", "opens_at-year": "2026"}
    settings |= {"closes_at-day": "31", "closes_at-month": "12", "closes_at-year": "2099"}
    settings["csrf_token"] = csrf_token(lead.get(page).get_data(as_text=True))
    assert lead.post(page, data=settings).status_code == 302
    _people(app, campaign, "QS1", ["good"] * 10)
    base = f"/staff/campaigns/{campaign['code']}/evidence/exports"
    token = csrf_token(lead.get(base).get_data(as_text=True))
    response = lead.post(base, data={"format": "json", "csrf_token": token})
    assert response.status_code == 200
    document = json.loads(response.get_data())
    head = document["campaign"]
    assert (head["opens_at"], head["closes_at"]) == ("2026-11-01", "2099-12-31")
    assert (head["is_demo"], head["min_group_size"], head["min_cell_count"]) == (True, 6, 4)
    assert head["period"].startswith("2026-11-01 to ")
    read_me = {row["item"]: row["details"] for row in document["read_me"]}
    assert read_me["Closed"] == "2099-12-31"
    assert read_me["Demo data"] == "Yes: synthetic answers, not real people"
    assert "5-point faces scale" in read_me["Method"]
