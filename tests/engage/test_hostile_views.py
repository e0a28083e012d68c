"""Hostile text typed into every field stays inert in every staff page, "you said" and every export.

One campaign is seeded through the real forms (and the store's writes only where no form exists) so
that everything a person, an advocate or a lead can type carries script, attribute and link
payloads and spreadsheet formulas. Every GET route under /staff/ is then walked with real ids,
and every export format is downloaded and taken apart.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import wave
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from engage import store
from engage.store import get_db
from exports.writers import SCHEMA_PATH
from media import narration
from tests.conftest import STAFF_PASSWORD, CheckedClient, csrf_token, sign_in, table_names
from tests.engage.journey import Respondent
from tests.engage.test_media_answers import MediaRespondent
from tests.media import samples

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ATTR = "' onmouseover='alert(1)"
JS_LINK = "javascript:alert(1)"
SVG = "<svg onload=alert(1)>"
HYPERLINK = '=HYPERLINK("http://evil.example","x")'
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
# What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# A right-to-left override makes the words after it display backwards.
RLO = "\u202e"


def hostile(mark: str, opening: str = "", reversing: bool = False) -> str:
    """Return text carrying every markup payload, with a mark that says which field it is.

    `reversing` adds a right-to-left override, for fields the seeding never looks up by text.
    """
    parts = (opening, SCRIPT, mark, RLO if reversing else "", IMG, ATTR, JS_LINK)
    return " ".join(part for part in parts if part)


# Each field's text; the X-words are marks, so a page can be shown to render that field.
TITLE = hostile("Xtitle", "-2+3", reversing=True)
HELP_CONTACT = hostile("Xhelp", "+1+1", reversing=True)
STAFF_NAME = f"{IMG} {ATTR} Xstaffname"
SUPPORTER_NAME = hostile("Xsupporter", "@SUM(1)", reversing=True)
ADVOCATE_NAME = hostile("Xadvocate", "=1+1")
EVIL_EMAIL = f"{SCRIPT}@evil.example"
TERM = f"{SCRIPT} Xterm"
PLAINER = hostile("Xplainer")
PHRASE = f"{SVG} Xphrase"
PICTURE_ALT = hostile("Xpicalt", reversing=True)
Q_TEXT = f"How is {TERM} {IMG} {ATTR} {JS_LINK} Xqtext?"
Q_HINT = hostile("Xqhint", "=1+2")
Q_MORE = hostile("Xqmore")
Q_ALT = hostile("Xqalt")
NEW_Q_TEXT = hostile("Xnewq", "How is") + "?"
REDACT_NAME = "<b onmouseover=alert(1)>Xrname</b>"
ANSWER_ONE = hostile("Xanswerone", HYPERLINK)
ANSWER_TWO = hostile(f"Xanswertwo {REDACT_NAME} and", "-2+3")
ANSWER_FLAGGED = hostile(f"Xanswerflagged {PHRASE}", "+1+1")
ANSWER_HELD = hostile(f"Xheld {PHRASE}")
ANSWER_ASSISTED = hostile("Xassisted", "@SUM(1)")
PERSON_DESCRIPTION = hostile("Xpersondesc")
PLACE = hostile("Xplace", reversing=True)
NOTE = hostile("Xnote", "-2+3")
FLIP_CHART = hostile("Xflipchart")
DECISION_NOTE = hostile("Xdecision", reversing=True)
TRANSLATION = hostile("Xtranslation", "+1+1", reversing=True)
TRANSLATION_TWO = hostile("Xtranslationtwo", HYPERLINK)
MEDIA_DESCRIPTION = hostile("Xleaddesc", "@SUM(1)", reversing=True)
WE_WILL = hostile("Xwewill", "-2+3", reversing=True)
SEARCH = f"{SCRIPT} Xanswerone"

# Markup that must never reach a page as markup: only its escaped form may appear.
RAW_MARKUP = (SCRIPT, "<img src=x onerror", "<svg onload", "<b onmouseover", ATTR)
# Attributes that take a URL a browser would follow or load.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "srcset", "xlink:href"}

# GET routes under /staff/ that send no HTML; they are still requested, for their content type.
NOT_HTML = {
    "/staff/session",  # JSON for the idle-timeout script
    "/staff/campaigns/<code>/invitation.png",  # the printable invitation as a picture
    "/staff/campaigns/<code>/invitation.pdf",  # and as a PDF
    "/staff/campaigns/<code>/evidence/items/<int:item_id>/media/<variant>",  # media files
}

# Which fields each page must show (escaped), so the walk proves the payloads were rendered.
SHOWN = {
    "/staff/": ["Xtitle", "Xstaffname", "Xsupporter", "Xadvocate"],
    "/staff/audit": ["Xterm", "Xphrase", "evil.example", "Xqtext", "Xstaffname"],
    "/staff/users": ["Xstaffname", "Xsupporter", "evil.example"],
    "/staff/invitation/<token>": ["evil.example"],
    "/staff/campaigns/<code>/": ["Xtitle", "Xhelp"],
    "/staff/campaigns/<code>/settings": ["Xtitle", "Xhelp"],
    "/staff/campaigns/<code>/questions": ["Xqtext", "Xnewq"],
    "/staff/campaigns/<code>/questions/<question_id>": ["Xqtext", "Xqhint", "Xqmore", "Xqalt"],
    "/staff/campaigns/<code>/questions/<question_id>/preview": ["Xqtext", "Xqhint", "Xqalt"],
    "/staff/campaigns/<code>/statements/<statement_id>/new-question": ["Xpicalt", "Xtitle"],
    "/staff/campaigns/<code>/invitation": ["Xtitle", "Xhelp"],
    "/staff/campaigns/<code>/voices": ["Xtitle", "Xqtext", "Xqhint", "Xqmore", "Xnewq"],
    "/staff/campaigns/<code>/pictures": ["Xpicalt"],
    "/staff/campaigns/<code>/redact-list": ["Xrname"],
    "/staff/words": ["Xterm", "Xplainer"],
    "/staff/assist/": ["Xtitle", "Xsupporter"],
    "/staff/pin": ["Xstaffname", "Xsupporter"],
    "/staff/assist/<int:session_id>": ["Xtitle"],
    "/staff/groups/": ["Xplace", "Xadvocate"],
    "/staff/groups/new": ["Xtitle", "Xadvocate"],
    "/staff/groups/<int:group_id>/": ["Xplace", "Xnote", "Xqtext"],
    "/staff/groups/<int:group_id>/q/<question_id>": ["Xqtext"],
    "/staff/groups/<int:group_id>/q/<question_id>/tally": ["Xnote"],
    "/staff/groups/<int:group_id>/notes/<int:note_id>": ["Xnote", "Xflipchart"],
    "/staff/safeguarding/": ["Xtitle", "Xstaffname"],
    "/staff/safeguarding/<int:flag_id>": ["Xanswerflagged", "Xheld", "Xphrase", "Xdecision"],
    "/staff/safeguarding/phrases": ["Xphrase"],
    "/staff/safeguarding/leads": ["Xtitle", "Xstaffname"],
    "/staff/campaigns/<code>/evidence/": ["Xanswerone", "Xnote", "Xpersondesc", "Xflipchart"],
    "/staff/campaigns/<code>/evidence/search": ["Xanswerone"],
    "/staff/campaigns/<code>/evidence/triangulation": ["Xtitle"],
    "/staff/campaigns/<code>/evidence/exports": ["Xtitle"],
    "/staff/campaigns/<code>/evidence/we-will": ["Xwewill"],
    "/staff/campaigns/<code>/evidence/items/<int:item_id>": [
        "Xanswerone",
        "Xanswertwo",
        "Xrname",
        "Xtranslation",
        "Xleaddesc",
        "Xflipchart",
        "Xassisted",
    ],
    # Up to three quotes a statement, and we will.
    "/s/<code>/you-said": ["Xtitle", "Xwewill", "Xanswerone", "Xanswertwo"],
    # A lead's wording reaches the people answering too.
    "/s/<code>/": ["Xtitle"],
    "/s/<code>/media/item/<int:item_id>": ["Xpersondesc"],
    "/s/<code>/q/<question_id>": ["Xqtext", "Xqhint", "Xqmore", "Xqalt", "Xnewq"],
}


# --- what every page and file is checked for ---


def assert_inert(html: str, where: str, nonce: str | None = None) -> None:
    """Fail if a page holds live markup from the payloads, or any script an attacker could add.

    With `nonce` (from the response's Content-Security-Policy) every script must carry it.
    """
    for raw in RAW_MARKUP:
        assert raw not in html, f"{where}: raw {raw!r} in the page"
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), f"{where}: <{element.name} {name}=…>"
            if name.lower() in URL_ATTRIBUTES:
                text = value if isinstance(value, str) else " ".join(value)
                # Browsers ignore leading spaces and control characters in a URL.
                assert not re.match(r"[\s\x00-\x1f]*javascript:", text, re.IGNORECASE), (
                    f"{where}: {name}={text!r}"
                )
    for script in soup.find_all("script"):
        assert script.get("nonce"), f"{where}: a script without a nonce"
        if nonce is not None:
            assert script["nonce"] == nonce, f"{where}: a script with another nonce"
        assert "alert(" not in script.get_text(), f"{where}: payload inside a script"
        assert script.get("src", "").startswith("/static/"), f"{where}: {script}"


def _csp_nonce(response) -> str:
    match = re.search(r"'nonce-([^']+)'", response.headers.get("Content-Security-Policy", ""))
    assert match, "no nonce in the Content-Security-Policy"
    return match.group(1)


@dataclass
class Sweep:
    """Check every response, and remember which route each checked page came from."""

    app: object
    pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def rule_of(self, path: str, method: str = "GET") -> str:
        """Return the rule that serves a path."""
        adapter = self.app.url_map.bind("localhost")
        rule, _args = adapter.match(path.split("?")[0], method=method, return_rule=True)
        return rule.rule

    def check(self, response, path: str, method: str = "GET") -> str:
        """Check one response: HTML must be inert, anything else must not claim to be HTML."""
        rule = self.rule_of(path, method)
        data = response.get_data()
        response.close()
        if rule in NOT_HTML:
            assert response.mimetype != "text/html", path
            assert response.headers.get("X-Content-Type-Options") == "nosniff", path
            assert b"alert(" not in data, path
            self.pages.setdefault(rule, []).append((path, ""))
            return ""
        assert response.mimetype == "text/html", (path, response.mimetype)
        html = data.decode("utf-8")
        assert_inert(html, f"{method} {path}", _csp_nonce(response))
        if method == "GET":
            self.pages.setdefault(rule, []).append((path, html))
        return html

    def get(self, client, path: str, status: int = 200) -> str:
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
        return self.check(response, path)

    def post(self, client, path: str, data: dict, status: int, **kwargs) -> str:
        """Post a form (adding the CSRF token) and check the page it sends back, if any."""
        response = client.post(path, data={"csrf_token": client.token, **data}, **kwargs)
        assert response.status_code == status, (path, response.status_code)
        if 300 <= status < 400:
            response.close()
            return response.headers["Location"]
        return self.check(response, path, "POST")


# --- seeding one campaign through the real forms ---


def _jpeg(colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def _wav() -> bytes:
    """Return half a second of a quiet square wave, a sound file the voice upload accepts."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(
            b"".join(struct.pack("<h", 4000 if i % 40 < 20 else -4000) for i in range(8000))
        )
    return buffer.getvalue()


