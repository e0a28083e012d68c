"""Hide small numbers across every table published about a campaign, checked by linear programming.

Everything an export, a chart or a page shows about a campaign is one set of linked tables:
for each statement, Scores by respondent group with its "All" row and by way of answering;
and the Engagement record (everyone, and people by group, by way of answering and by
language, and the people each advocates' group session counted). Group tallies sit in the
Scores cells of group sessions like any answers. Someone holding all of them can combine
every shown figure. So suppression is decided for the whole set at once, here, from plain
tallies (no app, no Flask).

What may not be worked out, with `k` the smallest count shown and `n` the smallest group:
- a count from 1 to k - 1 (in Scores or the Engagement record) is hidden, and the range of
  values it could take, given every shown figure, must be at least k wide;
- a cell of 1 to n - 1 people is hidden whole, and its people, answers, positive answers and
  answers against must each have a range at least k wide, and its share positive a range at
  least `SHARE_WIDTH` wide, so neither an all-positive nor an all-negative group shows;
- a share positive is shown only with its base n, so where the counts that give the n are
  hidden the share is hidden too (decided last: hiding more never narrows a range).

How it is decided: the attacker's model is a linear programme. Its unknowns are, for each
statement, the answers and people of each (respondent_group, answered_how) pair, and the
people of each (respondent_group, answered_how, language) in the Engagement record, and
the people of each group session, which add up to those who answered in a group. Each
shown figure is an equation (a share is a pair of inequalities, from its rounding), and
what anyone knows anyway is added: a person gives between one answer and one per question,
a statement's people are among those who took part, every listed Engagement line holds at
least one person, and the number of group sessions. For every protected figure the lowest
and highest value are found with HiGHS (scipy.optimize.linprog); a share's range uses the
Charnes-Cooper form of the ratio. While a range is too narrow, one shown figure whose
equation holds it in place (a non-zero dual) is hidden, the cheapest first: small counts
before totals, Scores before the Engagement record. Hiding only widens every range, so a
figure that passed stays passed and the loop ends; hiding everything always passes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np

VALUES = ("very_good", "good", "ok", "not_good", "very_not_good", "not_sure", "prefer_not_to_say")
POSITIVE = frozenset({"very_good", "good"})
NOT_A_VIEW = frozenset({"not_sure", "prefer_not_to_say"})
AGAINST = tuple(v for v in VALUES if v not in POSITIVE and v not in NOT_A_VIEW)
CELL_FIELDS = ("people", "answers", *VALUES, "share")
SHARE_WIDTH = 0.5
# Shares are published to whole percent: the true share is within half a point.
_ROUNDING = 0.005
_SLACK = 1e-9
_INF = highspy.kHighsInf


def _quietly_start_highs() -> None:
    """Make HiGHS print its banner, once a process, into nothing rather than stdout."""
    if sys.stdout is not None:
        sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no stdout to keep clean
        highspy.Highs()
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_quietly_start_highs()

Key = tuple


@dataclass
class AtomTally:
    """The answers and people of one (respondent_group, answered_how) pair for one statement."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VALUES, 0))
    people: int = 0


@dataclass
class StatementTally:
    """One statement's tallies: its atoms, and how many questions it asks."""

    statement_id: str
    questions: int
    atoms: dict[tuple[str, str], AtomTally]


@dataclass
class Layout:
    """How atoms are grouped into published lines."""

    group_columns: tuple[str, ...]
    how_columns: tuple[str, ...]
    group_column: Callable[[str, str], str | None]
    how_column: Callable[[str], str | None]
    group_label: Callable[[str], str]
    how_label: Callable[[str], str]


@dataclass
class _Figure:
    key: Key
    raw: float
    rank: tuple
    eq: dict[int, float] | None = None  # a shown count is `eq` . x == raw
    share: tuple[dict[int, float], dict[int, float]] | None = None  # (positive, base)


@dataclass
class _Target:
    """A protected figure: a linear form, or a ratio of two, and the width it needs."""

    name: Key
    form: dict[int, float]
    width: float
    base: dict[int, float] | None = None
    seen_low: float = float("inf")
    seen_high: float = float("-inf")


def engagement_key(section: str, item: str = "") -> Key:
    """Name an Engagement record line: ("e", "everyone") or ("e", section, item)."""
    return ("e", section, item) if section != "everyone" else ("e", "everyone")


