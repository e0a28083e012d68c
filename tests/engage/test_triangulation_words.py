"""The triangulation page and the exported chart say what they count: answers, and the people
who gave them, for answers posted through the respondent's own forms."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from bs4 import BeautifulSoup

from engage import store
from engage.store import get_db
from tests.conftest import csrf_token
from tests.engage.journey import Respondent

SVG = "{http://www.w3.org/2000/svg}"


def _answer_two_questions(app, code: str, values: tuple[str, str]) -> None:
    """Send one new person through consent and who, answering the statement's first two."""
    person = Respondent(app.test_client(), code)
    person.start("person", "own")
    with app.app_context():
        db = get_db()
        questions = store.campaigns.campaign_questions(
            db, store.campaigns.campaign_by_code(db, code)["id"]
        )
    firsts = [q["question_id"] for q in questions if q["statement_id"] == "QS1"][:2]
    for question_id, value in zip(firsts, values, strict=True):
        assert person.answer(question_id, value).status_code == 302


def _chart_lines(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    return [t.text for t in root.iter(f"{SVG}text")]


def test_cells_and_charts_count_answers_from_people(app, make_campaign, staff_client):
    make_campaign(statement_ids=["QS1"], code="words")
    # Twelve people, two answers each: 24 answers, of which 18 good and 6 OK.
    for n in range(12):
        _answer_two_questions(app, "words", ("good", "ok" if n % 2 else "good"))
    lead = staff_client("lead")

    html = lead.get("/staff/campaigns/words/evidence/triangulation").get_data(as_text=True)
    page = BeautifulSoup(html, "html.parser")
    table = page.find("table", class_="table--matrix")
    person_cell = table.find("tbody").find("tr").find_all("td")[0].get_text(" ", strip=True)
    assert person_cell.startswith("24 answers from 12 people 75% of answers positive")
    assert "Good: 18" in person_cell and "OK: 6" in person_cell
    assert "there are usually more answers than people" in html
    chart = page.select_one("#heading-group").find_parent("section").find("svg")
    lines = [t.get_text() for t in chart.find_all("text")]
    assert lines[lines.index("People who draw on care") + 1] == "24 answers from 12 people"
    assert "75%" in lines
    # The browser tests measure the text as shown; here, that nothing shrinks it below 20 px.
    assert chart["viewbox"].split()[2] == chart["width"] == "420"

    token = csrf_token(lead.get("/staff/campaigns/words/evidence/exports").get_data(as_text=True))
    response = lead.post(
        "/staff/campaigns/words/evidence/exports", data={"csrf_token": token, "format": "zip"}
    )
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        svg = archive.read("charts/triangulation-groups.svg").decode()
        table_page = archive.read("charts/triangulation-groups.html").decode()
    lines = _chart_lines(svg)
    assert lines[lines.index("People who draw on care") + 1] == "24 answers from 12 people"
    assert "font-size:20px" in svg
    assert "24 answers from 12 people, 75% of answers positive" in table_page