def _signed_in(app, user: dict) -> CheckedClient:
    app.test_client_class = CheckedClient
    client = app.test_client()
    assert sign_in(client, user).status_code == 302
    client.token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
    return client


@dataclass
class World:
    """The seeded campaign, the lead's client and the ids the staff pages are about."""

    code: str
    campaign_id: int
    lead: CheckedClient
    sweep: Sweep
    tmp_path: Path
    supporter: CheckedClient | None = None
    advocate: CheckedClient | None = None
    invitation_token: str = ""
    group_id: int = 0
    assisted_session: int = 0
    items: dict[str, int] = field(default_factory=dict)
    media_items: list[int] = field(default_factory=list)


def _campaign(app, lead, sweep) -> tuple[str, int]:
    form = {
        "title": TITLE,
        "framework": "cqc-la",
        "statements": ["QS1", "QS7"],
        "scale": "3",
        "groups": ["person", "family", "advocate", "staff", "partner"],
        "min_group_size": "5",
        "min_cell_count": "3",
        "help_contact": HELP_CONTACT,
    }
    # A form sent back with a mistake shows the typed title again.
    sweep.post(lead, "/staff/campaigns/new", {**form, "statements": []}, 400)
    location = sweep.post(lead, "/staff/campaigns/new", form, 302)
    code = location.rstrip("/").split("/")[-1]
    with app.app_context():
        return code, store.campaigns.campaign_by_code(get_db(), code)["id"]