def cell_key(split: str, statement_id: str, column: str, name: str) -> Key:
    """Name one published figure of a Scores cell; split "g" or "h", column "all" for All."""
    return (split, statement_id, column, name)


class _Model:
    def __init__(self) -> None:
        self.size = 0
        self.figures: list[_Figure] = []
        self.rows_ub: list[tuple[dict[int, float], float]] = []  # form . x <= bound
        self.raw: list[float] = []

    def var(self, raw: float) -> int:
        self.size += 1
        self.raw.append(raw)
        return self.size - 1

    def at_most(self, form: dict[int, float], bound: float) -> None:
        self.rows_ub.append((form, bound))


def _add(*forms: dict[int, float], scale: float = 1.0) -> dict[int, float]:
    total: dict[int, float] = {}
    for form in forms:
        for index, coefficient in form.items():
            total[index] = total.get(index, 0.0) + coefficient * scale
    return total


def _neg(form: dict[int, float]) -> dict[int, float]:
    return {i: -c for i, c in form.items()}


def _value(form: dict[int, float], point: np.ndarray) -> float:
    return float(sum(c * point[i] for i, c in form.items()))


def protect(
    statements: Iterable[StatementTally],
    participants: dict[tuple[str, str, str], int],
    sessions: int,
    layout: Layout,
    *,
    min_group_size: int,
    min_cell_count: int,
    session_people: dict[str, int] | None = None,
    offline: int = 0,
) -> set[Key]:
    """Return the keys of every figure to hide, so no protected figure can be narrowed.

    `participants` gives the people of each (respondent_group, answered_how, language) who
    took part; `sessions` is the number of group sessions, always shown. `session_people`
    gives the people each group session counted, each published on its own line
    (`engagement_key("session", key)`); together they are the people in group sessions.
    `offline` is how many people answered on a tablet with no connection
    (`engagement_key("offline")`): some of those who answered one by one.
    """
    statements = list(statements)
    k, n = min_cell_count, min_group_size
    model = _Model()
    hidden: set[Key] = set()
    targets: list[_Target] = []

    # The Engagement record.
    present = [a for a, people in participants.items() if people > 0]
    groups = sorted({a[0] for a in present})
    hows = sorted({a[1] for a in present})
    languages = sorted({a[2] for a in present})
    for s in statements:
        for rg, ah in s.atoms:
            if rg not in groups:
                groups.append(rg)
            if ah not in hows:
                hows.append(ah)
    person_vars: dict[tuple[str, str, str], int] = {}
    for rg in groups:
        for ah in hows:
            for lang in languages:
                person_vars[(rg, ah, lang)] = model.var(participants.get((rg, ah, lang), 0))
    lines: dict[Key, dict[int, float]] = {engagement_key("everyone"): {}}
    for (rg, ah, lang), index in person_vars.items():
        lines[engagement_key("everyone")][index] = 1.0
        for key in (
            engagement_key("group", layout.group_label(rg)),
            engagement_key("how", layout.how_label(ah)),
            engagement_key("language", lang),
        ):
            lines.setdefault(key, {})[index] = 1.0
    for key, form in lines.items():
        raw = _value(form, np.array(model.raw))
        if raw <= 0:
            # A line nobody is in is not listed; the attacker then knows it is empty.
            model.at_most(form, 0.0)
            continue
        model.at_most(_neg(form), -1.0)  # listed, so at least one person
        rank = (1, 2 if key[1] == "everyone" else 1, raw)
        model.figures.append(_Figure(key, raw, rank, eq=form))
        if raw < k:
            hidden.add(key)
            targets.append(_Target(key, form, k))
    in_sessions = {i: 1.0 for (_rg, ah, _l), i in person_vars.items() if ah == "group"}
    if in_sessions:
        if sessions:
            model.at_most(_neg(in_sessions), -float(sessions))
        else:
            model.at_most(in_sessions, 0.0)
    if session_people:
        session_vars = {key: model.var(people) for key, people in session_people.items()}
        every_session = dict.fromkeys(session_vars.values(), 1.0)
        # The sessions' own lines add up to the people in group sessions.
        model.at_most(_add(every_session, _neg(in_sessions)), 0.0)
        model.at_most(_add(in_sessions, _neg(every_session)), 0.0)
        for key, index in session_vars.items():
            raw, form, line = session_people[key], {index: 1.0}, engagement_key("session", key)
            if raw > 0:
                model.at_most({index: -1.0}, -1.0)
            model.figures.append(_Figure(line, raw, (1, 1, raw), eq=form))
            if 0 < raw < k:
                hidden.add(line)
                targets.append(_Target(line, form, k))

    if offline > 0:
        _add_offline(model, hidden, targets, person_vars, offline, k)

    # Scores, per statement.
    for s in statements:
        q = max(1, s.questions)
        answers_of: dict[tuple[str, str], dict[str, int]] = {}
        people_of: dict[tuple[str, str], int] = {}
        for rg in groups:
            for ah in hows:
                tally = s.atoms.get((rg, ah), AtomTally())
                answers_of[(rg, ah)] = {v: model.var(tally.counts[v]) for v in VALUES}
                people_of[(rg, ah)] = model.var(tally.people)
                answers = dict.fromkeys(answers_of[(rg, ah)].values(), 1.0)
                person = {people_of[(rg, ah)]: 1.0}
                model.at_most(_add(person, _neg(answers)), 0.0)
                model.at_most({**answers, people_of[(rg, ah)]: -float(q)}, 0.0)
                took_part = {person_vars[(rg, ah, lang)]: -1.0 for lang in languages}
                raw_people = sum(participants.get((rg, ah, lang), 0) for lang in languages)
                # Only a link the records keep is known to anyone.
                if tally.people <= raw_people:
                    model.at_most(_add(person, took_part), 0.0)
        columns: list[tuple[str, str, list[tuple[str, str]]]] = []
        for column in layout.group_columns:
            atoms = [a for a in answers_of if layout.group_column(*a) == column]
            columns.append(("g", column, atoms))
        columns.append(("g", "all", list(answers_of)))
        for column in layout.how_columns:
            atoms = [a for a in answers_of if layout.how_column(a[1]) == column]
            columns.append(("h", column, atoms))
        for split, column, atoms in columns:
            _add_cell(model, hidden, targets, s, split, column, atoms, answers_of, people_of, k, n)

    _audit(model, hidden, targets)
    _hide_shares_without_base(model, hidden)
    return hidden


