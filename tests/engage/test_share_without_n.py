"""A share is published only with its n, from the answer forms to every export and page.

Where secondary suppression hides the counts that would give a share's base n, the share
alone would still tie those hidden counts together, and a reader could not check it. So it
is hidden wherever it would show: every export format, the Triangulation sheet, the charts,
the staff triangulation page and "you said". People answer through the respondent pages.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import CheckedClient
from tests.engage.journey import Respondent
from tests.engage.test_group_evidence import FORMATS, _export, _publish, _questions, _text

OWN = ("answered how", "On their own")
ALL = ("respondent group", "All")
# A share as the charts and pages write it: "62%" as a bar's figure, or in words.
SHARE = re.compile(r">\d+%<|\d+% of answers positive")


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(statement_ids=["QS1"], scale_points=5, code="alone")


def _answer(app, campaign, group: str, values: list[str]) -> None:
    """Have one person of `group` answer the first question for each value, on their own."""
    question_id = _questions(app, campaign)[0]
    app.test_client_class = CheckedClient
    for value in values:
        person = Respondent(app.test_client(), campaign["code"])
        person.start(group, "own")
        assert person.answer(question_id, value).status_code == 302


def _scores(tables) -> dict[tuple[str, str], list[str]]:
    """Return (split, column) -> [people, answers, share, its n, status]."""
    return {(r[3], r[4]): [_text(v) for v in (r[5], r[6], r[14], r[15], r[19])] for r in tables}


def test_a_share_whose_n_is_hidden_is_hidden_in_every_export_and_page(
    staff_client, app, client, campaign, tmp_path
):
    # 16 people on their own: 12 people who draw on care (8 good, 2 OK, 2 not good) and 4
    # family members (2 good, 2 not good). Secondary suppression hides 'OK', 'not good' and
    # 'I don't want to say' for "On their own", so the n of its share (10 of 16) is hidden.
    _answer(app, campaign, "person", ["good"] * 8 + ["ok"] * 2 + ["not_good"] * 2)
    _answer(app, campaign, "family", ["good"] * 2 + ["not_good"] * 2)
    lead = staff_client("lead")
    for fmt in FORMATS:
        tables = _export(lead, campaign, fmt, tmp_path)
        scores = _scores(tables["Scores"])
        assert scores[OWN] == ["16", "16", "", "", "partly_hidden"], fmt
        # All shows 'not sure' and 'I don't want to say' (none), so its n is known: shown.
        assert scores[ALL] == ["16", "16", "0.62", "16", "partly_hidden"], fmt
        for split_column, (_p, _a, share, n, _s) in scores.items():
            assert bool(share) == bool(n) or (not share and n == "0"), (fmt, split_column)
        # Share and n for each group (five), then each way of answering, "On their own" first.
        [line] = tables["Triangulation"]
        assert [_text(v) for v in line[2:14]] == ["", "", "", "", "", "0", "", "0", "", "0"] + [
            "",
            "",
        ], fmt
    charts = dict(tables["charts"])
    for name in ("triangulation-answered-how.svg", "triangulation-answered-how.html"):
        assert not SHARE.search(charts[f"charts/{name}"]), name
        assert "share hidden" in charts[f"charts/{name}"], name

    html = lead.get(f"/staff/campaigns/{campaign['code']}/evidence/triangulation").get_data(
        as_text=True
    )
    assert not SHARE.search(html)
    assert "Share hidden" in html and "share hidden" in html

    _publish(lead, campaign)
    said = client.get(f"/s/{campaign['code']}/you-said").get_data(as_text=True)
    assert "Most people said this is good." in said


def test_you_said_gives_no_share_whose_n_is_hidden(staff_client, app, client, campaign, tmp_path):
    # 17 people: 10 who draw on care, 5 family members and 2 staff. Every count of All is
    # hidden but its people and answers, so its share (6 of 15, 40%) would stand alone.
    _answer(app, campaign, "person", ["good"] * 4 + ["ok"] * 3 + ["not_good"] * 2 + ["not_sure"])
    _answer(app, campaign, "family", ["good", "ok", "ok", "not_good", "not_sure"])
    _answer(app, campaign, "staff", ["good", "ok"])
    lead = staff_client("lead")
    for fmt in FORMATS:
        scores = _scores(_export(lead, campaign, fmt, tmp_path)["Scores"])
        assert scores[ALL] == ["17", "17", "", "", "partly_hidden"], fmt
        assert all(not share for _p, _a, share, _n, _s in scores.values()), fmt
    html = lead.get(f"/staff/campaigns/{campaign['code']}/evidence/triangulation").get_data(
        as_text=True
    )
    assert not SHARE.search(html)
    _publish(lead, campaign)
    said = client.get(f"/s/{campaign['code']}/you-said").get_data(as_text=True)
    assert "Not enough people answered about this." in said
    assert "Some people said this is good." not in said