def _lead_setup(world: World, app, lead_user: dict) -> None:
    """Type payloads into every setup form a lead has: pictures, words, questions, people."""
    lead, sweep, code = world.lead, world.sweep, world.code
    sweep.post(
        lead,
        f"/staff/campaigns/{code}/pictures",
        {"alt": PICTURE_ALT, "picture": (io.BytesIO(_jpeg()), "door.jpg")},
        302,
        content_type="multipart/form-data",
    )
    with app.app_context():
        picture_id = store.media.campaign_pictures(get_db(), world.campaign_id)[0]["id"]
    sweep.post(lead, "/staff/words", {"term": TERM + "x" * 60, "plainer": PLAINER}, 400)
    sweep.post(lead, "/staff/words", {"term": TERM, "plainer": PLAINER, "scope": code}, 302)
    wording = {
        "text": Q_TEXT,
        "hint": Q_HINT,
        "tell_us_more": Q_MORE,
        "alt": Q_ALT,
        "picture": f"own-{picture_id}",
    }
    question = f"/staff/campaigns/{code}/questions/QS1-01"
    # "Check" shows the easy-read problems, which quote the words back.
    sweep.post(lead, question, {**wording, "action": "check"}, 200)
    sweep.post(lead, question, wording, 302)
    # A recorded voice for the hostile question lists its whole text on the voices page.
    sweep.post(
        lead,
        f"/staff/campaigns/{code}/voices",
        {
            "language": "en",
            "key": narration.text_key(Q_TEXT, "en"),
            "recording": (io.BytesIO(_wav()), "voice.wav"),
        },
        302,
        content_type="multipart/form-data",
    )
    new_question = {**wording, "text": NEW_Q_TEXT, "picture": "face-good"}
    sweep.post(lead, f"/staff/campaigns/{code}/statements/QS7/new-question", new_question, 302)
    sweep.post(lead, "/staff/safeguarding/phrases", {"phrase": PHRASE}, 302)
    sweep.post(
        lead,
        "/staff/safeguarding/leads",
        {"campaign_id": str(world.campaign_id), "lead_id": str(lead_user["id"])},
        302,
    )
    page = sweep.post(lead, "/staff/users/invite", {"email": EVIL_EMAIL, "role": "advocate"}, 200)
    world.invitation_token = re.search(r"/staff/invitation/([\w-]+)", page).group(1)
    # A second invitation is accepted with a hostile display name.
    page = sweep.post(
        lead, "/staff/users/invite", {"email": "friend@example.org", "role": "supporter"}, 200
    )
    token = re.search(r"/staff/invitation/([\w-]+)", page).group(1)
    newcomer = app.test_client()
    newcomer.token = csrf_token(newcomer.get(f"/staff/invitation/{token}").get_data(as_text=True))
    accepted = {"name": SUPPORTER_NAME, "password": STAFF_PASSWORD}
    sweep.post(newcomer, f"/staff/invitation/{token}", {**accepted, "password_again": "x"}, 400)
    sweep.post(
        newcomer,
        f"/staff/invitation/{token}",
        {**accepted, "password_again": STAFF_PASSWORD},
        302,
    )
    world.supporter = newcomer


