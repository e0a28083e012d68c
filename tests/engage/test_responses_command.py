"""`engage responses` gives each answer and tally line as it was posted, with names taken out.

A family member answers with help through the respondent pages and an advocate counts a group
session through the staff pages, all over HTTP; no lead has opened the review queue. The
command's JSON must then hold every row whole: who, how, which question and statement, the
answer, how many people it speaks for, the words with the name already replaced, and when it
was saved.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.conftest import CheckedClient, csrf_token
from tests.engage.journey import Respondent
from tests.engage.test_group_evidence import _questions, _run_group

pytestmark = pytest.mark.both_engines

WORDS = "Sharon on nights is always late with my tablets."


def test_every_answer_and_tally_line_comes_out_as_posted(app, runner, make_campaign, staff_client):
    campaign = make_campaign(statement_ids=["QS1"], scale_points=5)
    first, second = _questions(app, campaign)
    app.test_client_class = CheckedClient
    person = Respondent(app.test_client(), campaign["code"])
    person.start(group="family", how="helped")
    assert person.answer(first, "good", WORDS).status_code == 302
    assert person.answer(second, "not_sure").status_code == 302
    group_id = _run_group(
        staff_client("advocate"), app, campaign, 6, [{"very_good": 4, "ok": 2}, {"not_good": 6}]
    )

    result = runner.invoke(args=["responses", campaign["code"], "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    for row in rows:
        # Each row says when it was saved, as a time a spreadsheet can read.
        assert datetime.fromisoformat(row.pop("saved_at"))
    sessions = {row.pop("session") for row in rows if row["group_session"] is None}
    assert len(sessions) == 1 and isinstance(sessions.pop(), int)
    for row in rows:
        row.pop("session", None)
    one_person = {"group_session": None, "people": 1, "respondent_group": "family"}
    one_person |= {"answered_how": "helped", "answered_offline": False, "language": "en"}
    in_the_group = {"group_session": group_id, "free_text": "", "respondent_group": "person"}
    in_the_group |= {"answered_how": "group", "answered_offline": False, "language": ""}
    expected = [
        # No lead has looked yet: the name is replaced all the same.
        {**one_person, "question_id": first, "statement_id": "QS1", "value": "good",
         "free_text": "[name] on nights is always late with my tablets."},
        {**one_person, "question_id": second, "statement_id": "QS1", "value": "not_sure",
         "free_text": ""},
        {**in_the_group, "question_id": first, "statement_id": "QS1", "value": "very_good",
         "people": 4},
        {**in_the_group, "question_id": first, "statement_id": "QS1", "value": "ok", "people": 2},
        {**in_the_group, "question_id": second, "statement_id": "QS1", "value": "not_good",
         "people": 6},
    ]  # fmt: skip

    def order(row):
        return (row["group_session"] or 0, row["question_id"], row["value"])

    assert sorted(rows, key=order) == sorted(expected, key=order)
    assert "Sharon" not in result.stdout


def test_a_word_on_the_campaign_list_is_taken_out_of_new_words(
    app, runner, make_campaign, staff_client
):
    campaign = make_campaign(statement_ids=["QS1"], scale_points=5)
    first, _second = _questions(app, campaign)
    lead = staff_client("lead")
    page = f"/staff/campaigns/{campaign['code']}/redact-list"
    token = csrf_token(lead.get(page).get_data(as_text=True))
    assert lead.post(page, data={"csrf_token": token, "name": "Oakfield"}).status_code == 302
    # "Oakfield" is a word only the list knows to take out. Written after it was listed,
    # and never opened by a lead.
    app.test_client_class = CheckedClient
    person = Respondent(app.test_client(), campaign["code"])
    person.start()
    assert person.answer(first, "good", "We meet at Oakfield every week.").status_code == 302

    result = runner.invoke(args=["responses", campaign["code"], "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["free_text"] == "We meet at [name] every week."
