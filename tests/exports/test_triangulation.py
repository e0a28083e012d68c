"""Triangulation: counts, share positive, the differ flag and small-number suppression."""

from __future__ import annotations

import itertools
import random

from exports.records import AnswerRecord, Statement
from exports.triangulation import VALUES, build_matrices, suppress_counts
from tests.exports.known import STATEMENTS, known_answers, people, tally


def matrices(records, **options):
    return build_matrices(records, STATEMENTS, **options)


def test_known_counts_and_shares():
    by_group, _ = matrices(known_answers())
    qs1, qs7 = by_group.rows
    person = qs1.cells["person"]
    assert (person.people, person.answers, person.count("good")) == (12, 12, 8)
    assert person.share_positive == 0.67
    assert qs7.cells["person"].share_positive == 1.0
    assert qs7.cells["staff"].share_positive == 0.5
    assert (qs7.total.people, qs7.total.count("good"), qs7.total.count("not_good")) == (20, 15, 5)
    assert qs7.total.share_positive == 0.75


def test_a_small_group_is_hidden_and_a_second_cell_with_it():
    by_group, _ = matrices(known_answers())
    qs1 = by_group.rows[0]
    assert qs1.cells["family"].status == "small_group"
    assert qs1.cells["family"].people is None
    # Staff (10 people) is the smallest other cell, so it is hidden too: otherwise the
    # family figures would be the total minus the shown cells.
    assert qs1.cells["staff"].status == "secondary"
    assert qs1.cells["partner"].status == "no_answers"


def test_counts_under_five_are_hidden_and_never_alone():
    by_group, _ = matrices(known_answers())
    qs1 = by_group.rows[0]
    person = qs1.cells["person"]
    assert person.count("ok") is None and person.count("not_good") is None
    # Both hidden counts are against, so the share reveals nothing more and stays.
    assert person.share_positive == 0.67
    advocacy = qs1.cells["advocacy"]
    assert advocacy.count("ok") is None
    assert advocacy.count("good") is None  # hidden with it, or ok = answers - good
    assert advocacy.share_positive is None
    assert qs1.total.count("not_good") is None and qs1.total.count("ok") is None
    assert qs1.total.count("good") == 22


def test_a_group_tally_counts_each_person_in_it():
    by_group, by_how = matrices(known_answers())
    advocacy = by_group.rows[0].cells["advocacy"]
    assert (advocacy.people, advocacy.answers) == (11, 11)
    assert by_how.rows[0].cells["group"].people == 11
    assert by_group.rows[0].total.people == 37


def test_individual_advocates_sit_with_the_group_sessions():
    records = people("a", 10, "QS1", ["good"] * 10, "advocate") + tally("g", "QS1", {"ok": 10})
    by_group, _ = matrices(records)
    cell = by_group.rows[0].cells["advocacy"]
    assert (cell.people, cell.share_positive) == (20, 0.5)


def test_held_answers_are_left_out():
    by_group, _ = matrices(known_answers())
    assert by_group.rows[1].cells["person"].people == 10
    assert by_group.rows[1].cells["person"].count("not_good") == 0


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


def test_groups_differing_beyond_the_margin_are_flagged():
    by_group, _ = matrices(known_answers())
    qs7 = by_group.rows[1]
    assert qs7.differs and qs7.range_points == 50
    assert qs7.cells["person"].differs and qs7.cells["staff"].differs
    wider, _ = matrices(known_answers(), differ_margin=0.6)
    assert not wider.rows[1].differs


def test_the_answered_how_split():
    _, by_how = matrices(known_answers())
    qs1, qs7 = by_how.rows
    assert (qs1.cells["own"].people, qs1.cells["own"].answers) == (26, 26)
    # The group session hides its count of "good", so "own" must hide its own too, or the
    # row total would give the group's away.
    assert qs1.cells["group"].count("good") is None
    assert qs1.cells["own"].count("good") is None
    assert qs7.cells["helped"].status == "small_group"
    # With only two ways used, the other one would give the helped figures away.
    assert qs7.cells["own"].status == "secondary"
    assert qs7.total.people == 20


def test_campaign_thresholds_are_used():
    by_group, _ = matrices(known_answers(), min_group_size=4, min_cell_count=2)
    qs1 = by_group.rows[0]
    assert qs1.cells["family"].people == 4
    assert qs1.cells["person"].count("ok") == 2


def _derivable(cell_values: list[int | None], total: int | None) -> bool:
    return total is not None and sum(v is None for v in cell_values) == 1


def test_no_hidden_figure_is_the_difference_of_shown_ones_in_random_tables():
    groups = ("person", "family", "advocate", "staff", "partner")
    for seed in range(150):
        rng = random.Random(seed)
        records = []
        for group in groups:
            size = rng.choice((0, 2, 6, 9, 10, 12, 30))
            records += people(
                f"{group}-", size, "QS1", [rng.choice(VALUES[:4]) for _ in range(size)], group
            )
        by_group, by_how = matrices(records)
        for matrix in (by_group, by_how):
            row = matrix.rows[0]
            cells = [c for c in row.cells.values() if c.raw_people]
            for cell in [*cells, row.total]:
                shown_answers = cell.answers
                values = [cell.count(v) for v in VALUES]
                assert not _derivable(values, shown_answers), (seed, cell)
                for value in VALUES:
                    if cell.count(value) is not None:
                        assert not 0 < cell.count(value) < 5
            assert not _derivable([c.people for c in cells], row.total.people), seed
            for value in VALUES:
                assert not _derivable([c.count(value) for c in cells], row.total.count(value))


def test_one_way_tables_hide_a_second_count():
    assert suppress_counts({"en": 40, "cy": 3, "pl": 12}, 5) == {"en": 40, "cy": None, "pl": None}
    assert suppress_counts({"en": 40, "cy": 3, "pl": 2}, 5) == {"en": 40, "cy": None, "pl": None}
    assert suppress_counts({"en": 40, "cy": 0}, 5) == {"en": 40, "cy": 0}


def test_statements_without_answers_give_empty_rows():
    by_group, _ = build_matrices([], [Statement("QS9", "Learning")])
    assert all(cell.status == "no_answers" for cell in by_group.rows[0].cells.values())
    assert list(itertools.chain(by_group.columns)) == [
        "person",
        "family",
        "advocacy",
        "staff",
        "partner",
    ]