def _respondents(world: World, app) -> None:
    """Answer as people would: free text on several questions, a photo, words of concern."""
    code = world.code
    with app.app_context():
        db = get_db()
        # The campaign's always-redact list holds a hostile name; its page shows it escaped.
        store.review.add_redaction_name(db, world.campaign_id, REDACT_NAME)
    first = MediaRespondent(app.test_client(), code, "QS1-01")
    assert first.consent(take_part="yes", quote="yes", media="yes").status_code == 302
    assert first.who("person", "own").status_code == 302
    assert first.answer("QS1-01", "good", ANSWER_ONE).status_code == 302
    assert first.answer("QS1-02", "ok", ANSWER_TWO).status_code == 302
    photo = samples.photo_with_gps(world.tmp_path / "garden.jpg")
    assert first.form_upload("photo", photo).status_code == 302
    with app.app_context():
        media_id = get_db().execute("SELECT MAX(id) FROM media_items").fetchone()[0]
    url = f"{first.base}/media/item/{media_id}?q=QS1-01"
    token = csrf_token(first.client.get(url).get_data(as_text=True))
    described = first.client.post(
        url,
        data={"csrf_token": token, "consent": "report", "description": PERSON_DESCRIPTION},
    )
    assert described.status_code == 302
    world.sweep.get(first.client, url)  # the person sees their own words again
    # Words of concern flag both of these; one flag is cleared, the other stays open.
    for group, question, words in (
        ("family", "QS1-01", ANSWER_FLAGGED),
        ("person", "QS7-01", ANSWER_HELD),
    ):
        person = Respondent(app.test_client(), code)
        person.start(group, "own")
        response = person.answer(question, "not_good", words)
        assert response.status_code == 302
        assert "what-happens-next" in response.headers["Location"]


