"""Nothing of one person reaches another through a kept question page.

A kept page is rendered once for the first person who sees it, then filled in for everyone
whose page has the same key (campaign, question, language, settings, chosen face). These tests
take people who share that key but differ in everything else a page could show about them, let
one of them make the kept page, and check that what the next one is given from it is exactly
the page rendered afresh for them: if anything of the first person, outside the holes, got
into the kept page, the two differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import template_rendered

from engage import store
from engage.store import get_db
from tests.conftest import CheckedClient, csrf_token
from tests.engage.journey import Respondent, follow_resume_link


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


def _questions(app, campaign) -> list[str]:
    with app.app_context():
        return [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ]


def _forget_kept_pages(app, campaign, question_id: str) -> None:
    # Saving a question's wording, even unchanged, starts a new content generation: every
    # process drops the pages it kept, so the next visit renders afresh.
    with app.app_context():
        db = get_db()
        content = store.campaigns.campaign_questions(db, campaign["id"])[0]["content"]
        store.campaigns.update_question_content(db, campaign["id"], question_id, content)


def _new_person(app, campaign) -> Respondent:
    app.test_client_class = CheckedClient
    return Respondent(app.test_client(), campaign["code"])


def _alone(app, campaign, questions, staff_client) -> Respondent:
    person = _new_person(app, campaign)
    person.start()
    person.answer(questions[0], "good")
    return person


def _with_words(app, campaign, questions, staff_client) -> Respondent:
    person = _new_person(app, campaign)
    person.start()
    person.answer(questions[0], "good", "Only Ann wrote this, about her Tuesday")
    return person


def _further_on(app, campaign, questions, staff_client) -> Respondent:
    person = _new_person(app, campaign)
    person.start(group="family", how="answered_for")
    person.answer(questions[0], "good", "Words from a family member")
    person.answer(questions[1], "not_good", "Later words nobody else wrote")
    return person


def _helped_by_a_supporter(app, campaign, questions, staff_client) -> Respondent:
    client = staff_client("supporter")
    page = client.get("/staff/assist/").get_data(as_text=True)
    handed = client.post(
        "/staff/assist/",
        data={"campaign": campaign["code"], "help": "writing_down", "csrf_token": csrf_token(page)},
    )
    assert handed.status_code == 302
    person = Respondent(client, campaign["code"])
    person.start(group="advocate", how="helped")
    person.answer(questions[0], "good", "Said with a supporter beside me")
    return person


def _came_back_with_a_code(app, campaign, questions, staff_client) -> Respondent:
    first = _new_person(app, campaign)
    first.start()
    first.answer(questions[0], "good", "Words from before the break")
    with app.app_context():
        code = (
            get_db()
            .execute("SELECT resume_code FROM respondent_sessions ORDER BY id DESC LIMIT 1")
            .fetchone()[0]
        )
    again = _new_person(app, campaign)
    assert follow_resume_link(again.client, f"{again.base}/resume/{code}").status_code == 302
    return again


PEOPLE: list[Callable] = [
    _alone,
    _with_words,
    _further_on,
    _helped_by_a_supporter,
    _came_back_with_a_code,
]


def _visit(app, person: Respondent, question_id: str) -> tuple[str, bool]:
    """Return the question page as this person gets it, and whether it was rendered for them."""
    rendered = []

    def note(_sender, template, context, **_extra):
        rendered.append(template.name)

    template_rendered.connect(note, app)
    try:
        response = person.client.get(f"{person.base}/q/{question_id}")
    finally:
        template_rendered.disconnect(note, app)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    # The holes are this person's by design; everything else must match byte for byte.
    page = page.replace(nonce, "NONCE").replace(csrf_token(page), "TOKEN")
    return page, "respondent/question.html" in rendered


@pytest.mark.parametrize("second", range(len(PEOPLE)), ids=[p.__name__[1:] for p in PEOPLE])
def test_a_kept_page_holds_nothing_of_the_person_it_was_made_for(
    app, campaign, staff_client, second
):
    questions = _questions(app, campaign)
    question_id = questions[0]
    first = PEOPLE[second - 1](app, campaign, questions, staff_client)
    person = PEOPLE[second](app, campaign, questions, staff_client)
    _forget_kept_pages(app, campaign, question_id)
    _made, rendered = _visit(app, first, question_id)
    assert rendered
    from_kept, rendered = _visit(app, person, question_id)
    # The second person really was given the first person's kept page.
    assert not rendered
    _forget_kept_pages(app, campaign, question_id)
    fresh, rendered = _visit(app, person, question_id)
    assert rendered
    assert from_kept == fresh
