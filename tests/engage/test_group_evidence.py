"""Every voice counted, and safeguarding holding, from the forms people use to every output.

Everything here goes in through the pages over HTTP (an advocate's group session and
tallies, people answering, "I am worried", a lead's safeguarding decision) and is read back
from what leaves: each export format parsed, the staff triangulation page, the public
"you said" page and `engage responses`.
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from engage import store
from engage.store import get_db
from tests.conftest import CheckedClient, csrf_token
from tests.engage.journey import Respondent
from tests.exports.test_writers import read_csv_zip, read_json, read_xlsx

pytestmark = pytest.mark.both_engines

FORMATS = ("xlsx", "csv", "json", "zip")
GROUP_HOW = "In a group session (group tally)"
GROUP_COLUMN = "Advocates and group sessions (group tally)"
PLACE = "Oak Lane day centre"


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(statement_ids=["QS1"], scale_points=5)


def _questions(app, campaign) -> list[str]:
    with app.app_context():
        return [
            q["question_id"] for q in store.campaigns.campaign_questions(get_db(), campaign["id"])
        ][:2]


def _run_group(
    client, app, campaign, size: int, tallies: list[dict], note: str = "", finish: bool = True
) -> int:
    """Hold a group session as an advocate does: start it, count, note, finish."""
    questions = _questions(app, campaign)
    start = f"/staff/groups/new?campaign={campaign['code']}"
    page = client.get(start).get_data(as_text=True)
    response = client.post(
        start,
        data={
            "place": PLACE,
            "group_size": str(size),
            "respondent_group": "person",
            "questions": questions,
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    group_id = int(response.headers["Location"].strip("/").split("/")[-1])
    for question_id, counts in zip(questions, tallies, strict=True):
        path = f"/staff/groups/{group_id}/q/{question_id}/tally"
        form = {f"count-{value}": str(n) for value, n in counts.items()}
        form["csrf_token"] = csrf_token(client.get(path).get_data(as_text=True))
        assert client.post(path, data=form).status_code == 302
    if note:
        _note(client, app, campaign, group_id, note)
    if finish:
        _finish(client, group_id)
    return group_id


def _finish(client, group_id: int) -> None:
    token = csrf_token(client.get(f"/staff/groups/{group_id}/").get_data(as_text=True))
    finished = client.post(f"/staff/groups/{group_id}/finish", data={"csrf_token": token})
    assert finished.status_code == 302


def _note(client, app, campaign, group_id: int, note: str) -> None:
    """Write down what someone in the group said, as the advocate does."""
    question_id = _questions(app, campaign)[0]
    path = f"/staff/groups/{group_id}/q/{question_id}"
    token = csrf_token(client.get(f"{path}/tally").get_data(as_text=True))
    response = client.post(
        f"{path}/notes", data={"speaker_role": "person", "note": note, "csrf_token": token}
    )
    assert response.status_code == 302


def _quote(lead, app, campaign, texts: list[str]) -> None:
    """Quote these written answers or notes whole, as a lead does from the review queue."""
    base = f"/staff/campaigns/{campaign['code']}/evidence"
    lead.get(f"{base}/")  # opening the queue suggests redactions
    with app.app_context():
        items = store.review.review_queue(get_db(), campaign["id"], limit=100)
    chosen = [item for item in items if item["text"] in texts]
    assert len(chosen) == len(texts)
    for item in chosen:
        page = lead.get(f"{base}/items/{item['id']}").get_data(as_text=True)
        response = lead.post(
            f"{base}/items/{item['id']}/quote",
            data={"words": item["text"], "statements": "QS1", "csrf_token": csrf_token(page)},
        )
        assert response.status_code == 302, item["text"]


def _person(app, campaign, values: list[str], free_text: str = "") -> Respondent:
    """Answer the first questions as one person on their own tablet."""
    app.test_client_class = CheckedClient
    person = Respondent(app.test_client(), campaign["code"])
    person.start()
    for n, (question_id, value) in enumerate(zip(_questions(app, campaign), values, strict=False)):
        person.answer(question_id, value, free_text if n == 0 else "")
    return person


def _export(lead, campaign, fmt: str, tmp_path) -> dict[str, list[list]]:
    """Download one export as a lead does, and read every table of it back."""
    base = f"/staff/campaigns/{campaign['code']}/evidence/exports"
    token = csrf_token(lead.get(base).get_data(as_text=True))
    response = lead.post(base, data={"format": fmt, "csrf_token": token})
    assert response.status_code == 200
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(response.get_data())
    if fmt == "zip":
        with zipfile.ZipFile(path) as archive:
            (tmp_path / "inner.xlsx").write_bytes(archive.read(f"{campaign['code']}-evidence.xlsx"))
            charts = [
                [name, archive.read(name).decode()]
                for name in archive.namelist()
                if name.startswith("charts/")
            ]
        tables = {k: v[1:] for k, v in read_xlsx(tmp_path / "inner.xlsx").items()}
        tables["charts"] = charts
        return tables
    if fmt == "xlsx":
        return {k: v[1:] for k, v in read_xlsx(path).items()}
    if fmt == "csv":
        return {k: v[1:] for k, v in read_csv_zip(path).items()}
    return read_json(path)


def _text(value) -> str:
    return "" if value is None else str(value)


def _scores(tables) -> dict[tuple[str, str], list[str]]:
    """Return (split, column) -> [people, answers, each answer's count..., share, its n, status]."""
    return {(r[3], r[4]): [_text(v) for v in [*r[5:16], r[19]]] for r in tables["Scores"]}


def _engagement(tables) -> dict[tuple[str, str], str]:
    return {(r[0], r[1]): _text(r[2]) for r in tables["Engagement record"]}


def _triangulation(tables) -> list[str]:
    return [_text(v) for v in tables["Triangulation"][0]]


def _publish(lead, campaign) -> None:
    base = f"/staff/campaigns/{campaign['code']}/evidence/we-will"
    token = csrf_token(lead.get(base).get_data(as_text=True))
    response = lead.post(
        base,
        data={
            "we_will_QS1": "We will ask you more often.",
            "published": "yes",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302


# --- a group tally counts everywhere ---


def test_a_group_tally_counts_in_every_export_and_page(
    staff_client, app, client, runner, campaign, tmp_path
):
    advocate = staff_client("advocate")
    lead = staff_client("lead")
    # Twelve people: mostly "very bad" for the first question; ten answered the second.
    group_id = _run_group(
        advocate,
        app,
        campaign,
        12,
        [{"very_not_good": 7, "good": 5}, {"very_not_good": 5, "good": 5}],
    )
    with app.app_context():
        db = get_db()
        # The tally stays one record per question: no people or answers are made up.
        assert db.execute("SELECT COUNT(*) FROM respondent_sessions").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
        held_on = db.execute(
            "SELECT substr(created_at, 1, 10) FROM group_sessions WHERE id = ?", [group_id]
        ).fetchone()[0]
    # people, answers, very good, good, OK, not good, very bad, not sure, did not say, share,
    # its n, status
    expected = ["12", "22", "0", "10", "0", "0", "12", "0", "0", "0.45", "22", "shown"]
    for fmt in FORMATS:
        tables = _export(lead, campaign, fmt, tmp_path)
        scores = _scores(tables)
        assert scores[("answered how", GROUP_HOW)] == expected, fmt
        assert scores[("respondent group", GROUP_COLUMN)] == expected, fmt
        assert scores[("respondent group", "All")] == expected, fmt
        assert scores[("respondent group", "People who draw on care")][0] == "0", fmt
        line = _triangulation(tables)
        assert line[:2] == ["QS1", "Assessing needs"], fmt
        # Share positive and its n: people who draw on care (none), advocates, group session.
        assert line[2:4] == ["", "0"], fmt
        assert (line[6:8], line[18:20]) == (["0.45", "22"], ["0.45", "22"]), fmt
        engagement = _engagement(tables)
        assert engagement[("Everyone", "People who took part")] == "12", fmt
        assert engagement[("Respondent group", "Person who draws on care")] == "12", fmt
        assert engagement[("How they answered", "In a group session")] == "12", fmt
        assert engagement[("Language", "Not recorded")] == "12", fmt
        assert engagement[("Group sessions", "Advocates' group sessions held")] == "1", fmt
        people_in_groups = ("Group sessions", "People in advocates' group sessions (group tally)")
        assert engagement[people_in_groups] == "12", fmt
        assert engagement[("Group session", f"{held_on}, {PLACE}")] == "12", fmt
        read_me = {r[0]: r[1] for r in tables["Read me"]}
        assert "No individual answers are made up" in read_me["Group tally"], fmt
    charts = dict(tables["charts"])
    assert GROUP_HOW in charts["charts/triangulation-answered-how.svg"]
    assert GROUP_COLUMN in charts["charts/triangulation-groups.html"]
    assert "45%" in charts["charts/triangulation-answered-how.html"]

    page = lead.get(f"/staff/campaigns/{campaign['code']}/evidence/triangulation")
    html = page.get_data(as_text=True)
    assert GROUP_HOW in html and GROUP_COLUMN in html
    # The group columns of both tables, and of both charts in their text and descriptions.
    assert html.count("from 12 people") == 6
    assert "45% of answers positive" in html
    assert "counted from the advocate's tally" in html

    assert client.get(f"/s/{campaign['code']}/you-said").status_code == 404
    _publish(lead, campaign)
    said = client.get(f"/s/{campaign['code']}/you-said").get_data(as_text=True)
    assert "Some people said this is good." in said
    assert "Not enough people answered" not in said

    result = runner.invoke(args=["responses", campaign["code"], "--json"])
    rows = json.loads(result.stdout)
    assert sorted((r["group_session"], r["value"], r["people"]) for r in rows) == [
        (group_id, "good", 5),
        (group_id, "good", 5),
        (group_id, "very_not_good", 5),
        (group_id, "very_not_good", 7),
    ]
    assert all(r["answered_how"] == "group" and r["session"] is None for r in rows)


def test_one_person_in_a_tally_counts_and_stays_hidden(staff_client, app, campaign, tmp_path):
    # One person in a group of twelve chose "OK": their answer is in every total, and the
    # count of one is never shown.
    _run_group(
        staff_client("advocate"),
        app,
        campaign,
        12,
        [{"very_not_good": 6, "good": 5, "ok": 1}, {"good": 12}],
    )
    lead = staff_client("lead")
    # people, answers, very good, good, OK, not good, very bad, not sure, did not say, share,
    # its n, status
    expected = ["12", "24", "", "17", "", "", "", "", "", "", "", "partly_hidden"]
    for fmt in FORMATS:
        scores = _scores(_export(lead, campaign, fmt, tmp_path))
        assert scores[("answered how", GROUP_HOW)] == expected, fmt
        assert scores[("respondent group", "All")] == expected, fmt


def test_a_small_group_is_hidden_not_given_away(staff_client, app, campaign, tmp_path):
    advocate = staff_client("advocate")
    lead = staff_client("lead")
    for _ in range(12):
        _person(app, campaign, ["good", "good"])
    # Four people: under both thresholds.
    _run_group(advocate, app, campaign, 4, [{"good": 3, "ok": 1}, {"good": 2, "very_not_good": 2}])
    for fmt in FORMATS:
        tables = _export(lead, campaign, fmt, tmp_path)
        scores = _scores(tables)
        assert scores[("answered how", GROUP_HOW)] == [""] * 11 + ["hidden"], fmt
        assert scores[("respondent group", GROUP_COLUMN)] == [""] * 11 + ["hidden"], fmt
        # The people answering alone are hidden too, or all minus them gives the group away.
        assert scores[("answered how", "On their own")][0] == "", fmt
        line = _triangulation(tables)
        assert (line[6:8], line[18:20]) == (["", ""], ["", ""]), fmt
        engagement = _engagement(tables)
        assert engagement[("Everyone", "People who took part")] == "16", fmt
        assert engagement[("How they answered", "In a group session")] == "", fmt
        assert engagement[("How they answered", "On their own")] == "", fmt
        people_in_groups = ("Group sessions", "People in advocates' group sessions (group tally)")
        assert engagement[people_in_groups] == "", fmt
        [session_row] = [
            v for (section, _item), v in engagement.items() if section == "Group session"
        ]
        assert session_row == "", fmt
    html = lead.get(f"/staff/campaigns/{campaign['code']}/evidence/triangulation").get_data(
        as_text=True
    )
    assert re.search(r"<td>\s*Hidden\s*</td>", html)
    assert "4 people" not in html


# --- safeguarding holds through every path ---


def _flag_ids(app) -> list[int]:
    with app.app_context():
        return [row[0] for row in get_db().execute("SELECT id FROM safeguarding_flags")]


def _decide(lead, flag_id: int, decision: str) -> None:
    page = lead.get(f"/staff/safeguarding/{flag_id}").get_data(as_text=True)
    response = lead.post(
        f"/staff/safeguarding/{flag_id}/decision",
        data={"decision": decision, "note": "Spoke with them.", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("decision", ["undecided", "no_concern", "referred"])
def test_what_safeguarding_holds_stays_out_of_everything(
    decision, staff_client, app, client, runner, campaign, tmp_path
):
    advocate = staff_client("advocate")
    lead = staff_client("lead")
    for _ in range(10):
        _person(app, campaign, ["good", "good"])
    # Concern words in a person's own answer flag them at once.
    _person(app, campaign, ["good"], "My carer hits me at night.")
    # Words that are quoted first; the person presses "I am worried" afterwards.
    worried = _person(app, campaign, ["good"], "The food is always cold.")
    # A group session whose first note is quoted; a later note raises a concern, and the
    # whole group's tally is held with it.
    group_id = _run_group(
        advocate,
        app,
        campaign,
        12,
        [{"very_not_good": 12}, {"very_not_good": 12}],
        note="The bus is always late.",
        finish=False,
    )
    _quote(lead, app, campaign, ["The food is always cold.", "The bus is always late."])
    base = f"/s/{campaign['code']}"
    token = csrf_token(worried.client.get(f"{base}/worried").get_data(as_text=True))
    worried.client.post(f"{base}/worried", data={"worry": "", "csrf_token": token})
    _note(advocate, app, campaign, group_id, "Staff shouts at me.")
    _finish(advocate, group_id)
    flags = _flag_ids(app)
    assert len(flags) == 3
    if decision != "undecided":
        for flag_id in flags:
            _decide(lead, flag_id, decision)
    with app.app_context():
        held = store.safeguarding.held_for_safeguarding(get_db(), campaign["id"])
    shown = decision == "no_concern"
    assert (group_id in held.group_sessions, len(held.sessions)) == (
        (False, 0) if shown else (True, 2)
    )

    for fmt in FORMATS:
        tables = _export(lead, campaign, fmt, tmp_path)
        scores = _scores(tables)
        engagement = _engagement(tables)
        person = scores[("respondent group", "People who draw on care")]
        group = scores[("answered how", GROUP_HOW)]
        sessions = engagement[("Group sessions", "Advocates' group sessions held")]
        quoted = sorted(_text(row[8]) for row in tables["Quotes"])
        assert quoted == (["The bus is always late.", "The food is always cold."] if shown else [])
        if shown:
            assert person[0] == "12", fmt
            assert (group[0], group[6]) == ("12", "24"), fmt
            assert engagement[("Everyone", "People who took part")] == "24", fmt
            assert sessions == "1", fmt
        else:
            assert person[0] == "10", fmt
            assert (group[0], group[6]) == ("0", "0"), fmt
            assert scores[("respondent group", "All")][:2] == ["10", "20"], fmt
            assert engagement[("Everyone", "People who took part")] == "10", fmt
            assert sessions == "0", fmt
            assert ("How they answered", "In a group session") not in engagement, fmt

    _publish(lead, campaign)
    said = client.get(f"/s/{campaign['code']}/you-said").get_data(as_text=True)
    for words in ("The bus is always late.", "The food is always cold."):
        assert (words in said) is shown
    if shown:
        # 22 good answers against 24 "very bad": the group is in.
        assert "Some people said this is good." in said
    else:
        assert "Most people said this is good." in said

    result = runner.invoke(args=["responses", campaign["code"], "--json"])
    rows = json.loads(result.stdout)
    assert ("hits me" in result.stdout) is shown
    assert any(r["group_session"] == group_id for r in rows) is shown
    assert len({r["session"] for r in rows if r["session"]}) == (12 if shown else 10)
    assert ("held for safeguarding are left out" in result.stderr) is not shown


# --- snapshots hold group sessions as they hold people ---


def test_a_snapshot_holds_group_sessions_and_a_hold_on_one_applies_at_once(
    staff_client, app, campaign, tmp_path
):
    advocate = staff_client("advocate")
    lead = staff_client("lead")
    for _ in range(12):
        _person(app, campaign, ["good", "good"])
    first = _run_group(advocate, app, campaign, 12, [{"good": 6, "ok": 6}, {"good": 12}])
    before = _engagement(_export(lead, campaign, "json", tmp_path))
    assert before[("Everyone", "People who took part")] == "24"
    assert before[("Group sessions", "Advocates' group sessions held")] == "1"
    # A second session the same day waits for the next snapshot, in every line it touches.
    _run_group(advocate, app, campaign, 10, [{"good": 10}, {"good": 10}])
    for fmt in FORMATS:
        tables = _export(lead, campaign, fmt, tmp_path)
        assert _engagement(tables) == before, fmt
        assert _scores(tables)[("answered how", GROUP_HOW)][:3] == ["12", "24", "0"], fmt
    page = lead.get(f"/staff/campaigns/{campaign['code']}/evidence/triangulation")
    assert "22 people" not in page.get_data(as_text=True)
    with app.app_context():
        (frozen,) = get_db().execute("SELECT people FROM published_snapshots").fetchall()
        assert frozen[0] == 13  # twelve people and one group session
        store.safeguarding.raise_flag(
            get_db(), campaign_id=campaign["id"], reason="worried", group_session_id=first
        )
    # A hold on the frozen session leaves its tally and its lines out at once.
    held = _export(lead, campaign, "json", tmp_path)
    engagement = _engagement(held)
    assert engagement[("Everyone", "People who took part")] == "12"
    assert engagement[("Group sessions", "Advocates' group sessions held")] == "0"
    assert not [item for section, item in engagement if section == "Group session"]
    assert _scores(held)[("answered how", GROUP_HOW)][:2] == ["0", "0"]
