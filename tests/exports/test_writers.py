"""Every format carries the same known scores and suppression, and honours consent,
safeguarding holds and redaction, with no formula left live."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import jsonschema
import openpyxl
import pytest

from exports.safety import neutralise
from exports.writers import SCHEMA_PATH, write_csv, write_json, write_xlsx, write_zip
from tests.exports.known import known_input

SHEETS = ["Read me", "Scores", "Triangulation", "Quotes", "Media", "Engagement record"]


def read_xlsx(path) -> dict[str, list[list]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == SHEETS
    return {
        name: [
            ["" if v is None else v for v in row]
            for row in workbook[name].iter_rows(values_only=True)
        ]
        for name in SHEETS
    }


def read_csv_zip(path) -> dict[str, list[list]]:
    names = {
        "Read me": "read-me.csv",
        "Scores": "scores.csv",
        "Triangulation": "triangulation.csv",
        "Quotes": "quotes.csv",
        "Media": "media.csv",
        "Engagement record": "engagement-record.csv",
    }
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(names.values())
        return {
            sheet: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for sheet, name in names.items()
        }


def read_json(path) -> dict[str, list[list]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    keys = {
        "Read me": "read_me",
        "Scores": "scores",
        "Triangulation": "triangulation",
        "Quotes": "quotes",
        "Media": "media",
        "Engagement record": "engagement",
    }
    # Rows as lists of the values, as the spreadsheets show them, to compare formats.
    return {
        sheet: [["" if v is None else v for v in row.values()] for row in document[key]]
        for sheet, key in keys.items()
    }


@pytest.fixture(params=["xlsx", "csv", "json"])
def tables(request, tmp_path):
    data = known_input(tmp_path)
    path = tmp_path / f"export.{request.param}"
    if request.param == "xlsx":
        write_xlsx(data, path)
        return request.param, {k: v[1:] for k, v in read_xlsx(path).items()}
    if request.param == "csv":
        write_csv(data, path)
        return request.param, {k: v[1:] for k, v in read_csv_zip(path).items()}
    write_json(data, path)
    return request.param, read_json(path)


def _text(value) -> str:
    return "" if value in (None, "") else str(value)


def score(tables, statement, column, split="respondent group"):
    for row in tables["Scores"]:
        if row[0] == statement and row[3] == split and row[4] == column:
            return [_text(v) for v in row]
    raise AssertionError(f"no score row for {statement} {column}")


# People in each known cell that is large enough to be shown (tests/exports/known.py).
KNOWN_PEOPLE = {
    ("QS1", "People who draw on care"): 12,
    ("QS1", "Advocates and group sessions (group tally)"): 11,
    ("QS1", "Staff"): 10,
    ("QS1", "All"): 37,
    ("QS7", "People who draw on care"): 10,
    ("QS7", "Staff"): 10,
    ("QS7", "All"): 20,
}


def test_known_scores_and_suppression(tables):
    _fmt, t = tables
    # statement, name, theme, split, column, people, answers, 7 counts, share, status, differs
    assert score(t, "QS1", "Families and carers")[5:] == [""] * 10 + ["hidden", ""]
    assert score(t, "QS7", "With help", "answered how")[-2] == "hidden"
    assert score(t, "QS7", "All")[5:8] == ["20", "20", "0"]
    assert score(t, "QS1", "Partners")[5:7] == ["0", "0"]
    for row in t["Scores"]:
        row = [_text(v) for v in row]
        people, counts = row[5], row[7:14]
        assert all(c == "" or not 0 < int(c) < 5 for c in counts), row
        if people and people != "0" and row[3] == "respondent group":
            assert int(people) == KNOWN_PEOPLE[(row[0], row[4])]
        assert row[-2] in ("shown", "partly_hidden", "hidden", "no_answers")


def test_triangulation_sheet(tables):
    _fmt, t = tables
    qs1, qs7 = ([_text(v) for v in row] for row in t["Triangulation"])
    assert qs1[:7][:4] == ["QS1", "Assessing needs", qs1[2], "hidden"]
    assert qs1[6] == "no answers"
    columns = [
        "People who draw on care",
        "Families and carers",
        "Advocates and group sessions (group tally)",
        "Staff",
        "Partners",
    ]
    for line in (qs1, qs7):
        for column, text in zip(columns, line[2:7], strict=True):
            share = score(t, line[0], column)[14]
            assert text == (share or text) and (share or text in ("hidden", "no answers"))


def test_only_consented_decided_unheld_quotes_with_redacted_words(tables):
    fmt, t = tables
    quotes = t["Quotes"]
    assert [row[0] for row in quotes] == ["EV-QS1-0001", "EV-QS7-0006"]
    first, second = quotes
    # Scores hides the QS1 cell of people who answered with help (nobody there but this
    # quote's writer), so the quote names neither their group, nor how, nor language.
    assert first[1:9] == [
        "QS1",
        "Working with people",
        "Strength",
        "",
        "",
        "",
        "2026-11-01",
        "My worker [name] is kind to me.",
    ]
    assert second[1] == "QS7, QS1"
    assert second[2] == "Ensuring safety within the system, Working with people"
    assert second[3] == "Area to improve"
    assert second[9] == "[name] is kind"
    assert "Dafydd" not in json.dumps(t)
    expected = '=HYPERLINK("http://x.invalid","[name]") mae [name] yn garedig'
    # A live formula is neutralised in the spreadsheet formats; JSON keeps the words exactly.
    assert second[8] == (expected if fmt == "json" else "'" + expected)


def test_only_consented_unheld_media(tables):
    _fmt, t = tables
    assert t["Media"] == [
        ["EV-MEDIA-0001", "drawing", "A house with a garden", "yes", "media/drawing.png"]
    ]


def test_engagement_record(tables):
    _fmt, t = tables
    rows = {(r[0], r[1]): _text(r[2]) for r in t["Engagement record"]}
    assert rows[("Everyone", "People who took part")] == "42"
    assert rows[("Respondent group", "Person who draws on care")] == "17"
    assert rows[("Respondent group", "Family member or carer")] == ""  # 4 people: hidden
    assert rows[("How they answered", "With help")] == "5"
    assert rows[("How they answered", "In a group session")] == "11"
    assert rows[("Language", "cy")] == "5"
    assert rows[("Group sessions", "Advocates' group sessions held")] == "1"


def test_read_me_names_the_campaign_and_thresholds(tables):
    _fmt, t = tables
    rows = {r[0]: r[1] for r in t["Read me"]}
    assert rows["Campaign"] == "Known campaign"
    assert "fewer than 10 people" in rows["Small numbers"]
    assert "under 5" in rows["Small numbers"]


def test_the_zip_holds_the_workbook_charts_and_only_consented_media(tmp_path):
    path = tmp_path / "evidence.zip"
    tally = write_zip(known_input(tmp_path), path)
    assert (tally.quotes, tally.media) == (2, 1)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert names == {
            "known-evidence.xlsx",
            "charts/triangulation-groups.svg",
            "charts/triangulation-groups.html",
            "charts/triangulation-answered-how.svg",
            "charts/triangulation-answered-how.html",
            "media/drawing.png",
        }
        assert archive.read("media/drawing.png") == b"picture-agreed"
        (tmp_path / "inner.xlsx").write_bytes(archive.read("known-evidence.xlsx"))
        svg = archive.read("charts/triangulation-groups.svg").decode()
    sheets = read_xlsx(tmp_path / "inner.xlsx")
    assert [row[0] for row in sheets["Quotes"][1:]] == ["EV-QS1-0001", "EV-QS7-0006"]
    sheet_shares = {_text(row[14]) for row in sheets["Scores"][1:] if row[3] == "respondent group"}
    shown = {share for share in re.findall(r">(\d+%)<", svg)}
    assert shown and shown <= sheet_shares


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("fine = ok", "fine = ok"),
        (5, 5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_no_cell_in_the_workbook_or_csv_can_start_a_formula(tmp_path):
    write_xlsx(known_input(tmp_path), tmp_path / "e.xlsx")
    write_csv(known_input(tmp_path), tmp_path / "e.zip")
    for tables in (read_xlsx(tmp_path / "e.xlsx"), read_csv_zip(tmp_path / "e.zip")):
        for rows in tables.values():
            for row in rows:
                for value in row:
                    assert not str(value).startswith(("=", "+", "-", "@", "\t", "\r"))
