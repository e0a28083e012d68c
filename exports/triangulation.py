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

Small numbers are hidden across every published table at once by `exports.suppression`
(see there): `build_tables` tallies the answers and the people who took part, asks it which
figures to hide, and only then sets the differ flag from the shares left shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from exports import suppression
from exports.records import AnswerRecord, ParticipantRecord, Statement
from exports.suppression import NOT_A_VIEW, POSITIVE, VALUES, AtomTally, StatementTally

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
RESPONDENT_LABELS = {
    "person": "Person who draws on care",
    "family": "Family member or carer",
    "advocate": "Friend or advocate",
    "staff": "Staff",
    "partner": "Partner organisation",
}
# A group session records no language: its people are counted under this line.
NO_LANGUAGE = "Not recorded"
ENGAGEMENT_SECTIONS = {
    "group": "Respondent group",
    "how": "How they answered",
    "language": "Language",
}


def column_of_group(respondent_group: str, answered_how: str) -> str | None:
    """Return the matrix column of a respondent group and way of answering, or None."""
    if answered_how == "group" or respondent_group == "advocate":
        return "advocacy"
    return respondent_group if respondent_group in GROUP_COLUMNS else None


def column_of_how(answered_how: str) -> str | None:
    """Return the answered_how column of a way of answering, or None."""
    return answered_how if answered_how in HOW_COLUMNS else None


def respondent_label(respondent_group: str) -> str:
    """Name a respondent group as the Engagement record and quotes do."""
    return RESPONDENT_LABELS.get(respondent_group, respondent_group or "Not given")


def how_label(answered_how: str) -> str:
    """Name a way of answering as the Engagement record and quotes do."""
    return HOW_LABELS.get(answered_how, answered_how or "Not given")


LAYOUT = suppression.Layout(
    group_columns=GROUP_COLUMNS,
    how_columns=HOW_COLUMNS,
    group_column=column_of_group,
    how_column=column_of_how,
    group_label=respondent_label,
    how_label=how_label,
)


@dataclass
class Cell:
    """One statement for one column: raw figures, and which of them may be shown.

    `hidden` names hidden figures: "people", "answers", a value, or "share".
    """

    raw_people: int = 0
    raw_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VALUES, 0))
    hidden: set[str] = field(default_factory=set)
    differs: bool = False

    @property
    def raw_answers(self) -> int:
        return sum(self.raw_counts.values())

    @property
    def people(self) -> int | None:
        return None if "people" in self.hidden else self.raw_people

    @property
    def answers(self) -> int | None:
        return None if "answers" in self.hidden else self.raw_answers

    def count(self, value: str) -> int | None:
        """Return a shown count, or None where it is hidden."""
        return None if value in self.hidden else self.raw_counts[value]

    @property
    def raw_share(self) -> float | None:
        base = sum(n for v, n in self.raw_counts.items() if v not in NOT_A_VIEW)
        if not base:
            return None
        return sum(self.raw_counts[v] for v in POSITIVE) / base

    @property
    def share_positive(self) -> float | None:
        """Return the share positive to two places, or None if hidden or undefined."""
        share = self.raw_share
        return None if share is None or "share" in self.hidden else round(share, 2)

    @property
    def status(self) -> str:
        """Say "hidden", "no_answers", "partly_hidden" or "shown", from shown figures only."""
        figures = {"people", "answers", *VALUES}
        if figures <= self.hidden:
            return "hidden"
        if self.people == 0:
            return "no_answers"
        if self.hidden & figures or (self.raw_share is not None and self.share_positive is None):
            return "partly_hidden"
        return "shown"


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


@dataclass
class EngagementLine:
    """One line of the Engagement record: a section, an item and its people."""

    section: str
    item: str
    raw_people: int
    hidden: bool = False
    # What the line is about as stored (a respondent group, a way of answering, a language,
    # or a session's key), for its evidence reference; a session's line carries its date.
    code: str = ""
    date: str = ""

    @property
    def people(self) -> int | None:
        return None if self.hidden else self.raw_people


