"""Set each group's view of each quality statement side by side, with small numbers hidden.

Columns of the main matrix (respondent groups):
- "person": people who draw on care, answering for themselves, with help, or answered for;
- "family": families and unpaid carers;
- "advocacy": advocates' group sessions (every record with answered_how "group", whatever
  the group) together with friends and advocates answering one to one (respondent_group
  "advocate"). An advocate's view is neither the person's own nor a family's, so it is kept
  out of both, and sits with the sessions advocates run;
- "staff" and "partner".

A group tally (answered_how "group") is one record per question and answer standing for
`count` people: it adds `count` to that answer, and the group counts as the most people who
answered any one of the statement's questions. No individual answers are made up from it.

Share positive is very_good + good over every answer except not_sure and prefer_not_to_say:
"not sure" and "I don't want to say" are not views about the care, so they neither count
for nor against.

Suppression, per statement row, with the campaign's thresholds:
1. a cell with fewer than `min_group_size` people is hidden whole;
2. a count from 1 to `min_cell_count - 1` is hidden (a zero is shown: it names nobody);
3. secondary suppression, repeated until nothing changes: a cell showing its total with one
   hidden count hides one more; a row whose total shows hides a second cell, or a second
   count of the same answer, wherever only one is hidden, so no hidden number is the
   difference of shown ones;
4. share positive is hidden when the hidden counts of a cell mix answers that count for it,
   against it and not at all (it would then separate them).
Each table (by group, by answered_how) is protected against its own totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from exports.records import AnswerRecord, Statement

VALUES = ("very_good", "good", "ok", "not_good", "very_not_good", "not_sure", "prefer_not_to_say")
POSITIVE = frozenset({"very_good", "good"})
NOT_A_VIEW = frozenset({"not_sure", "prefer_not_to_say"})
GROUP_COLUMNS = ("person", "family", "advocacy", "staff", "partner")
GROUP_LABELS = {
    "person": "People who draw on care",
    "family": "Families and carers",
    "advocacy": "Advocates and group sessions (group tally)",
    "staff": "Staff",
    "partner": "Partners",
}
HOW_COLUMNS = ("own", "helped", "answered_for", "group")
HOW_LABELS = {
    "own": "On their own",
    "helped": "With help",
    "answered_for": "Someone answered for them",
    "group": "In a group session",
}
# In the matrices a group session's figures are the advocate's tally, and say so; elsewhere
# (a group note's quote, the engagement record) it is simply how people answered.
HOW_COLUMN_LABELS = {**HOW_LABELS, "group": "In a group session (group tally)"}
VALUE_LABELS = {
    "very_good": "Very good",
    "good": "Good",
    "ok": "OK",
    "not_good": "Not good",
    "very_not_good": "Very bad",
    "not_sure": "Not sure",
    "prefer_not_to_say": "Did not want to say",
}


def group_column(record: AnswerRecord) -> str | None:
    """Return the matrix column a record belongs to, or None if it fits none."""
    if record.answered_how == "group":
        return "advocacy"
    if record.respondent_group == "advocate":
        return "advocacy"
    return record.respondent_group if record.respondent_group in GROUP_COLUMNS else None


def how_column(record: AnswerRecord) -> str | None:
    """Return the answered_how column a record belongs to, or None."""
    return record.answered_how if record.answered_how in HOW_COLUMNS else None


def _share_class(value: str) -> str:
    if value in POSITIVE:
        return "for"
    return "none" if value in NOT_A_VIEW else "against"


@dataclass
class Cell:
    """One statement for one column: raw figures, and what of them may be shown."""

    raw_people: int = 0
    raw_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VALUES, 0))
    whole_hidden: str = ""  # "", "small_group" or "secondary"
    hidden_values: set[str] = field(default_factory=set)
    differs: bool = False

    @property
    def raw_answers(self) -> int:
        return sum(self.raw_counts.values())

    @property
    def shown(self) -> bool:
        return not self.whole_hidden

    @property
    def people(self) -> int | None:
        return self.raw_people if self.shown else None

    @property
    def answers(self) -> int | None:
        return self.raw_answers if self.shown else None

    def count(self, value: str) -> int | None:
        """Return a shown count, or None where it is hidden."""
        if not self.shown or value in self.hidden_values:
            return None
        return self.raw_counts[value]

    @property
    def raw_share(self) -> float | None:
        base = sum(n for v, n in self.raw_counts.items() if v not in NOT_A_VIEW)
        if not base:
            return None
        return sum(self.raw_counts[v] for v in POSITIVE) / base

    @property
    def share_positive(self) -> float | None:
        """Return the share positive to two places, or None if hidden or undefined."""
        if not self.shown or len({_share_class(v) for v in self.hidden_values}) > 1:
            return None
        share = self.raw_share
        return None if share is None else round(share, 2)

    @property
    def status(self) -> str:
        if self.whole_hidden:
            return self.whole_hidden
        if not self.raw_people:
            return "no_answers"
        return "partly_hidden" if self.hidden_values else "shown"


@dataclass
class Row:
    """One statement across the columns, with its all-columns total."""

    statement: Statement
    cells: dict[str, Cell]
    total: Cell
    differs: bool = False
    range_points: int | None = None


@dataclass
class Matrix:
    """A whole table: rows of statements, columns of groups or ways of answering."""

    split: str
    columns: tuple[str, ...]
    labels: dict[str, str]
    rows: list[Row]
    min_group_size: int
    min_cell_count: int
    differ_margin: float


class _Tally:
    """Count answers and people for one cell while records stream past."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(VALUES, 0)
        # respondent -> question -> people answering it; a person is counted once per
        # statement however many of its questions they answered.
        self.by_respondent: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, record: AnswerRecord) -> None:
        if record.value in self.counts:
            self.counts[record.value] += record.count
        self.by_respondent[record.respondent_key][record.question_id] += record.count

    def cell(self) -> Cell:
        people = sum(max(q.values()) for q in self.by_respondent.values() if q)
        return Cell(raw_people=people, raw_counts=dict(self.counts))


