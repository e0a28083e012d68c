"""Suppression holds against someone who has every published table: proved by linear programming.

Each test campaign is exported as JSON. An attacker's linear programme is then built here from
the published figures only (written apart from exports/suppression.py, so the proof does not
lean on the code it checks): unknown answers and people per statement, respondent group and
way of answering, and unknown people per group, way of answering and language; one equation
per shown figure, two inequalities per shown share (rounded to whole percent), and what
anyone knows anyway. scipy.optimize.linprog then finds the lowest and highest value every
protected figure could take. Every shown share must also stand beside its true n.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import lil_matrix, vstack

from exports.content import method
from exports.records import (
    AnswerRecord,
    CampaignInfo,
    ExportInput,
    ParticipantRecord,
    QuoteRecord,
    Statement,
)
from exports.writers import write_json

VALUES = ("very_good", "good", "ok", "not_good", "very_not_good", "not_sure", "prefer_not_to_say")
POSITIVE = ("very_good", "good")
AGAINST = ("ok", "not_good", "very_not_good")
GROUP_OF_LABEL = {
    "Person who draws on care": "People who draw on care",
    "Family member or carer": "Families and carers",
    "Friend or advocate": "Advocates and group sessions (group tally)",
    "Staff": "Staff",
    "Partner organisation": "Partners",
}
# The Engagement record names a way of answering; Scores marks the group tally column.
HOW_COLUMN_OF = {
    "On their own": "On their own",
    "With help": "With help",
    "Someone answered for them": "Someone answered for them",
    "In a group session": "In a group session (group tally)",
}
HOW_COLUMNS = tuple(HOW_COLUMN_OF.values())
GROUP_COLUMNS = tuple(GROUP_OF_LABEL.values())
LABEL = {
    "person": "Person who draws on care",
    "family": "Family member or carer",
    "advocate": "Friend or advocate",
    "staff": "Staff",
    "partner": "Partner organisation",
    "": "Not given",
    "own": "On their own",
    "helped": "With help",
    "answered_for": "Someone answered for them",
    "group": "In a group session",
}
KINDS = (
    ("person", "own"),
    ("person", "helped"),
    ("person", "answered_for"),
    ("family", "own"),
    ("advocate", "own"),
    ("staff", "own"),
    ("partner", "own"),
)
TRIANGULATION_COLUMNS = {
    "group_person": "People who draw on care",
    "group_family": "Families and carers",
    "group_advocacy": "Advocates and group sessions (group tally)",
    "group_staff": "Staff",
    "group_partner": "Partners",
    "how_own": "On their own",
    "how_helped": "With help",
    "how_answered_for": "Someone answered for them",
    "how_group": "In a group session (group tally)",
}
SIZES = (0, 0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 14, 25)


def group_column(group_label: str, how_label: str) -> str | None:
    if how_label == "In a group session" or group_label == "Friend or advocate":
        return "Advocates and group sessions (group tally)"
    return GROUP_OF_LABEL.get(group_label)


# --- making campaigns ---


def make_campaign(sizes, sessions, seed, n_statements=2, lean=None):
    """Return (ExportInput, questions per statement) for people of each kind and group sessions.

    `lean` makes everyone answer positively ("up") or against ("down"), for 100% and 0% rows.
    """
    rng = random.Random(seed)
    statements = tuple(Statement(f"QS{i + 1}", f"Statement {i + 1}") for i in range(n_statements))
    questions = {s.id: rng.choice((1, 1, 2)) for s in statements}
    answers, participants = [], []
    pick = {
        None: VALUES,
        "up": POSITIVE,
        "down": AGAINST,
    }[lean]
    # Who answered on a tablet with no internet comes from its own stream, so the examples
    # below keep the people, languages and answers they were chosen for.
    offline_rng = random.Random(seed + 1)
    offline_share = offline_rng.choice((0.0, 0.0, 0.1, 0.5, 1.0))
    for (group, how), size in zip(KINDS, sizes, strict=True):
        for n in range(size):
            key = f"{group}-{how}-{n}"
            language = rng.choice(("en", "en", "en", "cy", "pl"))
            offline = offline_rng.random() < offline_share
            participants.append(
                ParticipantRecord(key, group, how, language, answered_offline=offline)
            )
            for statement in statements:
                if rng.random() < 0.1:
                    continue  # this person skipped the statement
                for q in range(questions[statement.id]):
                    if q and rng.random() < 0.3:
                        continue
                    answers.append(
                        AnswerRecord(
                            key,
                            statement.id,
                            f"{statement.id}-{q}",
                            rng.choice(pick),
                            group,
                            how,
                            language,
                        )
                    )
    for index, size in enumerate(sessions):
        key = f"g{index}"
        participants.append(ParticipantRecord(key, "", "group", "en", people=size))
        for statement in statements:
            for q in range(questions[statement.id]):
                left = size
                for value in rng.sample(pick, len(pick)):
                    count = rng.randint(0, left)
                    left -= count
                    if count:
                        question = f"{statement.id}-{q}"
                        answers.append(
                            AnswerRecord(
                                key, statement.id, question, value, "", "group", count=count
                            )
                        )
    campaign = CampaignInfo(
        id=1, code="shaped", title="Shaped", framework="CQC", statements=statements
    )
    return ExportInput(campaign, answers, [], [], participants), questions


def published(data: ExportInput) -> dict:
    out = io.StringIO()
    write_json(data, out)
    return json.loads(out.getvalue())


# --- the attacker's programme ---


class Attack:
    """Every published figure of a JSON export as linear constraints, and the true point."""

    def __init__(self, doc: dict, data: ExportInput, questions: dict[str, int]):
        self.k = doc["campaign"]["min_cell_count"]
        self.n = doc["campaign"]["min_group_size"]
        self.names: dict[tuple, int] = {}
        self.truth: list[float] = []
        self.eq: list[tuple[dict, float]] = []
        self.ub: list[tuple[dict, float]] = []
        self.figures: list[tuple[tuple, dict, object, dict | None]] = []  # key, form, shown, base
        lines = [r for r in doc["engagement"]]
        listed = {
            (r["section"], r["item"]): r["people"]
            for r in lines
            if r["section"] in ("Respondent group", "How they answered", "Language")
        }
        groups = [i for s, i in listed if s == "Respondent group"]
        hows = [i for s, i in listed if s == "How they answered"]
        languages = [i for s, i in listed if s == "Language"]
        took = {}
        for p in data.participants:
            atom = (LABEL[p.respondent_group], LABEL[p.answered_how], p.language)
            took[atom] = took.get(atom, 0) + p.people
        people_of = {}
        for atom in itertools.product(groups, hows, languages):
            people_of[atom] = self.var(("P", *atom), took.get(atom, 0))
        everyone = {i: 1.0 for i in people_of.values()}
        rows = {("Everyone", "People who took part"): everyone}
        for (g, h, lang), i in people_of.items():
            for key in (("Respondent group", g), ("How they answered", h), ("Language", lang)):
                rows.setdefault(key, {})[i] = 1.0
        for key, form in rows.items():
            shown = next(r["people"] for r in lines if (r["section"], r["item"]) == key)
            self.figures.append((("engagement", *key), form, shown, None))
            if key[0] != "Everyone":
                self.ub.append(({i: -1.0 for i in form}, -1.0))  # a listed line holds someone
        sessions = next(r["people"] for r in lines if r["section"] == "Group sessions")
        in_sessions = {i: 1.0 for (g, h, lang), i in people_of.items() if h == "In a group session"}
        if in_sessions:
            self.ub.append(({i: -1.0 for i in in_sessions}, -float(sessions)))
        in_groups = next(
            r["people"]
            for r in lines
            if (r["section"], r["item"])
            == ("Group sessions", "People in advocates' group sessions (group tally)")
        )
        self.figures.append(
            (("engagement", "Group sessions", "people in them"), in_sessions, in_groups, None)
        )
        # Each group session's own line; together they are the people in group sessions.
        session_lines = [r for r in lines if r["section"] == "Group session"]
        in_groups_of = [p for p in data.participants if p.answered_how == "group" and not p.held]
        assert len(session_lines) == len(in_groups_of)
        every_session = {}
        for n, (line, p) in enumerate(zip(session_lines, in_groups_of, strict=True)):
            index = self.var(("S", n), p.people)
            every_session[index] = 1.0
            self.figures.append(
                (("engagement", "Group session", str(n)), {index: 1.0}, line["people"], None)
            )
            if p.people:
                self.ub.append(({index: -1.0}, -1.0))  # a session with people holds someone
        self.ub.append(({**every_session, **{i: -1.0 for i in in_sessions}}, 0.0))
        self.ub.append(({**{i: -1.0 for i in every_session}, **in_sessions}, 0.0))
        # Those who answered without internet: some of those who answered one by one (a group
        # session is never offline), and someone, unless the line shows nobody.
        offline_line = next(r for r in lines if r["section"] == "Without internet")
        truth = sum(p.people for p in data.participants if p.answered_offline and not p.held)
        offline = self.var(("O",), truth)
        one_by_one = [i for (g, h, lang), i in people_of.items() if h != "In a group session"]
        self.ub.append(({offline: 1.0, **{i: -1.0 for i in one_by_one}}, 0.0))
        if offline_line["people"] != 0:
            self.ub.append(({offline: -1.0}, -1.0))
        self.figures.append(
            (
                ("engagement", "Without internet", "offline"),
                {offline: 1.0},
                offline_line["people"],
                None,
            )
        )
        # True answers and people per statement and atom, counted here from the records.
        counts, people = {}, {}
        for record in data.answers:
            atom = (record.statement_id, LABEL[record.respondent_group], LABEL[record.answered_how])
            counts[(*atom, record.value)] = counts.get((*atom, record.value), 0) + record.count
            seen = people.setdefault(atom, {})
            per_q = seen.setdefault(record.respondent_key, {})
            per_q[record.question_id] = per_q.get(record.question_id, 0) + record.count
        scores = {(r["statement_id"], r["split"], r["column"]): r for r in doc["scores"]}
        for statement in doc["campaign"]["statements"]:
            sid = statement["id"]
            x, y = {}, {}
            for g, h in itertools.product(groups, hows):
                for v in VALUES:
                    x[(g, h, v)] = self.var(("x", sid, g, h, v), counts.get((sid, g, h, v), 0))
                true_people = sum(max(q.values()) for q in people.get((sid, g, h), {}).values())
                y[(g, h)] = self.var(("y", sid, g, h), true_people)
                answers = {x[(g, h, v)]: 1.0 for v in VALUES}
                self.ub.append(({y[(g, h)]: 1.0, **{i: -1.0 for i in answers}}, 0.0))
                self.ub.append(({**answers, y[(g, h)]: -float(questions[sid])}, 0.0))
                self.ub.append(
                    ({y[(g, h)]: 1.0, **{people_of[(g, h, lang)]: -1.0 for lang in languages}}, 0.0)
                )
            cells = [
                ("respondent group", c, lambda g, h, c=c: group_column(g, h) == c)
                for c in GROUP_COLUMNS
            ]
            cells.append(("respondent group", "All", lambda g, h: True))
            cells += [
                ("answered how", c, lambda g, h, c=c: HOW_COLUMN_OF.get(h) == c)
                for c in HOW_COLUMNS
            ]
            for split, column, member in cells:
                row = scores[(sid, split, column)]
                atoms = [(g, h) for g, h in itertools.product(groups, hows) if member(g, h)]
                per_value = {v: {x[(g, h, v)]: 1.0 for g, h in atoms} for v in VALUES}
                forms = {
                    "people": {y[a]: 1.0 for a in atoms},
                    "answers": {i: 1.0 for v in VALUES for i in per_value[v]},
                    **per_value,
                }
                for name, form in forms.items():
                    self.figures.append(((sid, split, column, name), form, row[name], None))
                positive = {i: 1.0 for v in POSITIVE for i in per_value[v]}
                base = {i: 1.0 for v in (*POSITIVE, *AGAINST) for i in per_value[v]}
                # The share's n and the rates' n are figures too: the base and the answers.
                for name, form in (("share_positive_n", base), ("rates_n", forms["answers"])):
                    self.figures.append(((sid, split, column, name), form, row[name], None))
                for name, value in (
                    ("not_sure_rate", "not_sure"),
                    ("prefer_not_to_say_rate", "prefer_not_to_say"),
                ):
                    if row[name] is not None:
                        # A rate to two places: count / answers within half a point.
                        r = row[name]
                        low, high = max(0.0, r - 0.005), min(1.0, r + 0.005)
                        count = per_value[value]
                        every = forms["answers"]
                        self.ub.append(({i: low for i in every} | {i: low - 1 for i in count}, 0))
                        self.ub.append(
                            ({i: -high for i in every} | {i: 1 - high for i in count}, 0)
                        )
                share = row["share_positive"]
                self.figures.append(((sid, split, column, "share"), positive, share, base))
                self.figures.append(((sid, split, column, "positive"), positive, None, None))
                against = {i: 1.0 for v in AGAINST for i in per_value[v]}
                self.figures.append(((sid, split, column, "against"), against, None, None))
                if share is not None:
                    # 0.67 is a share rounded to two places: within half a point.
                    p = share
                    low, high = max(0.0, p - 0.005), min(1.0, p + 0.005)
                    # low * base <= positive <= high * base, and the base holds someone.
                    at_least = {i: low for i in base} | {i: low - 1 for i in positive}
                    at_most = {i: -high for i in base} | {i: 1 - high for i in positive}
                    self.ub += [(at_least, 0.0), (at_most, 0.0)]
                    self.ub.append(({i: -1.0 for i in base}, -1.0))
        for _key, form, shown, base in self.figures:
            if shown is not None and base is None:
                self.eq.append((form, float(shown)))
        self.lp = self.matrices()

    def var(self, name: tuple, truth: float) -> int:
        self.names[name] = len(self.truth)
        self.truth.append(truth)
        return len(self.truth) - 1

    def value(self, form: dict) -> float:
        return sum(c * self.truth[i] for i, c in form.items())

    def matrices(self):
        """Return A_ub, b_ub, A_eq, b_eq, each with a last column of minus the bounds."""
        size = len(self.truth) + 1

        def build(rows):
            a = lil_matrix((len(rows), size))
            for r, (form, bound) in enumerate(rows):
                for i, c in form.items():
                    a[r, i] += c
                a[r, size - 1] = -bound
            return a.tocsr(), np.array([bound for _form, bound in rows], dtype=float)

        return (*build(self.ub), *build(self.eq))

    def extremes(self, form: dict, known: list[np.ndarray]) -> tuple[float, float]:
        """Return the lowest and highest value of `form`; `known` collects feasible points.

        A side already as wide as needed from points found before is not solved again.
        """
        a_ub, b_ub, a_eq, b_eq = self.lp
        size = len(self.truth)
        result = []
        for sign in (1.0, -1.0):
            cost = np.zeros(size)
            for i, c in form.items():
                cost[i] = sign * c
            a_ub_x, a_eq_x = a_ub[:, :size], a_eq[:, :size]
            r = linprog(cost, A_ub=a_ub_x, b_ub=b_ub, A_eq=a_eq_x, b_eq=b_eq, bounds=(0, None))
            assert r.status in (0, 3), r.message
            result.append(sign * r.fun if r.status == 0 else sign * -np.inf)
            if r.status == 0:
                known.append(r.x)
        return result[0], result[1]

    def share_extremes(self, positive: dict, base: dict) -> tuple[float, float]:
        """Return the lowest and highest positive / base (Charnes-Cooper)."""
        a_ub, b_ub, a_eq, b_eq = self.lp
        scale_row = lil_matrix((1, a_eq.shape[1]))
        for i, c in base.items():
            scale_row[0, i] = c
        a_eq = vstack([a_eq, scale_row.tocsr()])
        b_eq = np.append(np.zeros(len(b_eq)), 1.0)
        out = []
        for sign in (1.0, -1.0):
            cost = np.zeros(a_eq.shape[1])
            for i, c in positive.items():
                cost[i] = sign * c
            # The scale is 1 / base; a base that is not empty holds at least one answer.
            bounds = [(0, None)] * (a_eq.shape[1] - 1) + [(0, 1)]
            r = linprog(
                cost, A_ub=a_ub, b_ub=np.zeros(len(b_ub)), A_eq=a_eq, b_eq=b_eq, bounds=bounds
            )
            assert r.status == 0, r.message
            out.append(sign * r.fun)
        return out[0], out[1]


def check(data: ExportInput, questions: dict[str, int]) -> list[str]:
    """Return every way the export fails; an empty list means it holds."""
    doc = published(data)
    attack = Attack(doc, data, questions)
    k, n = attack.k, attack.n
    problems = []
    known = [np.array(attack.truth)]
    by_key = {key: (form, shown, base) for key, form, shown, base in attack.figures}
    # The true point must satisfy everything published, or the model is wrong.
    for form, bound in attack.ub:
        assert attack.value(form) <= bound + 1e-6, form
    for form, bound in attack.eq:
        assert abs(attack.value(form) - bound) < 1e-6
    # The Triangulation sheet (as the charts and pages) shows only what Scores shows.
    scores = {(r["statement_id"], r["split"], r["column"]): r for r in doc["scores"]}
    for line in doc["triangulation"]:
        for field, text in line.items():
            if not field.startswith(("group_", "how_")):
                continue
            split = "respondent group" if field.startswith("group_") else "answered how"
            row = scores[
                (line["statement_id"], split, TRIANGULATION_COLUMNS[field.removesuffix("_n")])
            ]
            name = "share_positive_n" if field.endswith("_n") else "share_positive"
            assert text == row[name], (field, text, row[name])
    # A share is published only with its n beside it, and that n is the true base: no share
    # stands alone for hidden counts to be worked out from.
    for key, (_form, shown, base) in by_key.items():
        if key[0] != "engagement" and key[3] == "share" and shown is not None:
            its_n = by_key[(*key[:3], "share_positive_n")][1]
            if its_n is None or its_n != attack.value(base):
                problems.append(f"{key} is shown as {shown} with n {its_n}")
    small_cells = {
        key[:3]
        for key, (form, _shown, _base) in by_key.items()
        if key[0] != "engagement" and key[3] == "people" and 0 < attack.value(form) < n
    }
    for key, (form, shown, base) in by_key.items():
        truth = attack.value(form) if base is None else None
        if key[0] == "engagement":
            protect = 0 < truth < k
            width = k
        elif key[:3] in small_cells:
            if key[3] in ("people", "answers", "positive", "against"):
                protect, width = True, k
            elif key[3] == "share":
                protect, width = attack.value(base) > 0, 0.5
            else:
                protect = False
        else:
            protect = key[3] in VALUES and 0 < truth < k
            width = k
        if not protect:
            continue
        if key[3:] != ("positive",) and key[3:] != ("against",) and shown is not None:
            problems.append(f"{key} is shown: {shown}")
            continue
        if base:
            low, high = attack.share_extremes(form, base)
        else:
            seen = [sum(c * point[i] for i, c in form.items()) for point in known]
            if seen and max(seen) - min(seen) >= width:
                continue
            low, high = attack.extremes(form, known)
        if high - low < width - 1e-6:
            problems.append(f"{key}: true {truth}, range {low:.3f}..{high:.3f}")
    return problems


shapes = st.tuples(
    st.tuples(*[st.sampled_from(SIZES) for _ in KINDS]),
    st.lists(st.sampled_from((3, 4, 5, 9, 10, 12)), max_size=2),
    st.integers(0, 2**32 - 1),
    st.integers(1, 2),
    st.sampled_from((None, None, "up", "down")),
)


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(shapes)
@example(((4, 5, 9, 10, 0, 0, 0), [], 1, 1, None))
@example(((12, 0, 0, 4, 0, 10, 0), [], 2, 1, "up"))
@example(((20, 0, 0, 1, 0, 0, 0), [], 3, 1, "up"))
@example(((9, 0, 0, 0, 0, 10, 5), [4], 4, 2, None))
@example(((12, 0, 0, 0, 0, 10, 0), [3, 12], 6, 1, None))
@example(((2, 3, 0, 0, 0, 0, 0), [], 5, 1, None))
@example(((12, 0, 0, 4, 0, 10, 0), [5], 12, 1, None))  # three answered without internet
def test_no_hidden_figure_can_be_narrowed_from_everything_published(shape):
    sizes, sessions, seed, n_statements, lean = shape
    data, questions = make_campaign(sizes, sessions, seed, n_statements, lean)
    assert check(data, questions) == []


def _quote(ref, group, how, language):
    return QuoteRecord(
        evidence_ref=ref,
        statement_ids=("QS1",),
        item_text="The staff are kind.",
        start=0,
        end=19,
        consent_quote=True,
        respondent_group=group,
        answered_how=how,
        language=language,
    )


def test_a_quote_never_names_a_group_or_language_that_scores_hides():
    data, _questions = make_campaign((25, 0, 0, 4, 0, 20, 0), [], 11, 1)
    data.quotes = [
        _quote("EV-QS1-0001", "person", "own", "en"),
        _quote("EV-QS1-0002", "family", "own", "en"),
        _quote("EV-QS1-0003", "person", "own", "pl"),
    ]
    doc = published(data)
    scores = {(r["split"], r["column"]): r for r in doc["scores"]}
    assert scores[("respondent group", "Families and carers")]["status"] == "hidden"
    quotes = {q["evidence_ref"]: q for q in doc["quotes"]}
    labels = {
        ref: (q["respondent_group"], q["answered_how"], q["language"]) for ref, q in quotes.items()
    }
    assert labels["EV-QS1-0002"] == ("", "", "")  # the family cell is hidden
    languages = {r["item"]: r["people"] for r in doc["engagement"] if r["section"] == "Language"}
    for ref in ("EV-QS1-0001", "EV-QS1-0003"):
        group, _how, language = labels[ref]
        person = scores[("respondent group", "People who draw on care")]
        assert group == ("" if person["people"] is None else "Person who draws on care")
        # A language is named only when its line is shown and holds a whole group.
        shown = languages.get(quotes[ref]["language"] or "?")
        assert language == "" or (shown is not None and shown >= 10)
    assert labels["EV-QS1-0003"][2] == ""  # few Polish speakers took part


def test_when_the_solver_gives_no_answer_more_is_hidden_not_less(monkeypatch):
    from exports import suppression

    def no_answer(self, target, sign):
        raise RuntimeError("no answer")

    monkeypatch.setattr(suppression._Solver, "extreme", no_answer)
    data, questions = make_campaign((12, 0, 0, 4, 0, 10, 0), [], 2, 1)
    assert check(data, questions) == []
    doc = published(data)
    assert all(r["status"] in ("hidden", "no_answers") for r in doc["scores"])


def _import_suppression(script: str, before: str = "") -> subprocess.CompletedProcess:
    """Import exports.suppression in a new Python, which is when the solver is first started."""
    return subprocess.run(
        [sys.executable, "-c", f"{before}\nimport exports.suppression\n{script}"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )


def test_starting_the_solver_prints_nothing_and_leaves_standard_output_working(capfd):
    from exports import suppression

    # `engage responses --json` prints JSON to standard output: HiGHS's banner must not come
    # first in it.
    done = _import_suppression("print('after')")
    assert (done.returncode, done.stdout, done.stderr) == (0, "after\n", "")
    # Started again in a process that has it, the solver is as quiet.
    suppression._quietly_start_highs()
    print("after")
    assert capfd.readouterr() == ("after\n", "")


def test_the_solver_starts_when_there_is_no_standard_output():
    done = _import_suppression("import sys; sys.stderr.write('started')")
    assert done.returncode == 0, done.stderr
    closed = _import_suppression("", before="import os; os.close(1)")
    assert (closed.returncode, closed.stderr) == (0, "")


def _offline(data: ExportInput, how_many: int) -> ExportInput:
    """Return the campaign with its first `how_many` people marked as answering offline."""
    people = [p for p in data.participants if p.answered_how != "group"]
    offline = {p.respondent_key for p in people[:how_many]}
    participants = [
        dataclasses.replace(p, answered_offline=p.respondent_key in offline)
        for p in data.participants
    ]
    return dataclasses.replace(data, participants=participants)


def test_the_offline_line_is_shown_from_the_smallest_count_and_hidden_below_it():
    data, questions = make_campaign((12, 0, 0, 4, 0, 10, 0), [5], 2, 1)
    k = published(data)["campaign"]["min_cell_count"]
    for how_many, shown in ((k - 1, None), (k, k), (k + 1, k + 1)):
        marked = _offline(data, how_many)
        lines = {r["section"]: r["people"] for r in published(marked)["engagement"]}
        assert lines["Without internet"] == shown, how_many
        assert check(marked, questions) == []


def test_a_quote_from_a_small_group_session_does_not_say_it_came_from_one():
    # One advocates' group session of three: its way of answering is hidden, so the quote's
    # source and method must not name the session either.
    data, _questions = make_campaign((12, 0, 0, 4, 0, 10, 0), [3], 2, 1)
    said = QuoteRecord(
        "EV-QS1-0001",
        ("QS1",),
        "We like the garden.",
        0,
        19,
        respondent_group="",
        answered_how="group",
        consent_quote=True,
    )
    doc = published(dataclasses.replace(data, quotes=[said]))
    scores = {(r["split"], r["column"]): r for r in doc["scores"]}
    assert scores[("answered how", "In a group session (group tally)")]["people"] is None
    (row,) = doc["quotes"]
    assert row["answered_how"] == ""
    assert row["source"] == "Easy-read survey or advocate group session: written answer"
    assert row["method"] == method(data.campaign, "")  # every way of answering, none singled out