def _assisted(world: World, app, lead_user: dict) -> None:
    """Hand a tablet over, let the person answer, and see the take-back page it then shows."""
    tablet = _signed_in(app, lead_user)
    start = {"campaign": world.code, "help": "writing_down"}
    world.sweep.post(tablet, "/staff/assist/", start, 302)
    person = Respondent(tablet, world.code)
    person.start("person", "own")
    assert person.answer("QS7-02", "good", ANSWER_ASSISTED).status_code == 302
    world.sweep.get(tablet, "/staff/take-back")
    with app.app_context():
        row = (
            get_db()
            .execute("SELECT id FROM respondent_sessions WHERE supporter_id = ?", [lead_user["id"]])
            .fetchone()
        )
    world.assisted_session = row[0]


def _group(world: World, app) -> None:
    """Run a group session as a lead: place, a tally, a note and a flip-chart photo."""
    lead, sweep = world.lead, world.sweep
    details = {
        "place": PLACE,
        "group_size": "6",
        "respondent_group": "person",
        "questions": ["QS1-01", "QS7-01"],
    }
    location = sweep.post(lead, f"/staff/groups/new?campaign={world.code}", details, 302)
    world.group_id = int(location.rstrip("/").split("/")[-1])
    base = f"/staff/groups/{world.group_id}"
    sweep.post(lead, f"{base}/q/QS1-01/tally", {"count-good": "4", "count-ok": "2"}, 302)
    sweep.post(lead, f"{base}/q/QS1-01/notes", {"note": NOTE}, 400)
    sweep.post(lead, f"{base}/q/QS1-01/notes", {"note": NOTE, "speaker_role": "person"}, 302)
    sweep.post(
        lead,
        f"{base}/photo",
        {"description": FLIP_CHART, "photo": (io.BytesIO(_jpeg("white")), "flip.jpg")},
        302,
        content_type="multipart/form-data",
    )


def _safeguarding(world: World, app) -> None:
    """Record a decision on the flag about the family member's words; leave the other open."""
    with app.app_context():
        rows = get_db().execute("SELECT id, excerpt FROM safeguarding_flags").fetchall()
    flags = {row["excerpt"]: row["id"] for row in rows}
    path = f"/staff/safeguarding/{flags[ANSWER_FLAGGED]}/decision"
    world.sweep.post(world.lead, path, {"note": DECISION_NOTE}, 400)
    world.sweep.post(world.lead, path, {"note": DECISION_NOTE, "decision": "no_concern"}, 302)


def _review(world: World, app) -> None:
    """Decide redactions, mark quotes with translations, describe media, write "we will"."""
    lead, sweep, base = world.lead, world.sweep, f"/staff/campaigns/{world.code}/evidence"
    sweep.get(lead, f"{base}/")  # suggests redactions for everything new
    with app.app_context():
        db = get_db()
        queue = store.review.review_queue(db, world.campaign_id, limit=100)
        world.items = {item["text"]: item["id"] for item in queue}
        world.media_items = [
            item["id"]
            for item in queue
            if item["item_kind"] == "media" or item["text"] == FLIP_CHART
        ]
        redactions = {i: store.review.item_redactions(db, i) for i in world.items.values()}
    for item_id, found in redactions.items():
        for redaction in found:
            # Only the listed name is redacted, so the payloads themselves reach the exports.
            decision = "confirm" if "Xrname" in redaction["words"] else "reject"
            sweep.post(
                lead,
                f"{base}/items/{item_id}/redactions/{redaction['id']}",
                {"decision": decision},
                302,
            )
    assert any("Xrname" in r["words"] for found in redactions.values() for r in found)
    items = world.items
    quote = {"statements": ["QS1", "QS7"], "strength": "strength"}
    sweep.post(
        lead,
        f"{base}/items/{items[ANSWER_ONE]}/quote",
        {**quote, "words": ANSWER_ONE, "english_translation": TRANSLATION},
        302,
    )
    for words in (ANSWER_TWO, ANSWER_FLAGGED, ANSWER_ASSISTED, NOTE):
        sweep.post(lead, f"{base}/items/{items[words]}/quote", {**quote, "words": words}, 302)
    # A quote marked and then withdrawn keeps its page, and leaves every export.
    sweep.post(
        lead, f"{base}/items/{items[ANSWER_ONE]}/quote", {**quote, "words": "Xanswerone"}, 302
    )
    with app.app_context():
        db = get_db()
        one = {q["original_text"]: q["id"] for q in store.review.item_quotes(db, items[ANSWER_ONE])}
        two = store.review.item_quotes(db, items[ANSWER_TWO])[0]["id"]
    sweep.post(lead, f"{base}/quotes/{one['Xanswerone']}/withdraw", {}, 302)
    changed = {"statements": ["QS1"], "strength": "improve", "english_translation": TRANSLATION_TWO}
    sweep.post(lead, f"{base}/quotes/{two}", changed, 302)
    # A second quote over the held item's words is refused, as the item is held.
    sweep.post(lead, f"{base}/items/{items[ANSWER_HELD]}/quote", {**quote, "words": "Xheld"}, 409)
    for item_id in world.media_items:
        sweep.post(
            lead, f"{base}/items/{item_id}/describe", {"description": MEDIA_DESCRIPTION}, 302
        )
    sweep.post(lead, f"{base}/we-will", {"we_will_QS1": WE_WILL, "we_will_QS7": WE_WILL}, 302)
    sweep.post(lead, f"{base}/we-will", {"we_will_QS1": WE_WILL + " word" * 20}, 400)
    sweep.post(lead, f"{base}/we-will", {"we_will_QS1": WE_WILL, "published": "yes"}, 302)


