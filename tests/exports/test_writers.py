"""Every format carries the same known scores and suppression, and honours consent,
safeguarding holds and redaction, with no formula left live."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import replace

import jsonschema
import openpyxl
import pytest

from exports.content import (
    HOW_SOURCES,
    Tally,
    build_sheets,
    method,
    owner,
    period,
    reference_part,
)
from exports.records import MediaRecord, ParticipantRecord, QuoteRecord
from exports.safety import neutralise
from exports.writers import SCHEMA_PATH, write_csv, write_json, write_xlsx, write_zip
from tests.exports.known import CAMPAIGN, known_answers, known_input, people, tally

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


GROUP_COLUMN_NAMES = [
    "People who draw on care",
    "Families and carers",
    "Advocates and group sessions (group tally)",
    "Staff",
    "Partners",
]
HOW_COLUMN_NAMES = [
    "On their own",
    "With help",
    "Someone answered for them",
    "In a group session (group tally)",
]

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
    # people, answers, 7 counts, share, its n, not sure rate, did not want to say rate, their
    # n, status, differs
    assert score(t, "QS1", "Families and carers")[5:21] == [""] * 14 + ["hidden", ""]
    assert score(t, "QS7", "With help", "answered how")[19] == "hidden"
    # Staff's QS7 share is hidden with its counts, so no shown share differs from this one.
    assert score(t, "QS7", "People who draw on care")[5:21] == [
        *("10", "10", "0", "10", "0", "0", "0", "0", "0"),
        *("1", "10", "0", "0", "10"),
        *("shown", ""),
    ]
    assert score(t, "QS7", "All")[5:21] == [
        *("20", "20", "0", "15", "0", "5", "0", "0", "0"),
        *("0.75", "20", "0", "0", "20"),
        *("shown", ""),
    ]
    # The audit hides the counts of people who draw on care for QS1; their share (8 of 12)
    # would be published without its n, so it is hidden with them.
    assert score(t, "QS1", "People who draw on care")[5:21] == [""] * 14 + ["hidden", ""]
    # All for QS1 shows its good count but hides 'ok' and 'not good', which give the share's
    # n (33): the share (22 of 33) is hidden with its n.
    assert score(t, "QS1", "All")[5:19] == ["37", "37", "", "22", *[""] * 5, "", "", "", "", "37"]
    assert score(t, "QS1", "Partners")[5:7] == ["0", "0"]
    # A column nobody answered in shows zeros and no share; its n is 0.
    assert score(t, "QS7", "Partners")[14:19] == ["", "0", "", "", "0"]
    for row in t["Scores"]:
        row = [_text(v) for v in row]
        people, counts = row[5], row[7:14]
        assert all(c == "" or not 0 < int(c) < 5 for c in counts), row
        if people and people != "0" and row[3] == "respondent group":
            assert int(people) == KNOWN_PEOPLE[(row[0], row[4])]
        assert row[19] in ("shown", "partly_hidden", "hidden", "no_answers")
        # A share and its n are shown together or not at all (an n of 0 for nobody with a
        # view), nor a rate or its n beside a hidden count or answers.
        if not row[14]:
            assert row[15] in ("", "0"), row
        else:
            assert row[15], row
        for count, rate in ((row[12], row[16]), (row[13], row[17])):
            assert count or not rate, row
        assert row[18] == row[6], row


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
    # Each column's share positive with its n: hidden is blank, nobody answering is n 0, and
    # a share is blank with its n where Scores hides what the n adds up. With one share or
    # none shown, no gap between groups is published.
    assert qs1[:8] == ["QS1", "Assessing needs", "", "", "", "", "", ""]
    assert qs1[10:12] == ["", "0"]
    assert qs1[20:23] == ["no", "", "EV-QS1-TRIANGULATION"]
    assert qs1[-3] == "Everyone who answered: easy-read survey and advocate group sessions"
    assert qs1[-2].startswith("Share positive per group and way of answering, side by side; ")
    assert qs7[:12] == [
        *("QS7", "Safeguarding"),
        *("1", "10", "", "0", "", "0", "", "", "", "0"),
    ]
    assert qs7[20:23] == ["no", "", "EV-QS7-TRIANGULATION"]
    # Every share and n is the one Scores shows for that statement and column.
    columns = [
        *(("respondent group", c) for c in GROUP_COLUMN_NAMES),
        *(("answered how", c) for c in HOW_COLUMN_NAMES),
    ]
    for line in (qs1, qs7):
        for index, (split, column) in enumerate(columns):
            row = score(t, line[0], column, split)
            assert line[2 + 2 * index : 4 + 2 * index] == row[14:16], (line[0], column)


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
        [
            *("EV-MEDIA-0001", "drawing", "A house with a garden", "yes", "media/drawing.png"),
            *("QS7", "Ensuring safety within the system"),
            # Scores hides QS7's people who answered with help, so the source and method
            # name neither the maker's group nor how they answered, nor whether offline.
            *("", "2026-11-03"),
            "Easy-read survey or advocate group session: drawing",
            "Answered on their own, with help, by someone for the person, or in a group "
            "session; easy-read 3-point faces scale",
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
    assert scores[("answered how", "In a group session (group tally)", "QS1")][21:25] == [
        "EV-QS1-SCORE-HOW-GROUP",
        "2026-11-01 to 2026-11-20",
        "Advocate group session",
        "Advocate's tally of the answers people chose in a group session; easy-read 3-point "
        "faces scale",
    ]
    assert person[2] == "Working with people"
    assert scores[("answered how", "With help", "QS7")][1:3] == [
        "Safeguarding",
        "Ensuring safety within the system",
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
    # The quote's labels are hidden (see above), and so are its source's and method's.
    assert quote[10:14] == [
        "",
        "2026-11-01",
        "Easy-read survey or advocate group session: written answer",
        "Answered on their own, with help, by someone for the person, or in a group session; "
        "easy-read 3-point faces scale",
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


HEADS = ("Share positive", "Share positive n", "Not sure rate")


def test_shares_are_percentage_cells_in_the_workbook_and_numbers_elsewhere(tmp_path):
    write_xlsx(known_input(tmp_path), tmp_path / "e.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx")["Scores"]
    headers = [c.value for c in sheet[1]]
    share = sheet.cell(row=2, column=headers.index("Share positive") + 1)
    n = sheet.cell(row=2, column=headers.index("Share positive n") + 1)
    rate = sheet.cell(row=2, column=headers.index("Not sure rate") + 1)
    # QS1, people who draw on care: the counts that give the n are hidden, and so is the
    # share with its n (blank cells).
    assert (share.value, share.number_format) == (None, "0%")
    assert n.value is None
    assert rate.value is None and rate.number_format == "0%"
    # QS7, people who draw on care: all shown.
    share, n, rate = (sheet.cell(row=8, column=headers.index(h) + 1) for h in HEADS)
    assert (share.value, share.number_format, share.data_type) == (1, "0%", "n")
    assert (n.value, n.data_type) == (10, "n")
    assert (rate.value, rate.number_format) == (0, "0%")
    triangulation = openpyxl.load_workbook(tmp_path / "e.xlsx")["Triangulation"]
    assert triangulation.cell(row=2, column=3).number_format == "0%"
    assert triangulation.cell(row=2, column=4).number_format == "General"
    write_json(known_input(tmp_path), tmp_path / "e.json")
    scores = json.loads((tmp_path / "e.json").read_text())["scores"]
    assert (scores[0]["share_positive"], scores[0]["share_positive_n"]) == (None, None)
    assert (scores[6]["share_positive"], scores[6]["share_positive_n"]) == (1.0, 10)


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
    sheet_shares = {
        f"{round(row[14] * 100)}%"
        for row in sheets["Scores"][1:]
        if row[3] == "respondent group" and row[14] != ""
    }
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


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("answered_for", "ANSWERED-FOR"),
        ("cy", "CY"),
        (" -a  b- ", "A-B"),
        ("g12", "G12"),
        ("", "NONE"),
        ("--", "NONE"),
    ],
)
def test_a_reference_is_made_of_capitals_digits_and_single_hyphens(text, part):
    assert reference_part(text) == part


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # Closed before the export: the campaign's own dates.
        ({}, "2026-11-01 to 2026-11-20"),
        # Still open when exported: up to the day of the export, the snapshot.
        ({"closes_at": "2026-12-31T17:00:00+00:00"}, "2026-11-01 to 2026-11-23"),
        ({"closes_at": None}, "2026-11-01 to 2026-11-23"),
        # No dates set: from the first answer.
        (
            {"opens_at": None, "closes_at": None, "answers_from": "2026-11-05T08:00:00"},
            "2026-11-05 to 2026-11-23",
        ),
        (
            {"opens_at": None, "closes_at": None, "exported_at": "", "answers_to": "2026-11-09"},
            "2026-11-09",
        ),
        ({"opens_at": None, "closes_at": None, "exported_at": ""}, ""),
    ],
)
def test_the_period_covers_the_campaign_or_the_answers_up_to_the_export(dates, expected):
    assert period(replace(CAMPAIGN, **dates)) == expected


def test_method_names_the_way_of_answering_and_the_scale():
    five = replace(CAMPAIGN, scale_points=5)
    assert method(five, "helped") == "Answered with help; easy-read 5-point faces scale"
    assert method(CAMPAIGN, "") == (
        "Answered on their own, with help, by someone for the person, or in a group session; "
        "easy-read 3-point faces scale"
    )
    assert owner(replace(CAMPAIGN, owner="")) == "Not named"


def test_every_sheet_has_its_documented_columns(tmp_path):
    """The headers and field names are the export's contract with whoever files it."""
    sheets = {s.key: s for s in build_sheets(known_input(tmp_path))}
    assert [(s.name, s.key) for s in sheets.values()] == [
        ("Read me", "read_me"),
        ("Sign-off", "sign_off"),
        ("Scores", "scores"),
        ("Triangulation", "triangulation"),
        ("Quotes", "quotes"),
        ("Media", "media"),
        ("Engagement record", "engagement"),
    ]
    schema = json.loads(SCHEMA_PATH.read_text())["properties"]
    # Fields added in a minor version are optional in the schema, so older documents validate.
    added = {"quotes": ["answered_offline"], "media": ["answered_offline"]}
    for key, sheet in sheets.items():
        assert len(sheet.headers) == len(sheet.fields), key
        required = schema[key]["items"]["required"]
        assert [f for f in sheet.fields if f not in added.get(key, [])] == required, key
        assert set(added.get(key, [])) <= set(schema[key]["items"]["properties"]), key
    filing = ["Evidence reference", "Period", "Source", "Method", "Owner"]
    assert sheets["scores"].headers == [
        *("Statement id", "Statement", "Theme", "Split", "Column", "People", "Answers"),
        *("Very good", "Good", "OK", "Not good", "Very bad", "Not sure", "Did not want to say"),
        *("Share positive", "Share positive n", "Not sure rate", "Did not want to say rate"),
        *("Rates n", "Status", "Views differ"),
        *filing,
    ]
    assert sheets["triangulation"].headers[:4] == [
        "Statement id",
        "Statement",
        "People who draw on care",
        "People who draw on care n",
    ]
    assert sheets["triangulation"].headers[-7:] == [
        "Groups' views differ",
        "Gap in points",
        *filing,
    ]
    assert sheets["quotes"].headers == [
        *("Evidence reference", "Statement", "Theme", "Strength or area to improve"),
        *("Respondent group", "How answered", "Language", "Date", "Words (redacted)"),
        *("English translation", "Answered offline"),
        *filing[1:],
    ]
    assert sheets["media"].headers == [
        *("Reference", "Kind", "Description", "Consent", "File name in ZIP", "Statement"),
        *("Theme", "Answered offline"),
        *filing[1:],
    ]
    assert sheets["engagement"].headers == ["Section", "Item", "People", *filing]
    assert sheets["sign_off"].headers == ["Approved by", "Role", "Approved at", "Approval"]
    assert sheets["read_me"].headers == ["Item", "Details"]
    assert sheets["scores"].percent == {"share_positive", "not_sure_rate", "prefer_not_to_say_rate"}
    assert sheets["triangulation"].percent == {
        *(f"group_{c}" for c in ("person", "family", "advocacy", "staff", "partner")),
        *(f"how_{c}" for c in ("own", "helped", "answered_for", "group")),
    }
    assert not sheets["engagement"].percent