def _add_offline(model, hidden, targets, person_vars, offline, k):
    """Publish the people who answered offline: at least one, and never more than those who
    answered one by one (a group session is never offline)."""
    index = model.var(offline)
    form = {index: 1.0}
    one_by_one = {i: 1.0 for (_rg, ah, _l), i in person_vars.items() if ah != "group"}
    model.at_most(_add(form, _neg(one_by_one)), 0.0)
    model.at_most({index: -1.0}, -1.0)
    key = engagement_key("offline")
    # Given up before any other Engagement line: it says least about who took part.
    model.figures.append(_Figure(key, offline, (1, 0, offline), eq=form))
    if offline < k:
        hidden.add(key)
        targets.append(_Target(key, form, k))


def _hide_shares_without_base(model: _Model, hidden: set[Key]) -> None:
    """Hide each share whose base n its cell's shown counts do not give.

    A share is published with its n beside it, so that it reads as the counts it comes
    from. Where the counts that give the n are hidden, a share alone would still tie those
    hidden counts together, and it would be a figure no one could check; so it is hidden
    too. Hiding only widens every range the audit found, so the audit still holds.
    """
    for figure in model.figures:
        if figure.share is None or figure.key in hidden:
            continue
        split, statement_id, column, _name = figure.key
        shown = {
            name
            for name in CELL_FIELDS
            if cell_key(split, statement_id, column, name) not in hidden
        }
        views = {v for v in VALUES if v not in NOT_A_VIEW} <= shown
        from_answers = {"answers", *NOT_A_VIEW} <= shown
        if not (views or from_answers):
            hidden.add(cell_key(split, statement_id, column, "share"))


