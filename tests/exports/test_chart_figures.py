"""The chart, its description and its table say the same figures, and say hidden ones alike.

A hand-made matrix holds every case a cell can be in: all shown, answers hidden, people
hidden, both hidden, share hidden, nobody, one person, and a statement whose views differ.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from exports.charts import count_words, matrix_svg, matrix_table_html
from exports.records import Statement
from exports.suppression import VALUES
from exports.triangulation import Cell, Matrix, Row

SVG = "{http://www.w3.org/2000/svg}"
COLUMNS = ("person", "family", "staff", "partner", "advocacy", "provider")
LABELS = {
    "person": "People who draw on care",
    "family": "Families and carers",
    "staff": "Staff",
    "partner": "Partners",
    "advocacy": "Advocates and groups",
    "provider": "Providers",
}


def cell(people, good=0, ok=0, not_good=0, hidden=(), differs=False):
    counts = dict.fromkeys(VALUES, 0) | {"good": good, "ok": ok, "not_good": not_good}
    return Cell(raw_people=people, raw_counts=counts, hidden=set(hidden), differs=differs)


def matrix():
    qs1 = Row(
        Statement("QS1", "Assessing needs", "Working with people"),
        {
            "person": cell(24, good=27, ok=9),  # 75%
            "family": cell(12, good=6, ok=6, hidden={"answers"}),  # 50%
            "staff": cell(12, good=3, not_good=9, hidden={"people"}),  # 25%
            "partner": cell(0),
            "advocacy": cell(3, good=3, hidden={"people", "answers", "share", *VALUES}),
            "provider": cell(1, good=1),  # 100%, one person
        },
        cell(52),
        differs=True,
    )
    qs7 = Row(
        Statement("QS7", "Safeguarding", "Ensuring safety within the system"),
        {
            "person": cell(2, good=1, ok=1),  # 50%, two people
            "family": cell(12, good=10, ok=2, hidden={"share"}),
            "staff": cell(12, good=12, differs=True),  # 100%
            "partner": cell(0),
            "advocacy": cell(0),
            "provider": cell(0),
        },
        cell(26),
    )
    return Matrix("group", COLUMNS, LABELS, [qs1, qs7], 10, 5, 0.2)


@pytest.mark.parametrize(
    ("people", "good", "hidden", "said"),
    [
        (24, 36, (), "36 answers from 24 people"),
        (1, 1, (), "1 answer from 1 person"),
        (2, 2, (), "2 answers from 2 people"),
        (12, 12, {"answers"}, "answers hidden from 12 people"),
        (12, 12, {"people"}, "12 answers from a hidden number of people"),
        (12, 12, {"people", "answers"}, "numbers hidden"),
        (0, 0, (), "no answers"),
    ],
)
def test_what_a_cell_counts_is_said_in_words(people, good, hidden, said):
    assert count_words(cell(people, good=good, hidden=hidden)) == said


def svg_root(**options):
    return ET.fromstring(matrix_svg(matrix(), "Views by group", "g", **options))  # noqa: S314 - our own output


def texts(root):
    return [(float(t.get("x")), t.text) for t in root.iter(f"{SVG}text")]


def test_the_chart_says_every_figure_in_order_under_its_group():
    said = [text for _x, text in texts(svg_root())]
    assert said == [
        "Views by group",
        "Bars: share of answers good or very good",
        "QS1 Assessing needs (views\u00a0differ)",
        "People who draw on care",
        "36 answers from 24 people",
        "75%",
        "Families and carers",
        "answers hidden from 12 people",
        "50%",
        "Staff",
        # Wrapped to fit the chart's width at its indent.
        "12 answers from a hidden number of",
        "people",
        "25%",
        "Partners",
        "no answers",
        "Advocates and groups",
        "numbers hidden",
        "share hidden",
        "Providers",
        "1 answer from 1 person",
        "100%",
        "QS7 Safeguarding",
        "People who draw on care",
        "2 answers from 2 people",
        "50%",
        "Families and carers",
        "12 answers from 12 people",
        "share hidden",
        "Staff",
        "12 answers from 12 people",
        "100%",
        "Partners",
        "no answers",
        "Advocates and groups",
        "no answers",
        "Providers",
        "no answers",
    ]


def test_the_chart_indents_groups_under_statements_and_counts_under_groups():
    placed = texts(svg_root())
    x_of = {text: x for x, text in placed}
    statement, group = x_of["QS7 Safeguarding"], x_of["Staff"]
    counts = x_of["2 answers from 2 people"]
    assert statement < group < counts
    assert x_of["share hidden"] == x_of["no answers"] == counts


def test_each_bar_is_as_long_as_its_share_with_its_figure_beside_it_in_its_colour():
    root = svg_root()
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    bars = list(root.iter(f"{SVG}rect"))
    bars = [b for b in bars if b.get("fill", "").startswith("url(")]
    figures = [t for t in root.iter(f"{SVG}text") if t.text.endswith("%")]
    shares = [int(t.text[:-1]) / 100 for t in figures]
    assert shares == [0.75, 0.5, 0.25, 1.0, 0.5, 1.0]
    widths = [float(b.get("width")) for b in bars]
    full = widths[3]  # QS1's providers: 100%
    for width, share in zip(widths, shares, strict=True):
        assert width == pytest.approx(share * full, abs=1)
    assert full > 300  # the bars use the chart's width
    for bar, figure in zip(bars, figures, strict=True):
        right = float(bar.get("x")) + float(bar.get("width"))
        assert right < float(figure.get("x")) <= right + 12
        top, height = float(bar.get("y")), float(bar.get("height"))
        # The figure's 20 px text is centred on its bar, give or take 3 px.
        assert abs((float(figure.get("y")) - 7) - (top + height / 2)) <= 3
        # Its colour is the one its pattern is drawn in, so the two read as one.
        pattern = patterns[bar.get("fill")[5:-1]]
        drawn = {e.get("fill") for e in pattern} | {e.get("stroke") for e in pattern}
        assert bar.get("stroke").startswith("#")
        assert bar.get("stroke") in drawn
    # Nothing falls outside the picture.
    height = float(root.get("height"))
    assert max(float(t.get("y")) for t in root.iter(f"{SVG}text")) < height


def test_the_chart_holds_only_drawn_elements_and_styles_its_own_text_by_default():
    root = svg_root()
    for element in root.iter():
        assert (element.tail or "").strip() == ""
        if element.tag != f"{SVG}text" and element.tag not in (f"{SVG}title", f"{SVG}desc"):
            assert (element.text or "").strip() == ""
    assert [e.tag for e in root][:3] == [f"{SVG}title", f"{SVG}desc", f"{SVG}defs"]
    assert all("font-size:20px" in t.get("style") for t in root.iter(f"{SVG}text"))
    classes = {t.get("class") for t in svg_root(inline_style=False).iter(f"{SVG}text")}
    assert classes == {"chart-text", "chart-bold"}


def test_the_description_reads_every_figure_as_the_chart_does():
    assert svg_root().find(f"{SVG}desc").text == (
        "Share of answers that were good or very good, for each statement and group. "
        "QS1: People who draw on care 75% (36 answers from 24 people), "
        "Families and carers 50% (answers hidden from 12 people), "
        "Staff 25% (12 answers from a hidden number of people), "
        "Partners hidden (no answers), Advocates and groups hidden (numbers hidden), "
        "Providers 100% (1 answer from 1 person). "
        "QS7: People who draw on care 50% (2 answers from 2 people), "
        "Families and carers hidden (12 answers from 12 people), "
        "Staff 100% (12 answers from 12 people), Partners hidden (no answers), "
        "Advocates and groups hidden (no answers), Providers hidden (no answers)."
    )


def test_the_table_says_the_same_figures_as_the_chart():
    table = ET.fromstring(matrix_table_html(matrix(), "Views by group"))  # noqa: S314 - our own output
    assert table.find("caption").text == "Views by group"
    head = [th.text for th in table.find("thead").iter("th")]
    assert head == ["Statement", *LABELS.values()]
    rows = [[c.text for c in tr] for tr in table.find("tbody")]
    assert rows == [
        [
            "QS1 Assessing needs",
            "36 answers from 24 people, 75% of answers positive",
            "answers hidden from 12 people, 50% of answers positive",
            "12 answers from a hidden number of people, 25% of answers positive",
            "no answers",
            "hidden",
            "1 answer from 1 person, 100% of answers positive",
        ],
        [
            "QS7 Safeguarding",
            "2 answers from 2 people, 50% of answers positive",
            "12 answers from 12 people, share hidden",
            "12 answers from 12 people, 100% of answers positive (differs)",
            "no answers",
            "no answers",
            "no answers",
        ],
    ]
    for tr in table.find("tbody"):
        assert (tr.text or "") == "" and all((c.tail or "") == "" for c in tr)
    assert all((tr.tail or "") == "" for tr in table.find("tbody"))
    assert all((th.tail or "") == "" for th in table.find("thead").iter("th"))
