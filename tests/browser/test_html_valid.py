"""Every page's HTML passes the Nu HTML checker."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.browser.conftest import ROOT
from tests.engage.journey import Respondent

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.browser


def _collect_pages(client, make_campaign) -> dict[str, str]:
    """Walk every page a respondent can see, including errors, and keep its HTML."""
    pages: dict[str, str] = {}

    def keep(path: str, response) -> None:
        pages[path] = response.get_data(as_text=True)

    campaign = make_campaign(statement_ids=["QS1", "QS9"], scale_points=5)
    code = campaign["code"]
    person = Respondent(client, code)
    for path in (
        "/",
        "/attributions",
        f"/s/{code}/",
        f"/s/{code}/consent",
        f"/s/{code}/resume",
        f"/s/{code}/no-thanks",
        f"/s/{code}/stop",
        "/s/missing/",
    ):
        keep(path, client.get(path))
    keep("consent-error", person.consent("yes", None, None))
    keep("resume-error", person.post("/resume", {"resume_code": "AAAA-AAAA"}))
    keep("csrf-error", person.post("/consent", {"take_part": "yes"}, token=False))
    person.consent()
    keep("consent-words", client.get(f"/s/{code}/consent/words"))
    keep("consent-pictures", client.get(f"/s/{code}/consent/pictures"))
    keep("who", client.get(f"/s/{code}/who"))
    keep("who-error", person.who("person", ""))
    keep("who-how", client.get(f"/s/{code}/who/how"))
    person.who()
    first = client.get(f"/s/{code}/who", follow_redirects=False)
    assert first.status_code == 200
    question_ids = [
        line.split("/q/")[1].split('"')[0]
        for line in client.get(f"/s/{code}/check").get_data(as_text=True).splitlines()
        if "/q/" in line
    ]
    keep("question", client.get(f"/s/{code}/q/{question_ids[0]}"))
    keep("question-error", person.answer(question_ids[0], None, "kept"))
    keep("question-tampered", person.answer(question_ids[0], "bogus"))
    person.answer(question_ids[0], "good", "lovely")
    keep("stop", client.get(f"/s/{code}/stop"))
    keep("check", client.get(f"/s/{code}/check"))
    person.post("/check", {})
    keep("thanks", client.get(f"/s/{code}/thanks"))
    return pages


def test_every_page_passes_the_nu_html_checker(client, make_campaign, tmp_path):
    pages = _collect_pages(client, make_campaign)
    files = []
    for index, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        files.append((name, path))
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *[str(path) for _, path in files],
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(result.stdout or "{}").get("messages", [])
    names = {str(path.resolve()): name for name, path in files}
    errors = [
        f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}"
        for m in messages
    ]
    assert len(pages) >= 15
    assert errors == []


def test_every_routes_page_passes_the_nu_html_checker(
    app, client, make_campaign, staff_client, tmp_path
):
    from tests.engage.routes_walk import walk_every_route

    pages = {
        path: response.get_data(as_text=True)
        for _rule, _kind, path, response in walk_every_route(
            app, client, make_campaign, staff_client
        )
        if response.mimetype == "text/html"
    }
    files = []
    for index, (path, html) in enumerate(pages.items()):
        target = tmp_path / f"page-{index:03d}.html"
        target.write_text(html, encoding="utf-8")
        files.append((path, target))
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *[str(target) for _, target in files],
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    messages = json.loads(result.stdout or "{}").get("messages", [])
    names = {str(target.resolve()): path for path, target in files}
    errors = [
        f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}"
        for m in messages
    ]
    assert len(pages) > 40
    assert errors == []
