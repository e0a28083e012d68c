"""Every format carries the same known scores and suppression, and honours consent,
safeguarding holds and redaction, with no formula left live."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace

import jsonschema
import openpyxl
import pytest

from exports.safety import neutralise
from exports.writers import SCHEMA_PATH, write_csv, write_json, write_xlsx, write_zip
from tests.exports.known import known_answers, known_input, people

SHEETS = [
    "Read me",
    "Sign-off",
    "Scores",
    "Triangulation",
    "Quotes",
    "Media",
    "Engagement record",
]


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
        "Sign-off": "sign-off.csv",
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
        "Sign-off": "sign_off",
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
    """Return a cell as text the same in every format: numbers as 0.67, 12, 0."""
    if value in (None, ""):
        return ""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def score(tables, statement, column, split="respondent group"):
    for row in tables["Scores"]:
        if row[0] == statement and row[3] == split and row[4] == column:
            return [_text(v) for v in row]
    raise AssertionError(f"no score row for {statement} {column}")


def test_known_scores_and_suppression(tables):
    _fmt, t = tables
    # people, answers, 7 counts, share, its n, not sure rate, did not want to say rate, their
    # n, status, differs
    assert score(t, "QS1", "People who draw on care")[5:21] == [
        *("12", "12", "0", "8", "", "", "0", "0", "0"),
        *("0.67", "12", "0", "0", "12"),
        *("partly_hidden", ""),
    ]
    assert score(t, "QS1", "Families and carers")[5:21] == [""] * 14 + ["small_group", ""]
    assert score(t, "QS1", "Staff")[5:21] == [""] * 14 + ["secondary", ""]
    assert score(t, "QS7", "Staff")[5:21] == [
        *("10", "10", "0", "5", "0", "5", "0", "0", "0"),
        *("0.5", "10", "0", "0", "10"),
        *("shown", "yes"),
    ]
    assert score(t, "QS7", "All")[5:8] == ["20", "20", "0"]
    assert score(t, "QS7", "With help", "answered how")[-7] == "small_group"
    # A column nobody answered in shows zeros and no share; its n is 0.
    assert score(t, "QS7", "Partners")[14:19] == ["", "0", "", "", "0"]


def test_not_sure_and_did_not_want_to_say_rates(tmp_path):
    """The rates are each answer's share of all answers, hidden with a hidden count."""
    data = known_input(tmp_path)
    extra = people("n", 12, "QS7", ["not_sure"] * 6 + ["prefer_not_to_say"] * 6, "partner")
    data.answers = [*data.answers, *extra]
    write_json(data, tmp_path / "e.json")
    t = read_json(tmp_path / "e.json")
    partner = score(t, "QS7", "Partners")
    assert partner[5:7] == ["12", "12"]
    # No view about the care: no share positive, n 0; half were not sure, half would not say.
    assert partner[14:19] == ["", "0", "0.5", "0.5", "12"]
    everyone = score(t, "QS7", "All")
    assert everyone[14:19] == ["0.75", "20", "0.19", "0.19", "32"]


def test_triangulation_sheet(tables):
    _fmt, t = tables
    qs1, qs7 = ([_text(v) for v in row] for row in t["Triangulation"])
    # Each column's share positive with its n: hidden is blank, nobody answering is n 0.
    assert qs1[:8] == ["QS1", "Assessing needs", "0.67", "12", "", "", "", ""]
    assert qs1[10:12] == ["", "0"]
    assert qs7[:12] == [
        *("QS7", "Safeguarding"),
        *("1", "10", "", "0", "", "0", "0.5", "10", "", "0"),
    ]
    assert qs7[20:23] == ["yes", "50", "EV-QS7-TRIANGULATION"]


def test_only_consented_decided_unheld_quotes_with_redacted_words(tables):
    fmt, t = tables
    quotes = t["Quotes"]
    assert [row[0] for row in quotes] == ["EV-QS1-0001", "EV-QS7-0006"]
    first, second = quotes
    assert first[1:9] == [
        "QS1",
        "Working with people",
        "Strength",
        "Person who draws on care",
        "With help",
        "en",
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
        [
            *("EV-MEDIA-0001", "drawing", "A house with a garden", "yes", "media/drawing.png"),
            *("QS7", "Ensuring safety within the system", "2026-11-03"),
            "Person who draws on care: easy-read survey, drawing",
            "Answered with help; easy-read 3-point faces scale",
            "Ann Lead (ann@council.example)",
        ]
    ]


FIGURE_SHEETS = {"Scores": 21, "Triangulation": 22, "Engagement record": 3, "Quotes": 0}