def _add_cell(model, hidden, targets, s, split, column, atoms, answers_of, people_of, k, n):
    raw = np.array(model.raw)
    per_value = {v: {answers_of[a][v]: 1.0 for a in atoms} for v in VALUES}
    answers = _add(*per_value.values())
    people = {people_of[a]: 1.0 for a in atoms}
    positive = _add(*(per_value[v] for v in POSITIVE))
    against = _add(*(per_value[v] for v in AGAINST))
    base = _add(positive, against)
    total_rank = 2 if column == "all" else 0
    raw_people = _value(people, raw)
    small = 0 < raw_people < n

    def key(name: str) -> Key:
        return cell_key(split, s.statement_id, column, name)

    for name, form, kind in (("people", people, 3), ("answers", answers, 2)):
        rank = (0, total_rank, kind, 0)
        model.figures.append(_Figure(key(name), _value(form, raw), rank, eq=form))
    for v in VALUES:
        count = _value(per_value[v], raw)
        model.figures.append(_Figure(key(v), count, (0, total_rank, 1, count), eq=per_value[v]))
        if not small and 0 < count < k:
            hidden.add(key(v))
            targets.append(_Target(key(v), per_value[v], k))
    raw_base = _value(base, raw)
    if raw_base > 0:
        share = _value(positive, raw) / raw_base
        model.figures.append(
            _Figure(key("share"), round(share, 2), (0, total_rank, 4, 0), share=(positive, base))
        )
    if small:
        hidden.update(key(name) for name in CELL_FIELDS)
        for name, form in (("people", people), ("answers", answers)):
            targets.append(_Target(key(name), form, k))
        targets.append(_Target(key("positive"), positive, k))
        targets.append(_Target(key("against"), against, k))
        if raw_base > 0:
            targets.append(_Target(key("share"), positive, SHARE_WIDTH, base=base))


class _Programme:
    """One HiGHS model kept warm between solves; hiding a figure frees its rows."""

    def __init__(self, rows, size: int, base: dict[int, float] | None = None):
        ratio = base is not None
        width = size + 1 if ratio else size
        starts, indices, values, lower, upper = [0], [], [], [], []
        for form, low, high in [*rows, *([(base, 1.0, 1.0)] if ratio else [])]:
            is_base = ratio and len(lower) == len(rows)
            for index, coefficient in form.items():
                indices.append(index)
                values.append(coefficient)
            if ratio and not is_base:
                # Charnes-Cooper: bounds move onto a scale column, the base is fixed at 1.
                finite = high if high < _INF else low
                if finite not in (0.0, -_INF):
                    indices.append(size)
                    values.append(-finite)
                low, high = (0.0 if low > -_INF else -_INF), (0.0 if high < _INF else _INF)
            starts.append(len(indices))
            lower.append(low)
            upper.append(high)
        lp = highspy.HighsLp()
        lp.num_col_ = width
        lp.num_row_ = len(lower)
        lp.col_cost_ = np.zeros(width)
        lp.col_lower_ = np.zeros(width)
        col_upper = np.full(width, _INF)
        if ratio:
            # The scale is 1 / base, and a base that is not empty holds a whole answer.
            col_upper[size] = 1.0
        lp.col_upper_ = col_upper
        lp.row_lower_ = np.array(lower, dtype=float)
        lp.row_upper_ = np.array(upper, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(values, dtype=float)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")
        # Only the objective changes between most solves, so the last basis stays feasible
        # and primal simplex carries on from it.
        self.highs.setOptionValue("simplex_strategy", 4)
        self.highs.passModel(lp)
        self.width = width

    def free(self, rows: list[int]) -> None:
        for row in rows:
            self.highs.changeRowBounds(row, -_INF, _INF)

    def solve(self, cost: dict[int, float]):
        """Minimise; return (status, objective, point, row duals)."""
        full = np.zeros(self.width)
        for index, coefficient in cost.items():
            full[index] = coefficient
        self.highs.changeColsCost(self.width, np.arange(self.width, dtype=np.int32), full)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded):
            # A warm start can stall after rows are freed; start that solve afresh.
            self.highs.clearSolver()
            self.highs.run()
            status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return "unbounded", -_INF, None, None
        if status != highspy.HighsModelStatus.kOptimal:
            words = self.highs.modelStatusToString(status)
            raise RuntimeError(f"suppression audit failed: {words}")
        solution = self.highs.getSolution()
        point = np.array(solution.col_value)
        objective = self.highs.getInfo().objective_function_value
        return "optimal", objective, point, np.array(solution.row_dual)


