"""Answering without a connection: the service worker, device preparation and the outbox intake.

A supporter prepares a tablet while online; the service worker (engage/static/offline/sw.js,
served at /s/sw.js so its scope covers every survey) then serves the journey from the device and
keeps each finished person in an outbox. The outbox sends each person here under an id the
device made, and the store takes it exactly once (engage.store.outbox).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import RequestEntityTooLarge

from engage import auth, csrf, i18n, typed
from engage import settings as personal
from engage.auth import require_role
from engage.campaigns import is_open
from engage.errors import refuse
from engage.handover import ASSIST_ROLES
from engage.respondent.forms import DESCRIPTION_LIMIT, FREE_TEXT_LIMIT, Checked
from engage.respondent.journey import CONSENT_STEPS
from engage.respondent.journey import _consent_item as consent_item
from engage.respondent.media_kinds import CONSENT_CHOICES, KINDS, STAMPS, limit_words
from engage.safeguarding import check_free_text
from engage.services import media_files
from engage.store import campaigns as campaign_store
from engage.store import get_db, outbox, respondents
from engage.store import media as media_store
from engage.store import safeguarding as safeguarding_store
from engage.vocab import ANSWERED_HOW, RESPONDENT_GROUPS, answer_choices
from media.probe import MediaRefused
from media.work import media_slot

bp = Blueprint("offline", __name__, template_folder="templates")


@bp.context_processor
def _layout_context() -> dict:
    # The preparation page is a staff page: it shows the staff layout, as the staff wing does.
    return {
        **auth.staff_context(),
        "open_flag_count": lambda: safeguarding_store.open_flag_count(get_db()),
    }


STATIC = Path(__file__).resolve().parent.parent / "static"
ITEM_ID = re.compile(r"^[A-Za-z0-9-]{16,64}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The header a device's outbox sends with every item; see docs/security.md ("Offline outbox").
OUTBOX_HEADER = "X-Engage-Outbox"
# The header on a survey page naming, signed, the session the browser is in; the service worker
# keeps it so that the rest of a journey cut off part-way can join that session.
JOURNEY_HEADER = "X-Engage-Journey"
# A bundle's words and choices; files travel beside it and have their own limits.
BUNDLE_LIMIT = 512 * 1024
# Kinds a device keeps as files for a question: those taken with the file input.
OFFLINE_FILE_KINDS = ("photo", "drawing", "video", "audio")
# With no connection each way in takes a file chosen or taken with the device's camera, and
# the drawing canvas puts its picture in that file input; the voice recorder needs the
# connection to send.
OFFLINE_ADD_KINDS = tuple(KINDS)


class Refused(ValueError):
    """An outbox item that cannot be read as sent: nothing of it is stored."""


@bp.get("/s/sw.js")
def service_worker():
    """Serve the service worker from /s/, so that it may serve every survey's pages."""
    response = current_app.response_class(
        (STATIC / "offline" / "sw.js").read_bytes(), mimetype="text/javascript"
    )
    # Like every page, it is sent with "no-store": a changed worker reaches tablets at once.
    return response


def _campaign(code: str) -> dict:
    campaign = campaign_store.campaign_by_code(get_db(), code)
    if campaign is None:
        refuse(404)
    return campaign


def _refusal(reason: str, status: int = 400):
    """Answer an outbox item that was not stored: the device keeps it and says why."""
    return jsonify(status="refused", reason=reason), status


