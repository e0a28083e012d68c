"""Request every GET route of the app once, with real values, for checks over all pages."""

from __future__ import annotations

import re

from engage import store
from engage.store import get_db
from tests.engage.journey import Respondent

# The capture pages and what each may ask the browser for.
CAPTURE = {
    "photo": {"camera": "(self)", "microphone": "()"},
    "drawing": {"camera": "(self)", "microphone": "()"},
    "video": {"camera": "(self)", "microphone": "(self)"},
    "audio": {"camera": "()", "microphone": "(self)"},
}


def walk_every_route(app, client, make_campaign, staff_client) -> list[tuple]:
    """Return (rule, kind, path, response) for every GET route, as a respondent or a lead."""
    campaign = make_campaign(statement_ids=["QS1"])
    with app.app_context():
        question_id = store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]
    Respondent(client, campaign["code"]).start()
    lead = staff_client("lead")
    values = {
        "code": campaign["code"],
        "question_id": question_id,
        "statement_id": "QS1",
        "size": "96",
        "picture_id": "face-good",
        "fmt": "png",
        "filename": "engage.css",
        "resume_code": "ZZZZZZZZ",
        "token": "missing",
        "key": "0" * 32,
    }
    gathered = []
    # "Exit this page" forgets the person on this device, so it comes last.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule == "/leave"):
        if "GET" not in rule.methods:
            continue
        kinds = list(CAPTURE) if "<kind>" in rule.rule else [None]
        for kind in kinds:
            path = rule.rule
            for name in rule.arguments:
                value = kind if name == "kind" else values.get(name, "1")
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
            who = lead if rule.rule.startswith("/staff/") else client
            response = who.get(path)
            response.get_data()
            response.close()
            if kind:
                assert response.status_code == 200, path
            gathered.append((rule.rule, kind, path, response))
    return gathered
