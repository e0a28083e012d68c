"""The SVG chart is accessible and says the same as its table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from exports.charts import matrix_svg, matrix_table_html
from exports.triangulation import build_tables
from tests.exports.known import STATEMENTS, known_answers, known_participants

SVG = "{http://www.w3.org/2000/svg}"


def by_group():
    return build_tables(known_answers(), known_participants(), STATEMENTS).by_group


def test_the_chart_has_a_title_a_description_and_text_labels():
    svg = ET.fromstring(matrix_svg(by_group(), "Share positive <by group>"))  # noqa: S314 - our own output
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Share positive <by group>"
    desc = svg.find(f"{SVG}desc").text
    assert "QS7: People who draw on care 100%" in desc
    assert "Families and carers hidden" in desc
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "67%" in texts and "50%" in texts and "share hidden" in texts
    assert texts[texts.index("Partners") + 1] == "no answers"
    # Under each group's name, what its bar counts, or that its numbers are hidden.
    assert texts[texts.index("People who draw on care") + 1] == "numbers hidden"
    assert any(re.fullmatch(r"\d+ answers? from \d+ (person|people)", t or "") for t in texts)
    assert any("(views\u00a0differ)" in (t or "") for t in texts)


def test_each_column_has_its_own_pattern_so_colour_is_not_alone():
    svg = ET.fromstring(matrix_svg(by_group(), "Chart"))  # noqa: S314 - our own output
    patterns = svg.findall(f"{SVG}defs/{SVG}pattern")
    assert len(patterns) == 5
    bodies = {ET.tostring(p).decode().split(">", 1)[1].replace("#", "") for p in patterns}
    assert len(bodies) == 5
    # Bars carry their column's pattern; columns with no figure shown draw no bar.
    fills = {r.get("fill") for r in svg.iter(f"{SVG}rect") if "url(" in (r.get("fill") or "")}
    assert len(fills) >= 2
    assert fills <= {f"url(#chart-p{i})" for i in range(5)}


def test_two_charts_can_share_a_page():
    first = matrix_svg(by_group(), "One", id_prefix="one")
    second = matrix_svg(by_group(), "Two", id_prefix="two")
    ids = [part.split('"')[0] for part in (first + second).split(' id="')[1:]]
    assert len(ids) == len(set(ids))


def test_the_table_holds_the_same_figures():
    html = matrix_table_html(by_group(), "Share positive by group")
    assert "<caption>Share positive by group</caption>" in html
    # Each figure is the one the workbook shows: the cell's share and people, or "hidden".
    for row in by_group().rows:
        for cell in row.cells.values():
            share, people = cell.share_positive, cell.people
            if people == 0:
                expected = "no answers"
            elif share is None and people is None:
                expected = "hidden"
            else:
                answers = "answers hidden" if cell.answers is None else f"{cell.answers} answers"
                from_people = "a hidden number of people" if people is None else f"{people} people"
                said = "numbers hidden" if cell.answers is None and people is None else None
                expected = (
                    (said or f"{answers} from {from_people}")
                    + ", "
                    + (
                        "share hidden"
                        if share is None
                        else f"{round(share * 100)}% of answers positive"
                    )
                )
            assert f"<td>{expected}" in html
    assert "<td>hidden" in html and "<td>no answers" in html
    assert 'scope="col"' in html and 'scope="row"' in html
