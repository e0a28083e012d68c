"""The SVG chart is accessible and says the same as its table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

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
    # Only QS7's people who draw on care have their share shown with its n; the rest are
    # hidden with theirs.
    assert "100%" in texts and "share hidden" in texts
    assert [t for t in texts if t and t.endswith("%")] == ["100%"]
    assert texts[texts.index("Partners") + 1] == "no answers"
    # Under each group's name, what its bar counts, or that its numbers are hidden.
    assert texts[texts.index("People who draw on care") + 1] == "numbers hidden"
    assert any(re.fullmatch(r"\d+ answers? from \d+ (person|people)", t or "") for t in texts)
    # With nothing hidden, QS7's people (100%) and staff (50%) differ, and the chart says so.
    every = build_tables(
        known_answers(), known_participants(), STATEMENTS, min_group_size=1, min_cell_count=1
    ).by_group
    texts = [t.text for t in ET.fromstring(matrix_svg(every, "Chart")).iter(f"{SVG}text")]  # noqa: S314
    assert "QS7 Safeguarding (views\u00a0differ)" in texts
    assert "67%" in texts and "50%" in texts


def test_each_column_has_its_own_pattern_so_colour_is_not_alone():
    # Nothing hidden, so that every column with answers draws its bar.
    every = build_tables(
        known_answers(), known_participants(), STATEMENTS, min_group_size=1, min_cell_count=1
    ).by_group
    svg = ET.fromstring(matrix_svg(every, "Chart"))  # noqa: S314 - our own output
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


def _drawn(svg_text: str) -> list[tuple[str, float, float, str]]:
    """Return each text and bar in drawing order: (tag, top, bottom, text)."""
    drawn = []
    for element in ET.fromstring(svg_text):  # noqa: S314 - our own output
        tag = element.tag.removeprefix(SVG)
        if tag == "text":
            y = float(element.get("y"))
            drawn.append(("text", y - 20, y, element.text or ""))
        elif tag == "rect":
            y = float(element.get("y"))
            drawn.append(("rect", y, y + float(element.get("height")), ""))
    return drawn


def test_every_line_of_the_chart_fits_and_nothing_overlaps():
    matrix = by_group()
    # Long names wrap. At the 12 px indent 39 characters fit (402 px) and 40 do not.
    fits, too_long = f"{'w' * 19} {'v' * 19}", f"{'w' * 19} {'v' * 20}"
    matrix.labels = {
        column: f"{fits if n % 2 else too_long} and a long name of a group that wraps twice"
        for n, column in enumerate(matrix.columns)
    }
    svg_text = matrix_svg(matrix, "Share positive by respondent group " * 3)
    drawn = _drawn(svg_text)
    texts = ET.fromstring(svg_text).iter(f"{SVG}text")  # noqa: S314 - our own output
    for text in texts:
        # 10 px a character (bold) ends every line at least 11 px inside the 420 px width.
        assert float(text.get("x")) + 10 * len(text.text) <= 409, text.text
    # A line is broken only where the next word would not fit.
    assert fits in [t.text for t in ET.fromstring(svg_text).iter(f"{SVG}text")]  # noqa: S314
    # Top to bottom: each line or bar starts below the one before, but a share sits beside
    # its own bar.
    for (_tag, _top, bottom), (tag, top, _bottom, words) in zip(
        [d[:3] for d in drawn], drawn[1:], strict=False
    ):
        if not (tag == "text" and words.endswith("%")):
            assert top >= bottom, words
    assert float(ET.fromstring(svg_text).get("height")) > max(d[2] for d in drawn)  # noqa: S314


def test_a_share_is_said_hidden_only_where_someone_answered():
    matrix = by_group()
    texts = [t.text for t in ET.fromstring(matrix_svg(matrix, "Chart")).iter(f"{SVG}text")]  # noqa: S314
    hidden = [c for row in matrix.rows for c in row.cells.values() if c.share_positive is None]
    assert any(c.people == 0 for c in hidden)
    assert texts.count("share hidden") == sum(c.people != 0 for c in hidden)


def test_without_inline_styles_the_text_carries_the_pages_classes():
    svg = ET.fromstring(matrix_svg(by_group(), "Chart", inline_style=False))  # noqa: S314
    classes = {t.get("class") for t in svg.iter(f"{SVG}text")}
    assert classes == {"chart-text", "chart-bold"}
    assert not any(t.get("style") for t in svg.iter(f"{SVG}text"))
    css = (Path(__file__).parents[2] / "engage" / "static" / "review.css").read_text()
    assert ".chart-text {" in css and ".chart-bold {" in css