def build_matrices(
    answers: Iterable[AnswerRecord],
    statements: Iterable[Statement],
    *,
    min_group_size: int = 10,
    min_cell_count: int = 5,
    differ_margin: float = 0.2,
) -> tuple[Matrix, Matrix]:
    """Return the matrix by respondent group and the matrix by answered_how.

    Held records are left out. Both are read from one pass over `answers`.
    """
    statements = list(statements)
    wanted = {s.id for s in statements}
    splits = {"group": (GROUP_COLUMNS, group_column), "how": (HOW_COLUMNS, how_column)}
    tallies = {name: defaultdict(_Tally) for name in splits}
    totals: dict[str, _Tally] = defaultdict(_Tally)
    for record in answers:
        if record.held or record.statement_id not in wanted:
            continue
        totals[record.statement_id].add(record)
        for name, (_columns, column_of) in splits.items():
            column = column_of(record)
            if column:
                tallies[name][(record.statement_id, column)].add(record)
    matrices = []
    for name, (columns, _column_of) in splits.items():
        rows = [
            Row(
                statement=s,
                cells={c: tallies[name][(s.id, c)].cell() for c in columns},
                total=totals[s.id].cell(),
            )
            for s in statements
        ]
        for row in rows:
            _suppress(row, min_group_size, min_cell_count)
            _flag(row, differ_margin)
        matrices.append(
            Matrix(
                split=name,
                columns=columns,
                labels=GROUP_LABELS if name == "group" else HOW_COLUMN_LABELS,
                rows=rows,
                min_group_size=min_group_size,
                min_cell_count=min_cell_count,
                differ_margin=differ_margin,
            )
        )
    return matrices[0], matrices[1]


def _suppress(row: Row, min_group_size: int, min_cell_count: int) -> None:
    everything = [*row.cells.values(), row.total]
    for cell in everything:
        if 0 < cell.raw_people < min_group_size:
            cell.whole_hidden = "small_group"
            continue
        cell.hidden_values = {v for v, n in cell.raw_counts.items() if 0 < n < min_cell_count}
    changed = True
    while changed:
        changed = False
        for cell in everything:
            changed |= _complete_cell(cell)
        changed |= _complete_row(row)


def _complete_cell(cell: Cell) -> bool:
    """Hide a second count where a cell's total would give away its only hidden one."""
    if not cell.shown or len(cell.hidden_values) != 1:
        return False
    (hidden,) = cell.hidden_values
    candidates = [v for v in VALUES if v not in cell.hidden_values and cell.raw_counts[v] > 0]
    if not candidates:
        cell.whole_hidden = "secondary"
        return True
    # Prefer a partner from the same share class, so share positive can stay shown.
    candidates.sort(key=lambda v: (_share_class(v) != _share_class(hidden), cell.raw_counts[v], v))
    cell.hidden_values.add(candidates[0])
    return True


def _complete_row(row: Row) -> bool:
    """Hide a second cell, or a second count, where the row total would give one away."""
    if not row.total.shown:
        return False
    cells = [c for c in row.cells.values() if c.raw_people]
    hidden = [c for c in cells if not c.shown]
    if len(hidden) == 1:
        others = sorted((c for c in cells if c.shown), key=lambda c: c.raw_people)
        if others:
            others[0].whole_hidden = "secondary"
        else:
            row.total.whole_hidden = "secondary"
        return True
    for value in VALUES:
        if value in row.total.hidden_values:
            continue
        hiding = [c for c in cells if c.count(value) is None]
        if len(hiding) == 1:
            others = sorted((c for c in cells if c.count(value)), key=lambda c: c.raw_counts[value])
            if others:
                others[0].hidden_values.add(value)
            else:
                row.total.hidden_values.add(value)
            return True
    return False


def _flag(row: Row, margin: float) -> None:
    shares = {c: cell.share_positive for c, cell in row.cells.items()}
    shown = {c: s for c, s in shares.items() if s is not None}
    if len(shown) < 2:
        return
    high, low = max(shown.values()), min(shown.values())
    row.range_points = round((high - low) * 100)
    # A small tolerance stops a float such as 0.7 - 0.5 = 0.19999 missing the margin.
    if high - low > margin + 1e-9:
        row.differs = True
        for column, share in shown.items():
            row.cells[column].differs = share in (high, low)


def suppress_counts(counts: dict[str, int], min_cell_count: int) -> dict[str, int | None]:
    """Hide counts under the threshold in a one-way table whose total is shown.

    A single hidden count would be the total minus the rest, so a second is hidden too.
    """
    hidden = {k for k, n in counts.items() if 0 < n < min_cell_count}
    if len(hidden) == 1:
        rest = sorted((n, k) for k, n in counts.items() if k not in hidden and n > 0)
        if rest:
            hidden.add(rest[0][1])
    return {k: (None if k in hidden else n) for k, n in counts.items()}