def test_the_read_me_states_the_method_and_the_rules(tmp_path):
    rows = dict(build_sheets(known_input(tmp_path))[0].rows)
    assert rows == {
        "Campaign": "Known campaign",
        "Campaign code": "known",
        "Framework": "CQC local authority assessment",
        "Statements": "QS1 Assessing needs, QS7 Safeguarding",
        "Opened": "2026-11-01T09:00:00+00:00",
        "Closed": "2026-11-20T17:00:00+00:00",
        "Exported": "2026-11-23T10:00:00+00:00",
        "Figures from": "2026-11-23T10:00:00+00:00",
        "Period": "2026-11-01 to 2026-11-20",
        "Owner": "Ann Lead (ann@council.example)",
        "Signed off": "Ann Lead (ann@council.example) (Lead), 2026-11-23T10:00:00+00:00",
        "Demo data": "No",
        "Method": "Easy-read questions on a 3-point faces scale, with 'not sure' and 'I don't "
        "want to say' always offered; answered alone, with help, by someone for the person, or "
        "in advocates' group sessions.",
        "Group tally": "An advocate's group session is recorded as a tally: for each question, "
        "how many people in the group chose each answer. Each tally adds that many people to "
        "each answer, in the columns marked 'group tally'; the group counts as the most people "
        "who answered any one question. No individual answers are made up from a tally.",
        "Small numbers": "A group of fewer than 10 people is hidden; counts under 5 are hidden; "
        "further figures, zeros and totals included, are hidden until no hidden figure can be "
        "narrowed to a range narrower than 5 from every published table together. Quotes and "
        "media do not name a group, way of answering or language these tables hide. Figures "
        "come from a snapshot taken at most once a day and when the campaign closes.",
        "Share positive": "Very good and good, over all answers except 'not sure' and 'I don't "
        "want to say', as a number from 0 to 1 (a percentage in the workbook), with that base "
        "beside it as n. A share and its n are shown together or not at all: where the shown "
        "counts do not give the n, the share is hidden too, so no share stands for hidden "
        "counts.",
        "Not sure and did not want to say": "The share of all answers that were 'not sure', and "
        "that were 'I don't want to say', with all answers as their base n. A rate is shown "
        "only where its count and all answers are shown.",
        "Views differ": "Marked where groups' share positive differs by more than 20 "
        "percentage points.",
        "Evidence references": "Every figure, quote and piece of media has a reference, made "
        "from what it is (statement, table, group or way of answering), so the same figure "
        "keeps its reference in later exports of this campaign. Each row also gives its "
        "period, source, method and owner.",
        "What is left out": "Quotes without consent to quote, media without consent to show, "
        "anything held for safeguarding or excluded by the review team, and quotes whose "
        "redactions are not all decided. Quotes carry only redacted words.",
        "Sign-off": "Who approved this export for filing, their role and when.",
        "Scores": "Per statement, per respondent group and per way of answering, with counts.",
        "Triangulation": "Share positive per statement for each group, side by side.",
        "Quotes": "Redacted quotes with stable evidence references, tagged to statements.",
        "Media": "Drawings, photos, video and recordings people agreed may be shown, tagged to "
        "statements.",
        "Engagement record": "Who took part, how many, in which ways and languages, and each "
        "advocates' group session with its place, date and the people counted from its tally.",
        "Answered offline": "People who answered on a prepared tablet with no internet; their "
        "answers were kept on the tablet and sent once it was back online. Quotes and media say "
        "'yes' or 'no' only where the Engagement record shows how many did, and those who did "
        "and those who did not are each nobody or at least the smallest group; otherwise the "
        "column is blank.",
        "Schema version": "2.2",
    }
    demo = replace(CAMPAIGN, is_demo=True, opens_at=None, closes_at=None, differ_margin=0.3)
    data = known_input(tmp_path)
    data.campaign = demo
    rows = dict(build_sheets(data)[0].rows)
    assert (rows["Opened"], rows["Closed"]) == ("", "")
    assert rows["Demo data"] == "Yes: synthetic answers, not real people"
    assert "more than 30 percentage points" in rows["Views differ"]