def seed_hostile_campaign(app, make_user, tmp_path) -> World:
    """Seed one campaign in which every typed text carries hostile payloads."""
    lead_user = make_user("lead", email="lead@example.org", name=STAFF_NAME)
    lead = _signed_in(app, lead_user)
    sweep = Sweep(app)
    code, campaign_id = _campaign(app, lead, sweep)
    world = World(code, campaign_id, lead, sweep, tmp_path)
    advocate = make_user("advocate", email="advocate@example.org", name=ADVOCATE_NAME)
    world.advocate = _signed_in(app, advocate)
    _lead_setup(world, app, lead_user)
    _respondents(world, app)
    _assisted(world, app, lead_user)
    _group(world, app)
    _safeguarding(world, app)
    _review(world, app)
    return world


@pytest.fixture
def world(app, make_user, tmp_path) -> World:
    return seed_hostile_campaign(app, make_user, tmp_path)


# --- every staff page, and "you said" ---


def _route_values(world: World, app) -> dict[str, list[str]]:
    with app.app_context():
        db = get_db()
        questions = [
            q["question_id"] for q in store.campaigns.campaign_questions(db, world.campaign_id)
        ]
        flags = [str(f["id"]) for f in store.safeguarding.flags(db)]
        notes = [str(n["id"]) for n in store.groups.group_notes(db, world.group_id)]
    return {
        "code": [world.code],
        "question_id": questions,
        "statement_id": ["QS1", "QS7"],
        "item_id": [str(i) for i in world.items.values()],
        "flag_id": flags,
        "group_id": [str(world.group_id)],
        "note_id": notes,
        "session_id": [str(world.assisted_session)],
        "token": [world.invitation_token],
    }


def _paths(rule, values: dict[str, list[str]], world: World) -> list[str]:
    """Return every path of a rule over the seeded ids it can show."""
    values = dict(values)
    if rule.rule.startswith("/staff/groups/<int:group_id>/q/"):
        values["question_id"] = ["QS1-01", "QS7-01"]  # the group's own questions
    if "variant" in rule.arguments:
        values["item_id"] = [str(i) for i in world.media_items]
        values["variant"] = ["main", "thumb"]
    paths = [rule.rule]
    for name in sorted(rule.arguments):
        # A new route about some other record needs that record seeded, or the walk fails here.
        assert name in values, f"nothing seeded for <{name}> in {rule.rule}"
        paths = [
            re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
            for path in paths
            for value in values[name]
        ]
    return paths


