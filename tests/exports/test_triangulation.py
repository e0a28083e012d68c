"""Triangulation: counts, share positive, the differ flag and small-number suppression."""

from __future__ import annotations

import itertools

from exports.records import AnswerRecord, ParticipantRecord, Statement
from exports.triangulation import VALUES, build_tables
from tests.exports.known import STATEMENTS, known_answers, people, tally


def took_part(records):
    """Return one participant per respondent in `records`, as the store would give them."""
    seen = {}
    for r in records:
        if r.respondent_key not in seen:
            seen[r.respondent_key] = ParticipantRecord(
                r.respondent_key, r.respondent_group, r.answered_how, r.language, held=r.held
            )
        if r.answered_how == "group":
            people = max(seen[r.respondent_key].people, r.count)
            seen[r.respondent_key] = ParticipantRecord(
                r.respondent_key, r.respondent_group, "group", r.language, people=people
            )
    return list(seen.values())


def matrices(records, **options):
    tables = build_tables(records, took_part(records), STATEMENTS, **options)
    return tables.by_group, tables.by_how


def test_known_counts_and_shares():
    by_group, _ = matrices(known_answers())
    qs1, qs7 = by_group.rows
    person = qs1.cells["person"]
    assert (person.raw_people, person.raw_answers, person.raw_counts["good"]) == (12, 12, 8)
    assert round(person.raw_share, 2) == 0.67
    assert qs7.cells["person"].raw_share == 1.0
    assert qs7.cells["staff"].raw_share == 0.5
    total = qs7.total
    assert (total.people, total.count("good"), total.count("not_good")) == (20, 15, 5)
    assert total.share_positive == 0.75


def test_a_small_group_is_hidden_whole():
    by_group, _ = matrices(known_answers())
    qs1 = by_group.rows[0]
    family = qs1.cells["family"]
    assert family.status == "hidden"
    assert family.people is None and family.share_positive is None
    assert all(family.count(v) is None for v in VALUES)
    assert qs1.cells["partner"].status == "no_answers"


def test_counts_under_five_are_never_shown():
    for matrix in matrices(known_answers()):
        for row in matrix.rows:
            for cell in [*row.cells.values(), row.total]:
                for value in VALUES:
                    assert cell.count(value) is None or not 0 < cell.count(value) < 5
                if 0 < cell.raw_people < 10:
                    assert cell.status == "hidden"
    qs1 = matrices(known_answers())[0].rows[0]
    assert qs1.cells["person"].count("ok") is None
    assert qs1.cells["person"].count("not_good") is None


def test_a_group_tally_counts_each_person_in_it():
    by_group, by_how = matrices(known_answers())
    advocacy = by_group.rows[0].cells["advocacy"]
    assert (advocacy.raw_people, advocacy.raw_answers) == (11, 11)
    assert by_how.rows[0].cells["group"].raw_people == 11
    assert by_group.rows[0].total.people == 37


def test_individual_advocates_sit_with_the_group_sessions():
    records = people("a", 10, "QS1", ["good"] * 10, "advocate") + tally("g", "QS1", {"ok": 10})
    by_group, _ = matrices(records)
    cell = by_group.rows[0].cells["advocacy"]
    assert (cell.raw_people, cell.raw_share) == (20, 0.5)


def test_held_answers_are_left_out():
    by_group, _ = matrices(known_answers())
    assert by_group.rows[1].cells["person"].raw_people == 10
    assert by_group.rows[1].cells["person"].raw_counts["not_good"] == 0


def test_a_person_answering_several_questions_is_one_person():
    records = [
        AnswerRecord("p1", "QS1", question, "good", "person", "own")
        for question in ("QS1-01", "QS1-02", "QS1-03")
    ]
    by_group, _ = matrices(records, min_group_size=1, min_cell_count=1)
    cell = by_group.rows[0].cells["person"]
    assert (cell.people, cell.answers) == (1, 3)


def test_not_sure_and_prefer_not_to_say_do_not_count_in_the_share():
    values = ["good"] * 6 + ["not_good"] * 6 + ["not_sure"] * 5 + ["prefer_not_to_say"] * 5
    by_group, _ = matrices(people("p", 22, "QS1", values, "person"))
    assert by_group.rows[0].cells["person"].share_positive == 0.5


def _two_groups():
    return [
        *people("p", 20, "QS1", ["good"] * 20, "person"),
        *people("s", 20, "QS1", ["good"] * 10 + ["not_good"] * 10, "staff"),
    ]


def test_groups_differing_beyond_the_margin_are_flagged():
    by_group, _ = matrices(_two_groups())
    qs1 = by_group.rows[0]
    assert qs1.differs and qs1.range_points == 50
    assert qs1.cells["person"].differs and qs1.cells["staff"].differs
    wider, _ = matrices(_two_groups(), differ_margin=0.6)
    assert not wider.rows[0].differs


def test_the_answered_how_split():
    _, by_how = matrices(known_answers())
    qs1, qs7 = by_how.rows
    assert (qs1.cells["own"].raw_people, qs1.cells["own"].raw_answers) == (26, 26)
    assert qs7.cells["helped"].status == "hidden"
    # With only two ways used, the other would give the helped figures away from the total.
    assert qs7.cells["own"].people is None


def test_campaign_thresholds_are_used():
    by_group, _ = matrices(known_answers(), min_group_size=4, min_cell_count=2)
    qs1 = by_group.rows[0]
    assert qs1.cells["family"].status != "hidden"


def test_statements_without_answers_give_empty_rows():
    tables = build_tables([], [], [Statement("QS9", "Learning")])
    assert all(cell.status == "no_answers" for cell in tables.by_group.rows[0].cells.values())
    assert list(itertools.chain(tables.by_group.columns)) == [
        "person",
        "family",
        "advocacy",
        "staff",
        "partner",
    ]