def _stages(calls: list) -> set[str]:
    return {stage for stage, _done in calls}


def test_the_csv_zip_is_compressed_utf8_for_spreadsheets_and_reports_what_it_held(tmp_path):
    calls: list = []
    tally = write_csv(known_input(tmp_path), tmp_path / "e.zip", lambda *c: calls.append(c))
    assert (tally.quotes, tally.media) == (2, 1)
    assert _stages(calls) == {"answers", "quotes"}
    with zipfile.ZipFile(tmp_path / "e.zip") as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        raw = archive.read("quotes.csv")
    # A byte order mark lets a spreadsheet read the Welsh and other letters right.
    assert raw.startswith("\ufeff".encode())
    assert b"mae [name] yn garedig" in raw


def test_the_zip_carries_the_sign_off_and_draws_charts_from_one_pass_of_the_answers(tmp_path):
    data = known_input(tmp_path)
    data.campaign = replace(data.campaign, min_group_size=11, differ_margin=0.6)
    # The answers can be read only once, as from the store: the workbook and the charts are
    # drawn from the one set of tables built from them.
    data.answers = iter(data.answers)
    calls: list = []
    written = write_zip(data, tmp_path / "e.zip", lambda *c: calls.append(c))
    assert (written.quotes, written.media) == (2, 1)
    assert _stages(calls) == {"answers", "quotes"}
    with zipfile.ZipFile(tmp_path / "e.zip") as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        (tmp_path / "inner.xlsx").write_bytes(archive.read("known-evidence.xlsx"))
        groups = archive.read("charts/triangulation-groups.svg").decode()
        how = archive.read("charts/triangulation-answered-how.html").decode()
    sheets = read_xlsx(tmp_path / "inner.xlsx")
    assert sheets["Sign-off"][1][0] == "Ann Lead (ann@council.example)"
    assert "<title" in groups and "Share positive by respondent group</title>" in groups
    assert "Share positive by how people answered" in how
    # The campaign's own thresholds: 10 people are now too few (people who draw on care at
    # 100% for QS7), so with the shares hidden with their n no group's share is left.
    assert "QS7 Safeguarding" in groups and "100%" not in groups
    assert "share hidden" in groups
    assert sheets["Triangulation"][2][20] == "no"