@bp.post("/s/<code>/outbox/<item_id>")
@csrf.exempt
def intake(code: str, item_id: str):
    """Take one finished person from a device's outbox, exactly once, whatever the campaign's state.

    The reply says "taken" or "held" (kept for the lead); either way the device may forget the
    item. A refusal (400) stores nothing and tells the device to keep it.
    """
    campaign = _campaign(code)
    if request.headers.get(OUTBOX_HEADER) != "1":
        return _refusal("not_from_outbox", 403)
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return _refusal("not_from_outbox", 403)
    if not ITEM_ID.match(item_id):
        return _refusal("bad_id")
    db = get_db()
    seen = outbox.intake_row(db, item_id)
    if seen is not None:
        return _answer(seen)
    # As much as one person may hold online, so nobody's files are too big to arrive.
    quota = max(int(current_app.config["MEDIA_SESSION_QUOTA"]), 2 * _largest_limit(campaign))
    request.max_content_length = quota + BUNDLE_LIMIT
    work = Path(tempfile.mkdtemp(dir=_work_root()))
    try:
        try:
            bundle, files = _read_item(work)
            reason = _cannot_take(campaign, bundle)
        except Refused as refused:
            return _refusal(str(refused))
        except RequestEntityTooLarge:
            return _refusal("too_big", 413)
        session_id = _continued_session(campaign, bundle) if reason == "joined" else None
        if session_id is not None:
            row = outbox.join_bundle(db, item_id, campaign["id"], session_id, bundle)
            _after_taking(campaign, bundle, files, row)
            return _answer(row)
        if reason:
            row = outbox.hold_bundle(db, item_id, campaign["id"], bundle, reason)
            _keep_held_files(item_id, files)
            return _answer(row)
        row = outbox.take_bundle(db, item_id, campaign["id"], bundle)
        if row["session_id"] is not None:
            _after_taking(campaign, bundle, files, row)
        return _answer(row)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _answer(row: dict):
    if row["status"] == "held":
        message = _("This survey has closed or changed. These answers are kept for the lead.")
    else:
        message = _("These answers are safely sent.")
    return jsonify(status=row["status"], reason=row["reason"], message=message)


def _work_root() -> Path:
    root = Path(current_app.instance_path) / "offline" / "work"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _largest_limit(campaign: dict) -> int:
    return max(int(campaign[kind.limit_column]) for kind in KINDS.values())


def _read_item(work: Path) -> tuple[dict, list[dict]]:
    """Read and check the bundle and its files against the lengths and checksums sent with them.

    A body that is empty, cut short or changed on the way fails here, before anything is stored.
    """
    if not request.content_length:
        raise Refused("empty")
    text = request.form.get("bundle", "")
    if not text:
        raise Refused("empty")
    data = text.encode()
    if len(data) > BUNDLE_LIMIT:
        raise Refused("too_big")
    if request.form.get("bundle_length") != str(len(data)):
        raise Refused("length")
    if request.form.get("bundle_sha256") != hashlib.sha256(data).hexdigest():
        raise Refused("checksum")
    try:
        bundle = json.loads(text)
    except ValueError as error:
        raise Refused("not_a_bundle") from error
    bundle = _checked_shape(bundle)
    files = []
    for number, described in enumerate(bundle["media"]):
        upload = request.files.get(f"file-{number}")
        if upload is None:
            raise Refused("file_missing")
        path = work / f"file-{number}"
        upload.save(path)
        body = path.read_bytes()
        if not body or len(body) != described["size"]:
            raise Refused("length")
        if hashlib.sha256(body).hexdigest() != described["sha256"]:
            raise Refused("checksum")
        files.append({**described, "path": path})
    return bundle, files


def _text(value, limit: int = 100) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise Refused("not_a_bundle")
    return value


def _moment(value) -> str:
    """Return a device's time as ISO 8601; a time that cannot be read is refused."""
    try:
        return datetime.fromisoformat(_text(value, 40).replace("Z", "+00:00")).isoformat()
    except ValueError as error:
        raise Refused("not_a_bundle") from error


def _item_consent(value) -> str | None:
    """Return who may see a file, as the person chose offline; None if they did not choose.

    Only the choices the page offers are taken: anything else was not given by the person.
    """
    if value in (None, ""):
        return None
    if not isinstance(value, str) or value not in CONSENT_CHOICES:
        raise Refused("not_a_bundle")
    return value