def test_every_staff_page_and_you_said_keep_hostile_text_inert(app, world):
    lead, sweep, code = world.lead, world.sweep, world.code
    values = _route_values(world, app)
    staff_rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff/") and "GET" in rule.methods
    ]
    for rule in staff_rules:
        # Taking a tablet back needs a tablet that was handed over: seen while seeding.
        if rule.rule == "/staff/take-back":
            continue
        for path in _paths(rule, values, world):
            sweep.get(lead, path)
    # The same pages filtered, searched for a payload, or just after saving.
    evidence = f"/staff/campaigns/{code}/evidence"
    for path in (
        f"{evidence}/?kind=answer",
        f"{evidence}/?kind=group_note",
        f"{evidence}/?kind=media",
        f"{evidence}/?state=included",
        f"{evidence}/?statement=QS7",
        f"{evidence}/search?q={SEARCH}",
        f"{evidence}/we-will?saved=1",
        f"/staff/campaigns/{code}/questions/QS1-01?saved=1",
        f"/staff/sign-in?next={JS_LINK}",
    ):
        sweep.get(lead, path)
    # Supporters and advocates reach some of the same pages, drawn differently for their role.
    for client, paths in (
        (world.supporter, ["/staff/", "/staff/assist/", "/staff/pin"]),
        (world.advocate, ["/staff/", "/staff/groups/", f"/staff/groups/new?campaign={code}"]),
    ):
        for path in paths:
            sweep.get(client, path)
    # A person asking to be erased types their code; what they typed is shown back.
    sweep.post(lead, "/staff/erase", {"resume_code": SCRIPT}, 404)
    # Signing in never follows a link to somewhere other than a staff page.
    stranger = app.test_client()
    signed = stranger.post(
        f"/staff/sign-in?next={JS_LINK}",
        data={
            "email": "lead@example.org",
            "password": STAFF_PASSWORD,
            "csrf_token": csrf_token(stranger.get("/staff/sign-in").get_data(as_text=True)),
        },
    )
    assert signed.status_code == 302 and signed.headers["Location"] == "/staff/"
    searched = [
        html
        for path, html in sweep.pages["/staff/campaigns/<code>/evidence/search"]
        if "?q=" in path
    ]
    assert "Xanswerone" in searched[0] and "1 item found" in searched[0]
    # "You said" is public: anyone with the link reads it.
    public = app.test_client()
    said = sweep.get(public, f"/s/{code}/you-said")
    assert "[name]" in said and "Xrname" not in said and "Xheld" not in said
    visitor = Respondent(public, code)
    sweep.get(public, f"/s/{code}/")
    visitor.start()
    for question in ("QS1-01", "QS7-C01"):
        sweep.get(public, f"/s/{code}/q/{question}")

    wanted = {rule.rule for rule in staff_rules} | {"/s/<code>/you-said"}
    assert wanted - set(sweep.pages) == set(), "routes never visited"
    html_pages = [html for pages in sweep.pages.values() for _path, html in pages if html]
    rendered = sum(1 for html in html_pages if ESCAPED_SCRIPT in html)
    assert len(html_pages) >= 60 and rendered >= 50, (len(html_pages), rendered)
    for rule, marks in SHOWN.items():
        shown = " ".join(html for _path, html in sweep.pages[rule])
        missing = [mark for mark in marks if mark not in shown]
        assert not missing, f"{rule} never showed {missing}"
    # Every item page, held ones included, shows its own words escaped.
    for words, item_id in world.items.items():
        page = next(
            html
            for path, html in sweep.pages["/staff/campaigns/<code>/evidence/items/<int:item_id>"]
            if path.endswith(f"/items/{item_id}")
        )
        assert ESCAPED_SCRIPT in page, words


# --- every export ---


def _cells_are_neutral(rows: list[list], where: str) -> list[str]:
    """Fail on any text cell a spreadsheet would run as a formula; return every text cell."""
    texts = [cell for row in rows for cell in row if isinstance(cell, str)]
    for cell in texts:
        assert not cell.startswith(FORMULA_STARTS), f"{where}: {cell!r}"
    return texts


def _expect_neutralised(texts: list[str], where: str) -> None:
    """Check the payload cells are there, each behind a leading apostrophe."""
    for typed in (TITLE, ANSWER_ONE, TRANSLATION, MEDIA_DESCRIPTION, NOTE):
        expected = typed.replace(RLO, "")
        assert "'" + expected in texts, f"{where}: {expected!r} missing or not neutralised"
    # The second quote's translation loses every word of the name redacted in its original
    # (the markup's words "onmouseover" and "alert" among them), and stays neutralised.
    translated = [t for t in texts if "Xtranslationtwo" in t]
    assert translated and all(t.startswith("'" + HYPERLINK) and "[name]" in t for t in translated)
    assert "'" + ANSWER_ASSISTED in texts and "'" + ANSWER_FLAGGED in texts, where
    redacted = [t for t in texts if "Xanswertwo" in t]
    assert redacted and all("[name]" in t and t.startswith("'-2+3") for t in redacted), where
    joined = "\n".join(texts)
    for absent in ("Xrname", "Xheld", "Xpersondesc"):
        assert absent not in joined, f"{where}: {absent} was exported"