def test_json_is_written_to_a_path_or_an_open_file_alike(tmp_path):
    calls: list = []
    tally = write_json(known_input(tmp_path), str(tmp_path / "a.json"), lambda *c: calls.append(c))
    assert (tally.quotes, tally.media) == (2, 1)
    assert _stages(calls) == {"answers", "quotes"}
    handle = io.StringIO()
    write_json(known_input(tmp_path), handle)
    from_path = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert json.loads(handle.getvalue()) == from_path
    assert from_path["schema"] == "engage-export"
    assert from_path["schema_version"] == "2.2"
    assert from_path["campaign"] == {
        "code": "known",
        "title": "Known campaign",
        "framework": "CQC local authority assessment",
        "statements": [
            {"id": "QS1", "name": "Assessing needs", "theme": "Working with people"},
            {"id": "QS7", "name": "Safeguarding", "theme": "Ensuring safety within the system"},
        ],
        "opens_at": "2026-11-01T09:00:00+00:00",
        "closes_at": "2026-11-20T17:00:00+00:00",
        "exported_at": "2026-11-23T10:00:00+00:00",
        "figures_from": "2026-11-23T10:00:00+00:00",
        "period": "2026-11-01 to 2026-11-20",
        "owner": "Ann Lead (ann@council.example)",
        "is_demo": False,
        "min_group_size": 10,
        "min_cell_count": 5,
    }
    # Words are written as they are, not escaped to ASCII.
    assert "mae [name] yn garedig" in (tmp_path / "a.json").read_text(encoding="utf-8")


