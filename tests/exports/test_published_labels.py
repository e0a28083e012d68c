"""What a quote or media row may say about who answered: group, way, language, offline.

Each campaign here is built from answer records, suppressed as published, and the labels are
read from the same tables the Scores and Engagement sheets show.
"""

from __future__ import annotations

import dataclasses

import pytest

from exports.content import _media_labels, offline_mark, quote_labels
from exports.records import MediaRecord, QuoteRecord
from exports.triangulation import build_tables
from tests.exports.known import STATEMENTS, known_answers, people
from tests.exports.test_triangulation import took_part

PERSON = "Person who draws on care"


def tables_of(records, offline=0):
    """Suppress `records` as the export does; the first `offline` people answered offline."""
    parts = [
        dataclasses.replace(p, answered_offline=True) if n < offline else p
        for n, p in enumerate(took_part(records))
    ]
    return build_tables(records, parts, STATEMENTS)


def quote(group="person", how="own", language="en", statements=("QS1",)):
    return QuoteRecord(
        evidence_ref="Q1",
        statement_ids=statements,
        item_text="They listen to me.",
        start=0,
        end=18,
        respondent_group=group,
        answered_how=how,
        language=language,
    )


def media(group="family", how="own", statements=("QS1",)):
    return MediaRecord(
        reference="M1",
        kind="drawing",
        description="A drawing of the garden.",
        consent_media=True,
        statement_ids=statements,
        respondent_group=group,
        answered_how=how,
    )


@pytest.mark.parametrize(
    ("welsh", "language"),
    [(6, ""), (9, ""), (10, "cy"), (14, "cy")],
)
def test_a_quote_names_its_language_only_when_that_line_holds_the_smallest_group(welsh, language):
    records = [
        *people("e", 12, "QS1", ["good"] * 12, "person"),
        *people("c", welsh, "QS1", ["good"] * welsh, "person", language="cy"),
    ]
    tables = tables_of(records)
    assert quote_labels(quote(language="cy"), tables) == (PERSON, "On their own", language)
    assert quote_labels(quote(language="en"), tables) == (PERSON, "On their own", "en")


def test_a_language_nobody_answered_in_is_never_named():
    tables = tables_of(people("e", 12, "QS1", ["good"] * 12, "person"))
    assert not tables.shown_language("ur")
    assert quote_labels(quote(language="ur"), tables)[2] == ""


def test_a_quote_from_a_hidden_way_of_answering_names_nobody():
    # QS7: ten people (shown), five of them helped to answer (hidden by way of answering).
    tables = tables_of(known_answers())
    assert quote_labels(quote(how="helped", language="cy", statements=("QS7",)), tables) == (
        "",
        "",
        "",
    )


def test_media_from_a_hidden_cell_names_nobody_though_its_group_line_is_shown():
    # Twelve family members answered, four of them about QS1: that cell is hidden.
    records = [
        *people("e", 20, "QS1", ["good"] * 20, "person"),
        *people("f", 12, "QS7", ["good"] * 12, "family"),
        *people("f", 4, "QS1", ["good"] * 4, "family"),
    ]
    tables = tables_of(records)
    assert _media_labels(media(statements=("QS1",)), tables) == ("", "")
    assert _media_labels(media(statements=("QS7",)), tables) == ("Family member or carer", "own")


def test_media_from_a_group_whose_engagement_line_is_hidden_names_nobody():
    records = [
        *people("e", 20, "QS1", ["good"] * 20, "person"),
        *people("f", 4, "QS1", ["good"] * 4, "family"),
    ]
    tables = tables_of(records)
    assert [line.people for line in tables.engagement.lines if line.code == "family"] == [None]
    assert _media_labels(media(statements=()), tables) == ("", "")


@pytest.mark.parametrize(
    ("everyone", "offline", "said"),
    [
        # Exactly the smallest group answered offline, and fifteen did not: both may be said.
        (25, 10, ("yes", "no")),
        (30, 20, ("yes", "no")),
        # Three offline: their line is hidden, so no row says it.
        (25, 3, ("", "")),
        # Ten offline but only two not: "no" would point to two people.
        (12, 10, ("", "")),
    ],
)
def test_a_row_says_offline_only_where_yes_and_no_each_point_to_a_group(everyone, offline, said):
    records = people("e", everyone, "QS1", ["good"] * everyone, "person")
    tables = tables_of(records, offline=offline)
    assert (offline_mark(True, tables), offline_mark(False, tables)) == said


def test_a_few_people_answering_offline_hide_their_own_line_and_nothing_else():
    records = [
        *people("e", 25, "QS1", ["good"] * 25, "person"),
        *people("s", 12, "QS1", ["good"] * 12, "staff"),
    ]
    tables = tables_of(records, offline=3)
    assert tables.engagement.offline.people is None
    assert tables.engagement.everyone.people == 37
    assert [(line.code, line.people) for line in tables.engagement.lines] == [
        ("person", 25),
        ("staff", 12),
        ("own", 37),
        ("en", 37),
    ]
    cells = tables.by_group.rows[0].cells
    assert (cells["person"].people, cells["person"].share_positive) == (25, 1.0)
    assert (cells["staff"].people, cells["staff"].share_positive) == (12, 1.0)
    assert offline_mark(True, tables) == offline_mark(False, tables) == ""