class _Solver:
    """Solve the attacker's programme with the figures currently shown.

    Rows: what anyone knows, then each figure's equation (a share's three inequalities).
    """

    def __init__(self, model: _Model, hidden: set[Key]) -> None:
        self.model = model
        self.hidden = hidden
        self.raw = np.array(model.raw)
        rows: list[tuple[dict[int, float], float, float]] = [
            (form, -_INF, bound) for form, bound in model.rows_ub
        ]
        self.who: list[_Figure | None] = [None] * len(rows)
        self.rows_of: dict[Key, list[int]] = {}
        for figure in model.figures:
            if figure.eq is not None:
                added = [(figure.eq, figure.raw, figure.raw)]
            else:
                positive, base = figure.share
                low = max(0.0, figure.raw - _ROUNDING) - _SLACK
                high = min(1.0, figure.raw + _ROUNDING) + _SLACK
                added = [
                    (_add(_neg(positive), _add(base, scale=low)), -_INF, 0.0),
                    (_add(positive, _add(base, scale=-high)), -_INF, 0.0),
                    (_neg(base), -_INF, -1.0),
                ]
            self.rows_of[figure.key] = list(range(len(rows), len(rows) + len(added)))
            rows += added
            self.who += [figure] * len(added)
        self.rows = rows
        self.freed: set[Key] = set()
        self.plain = _Programme(rows, model.size)
        self.ratios: dict[tuple, _Programme] = {}

    def _sync(self, programme: _Programme) -> None:
        for key in self.hidden:
            if key in self.rows_of and (id(programme), key) not in self.freed:
                programme.free(self.rows_of[key])
                self.freed.add((id(programme), key))

    def extreme(self, target: _Target, sign: float):
        """Return (value, point, binding figures) of the target's min (sign 1) or max (-1)."""
        size = self.model.size
        if target.base is None:
            programme = self.plain
        else:
            name = tuple(sorted(target.base.items()))
            if name not in self.ratios:
                self.ratios[name] = _Programme(self.rows, size, target.base)
            programme = self.ratios[name]
        self._sync(programme)
        cost = {i: sign * c for i, c in target.form.items()}
        status, objective, point, duals = programme.solve(cost)
        if status == "unbounded":
            return sign * -np.inf, None, []
        values = point[:size]
        if target.base is not None:
            scale = point[size]
            values = values / scale if scale > 1e-12 else None
        binding = [
            who
            for who, dual in zip(self.who, duals[: len(self.who)], strict=True)
            if who is not None and abs(dual) > 1e-9 and who.key not in self.hidden
        ]
        return sign * objective, values, binding


def _note(targets: list[_Target], point: np.ndarray | None) -> None:
    if point is None:
        return
    for target in targets:
        value = _value(target.form, point)
        if target.base is not None:
            base = _value(target.base, point)
            if base <= 1e-9:
                continue
            value /= base
        target.seen_low = min(target.seen_low, value)
        target.seen_high = max(target.seen_high, value)


def _audit(model: _Model, hidden: set[Key], targets: list[_Target]) -> None:
    solver = _Solver(model, hidden)
    by_key = {f.key: f for f in model.figures}
    _note(targets, solver.raw)
    for target in targets:
        while target.seen_high - target.seen_low < target.width - 1e-6:
            try:
                low, low_point, low_binding = solver.extreme(target, 1.0)
                _note(targets, low_point)
                target.seen_low = min(target.seen_low, low)
                if target.seen_high - target.seen_low >= target.width - 1e-6:
                    break
                high, high_point, high_binding = solver.extreme(target, -1.0)
            except RuntimeError:
                # The solver gave no answer: hide everything the figure is tied to, to be safe.
                shown = [f.key for f in model.figures if f.key not in hidden]
                tied = [key for key in shown if _touches(by_key[key], target)]
                if not shown:
                    break
                hidden.update(tied or shown)
                continue
            _note(targets, high_point)
            target.seen_high = max(target.seen_high, high)
            if high - low >= target.width - 1e-6:
                break
            # Both extremes are exact here: the range is too narrow, so hide one more.
            shown = {f.key: f for f in [*low_binding, *high_binding] if f.key not in hidden}
            if not shown:
                shown = {
                    f.key: f for f in model.figures if f.key not in hidden and _touches(f, target)
                }
            if not shown:
                shown = {f.key: f for f in model.figures if f.key not in hidden}
            if not shown:
                break
            # Totals and the Engagement record come last; otherwise a cell already partly
            # hidden loses least by hiding more of it.
            touched = {key[:3] for key in hidden if key[0] != "e"}
            cheapest = min(
                shown.values(), key=lambda f: (f.rank[:2], f.key[:3] not in touched, f.rank[2:])
            )
            hidden.add(cheapest.key)


def _touches(figure: _Figure, target: _Target) -> bool:
    forms = [figure.eq] if figure.eq is not None else list(figure.share)
    wanted = set(target.form) | set(target.base or {})
    return any(wanted & set(form) for form in forms)