def test_the_workbook_reports_progress_and_what_it_held(tmp_path):
    calls: list = []
    tally = write_xlsx(known_input(tmp_path), tmp_path / "e.xlsx", lambda *c: calls.append(c))
    assert (tally.quotes, tally.media) == (2, 1)
    assert _stages(calls) == {"answers", "quotes"}
    # A blank hidden figure stays blank, not a zero, in a percentage column too.
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx")["Scores"]
    family = [c.value for c in sheet[3]]
    assert family[4] == "Families and carers"
    assert family[14] is None


def _quote(**changes) -> QuoteRecord:
    base = {
        "evidence_ref": "EV-QS1-0100",
        "statement_ids": ("QS1",),
        "item_text": "Good help.",
        "start": 0,
        "end": 10,
        "consent_quote": True,
    }
    return QuoteRecord(**{**base, **changes})


def _roomy_input(tmp_path):
    """Return the known export with answers and people enough that no table hides a group."""
    data = known_input(tmp_path)
    data.answers = [
        *people("p", 30, "QS1", ["good"] * 15 + ["ok"] * 15, "person"),
        *people("q", 30, "QS7", ["good"] * 15 + ["ok"] * 15, "person"),
        *tally("g1", "QS1", {"good": 15, "ok": 15}),
    ]
    data.participants = [
        *(ParticipantRecord(f"p{n}", "person", "own", "en") for n in range(30)),
        *(ParticipantRecord(f"q{n}", "person", "own", "en") for n in range(30)),
        ParticipantRecord("g1", "", "group", "en", people=30),
    ]
    return data