@dataclass
class Engagement:
    """Who took part: everyone, then by group, by way of answering and by language.

    `sessions` counts advocates' group sessions; `group_sessions` has one line per session
    (item "date, place") with the people counted from its tally.
    """

    everyone: EngagementLine
    lines: list[EngagementLine]
    sessions: int
    group_sessions: list[EngagementLine] = field(default_factory=list)
    # The people who answered on a tablet with no connection, sent later from its outbox.
    offline: EngagementLine = field(default_factory=lambda: EngagementLine("offline", "", 0))

    @property
    def in_group_sessions(self) -> int | None:
        """Return the people in group sessions as the "How they answered" line shows it."""
        for line in self.lines:
            if line.section == "how" and line.item == HOW_LABELS["group"]:
                return line.people
        return 0


@dataclass
class Tables:
    """Every table published about a campaign's answers, suppressed together."""

    by_group: Matrix
    by_how: Matrix
    engagement: Engagement

    def hides_group_of(self, statement_id: str, respondent_group: str, answered_how: str) -> bool:
        """Say whether Scores hides the people of a cell a respondent sits in."""
        for matrix, column in (
            (self.by_group, column_of_group(respondent_group, answered_how)),
            (self.by_how, column_of_how(answered_how)),
        ):
            for row in matrix.rows:
                if (
                    row.statement.id == statement_id
                    and column
                    and "people" in row.cells[column].hidden
                ):
                    return True
        return False

    def names_offline(self) -> bool:
        """Say whether a quote or media row may say if its person answered offline.

        Only where the Engagement record shows both those who did and everyone, and each
        side holds nobody or at least the smallest group: then "yes" or "no" points to nobody.
        """
        offline, everyone = self.engagement.offline, self.engagement.everyone
        if offline.hidden or everyone.hidden:
            return False
        smallest = self.by_group.min_group_size
        did, did_not = offline.raw_people, everyone.raw_people - offline.raw_people
        return all(side == 0 or side >= smallest for side in (did, did_not))

    def shown_language(self, language: str) -> bool:
        """Say whether a language's line in the Engagement record is shown and not small."""
        for line in self.engagement.lines:
            if line.section == "language" and line.item == language:
                return not line.hidden and line.raw_people >= self.by_group.min_group_size
        return False


