"""The audit's own solver agrees with an independent one on every range it works out.

The attacker's proof in test_suppression.py checks what is finally hidden, but a hidden share
is often shown wide enough by points the audit met on the way, so a wrong answer from the
solver's ratio programme (a share's lowest and highest value) could pass unseen there. Here
each protected figure's lowest and highest value, counts and shares alike, is asked of
exports.suppression's solver and of scipy's linprog on the same published figures, and the
two must agree; the point the solver gives back must meet everything published.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from exports import suppression
from tests.exports.test_suppression import make_campaign, published

# Shares are published to whole percent.
HALF_POINT = 0.005


def audited(monkeypatch, shape):
    """Return the audit's model, what it hid in the end, and its protected figures."""
    seen = {}
    real_audit = suppression._audit

    def keep(model, hidden, targets):
        seen.update(model=model, hidden=hidden, targets=targets)
        real_audit(model, hidden, targets)

    monkeypatch.setattr(suppression, "_audit", keep)
    data, _questions = make_campaign(*shape)
    published(data)
    return seen["model"], seen["hidden"], seen["targets"]


def rows_published(model, hidden):
    """Return (A_ub, b_ub, A_eq, b_eq) of what anyone knows and every figure still shown."""
    ub, eq = list(model.rows_ub), []
    for figure in model.figures:
        if figure.key in hidden:
            continue
        if figure.eq is not None:
            eq.append((figure.eq, figure.raw))
            continue
        positive, base = figure.share
        low = max(0.0, figure.raw - HALF_POINT)
        high = min(1.0, figure.raw + HALF_POINT)
        ub.append(({i: low * c for i, c in base.items()} | _minus(positive, base, low), 0.0))
        ub.append(({i: -high * c for i, c in base.items()} | _plus(positive, base, high), 0.0))
        ub.append(({i: -c for i, c in base.items()}, -1.0))

    def dense(rows):
        a = np.zeros((len(rows), model.size))
        for r, (form, _bound) in enumerate(rows):
            for i, c in form.items():
                a[r, i] += c
        return a, np.array([bound for _form, bound in rows], dtype=float)

    return (*dense(ub), *dense(eq))


def _minus(positive, base, low):
    # low * base - positive, where positive's answers are also in base.
    return {i: low * base.get(i, 0.0) - c for i, c in positive.items()}


def _plus(positive, base, high):
    return {i: c - high * base.get(i, 0.0) for i, c in positive.items()}


def count_range(lp, form, size):
    a_ub, b_ub, a_eq, b_eq = lp
    out = []
    for sign in (1.0, -1.0):
        cost = np.zeros(size)
        for i, c in form.items():
            cost[i] = sign * c
        r = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
        assert r.status in (0, 3), r.message
        out.append(sign * r.fun if r.status == 0 else sign * -np.inf)
    return out


def share_range(lp, positive, base, size):
    """Return the lowest and highest positive / base: x = y / t with base . y = 1."""
    a_ub, b_ub, a_eq, b_eq = lp
    a_ub = np.hstack([a_ub, -b_ub[:, None]])
    scale = np.zeros((1, size + 1))
    for i, c in base.items():
        scale[0, i] = c
    a_eq = np.vstack([np.hstack([a_eq, -b_eq[:, None]]), scale])
    b_eq = np.append(np.zeros(len(b_eq)), 1.0)
    # A base that is not empty holds at least one answer, so t = 1 / base is at most 1.
    bounds = [(0, None)] * size + [(0, 1)]
    out = []
    for sign in (1.0, -1.0):
        cost = np.zeros(size + 1)
        for i, c in positive.items():
            cost[i] = sign * c
        r = linprog(cost, A_ub=a_ub, b_ub=np.zeros(len(b_ub)), A_eq=a_eq, b_eq=b_eq, bounds=bounds)
        assert r.status == 0, r.message
        out.append(sign * r.fun)
    return out


def meets(lp, point):
    a_ub, b_ub, a_eq, b_eq = lp
    return (
        np.all(point >= -1e-6)
        and np.all(a_ub @ point <= b_ub + 1e-6)
        and np.allclose(a_eq @ point, b_eq, atol=1e-6)
    )


SHAPES = [
    # (people of each kind, group sessions, seed, statements, lean)
    ((4, 5, 9, 10, 0, 0, 0), [], 1, 1, None),
    ((12, 0, 0, 4, 0, 10, 0), [], 2, 1, "up"),
    ((20, 0, 0, 1, 0, 0, 0), [], 3, 1, "up"),
    ((9, 0, 0, 0, 0, 10, 5), [4], 4, 2, None),
    ((12, 2, 0, 3, 0, 10, 0), [5], 12, 1, None),
    ((14, 1, 2, 0, 3, 9, 1), [3], 7, 1, "down"),
]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_range_the_audit_works_out_is_the_true_one(monkeypatch, shape):
    model, hidden, targets = audited(monkeypatch, shape)
    lp = rows_published(model, hidden)
    solver = suppression._Solver(model, set(hidden))
    shares = [t for t in targets if t.base is not None]
    assert shares, "the campaign has a small cell whose share is protected"
    for target in targets:
        if target.base is None:
            expected = count_range(lp, target.form, model.size)
        else:
            expected = share_range(lp, target.form, target.base, model.size)
        for sign, want in zip((1.0, -1.0), expected, strict=True):
            value, point, binding = solver.extreme(target, sign)
            assert value == pytest.approx(want, abs=1e-6), (target.name, sign)
            if not np.isfinite(want):
                continue
            # The point is a way the hidden figures could be that fits everything shown.
            assert meets(lp, point), (target.name, sign)
            reached = suppression._value(target.form, point)
            if target.base is not None:
                reached /= suppression._value(target.base, point)
            assert reached == pytest.approx(want, abs=1e-6), (target.name, sign)
            assert all(f.key not in hidden for f in binding)