def test_quote_labels_sources_and_periods_for_every_kind_of_quote(tmp_path):
    data = _roomy_input(tmp_path)
    data.quotes = [
        # A group note's words: the advocate's session, on its own date.
        _quote(answered_how="group", respondent_group="person", date="2026-11-04"),
        # Who and how not known to the export: shown as stored; no date: the period.
        _quote(evidence_ref="EV-QS9-0001", statement_ids=("QS9",), respondent_group="volunteer"),
        _quote(evidence_ref="EV-QS1-0101", strength="other", answered_how="by_post"),
    ]
    rows = next(s for s in build_sheets(data) if s.key == "quotes").rows
    group, unknown, odd = ([_text(v) for v in row] for row in rows)
    assert group[3:8] == ["", "Person who draws on care", "In a group session", "en", "2026-11-04"]
    # Nobody answered offline: every row may say "no", as it points to nobody.
    assert group[10:14] == [
        "no",
        "2026-11-04",
        "Advocate group session: written answer",
        "Advocate's tally of the answers people chose in a group session; easy-read 3-point "
        "faces scale",
    ]
    assert unknown[1:5] == ["QS9", "", "", "volunteer"]
    assert unknown[11:13] == [
        "2026-11-01 to 2026-11-20",
        "volunteer: easy-read survey, written answer",
    ]
    assert (odd[3], odd[5]) == ("", "by_post")
    assert odd[12] == "Not given: easy-read survey, written answer"


def test_progress_is_reported_as_answers_and_quotes_stream_past(tmp_path):
    data = known_input(tmp_path)
    data.answers = people("n", 20_001, "QS1", ["good"] * 20_001, "staff")
    data.quotes = [_quote(consent_quote=False)] * 10_001
    calls: list = []
    sheets = build_sheets(data, lambda *c: calls.append(c))
    assert calls == [("answers", 10_000), ("answers", 20_000), ("answers", 20_001)]
    assert list(sheets[4].rows) == []
    assert calls[3:] == [("quotes", 5_000), ("quotes", 10_000), ("quotes", 10_001)]


