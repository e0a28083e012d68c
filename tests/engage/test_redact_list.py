"""A campaign's names and places to always redact: the lead's page, the command, and names in
answers in every language reaching the lead's review queue."""

from __future__ import annotations

import pytest

from engage import store
from engage.i18n import LANGUAGES
from engage.store import get_db
from tests.conftest import csrf_token
from tests.engage.journey import Respondent

PAGE = "/staff/campaigns/{code}/redact-list"


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(statement_ids=["QS1"], languages=list(LANGUAGES), code="names")


def _lead(staff_client):
    client = staff_client("lead")
    client.token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
    return client


def _answer(client, code: str, language: str, words: str) -> None:
    person = Respondent(client, code)
    assert person.post("/language", {"language": language}).status_code == 302
    person.start()
    with client.application.app_context():
        question = store.campaigns.campaign_questions(
            get_db(), store.campaigns.campaign_by_code(get_db(), code)["id"]
        )
    response = person.answer(question[0]["question_id"], "good", words)
    assert response.status_code == 302


def _queue_redactions(lead, app, campaign_id: int) -> dict[str, list[tuple[str, str]]]:
    """Open the queue as a lead would, then return each item's suggested words and kinds."""
    assert lead.get("/staff/campaigns/names/evidence/").status_code == 200
    with app.app_context():
        db = get_db()
        return {
            item["text"]: [
                (r["words"], r["kind"])
                for r in store.review.review_item(db, item["id"])["redactions"]
            ]
            for item in store.review.review_queue(db, campaign_id)
        }


ANSWERS = {
    "cy": ("Mae fy ngofalwr Dafydd yn garedig iawn.", "Dafydd"),
    "pl": ("Rozmawiałam z Agnieszką Wiśniewską o zmianie.", "Agnieszką Wiśniewską"),
    "ur": ("میرا بیٹا احمد ہر اتوار کو آتا ہے۔", "احمد"),
    "ar": ("ابني أحمد يزورني كل يوم جمعة.", "أحمد"),
}


@pytest.mark.parametrize("language", sorted(ANSWERS))
def test_a_name_in_an_answer_posted_in_any_language_is_suggested_in_the_queue(
    client, staff_client, app, campaign, language
):
    words, name = ANSWERS[language]
    _answer(client, campaign["code"], language, words)
    found = _queue_redactions(_lead(staff_client), app, campaign["id"])
    assert found[words] == [(name, "name")]


def test_a_lead_adds_and_removes_names_and_places_and_the_queue_follows(
    client, staff_client, app, campaign
):
    words = "Mae'r staff yn Nhŷ Gwyn yn dda. Diolch i Carys."
    _answer(client, campaign["code"], "cy", words)
    lead = _lead(staff_client)
    assert _queue_redactions(lead, app, campaign["id"])[words] == [("Carys", "name")]
    page = PAGE.format(code="names")
    html = lead.get(page).get_data(as_text=True)
    assert "The list is empty." in html
    assert (
        lead.post(page, data={"csrf_token": lead.token, "name": "  Tŷ  Gwyn "}).status_code == 302
    )
    html = lead.get(page).get_data(as_text=True)
    assert "Tŷ Gwyn" in html and "A place" in html
    with app.app_context():
        assert store.review.redaction_names(get_db(), campaign["id"]) == ["Tŷ Gwyn"]
        item = store.review.review_queue(get_db(), campaign["id"])[0]
        suggested = [
            (r["words"], r["kind"])
            for r in store.review.review_item(get_db(), item["id"])["redactions"]
        ]
    # Suggested again at once: the mutated form "Nhŷ Gwyn" is found.
    assert suggested == [("Nhŷ Gwyn", "other"), ("Carys", "name")]
    removed = lead.post(f"{page}/remove", data={"csrf_token": lead.token, "name": "Tŷ Gwyn"})
    assert removed.status_code == 302
    assert _queue_redactions(lead, app, campaign["id"])[words] == [("Carys", "name")]
    with app.app_context():
        actions = [r["action"] for r in get_db().execute("SELECT action FROM audit_log")]
    assert "redact_list_add" in actions and "redact_list_remove" in actions


def test_a_place_on_the_list_is_redacted_as_a_place(staff_client, app, campaign):
    lead = _lead(staff_client)
    page = PAGE.format(code="names")
    lead.post(page, data={"csrf_token": lead.token, "name": "Maple Lodge care home"})
    assert "A place" in lead.get(page).get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("   ", "Write a name or a place."), ("x" * 101, "Write 100 characters or fewer.")],
)
def test_bad_entries_get_a_clear_error_and_store_nothing(
    staff_client, app, campaign, typed, message
):
    lead = _lead(staff_client)
    response = lead.post(PAGE.format(code="names"), data={"csrf_token": lead.token, "name": typed})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert store.review.redaction_names(get_db(), campaign["id"]) == []


def test_a_name_already_on_the_list_is_refused_in_any_case(staff_client, app, campaign):
    lead = _lead(staff_client)
    page = PAGE.format(code="names")
    lead.post(page, data={"csrf_token": lead.token, "name": "Sharon Evans"})
    again = lead.post(page, data={"csrf_token": lead.token, "name": "sharon evans"})
    assert again.status_code == 400
    assert "That is already on the list." in again.get_data(as_text=True)


def test_only_leads_reach_the_page_and_every_change_needs_the_token(client, staff_client, campaign):
    page = PAGE.format(code="names")
    assert client.get(page).status_code in (302, 401, 403)
    for role in ("supporter", "advocate"):
        assert staff_client(role).get(page).status_code == 403
    lead = _lead(staff_client)
    assert lead.post(page, data={"name": "Sharon"}).status_code == 400
    assert (
        lead.post(f"{page}/remove", data={"csrf_token": lead.token, "name": "Nobody"}).status_code
        == 404
    )
    assert lead.get(PAGE.format(code="nope")).status_code == 404


def test_the_page_is_linked_from_the_campaign_page(staff_client, campaign):
    html = _lead(staff_client).get("/staff/campaigns/names/").get_data(as_text=True)
    assert PAGE.format(code="names") in html


def test_the_command_adds_shows_and_removes(runner, app, campaign):
    added = runner.invoke(args=["redact-list", "add", "names", "Sharon Evans", "Ward 7"])
    assert added.exit_code == 0, added.output
    shown = runner.invoke(args=["redact-list", "show", "names"])
    assert shown.output.splitlines() == ["Sharon Evans\tperson", "Ward 7\tplace"]
    again = runner.invoke(args=["redact-list", "add", "names", "sharon evans"])
    assert again.exit_code == 1 and "already on the list" in again.output
    removed = runner.invoke(args=["redact-list", "remove", "names", "Sharon Evans"])
    assert removed.exit_code == 0
    missing = runner.invoke(args=["redact-list", "remove", "names", "Sharon Evans"])
    assert missing.exit_code == 1 and "not on the list" in missing.output
    assert runner.invoke(args=["redact-list", "show", "nope"]).exit_code == 1
    with app.app_context():
        assert store.review.redaction_names(get_db(), campaign["id"]) == ["Ward 7"]
        details = [r["detail"] for r in get_db().execute("SELECT detail FROM audit_log")]
    assert "Sharon Evans" in details
