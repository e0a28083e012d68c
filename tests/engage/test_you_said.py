"""The public "you said" page speaks to the people who took part, in their words and language."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from easyread import load_library
from engage.i18n import LANGUAGES
from tests.conftest import csrf_token
from tests.engage.test_group_evidence import _publish

STATEMENTS = ["QS1", "QS3", "QS7", "QS8"]


@pytest.fixture
def published(make_campaign, staff_client):
    campaign = make_campaign(statement_ids=STATEMENTS, languages=list(LANGUAGES))
    _publish(staff_client("lead"), campaign)
    return campaign


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_each_statement_has_an_easy_read_heading_and_picture(client, published, language):
    with client.session_transaction() as stored:
        stored["languages"] = {published["code"]: language}
    html = client.get(f"/s/{published['code']}/you-said").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    framework = load_library().framework("cqc-la")
    for statement_id in STATEMENTS:
        statement = framework.statement(statement_id)
        section = soup.find("section", attrs={"aria-labelledby": f"said-{statement_id}"})
        heading = section.find("h2")
        assert heading.get_text(strip=True) == statement.easy_name[language]
        # The official title is jargon to the people this page is for.
        assert statement.name["en"] not in section.get_text()
        # A picture sits beside the heading, and the heading can be heard.
        first_row = section.find(class_="you-said__heading")
        assert first_row.find("img") is not None
        assert first_row.find("button", class_="say__button") is not None


def test_every_shipped_statement_has_a_heading_in_every_language_and_a_picture():
    library = load_library()
    for framework_id in ("cqc-la", "duqc"):
        for statement in library.framework(framework_id).statements:
            assert set(statement.easy_name) == set(LANGUAGES), statement.id
            assert statement.picture, statement.id
            assert all(len(text.split()) <= 10 for text in statement.easy_name.values())


def test_a_lead_sees_the_heading_people_will_read(published, staff_client):
    page = (
        staff_client("lead")
        .get(f"/staff/campaigns/{published['code']}/evidence/we-will")
        .get_data(as_text=True)
    )
    assert "Feeling safe" in page
    assert csrf_token(page)


def test_a_person_chooses_their_language_on_the_page_and_stays_on_it(client, published):
    path = f"/s/{published['code']}/you-said"
    page = client.get(path).get_data(as_text=True)
    chosen = client.post(
        f"/s/{published['code']}/language",
        data={"csrf_token": csrf_token(page), "language": "ar", "next": path},
    )
    assert chosen.headers["Location"] == path
    html = client.get(path).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html
    assert "الشعور بالأمان" in html