def _check_xlsx(data: bytes, where: str) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: a formula in {sheet.title}"
            rows.append([cell.value for cell in row])
    workbook.close()
    _expect_neutralised(_cells_are_neutral(rows, where), where)


def _check_csv(data: bytes, where: str) -> None:
    rows = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert "quotes.csv" in names and "media.csv" in names, names
        for name in names:
            assert name.endswith(".csv"), name
            text = archive.read(name).decode("utf-8-sig")
            rows += list(csv.reader(io.StringIO(text)))
    _expect_neutralised(_cells_are_neutral(rows, where), where)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _check_json(data: bytes, where: str) -> None:
    document = json.loads(data)
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    # JSON has no cells to run: it carries the words exactly, as plain strings.
    assert document["campaign"]["title"] == TITLE.replace(RLO, "")
    quotes = {q["redacted_text"]: q for q in document["quotes"]}
    assert quotes[ANSWER_ONE]["english_translation"] == TRANSLATION.replace(RLO, "")
    assert ANSWER_ASSISTED in quotes and NOTE in quotes and ANSWER_FLAGGED in quotes
    descriptions = [m["description"] for m in document["media"]]
    assert descriptions.count(MEDIA_DESCRIPTION.replace(RLO, "")) >= 1
    joined = "\n".join(_strings(document))
    for absent in ("Xrname", "Xheld", "Xpersondesc"):
        assert absent not in joined, f"{where}: {absent} was exported"


def _check_zip(data: bytes, where: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        for name in names:
            assert not re.search(r"[<>\"'`]|\.\.", name), f"{where}: member {name!r}"
        [workbook] = [n for n in names if n.endswith(".xlsx")]
        _check_xlsx(archive.read(workbook), f"{where} {workbook}")
        charts = [n for n in names if n.startswith("charts/")]
        assert charts and all(n.endswith((".svg", ".html")) for n in charts), charts
        for name in charts:
            markup = archive.read(name).decode("utf-8")
            assert_inert(markup, f"{where} {name}")
            assert BeautifulSoup(markup, "html.parser").find(["svg", "table"]), name
        media = [n for n in names if n.startswith("media/")]
        assert media, f"{where}: the consented photo is missing"
        for name in media:
            body = archive.read(name)
            assert body[:3] == b"\xff\xd8\xff" or body[:8] == b"\x89PNG\r\n\x1a\n", name
            assert b"<script" not in body.lower() and b"alert(" not in body, name
        assert set(names) <= {workbook, *charts, *media}, names


CHECKS = {"xlsx": _check_xlsx, "csv": _check_csv, "json": _check_json, "zip": _check_zip}


def test_no_typed_field_stores_invisible_direction_controls(app, world):
    assert RLO in TITLE + PLACE + DECISION_NOTE + TRANSLATION + MEDIA_DESCRIPTION + WE_WILL
    with app.app_context():
        db = get_db()
        stored = []
        for table in table_names(db):
            if table.endswith(("_fts", "_data", "_idx", "_docsize", "_config", "_content")):
                continue
            for row in db.execute(f'SELECT * FROM "{table}"').fetchall():  # noqa: S608
                stored += [(table, v) for v in row if isinstance(v, str) and RLO in v]
    assert stored == []


def test_every_export_neutralises_hostile_text(app, world, tmp_path):
    lead = world.lead
    for fmt, check in CHECKS.items():
        response = lead.post(
            f"/staff/campaigns/{world.code}/evidence/exports",
            data={"csrf_token": lead.token, "format": fmt},
        )
        assert response.status_code == 200, fmt
        assert response.mimetype != "text/html", fmt
        assert response.headers["Content-Disposition"].startswith("attachment;"), fmt
        assert response.headers["X-Content-Type-Options"] == "nosniff", fmt
        check(response.get_data(), f"download {fmt}")
        response.close()
    # `engage export` shares the writers with the download; check what it writes all the same.
    runner = app.test_cli_runner()
    for fmt, check in CHECKS.items():
        target = tmp_path / f"evidence-{fmt}.out"
        result = runner.invoke(args=["export", world.code, "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        check(target.read_bytes(), f"engage export {fmt}")
    with app.app_context():
        assert len(store.evidence.export_log(get_db(), world.campaign_id)) == 8