def _checked_shape(bundle) -> dict:
    """Return the bundle with every field of the expected type, or refuse it."""
    if not isinstance(bundle, dict) or bundle.get("version") != 1:
        raise Refused("not_a_bundle")
    consent = bundle.get("consent")
    if not isinstance(consent, dict):
        raise Refused("not_a_bundle")
    answers = bundle.get("answers")
    media = bundle.get("media", [])
    if not isinstance(answers, list) or not isinstance(media, list):
        raise Refused("not_a_bundle")
    return {
        "version": 1,
        "language": _text(bundle.get("language"), 10),
        "consent": {key: consent.get(key) is True for key in ("take_part", "quote", "media")},
        "respondent_group": _text(bundle.get("respondent_group") or ""),
        "answered_how": _text(bundle.get("answered_how") or ""),
        "continues": _text(bundle.get("continues") or "", 200),
        "started_at": _moment(bundle.get("started_at")),
        "finished_at": _moment(bundle.get("finished_at")),
        "answers": [
            {
                "question_id": _text(answer.get("question_id")),
                "value": _text(answer.get("value")),
                "free_text": _text(answer.get("free_text") or "", FREE_TEXT_LIMIT),
                "given_at": _moment(answer.get("given_at")),
            }
            for answer in answers
            if isinstance(answer, dict)
        ],
        "media": [
            {
                "kind": _text(item.get("kind")),
                "question_id": _text(item.get("question_id")),
                "size": item.get("size") if isinstance(item.get("size"), int) else -1,
                "sha256": _text(item.get("sha256"), 64),
                "consent": _item_consent(item.get("consent")),
                # Cleaned as the page online cleans it, then held to the same length.
                "description": typed.clean(_text(item.get("description") or "", DESCRIPTION_LIMIT)),
            }
            for item in media
            if isinstance(item, dict)
        ],
    }


def _cannot_take(campaign: dict, bundle: dict) -> str | None:
    """Return why the campaign cannot take this bundle as it stands now, or None.

    Such a bundle is not refused: it is kept whole for the lead, since the person gave it.
    """
    if not is_open(campaign):
        return "closed"
    if not bundle["consent"]["take_part"]:
        return "no_consent"
    # The connection went in the middle of a journey begun online: the device kept the rest,
    # without who was answering; a lead joins it to the session the server holds.
    if not bundle["respondent_group"] or not bundle["answered_how"]:
        return "joined"
    if bundle["respondent_group"] not in campaign["respondent_groups"]:
        return "changed"
    if bundle["answered_how"] not in ANSWERED_HOW:
        return "changed"
    if bundle["language"] not in campaign["languages"]:
        return "changed"
    return "changed" if _questions_changed(campaign, bundle) else None


def _questions_changed(campaign: dict, bundle: dict) -> bool:
    """Say whether the bundle names a question, answer or kind of file the campaign lacks now."""
    questions = {
        q["question_id"] for q in campaign_store.campaign_questions(get_db(), campaign["id"])
    }
    values = {choice.value for choice in answer_choices(campaign["scale_points"])}
    for answer in bundle["answers"]:
        if answer["question_id"] not in questions or answer["value"] not in values:
            return True
    return any(
        item["question_id"] not in questions or item["kind"] not in OFFLINE_FILE_KINDS
        for item in bundle["media"]
    )


def _journeys() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="engage-offline-journey")


def mark_journey(response):
    """Name the session this browser is in on a survey page, signed, for the service worker.

    Only this browser, which holds the session already, ever sees it.
    """
    session_id = personal.bound_session_id()
    if session_id is not None:
        token = _journeys().dumps({"c": g.campaign["id"], "s": session_id})
        response.headers[JOURNEY_HEADER] = token
    return response


def _continued_session(campaign: dict, bundle: dict) -> int | None:
    """Return the session a journey cut off part-way began in, if it is safe to join it.

    Safe means: the device names it, signed by this server, for this campaign; it is still
    there and not finished (so no other person's answers can be mixed in); and every
    question, answer and file in the bundle fits the campaign as it is now.
    """
    try:
        named = _journeys().loads(bundle["continues"]) if bundle["continues"] else None
    except BadSignature:
        return None
    if not isinstance(named, dict) or named.get("c") != campaign["id"]:
        return None
    if not isinstance(named.get("s"), int):
        return None
    respondent = respondents.respondent_session(get_db(), named["s"])
    if respondent is None or respondent["campaign_id"] != campaign["id"]:
        return None
    if respondent["finished_at"] or _questions_changed(campaign, bundle):
        return None
    return respondent["id"]


def _held_folder(item_id: str) -> Path:
    # In the media folder, which every app server reaches, not on the server that took them.
    return media_files.media_root() / "offline-held" / item_id


def _keep_held_files(item_id: str, files: list[dict]) -> None:
    """Keep a held bundle's files as they came, beside it, for the lead."""
    for number, item in enumerate(files):
        _keep_held_file(item_id, number, item["path"])