def test_every_figure_row_carries_reference_period_source_method_and_owner(tables):
    _fmt, t = tables
    refs = []
    for sheet, at in FIGURE_SHEETS.items():
        assert t[sheet]
        for row in t[sheet]:
            ref = row[at]
            assert ref.startswith("EV-"), (sheet, row)
            period, source, method, owner = row[-4:]
            assert period and source and method, (sheet, row)
            assert owner == "Ann Lead (ann@council.example)"
            refs.append(ref)
    assert len(refs) == len(set(refs))
    scores = {(r[3], r[4], r[0]): r for r in t["Scores"]}
    person = scores[("respondent group", "People who draw on care", "QS1")]
    assert person[21:25] == [
        "EV-QS1-SCORE-PERSON",
        "2026-11-01 to 2026-11-20",
        "People who draw on care: easy-read survey",
        "Answered on their own, with help, by someone for the person, or in a group session; "
        "easy-read 3-point faces scale",
    ]
    assert scores[("answered how", "In a group session (group tally)", "QS1")][21:24] == [
        "EV-QS1-SCORE-HOW-GROUP",
        "2026-11-01 to 2026-11-20",
        "Advocate group session",
    ]
    assert scores[("respondent group", "All", "QS7")][21] == "EV-QS7-SCORE-ALL"
    engagement = {r[1]: r[3:7] for r in t["Engagement record"]}
    assert engagement["With help"] == [
        "EV-ENGAGEMENT-HOW-HELPED",
        "2026-11-01 to 2026-11-20",
        "Easy-read survey sessions and advocate group sessions",
        "Answered with help; easy-read 3-point faces scale",
    ]
    assert engagement["Not given"][0] == "EV-ENGAGEMENT-GROUP-NONE"
    assert engagement["cy"][0] == "EV-ENGAGEMENT-LANGUAGE-CY"
    assert engagement["In a group session"][2] == "Advocate group session"
    # A group session with no date of its own is filed under the campaign's period.
    assert engagement[", "][:2] == ["EV-ENGAGEMENT-SESSION-G1", "2026-11-01 to 2026-11-20"]
    quote = t["Quotes"][0]
    assert quote[10:13] == [
        "2026-11-01",
        "Person who draws on care: easy-read survey, written answer",
        "Answered with help; easy-read 3-point faces scale",
    ]


def test_sign_off_sheet(tables):
    _fmt, t = tables
    assert t["Sign-off"] == [
        [
            "Ann Lead (ann@council.example)",
            "Lead",
            "2026-11-23T10:00:00+00:00",
            "Approved for filing in the self-assessment.",
        ]
    ]
    rows = {r[0]: r[1] for r in t["Read me"]}
    assert rows["Signed off"] == "Ann Lead (ann@council.example) (Lead), 2026-11-23T10:00:00+00:00"
    assert rows["Owner"] == "Ann Lead (ann@council.example)"
    assert rows["Period"] == "2026-11-01 to 2026-11-20"


def test_an_export_nobody_signed_off_says_so_and_names_no_owner(tmp_path):
    data = known_input(tmp_path, sign_off=None)
    data.campaign = replace(data.campaign, owner="")
    write_json(data, tmp_path / "e.json")
    document = json.loads((tmp_path / "e.json").read_text())
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    assert document["sign_off"] == [
        {
            "approved_by": "",
            "role": "",
            "approved_at": "",
            "approval": "Not signed off: no lead has approved this export for filing.",
        }
    ]
    assert {row["owner"] for row in document["scores"]} == {"Not named"}
    assert document["campaign"]["owner"] == "Not named"
    assert {"item": "Signed off", "details": "No"} in document["read_me"]


def test_shares_are_percentage_cells_in_the_workbook_and_numbers_elsewhere(tmp_path):
    write_xlsx(known_input(tmp_path), tmp_path / "e.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx")["Scores"]
    headers = [c.value for c in sheet[1]]
    share = sheet.cell(row=2, column=headers.index("Share positive") + 1)
    n = sheet.cell(row=2, column=headers.index("Share positive n") + 1)
    rate = sheet.cell(row=2, column=headers.index("Not sure rate") + 1)
    assert (share.value, share.number_format, share.data_type) == (0.67, "0%", "n")
    assert (n.value, n.data_type) == (12, "n")
    assert (rate.value, rate.number_format) == (0, "0%")
    triangulation = openpyxl.load_workbook(tmp_path / "e.xlsx")["Triangulation"]
    assert triangulation.cell(row=2, column=3).number_format == "0%"
    assert triangulation.cell(row=2, column=4).number_format == "General"
    write_json(known_input(tmp_path), tmp_path / "e.json")
    first = json.loads((tmp_path / "e.json").read_text())["scores"][0]
    assert (first["share_positive"], first["share_positive_n"]) == (0.67, 12)


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
    tally = write_zip(known_input(tmp_path), path, answers_again=known_answers)
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
    assert "67%" in svg


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