def test_media_rows_carry_their_tags_and_fall_back_to_the_campaign_period(tmp_path):
    data = _roomy_input(tmp_path)
    data.media = [
        MediaRecord("EV-MEDIA-0009", "photo", "Not agreed", False),
        MediaRecord(
            "EV-MEDIA-0010",
            "",
            "A song the group wrote",
            True,
            statement_ids=("QS1", "QS7"),
            answered_how="group",
        ),
        MediaRecord("EV-MEDIA-0011", "drawing", "A bus", True, "bus.png", statement_ids=("QS7",)),
    ]
    tally = Tally()
    sheet = next(s for s in build_sheets(data, tally=tally) if s.key == "media")
    song, bus = ([_text(v) for v in row] for row in sheet.rows)
    assert tally.media == 2
    assert song == [
        *("EV-MEDIA-0010", "", "A song the group wrote", "yes", ""),
        *("QS1, QS7", "Working with people, Ensuring safety within the system"),
        *("no", "2026-11-01 to 2026-11-20"),
        "Advocate group session: media",
        "Advocate's tally of the answers people chose in a group session; easy-read 3-point "
        "faces scale",
        "Ann Lead (ann@council.example)",
    ]
    assert bus[4:6] == ["media/bus.png", "QS7"]
    assert bus[9] == "Not given: easy-read survey, drawing"


def _engagement_rows(tmp_path, participants) -> list[list]:
    data = known_input(tmp_path)
    data.participants = participants
    sheet = next(s for s in build_sheets(data) if s.key == "engagement")
    return [row[:7] for row in sheet.rows]


ALL_WAYS = (
    "Answered on their own, with help, by someone for the person, or in a group session; "
    "easy-read 3-point faces scale"
)
GROUP_WAY = (
    "Advocate's tally of the answers people chose in a group session; easy-read 3-point faces scale"
)
SURVEY = "Easy-read survey sessions and advocate group sessions"
PERIOD = "2026-11-01 to 2026-11-20"


def test_the_engagement_record_row_by_row(tmp_path):
    participants = [
        ParticipantRecord("x0", "person", "own", "en", held=True),
        *(ParticipantRecord(f"p{n}", "person", "own", "en") for n in range(6)),
        *(ParticipantRecord(f"q{n}", "", "", "") for n in range(5)),
        ParticipantRecord("g1", "person", "group", "", people=11, place="Hall", date="2026-11-02"),
        ParticipantRecord("g2", "person", "group", "", people=3, place="Cafe", date="2026-11-03"),
        ParticipantRecord("g3", "person", "group", "", people=6, place="Park", date="2026-11-04"),
    ]
    group_sessions = (HOW_SOURCES["group"], GROUP_WAY)
    assert _engagement_rows(tmp_path, participants) == [
        ["Everyone", "People who took part", 31, "EV-ENGAGEMENT-ALL", PERIOD, SURVEY, ALL_WAYS],
        *(
            [section, item, n, ref, PERIOD, SURVEY, ALL_WAYS]
            for section, item, n, ref in (
                ("Respondent group", "Not given", 5, "EV-ENGAGEMENT-GROUP-NONE"),
                ("Respondent group", "Person who draws on care", 26, "EV-ENGAGEMENT-GROUP-PERSON"),
            )
        ),
        [
            "How they answered",
            "In a group session",
            20,
            "EV-ENGAGEMENT-HOW-GROUP",
            PERIOD,
            *group_sessions,
        ],
        ["How they answered", "Not given", 5, "EV-ENGAGEMENT-HOW-NONE", PERIOD, SURVEY, ALL_WAYS],
        [
            "How they answered",
            "On their own",
            6,
            "EV-ENGAGEMENT-HOW-OWN",
            PERIOD,
            SURVEY,
            "Answered on their own; easy-read 3-point faces scale",
        ],
        ["Language", "Not recorded", 25, "EV-ENGAGEMENT-LANGUAGE-NONE", PERIOD, SURVEY, ALL_WAYS],
        ["Language", "en", 6, "EV-ENGAGEMENT-LANGUAGE-EN", PERIOD, SURVEY, ALL_WAYS],
        [
            *("Without internet", "People who answered without internet (on a prepared tablet)"),
            *(0, "EV-ENGAGEMENT-OFFLINE", PERIOD, SURVEY, ALL_WAYS),
        ],
        [
            *("Group sessions", "Advocates' group sessions held", 3, "EV-ENGAGEMENT-SESSIONS"),
            *(PERIOD, *group_sessions),
        ],
        [
            *("Group sessions", "People in advocates' group sessions (group tally)", 20),
            *("EV-ENGAGEMENT-SESSIONS-PEOPLE", PERIOD, *group_sessions),
        ],
        # Three people would be named by a count of 3: hidden, with the next smallest.
        [
            "Group session",
            "2026-11-02, Hall",
            11,
            "EV-ENGAGEMENT-SESSION-G1",
            "2026-11-02",
            *group_sessions,
        ],
        [
            "Group session",
            "2026-11-03, Cafe",
            None,
            "EV-ENGAGEMENT-SESSION-G2",
            "2026-11-03",
            *group_sessions,
        ],
        [
            "Group session",
            "2026-11-04, Park",
            None,
            "EV-ENGAGEMENT-SESSION-G3",
            "2026-11-04",
            *group_sessions,
        ],
    ]