def _keep_held_file(item_id: str, number: int, path: Path) -> None:
    folder = _held_folder(item_id)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, folder / f"file-{number}")


def _keep_file(item: dict, session_id: int) -> int:
    """Check, clean and keep one of a person's files as an upload from the page would be."""
    work = media_files.work_dir()
    try:
        shutil.copyfile(item["path"], work / "source")
        kind = item["kind"]
        # A drawing done on paper arrives as a photo, so it is checked as one.
        processing = "photo" if kind == "drawing" else kind
        with media_slot(media_files.busy_wait()):
            return media_files.keep_answer_file(
                processing, kind, work / "source", work, session_id, item["question_id"]
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _after_taking(campaign: dict, bundle: dict, files: list[dict], row: dict) -> None:
    """Keep the person's files and look for concerns in their words, as the online pages do."""
    for number, item in enumerate(files):
        try:
            item_id = _keep_file(item, row["session_id"])
        except MediaRefused:
            # A file the checks refuse is still the person's: the lead decides about it.
            _keep_held_file(row["id"], number, item["path"])
            continue
        if item["consent"] is None:
            continue
        # Who may see it, and what it shows, stored as the "who may see" page online stores it.
        media_store.set_media_consent(get_db(), item_id, item["consent"], item["description"])
        check_free_text(
            campaign["id"],
            item["description"],
            session_id=row["session_id"],
            question_id=item["question_id"],
        )
    for answer in bundle["answers"]:
        check_free_text(
            campaign["id"],
            answer["free_text"],
            session_id=row["session_id"],
            question_id=answer["question_id"],
        )


# --- preparing a device ---


@bp.get("/s/<code>/offline")
@require_role(*ASSIST_ROLES)
def prepare(code: str):
    """Let a supporter or lead get a tablet ready to take this survey with no connection."""
    campaign = _campaign(code)
    g.campaign = campaign
    db = get_db()
    return render_template(
        "offline/prepare.html",
        campaign=campaign,
        held=outbox.held_bundles(db, campaign["id"]) if g.staff_user["role"] == "lead" else [],
        taken=outbox.offline_count(db, campaign["id"]),
        survey_open=is_open(campaign),
    )


# The consent questions, one a page, in the journey's order.
CONSENT_PAGES = ("/consent", "/consent/words", "/consent/pictures")
# Where a device asks who may see a file a person has just added with no connection. Only the
# device serves it: online, that question is the page of the file the server keeps.
MEDIA_CONSENT_PAGE = "/media/offline/"


def journey_paths(campaign: dict, questions: list[dict]) -> list[str]:
    """Return the address of every page a person can reach with no connection."""
    base = f"/s/{campaign['code']}"
    paths = [f"{base}/"]
    paths += [f"{base}{step}" for step in CONSENT_PAGES]
    paths += [f"{base}/no-thanks", f"{base}/who", f"{base}/who/how"]
    for question in questions:
        paths.append(f"{base}/q/{question['question_id']}")
        for kind in OFFLINE_ADD_KINDS:
            paths.append(f"{base}/media/add/{kind}?q={question['question_id']}")
    # "Who may see your photo?", one page a kind: the device knows which file it is about.
    for kind in OFFLINE_ADD_KINDS:
        paths += [f"{base}{MEDIA_CONSENT_PAGE}{kind}", f"{base}{MEDIA_CONSENT_PAGE}{kind}?error=1"]
    paths += [f"{base}/check", f"{base}/thanks", f"{base}/stop"]
    return paths


@bp.get("/s/<code>/offline/manifest")
@require_role(*ASSIST_ROLES)
def manifest(code: str):
    """List what a device keeps: each page in each language, and every file the pages use."""
    campaign = _campaign(code)
    questions = campaign_store.campaign_questions(get_db(), campaign["id"])
    pages = [
        {
            "path": path,
            "language": language,
            "source": url_for(".blank", code=code, language=language, path=path),
        }
        for language in campaign["languages"]
        for path in journey_paths(campaign, questions)
    ]
    files = sorted(
        url_for("static", filename=path.relative_to(STATIC).as_posix())
        for path in STATIC.rglob("*")
        if path.is_file()
    )
    return jsonify(
        code=code,
        languages=campaign["languages"],
        questions=[q["question_id"] for q in questions],
        pages=pages,
        files=files,
        worker=url_for(".service_worker"),
        # The same for every device, so a device prepared before a change can tell.
        version=campaign_store.content_generation(get_db()),
    )


@bp.get("/s/<code>/offline/blank/<language>")
@require_role(*ASSIST_ROLES)
def blank(code: str, language: str):
    """Render one journey page as a person starting afresh sees it, for the device to keep.

    Nobody's answers are in it, so showing it from the device can leak nothing.
    """
    campaign = _campaign(code)
    path = request.args.get("path", "")
    questions = campaign_store.campaign_questions(get_db(), campaign["id"])
    if path not in journey_paths(campaign, questions) or language not in campaign["languages"]:
        refuse(404)
    g.campaign = campaign
    g.questions = questions
    g.language = i18n.usable(language, campaign["languages"])
    refresh()
    # Kept pages follow this tablet's own choices (pictures, reading aloud, text size).
    personal.current()
    # The page is rendered as if asked for at its own address, so its links and forms are right.
    with current_app.test_request_context(path, base_url=request.host_url):
        return _blank_page(campaign, questions, path.removeprefix(f"/s/{code}"))


def _blank_page(campaign: dict, questions: list[dict], page: str) -> str:
    choices = answer_choices(campaign["scale_points"])
    groups = {key: RESPONDENT_GROUPS[key] for key in campaign["respondent_groups"]}
    if page == "/":
        minutes = max(5, round(len(questions) * 0.75))
        return render_template("respondent/welcome.html", minutes=minutes, carry_on=None)
    if page in CONSENT_PAGES:
        step = CONSENT_PAGES.index(page)
        name = CONSENT_STEPS[step][0]
        return render_template(
            "respondent/consent.html",
            checked=Checked(values={name: ""}),
            item=consent_item(name),
            step=step,
            back=f"/s/{campaign['code']}" + (CONSENT_PAGES[step - 1] if step else "/"),
        )
    if page == "/no-thanks":
        return render_template("respondent/no_thanks.html")
    if page == "/who":
        return render_template(
            "respondent/who.html",
            checked=Checked(values={"respondent_group": ""}),
            groups=groups.values(),
            assisted=None,
            changing=False,
        )
    if page == "/who/how":
        return render_template(
            "respondent/who_how.html",
            checked=Checked(values={"answered_how": ""}),
            ways=ANSWERED_HOW.values(),
            changing=False,
        )
    if page.startswith("/q/"):
        question_id = page.removeprefix("/q/")
        index = next(i for i, q in enumerate(questions) if q["question_id"] == question_id)
        back_to = f"/s/{campaign['code']}/" + (
            f"q/{questions[index - 1]['question_id']}" if index else "who"
        )
        return render_template(
            "respondent/question.html",
            question=questions[index],
            number=index + 1,
            choices=choices,
            checked=Checked(),
            back=back_to,
            changing=False,
        )
    if page.startswith("/media/add/"):
        kind = KINDS[page.removeprefix("/media/add/").partition("?")[0]]
        question_id = request.args.get("q")
        question = next(q for q in questions if q["question_id"] == question_id)
        return render_template(
            "media/add.html",
            kind=kind,
            question=question,
            error=None,
            back=f"/s/{campaign['code']}/q/{question_id}",
            limit_words=limit_words(kind, int(campaign[kind.limit_column])),
            stamps=STAMPS,
            place={"q": question_id, "change": None},
        )
    if page.startswith(MEDIA_CONSENT_PAGE):
        kind, _query, error = page.removeprefix(MEDIA_CONSENT_PAGE).partition("?error=")
        checked = Checked(values={"consent": "", "description": ""})
        if error:
            # The device shows this copy when "Save" is pressed with no choice made.
            checked.errors["consent"] = _("Choose who may see it.")
        return render_template(
            "offline/media_item.html",
            kind=KINDS[kind],
            checked=checked,
            choices=CONSENT_CHOICES.values(),
            action=f"/s/{campaign['code']}{MEDIA_CONSENT_PAGE}{kind}",
            description_limit=DESCRIPTION_LIMIT,
        )
    if page == "/check":
        return render_template("offline/check.html")
    if page == "/thanks":
        return render_template("offline/thanks.html")
    return render_template("offline/stop.html")