class _Tally:
    """Count answers and people for one atom while records stream past."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(VALUES, 0)
        # respondent -> question -> people answering it; a person is counted once per
        # statement however many of its questions they answered.
        self.by_respondent: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, record: AnswerRecord) -> None:
        if record.value in self.counts:
            self.counts[record.value] += record.count
        self.by_respondent[record.respondent_key][record.question_id] += record.count

    def atom(self) -> AtomTally:
        people = sum(max(q.values()) for q in self.by_respondent.values() if q)
        return AtomTally(counts=dict(self.counts), people=people)


def build_tables(
    answers: Iterable[AnswerRecord],
    participants: Iterable[ParticipantRecord],
    statements: Iterable[Statement],
    *,
    min_group_size: int = 10,
    min_cell_count: int = 5,
    differ_margin: float = 0.2,
) -> Tables:
    """Return Scores by respondent group and by answered_how, and the Engagement record.

    Held records are left out. Answers are read in one pass.
    """
    statements = list(statements)
    wanted = {s.id for s in statements}
    atoms: dict[str, dict[tuple[str, str], _Tally]] = {
        s.id: defaultdict(_Tally) for s in statements
    }
    questions: dict[str, set[str]] = {s.id: set() for s in statements}
    for record in answers:
        if record.held or record.statement_id not in wanted:
            continue
        atoms[record.statement_id][(record.respondent_group, record.answered_how)].add(record)
        questions[record.statement_id].add(record.question_id)
    took_part: dict[tuple[str, str, str], int] = defaultdict(int)
    sessions: dict[str, ParticipantRecord] = {}
    offline = 0
    for p in participants:
        if p.held:
            continue
        took_part[(p.respondent_group, p.answered_how, p.language or NO_LANGUAGE)] += p.people
        offline += p.people if p.answered_offline else 0
        if p.answered_how == "group":
            sessions[p.respondent_key] = p
    tallies = [
        StatementTally(s.id, len(questions[s.id]), {a: t.atom() for a, t in atoms[s.id].items()})
        for s in statements
    ]
    hidden = suppression.protect(
        tallies,
        dict(took_part),
        len(sessions),
        LAYOUT,
        min_group_size=min_group_size,
        min_cell_count=min_cell_count,
        session_people={key: p.people for key, p in sessions.items()},
        offline=offline,
    )
    matrices = []
    for split, columns, column_of in (
        ("g", GROUP_COLUMNS, lambda a: column_of_group(*a)),
        ("h", HOW_COLUMNS, lambda a: column_of_how(a[1])),
    ):
        rows = []
        for statement, tally in zip(statements, tallies, strict=True):
            cells = {
                c: _cell(tally, [a for a in tally.atoms if column_of(a) == c]) for c in columns
            }
            total = _cell(tally, list(tally.atoms))
            for column, cell in [*cells.items(), ("all", total)]:
                cell.hidden = {
                    name
                    for name in suppression.CELL_FIELDS
                    if suppression.cell_key(split, statement.id, column, name) in hidden
                }
            if split == "h":
                # The how split's total is never published; the group split's All row is.
                total.hidden = set(suppression.CELL_FIELDS)
            row = Row(statement=statement, cells=cells, total=total)
            _flag(row, differ_margin)
            rows.append(row)
        matrices.append(
            Matrix(
                split="group" if split == "g" else "how",
                columns=columns,
                labels=GROUP_LABELS if split == "g" else HOW_COLUMN_LABELS,
                rows=rows,
                min_group_size=min_group_size,
                min_cell_count=min_cell_count,
                differ_margin=differ_margin,
            )
        )
    engagement = _engagement(took_part, sessions, hidden)
    engagement.offline = EngagementLine(
        "offline", "", offline, suppression.engagement_key("offline") in hidden
    )
    return Tables(matrices[0], matrices[1], engagement)


def _cell(tally: StatementTally, atoms: list[tuple[str, str]]) -> Cell:
    counts = dict.fromkeys(VALUES, 0)
    people = 0
    for atom in atoms:
        people += tally.atoms[atom].people
        for value, n in tally.atoms[atom].counts.items():
            counts[value] += n
    return Cell(raw_people=people, raw_counts=counts)


def _engagement(
    took_part: dict[tuple[str, str, str], int],
    sessions: dict[str, ParticipantRecord],
    hidden: set,
) -> Engagement:
    by: dict[str, dict[str, int]] = {section: defaultdict(int) for section in ENGAGEMENT_SECTIONS}
    codes: dict[tuple[str, str], str] = {}
    for (group, how, language), people in took_part.items():
        by["group"][respondent_label(group)] += people
        by["how"][how_label(how)] += people
        by["language"][language] += people
        codes[("group", respondent_label(group))] = group
        codes[("how", how_label(how))] = how
        codes[("language", language)] = "" if language == NO_LANGUAGE else language
    lines = [
        EngagementLine(
            section,
            item,
            people,
            suppression.engagement_key(section, item) in hidden,
            code=codes[(section, item)],
        )
        for section in ENGAGEMENT_SECTIONS
        for item, people in sorted(by[section].items())
        if people > 0
    ]
    total = sum(took_part.values())
    everyone = EngagementLine(
        "everyone", "", total, suppression.engagement_key("everyone") in hidden
    )
    group_sessions = [
        EngagementLine(
            "session",
            f"{p.date}, {p.place}",
            p.people,
            suppression.engagement_key("session", key) in hidden,
            code=key,
            date=p.date,
        )
        for key, p in sessions.items()
    ]
    return Engagement(everyone, lines, len(sessions), group_sessions)


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