def test_with_no_group_sessions_the_record_says_none(tmp_path):
    rows = _engagement_rows(tmp_path, [ParticipantRecord("p1", "person", "own", "en")])
    assert [r[:3] for r in rows if r[0] == "Group sessions"] == [
        ["Group sessions", "Advocates' group sessions held", 0],
        ["Group sessions", "People in advocates' group sessions (group tally)", 0],
    ]


def test_json_keeps_every_letter_as_written(tmp_path):
    data = known_input(tmp_path)
    data.campaign = replace(data.campaign, title="Gwasanaeth â chymorth")
    data.quotes = [_quote(item_text="Mae’r staff yn wych", end=19)]
    write_json(data, tmp_path / "e.json")
    text = (tmp_path / "e.json").read_text(encoding="utf-8")
    assert '"title": "Gwasanaeth â chymorth"' in text
    assert '"redacted_text": "Mae’r staff yn wych"' in text


def test_the_zip_charts_are_whole_pages_with_their_own_ids(tmp_path):
    # Answers given as a list can be read twice, so no second reader is needed.
    data = known_input(tmp_path)
    data.answers = known_answers()
    write_zip(data, tmp_path / "e.zip")
    with zipfile.ZipFile(tmp_path / "e.zip") as archive:
        svg = archive.read("charts/triangulation-answered-how.svg").decode()
        page = archive.read("charts/triangulation-groups.html").decode()
    assert 'id="triangulation-answered-how-title">Share positive by how people answered<' in svg
    assert page.startswith(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        "Triangulation table</title></head><body><h1>Triangulation table</h1>"
    )
    assert page.endswith("</body></html>")
    assert "100% of answers positive" in page


def test_media_from_a_way_of_answering_the_engagement_record_hides_names_no_one(tmp_path):
    data = _roomy_input(tmp_path)
    # Two people were helped: too few for their line in the Engagement record.
    data.participants = [
        *data.participants,
        *(ParticipantRecord(f"h{n}", "person", "helped", "en") for n in range(2)),
    ]
    data.media = [
        MediaRecord(
            "EV-MEDIA-0001", "drawing", "A bus", True, respondent_group="person", answered_how=how
        )
        for how in ("helped", "own")
    ]
    sheet = next(s for s in build_sheets(data) if s.key == "media")
    helped, own = ([_text(v) for v in row] for row in sheet.rows)
    assert helped[9:11] == [
        "Easy-read survey or advocate group session: drawing",
        "Answered on their own, with help, by someone for the person, or in a group session; "
        "easy-read 3-point faces scale",
    ]
    assert own[9:11] == [
        "Person who draws on care: easy-read survey, drawing",
        "Answered on their own; easy-read 3-point faces scale",
    ]
