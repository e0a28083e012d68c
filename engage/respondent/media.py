"""Drawings, photos, video and voice as answers: capture, resumable upload, consent, serving.

Every route needs the browser's bound respondent session, and every item is shown only to the
session that made it. A refused file leaves nothing behind: no row, no part file, no blob.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from wtforms import ValidationError

from engage import csrf, store
from engage.erasure import forget_changed_words
from engage.errors import is_disk_full, refuse
from engage.media_sending import send_item
from engage.respondent import forms
from engage.respondent.binding import bound_session, refuse_unless_open
from engage.respondent.media_kinds import (
    CONSENT_CHOICES,
    KINDS,
    MESSAGES,
    STAMPS,
    Kind,
    limit_words,
)
from engage.safeguarding import check_free_text
from engage.services import media_files
from engage.store import get_db
from media import pictures
from media.probe import MediaRefused
from media.work import media_slot

bp = Blueprint("media", __name__, url_prefix="/media")
bp.before_request(refuse_unless_open)

CHUNK_SIZE = 4 * 1024 * 1024
CHUNK_MAX = 8 * 1024 * 1024
READ_BLOCK = 256 * 1024
# Room for the multipart boundaries and the small form fields around a file.
FORM_OVERHEAD = 64 * 1024
# A person sends one file at a time; two leaves room for one that was dropped.
OPEN_UPLOADS = 2
# A person's own upload that has not moved for this long makes way for a new one.
ABANDONED_AFTER = timedelta(minutes=5)
# How often each server process drops stalled uploads by itself.
SWEEP_EVERY_SECONDS = 600


# --- places on disk ---


# --- who may see what ---


def _respondent() -> dict | None:
    respondent = bound_session()
    if respondent is None or respondent["finished_at"]:
        return None
    return respondent


def _answering_respondent() -> tuple[dict | None, str | None]:
    """Return (respondent, None) if the session may send files, else (None, the step it lacks).

    The pages and the upload protocol both ask here, so a file is taken only from a person who
    has agreed to take part and then said who is answering and how: the same steps the journey
    asks for before the first question.
    """
    respondent = _respondent()
    if respondent is None or not respondent["consent_take_part"]:
        return None, "respondent.journey.welcome"
    if not (respondent["respondent_group"] and respondent["answered_how"]):
        return None, "respondent.journey.who"
    return respondent, None


def _page_respondent():
    """Return (respondent, None), or (None, a redirect to the step the person still needs)."""
    respondent, step = _answering_respondent()
    if step:
        return None, redirect(url_for(step))
    return respondent, None


def _own_item(item_id: int, respondent: dict) -> dict:
    item = store.media.media_item(get_db(), item_id)
    if item is None or item["session_id"] != respondent["id"]:
        refuse(404)
    return item


def _kind(key: str) -> Kind:
    if key not in KINDS:
        refuse(404)
    return KINDS[key]


def _question_id(raw: str | None) -> str | None:
    """Return the question an item answers (None for "tell us anything"); 404 if unknown."""
    if not raw:
        return None
    if raw not in {question["question_id"] for question in g.questions}:
        refuse(404)
    return raw


def _return_url(question_id: str | None, changing: bool) -> str:
    """Return the page the person came from, so they keep their place."""
    if request.args.get("then") == "check":
        return url_for("respondent.journey.check")
    if question_id is None:
        return url_for(".anything")
    return url_for(
        "respondent.journey.question", question_id=question_id, change=1 if changing else None
    )


def _place_args() -> dict:
    return {
        "q": request.args.get("q") or None,
        "change": request.args.get("change") or None,
        # Only "check your answers" is a place to go back to by name.
        "then": "check" if request.args.get("then") == "check" else None,
    }


# --- refusals ---


def _refusal(reason: str, kind: Kind) -> tuple[str, list[str], int]:
    title, lines, status = MESSAGES[reason]
    said = [str(line).format(noun=kind.noun) for line in lines]
    if reason == "too_big":
        # How much fits, in minutes or photos, so the person knows what to send instead.
        said.insert(1, limit_words(kind, _limit(kind)))
    return str(title), said, status


def _json_refusal(reason: str, kind: Kind, **extra):
    title, lines, status = _refusal(reason, kind)
    return jsonify({"title": title, "lines": lines, **extra}), status


def _check_csrf(token: str | None) -> None:
    """Check the CSRF token of a view exempted from CSRFProtect.

    CSRFProtect reads the form before the view runs, under the app's 2 MB request cap; upload
    views raise their own cap first and then check the token here.
    """
    try:
        validate_csrf(token)
    except ValidationError as error:
        raise CSRFError(str(error)) from None


def _bad_name(name: str) -> bool:
    return "\x00" in name or "/" in name or "\\" in name or ".." in name


# --- pages ---


@bp.after_request
def _allow_capture(response):
    """Let only the capture pages ask for the camera or microphone."""
    kind = KINDS.get((request.view_args or {}).get("kind", ""))
    if request.endpoint == "respondent.media.add" and kind is not None:
        response.headers["Permissions-Policy"] = kind.permissions_policy
    return response


@bp.route("/add/<kind>", methods=["GET", "POST"])
def add(kind: str):
    """Offer one way to answer with a picture, video or voice; without JavaScript, a form."""
    kind_ = _kind(kind)
    respondent, away = _page_respondent()
    if away:
        return away
    question_id = _question_id(request.args.get("q"))
    changing = bool(request.args.get("change"))
    error = None
    if request.method == "POST":
        reason = _form_upload(kind_, respondent, question_id, changing)
        if isinstance(reason, int):
            return redirect(url_for(".item", item_id=reason, **_place_args()))
        error = _refusal(reason, kind_)
    question = next((q for q in g.questions if q["question_id"] == question_id), None)
    return (
        render_template(
            "media/add.html",
            kind=kind_,
            question=question,
            error=error,
            back=_return_url(question_id, changing),
            limit_words=limit_words(kind_, _limit(kind_)),
            stamps=STAMPS,
            place=_place_args(),
        ),
        error[2] if error else 200,
    )


def _limit(kind: Kind) -> int:
    return int(g.campaign[kind.limit_column])


def _form_upload(kind: Kind, respondent: dict, question_id: str | None, changing: bool):
    """Take a plain multipart upload (the no-JavaScript way); return an item id or a reason."""
    # Werkzeug streams the file part to a temporary file; only the size cap changes here.
    request.max_content_length = _limit(kind) + FORM_OVERHEAD
    try:
        _check_csrf(request.form.get("csrf_token"))
        files = [f for f in request.files.getlist("file") if f and f.filename]
    except RequestEntityTooLarge:
        return "too_big"
    except OSError as error:
        # Werkzeug spools the file to disk while it reads the form.
        if is_disk_full(error):
            return "disk_full"
        raise
    if not files:
        return "no_file"
    upload = files[0]
    if _bad_name(upload.filename):
        return "bad_name"
    work = media_files.work_dir()
    source = work / "source"
    try:
        upload.save(source)
        size = source.stat().st_size
        if size > _limit(kind):
            return "too_big"
        if _over_quota(respondent, size):
            return "quota"
        # A drawing done on paper arrives as a photo, so it is checked as one.
        processing = "photo" if kind.key == "drawing" else kind.key
        with media_slot(media_files.busy_wait()):
            return media_files.keep_answer_file(
                processing, kind.key, source, work, respondent["id"], question_id
            )
    except MediaRefused as refused:
        return refused.reason
    except OSError as error:
        if is_disk_full(error):
            return "disk_full"
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _quota() -> int:
    """Return how many bytes one session may hold, finished and unfinished.

    A campaign's own file limits can raise the configured quota.
    """
    largest = max(int(g.campaign[kind.limit_column]) for kind in KINDS.values())
    return max(int(current_app.config["MEDIA_SESSION_QUOTA"]), 2 * largest)


def _over_quota(respondent: dict, more: int) -> bool:
    _, used = store.media.media_bytes_held(get_db(), respondent["id"])
    return used + more > _quota()


_last_sweep = 0.0


def _sweep_now_and_then() -> None:
    """Drop stalled uploads every so often, so no one has to remember to."""
    global _last_sweep
    now = time.monotonic()
    if now - _last_sweep < SWEEP_EVERY_SECONDS:
        return
    _last_sweep = now
    media_files.sweep_uploads()


# --- the chunked upload protocol (JavaScript) ---


def _api_respondent() -> dict:
    """Return the session sending a file; refuse one the pages would send to an earlier step."""
    respondent, step = _answering_respondent()
    if step == "respondent.journey.who":
        # Before any row or file exists, so a refused person holds nothing and uses no quota.
        reply, status = _json_refusal("who_first", KINDS["photo"])
        reply.status_code = status
        abort(reply)
    if respondent is None:
        refuse(403)
    return respondent


def _own_upload(upload_id: str, respondent: dict) -> dict | None:
    upload = (
        store.media.media_upload(get_db(), upload_id)
        if media_files.UPLOAD_ID.match(upload_id)
        else None
    )
    if upload is None or upload["session_id"] != respondent["id"]:
        return None
    return upload


@bp.post("/uploads")
def create_upload():
    """Start a resumable upload: say its kind, question and size; get its token back."""
    respondent = _api_respondent()
    kind = _kind(request.form.get("kind", ""))
    question_id = _question_id(request.form.get("q"))
    try:
        size = int(request.form.get("size", ""))
    except ValueError:
        return _json_refusal("no_file", kind)
    if size <= 0:
        return _json_refusal("empty", kind)
    if size > _limit(kind):
        return _json_refusal("too_big", kind)
    if _bad_name(request.form.get("name", "")):
        return _json_refusal("bad_name", kind)
    _sweep_now_and_then()
    db = get_db()
    if store.media.media_bytes_held(db, respondent["id"])[0] >= OPEN_UPLOADS:
        # The person's own upload that stopped a while ago makes way for this one.
        cutoff = (datetime.now(UTC) - ABANDONED_AFTER).replace(microsecond=0).isoformat()
        for abandoned in store.media.media_uploads_untouched_since(db, cutoff, respondent["id"]):
            media_files.drop_upload(abandoned)
    upload_id = secrets.token_urlsafe(24)
    if not store.media.create_media_upload(
        db,
        upload_id,
        respondent["id"],
        kind.key,
        question_id,
        size,
        max_open=OPEN_UPLOADS,
        quota=_quota(),
    ):
        too_many = store.media.media_bytes_held(db, respondent["id"])[0] >= OPEN_UPLOADS
        return _json_refusal("too_many" if too_many else "quota", kind)
    # The row comes first, so a sweep running now never takes the new file for a stray.
    part = media_files.part_path(upload_id)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.touch(mode=0o600)
    return jsonify(
        {
            "upload": upload_id,
            "chunk_size": CHUNK_SIZE,
            "received": 0,
            "url": url_for(".upload_status", upload_id=upload_id),
        }
    ), 201


@bp.get("/uploads/<upload_id>")
def upload_status(upload_id: str):
    """Say how many bytes of an upload have arrived, so a dropped upload can carry on."""
    upload = _own_upload(upload_id, _api_respondent())
    if upload is None:
        return _json_refusal("not_yours", KINDS["photo"])
    return jsonify({"received": upload["received"], "size": upload["size"]})


@bp.put("/uploads/<upload_id>")
def upload_chunk(upload_id: str):
    """Take the next chunk of an upload, which must start where the last one ended."""
    respondent = _api_respondent()
    upload = _own_upload(upload_id, respondent)
    if upload is None:
        return _json_refusal("not_yours", KINDS["photo"])
    kind = KINDS[upload["kind"]]
    request.max_content_length = CHUNK_MAX
    _check_csrf(request.headers.get("X-CSRFToken"))
    offset = request.args.get("offset", type=int)
    length = request.content_length
    if offset != upload["received"]:
        return _json_refusal("out_of_order", kind, received=upload["received"])
    if not length or length > CHUNK_MAX or offset + length > upload["size"]:
        return _json_refusal("bad_chunk", kind, received=upload["received"])
    with media_files.claim_part(media_files.part_path(upload_id)) as handle:
        # Checked again under the claim: another chunk may have landed since the first look.
        current = _own_upload(upload_id, respondent)
        if handle is None or current is None or current["received"] != offset:
            received = current["received"] if current else upload["received"]
            return _json_refusal("out_of_order", kind, received=received)
        return _write_chunk(handle, current, kind, offset, length)


def _write_chunk(handle: BinaryIO, upload: dict, kind: Kind, offset: int, length: int):
    """Write one claimed chunk at its offset; on any failure leave the file as it was."""
    written = 0
    try:
        handle.seek(offset)
        while written < length:
            block = request.stream.read(min(READ_BLOCK, length - written))
            if not block:
                raise ClientDisconnected()
            handle.write(block)
            written += len(block)
        handle.flush()
    except OSError as error:
        if not is_disk_full(error):
            handle.truncate(offset)
            return _json_refusal("interrupted", kind, received=offset)
        # No room: the upload cannot finish, so nothing of it is kept.
        media_files.part_path(upload["id"]).unlink(missing_ok=True)
        store.media.delete_media_upload(get_db(), upload["id"])
        return _json_refusal("disk_full", kind)
    except ClientDisconnected:
        # Whatever part of the chunk arrived is dropped: the next try starts at the old offset.
        handle.truncate(offset)
        return _json_refusal("interrupted", kind, received=offset)
    if not store.media.advance_media_upload(get_db(), upload["id"], offset, offset + written):
        handle.truncate(offset)
        return _json_refusal("out_of_order", kind, received=offset)
    return jsonify({"received": offset + written, "size": upload["size"]})


csrf.exempt(add)
csrf.exempt(upload_chunk)


@bp.post("/uploads/<upload_id>/finish")
def finish_upload(upload_id: str):
    """Check and clean a complete upload, and say where the person goes next."""
    respondent = _api_respondent()
    upload = _own_upload(upload_id, respondent)
    if upload is None:
        return _json_refusal("not_yours", KINDS["photo"])
    kind = KINDS[upload["kind"]]
    if upload["received"] != upload["size"]:
        return _json_refusal("out_of_order", kind, received=upload["received"])
    work = None
    try:
        # The slot first: a person told "busy" keeps their upload and can finish it later.
        with media_slot(media_files.busy_wait()):
            work = _take_private(upload_id, respondent)
            if work is None:
                return _json_refusal("out_of_order", kind, received=upload["received"])
            item_id = media_files.keep_answer_file(
                kind.key, kind.key, work / "source", work, respondent["id"], upload["question_id"]
            )
    except MediaRefused as refused:
        return _json_refusal(refused.reason, kind)
    except OSError as error:
        if is_disk_full(error):
            return _json_refusal("disk_full", kind)
        raise
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    place = {"q": upload["question_id"], "change": request.form.get("change") or None}
    return jsonify({"item": item_id, "next": url_for(".item", item_id=item_id, **place)})


def _take_private(upload_id: str, respondent: dict) -> Path | None:
    """Move a complete upload's file into a processing folder of its own; None if not ready.

    Under the claim no chunk is arriving; the upload's row goes first, so no later chunk can
    claim the file, and the file leaves the uploads folder by a rename. From here on, what
    ffprobe checks is exactly what ffmpeg reads.
    """
    part = media_files.part_path(upload_id)
    with media_files.claim_part(part) as handle:
        current = _own_upload(upload_id, respondent)
        if handle is None or current is None or current["received"] != current["size"]:
            return None
        store.media.delete_media_upload(get_db(), upload_id)
        work = media_files.work_dir()
        os.replace(part, work / "source")
        return work


# --- consent and description ---


@bp.route("/item/<int:item_id>", methods=["GET", "POST"])
def item(item_id: int):
    """Ask how a media answer may be used, and what it shows."""
    respondent, away = _page_respondent()
    if away:
        return away
    item_ = _own_item(item_id, respondent)
    kind = KINDS[item_["kind"]]
    if request.method == "POST":
        form = forms.MediaItemForm()
    else:
        form = forms.MediaItemForm(
            formdata=None, consent=item_["consent"], description=item_["description"]
        )
    form.offer(CONSENT_CHOICES)
    if request.method == "POST" and form.validate():
        text = form.description.data
        store.media.set_media_consent(get_db(), item_id, form.consent.data, text)
        forget_changed_words(get_db(), item_["description"], text)
        onward = _return_url(item_["question_id"], bool(request.args.get("change")))
        # A person's words about their picture can hold a disclosure as much as an answer.
        if check_free_text(
            g.campaign["id"],
            text,
            session_id=respondent["id"],
            question_id=item_["question_id"],
        ):
            return redirect(url_for("respondent.worried.next_steps", then=onward))
        return redirect(onward)
    # Words too long to keep come back cut to the most that can be kept.
    form.description.data = (form.description.data or "")[: forms.DESCRIPTION_LIMIT]
    return (
        render_template(
            "media/item.html",
            item=item_,
            kind=kind,
            checked=form.as_checked(),
            choices=CONSENT_CHOICES.values(),
            place=_place_args(),
        ),
        400 if form.errors else 200,
    )


@bp.route("/item/<int:item_id>/remove", methods=["GET", "POST"])
def remove(item_id: int):
    """Ask first, then delete one media answer and its files."""
    respondent, away = _page_respondent()
    if away:
        return away
    item_ = _own_item(item_id, respondent)
    if request.method == "GET":
        # A tap on "delete" only asks: the answer goes when the person says yes.
        return render_template(
            "media/remove.html",
            item=item_,
            kind=KINDS[item_["kind"]],
            place=_place_args(),
        )
    store.media.delete_media_item(get_db(), item_id)
    forget_changed_words(get_db(), item_["description"], None)
    media_files.sweep_blobs(
        [d for d in (item_["sha256"], item_["thumb_sha256"], item_["poster_sha256"]) if d]
    )
    return redirect(_return_url(item_["question_id"], bool(request.args.get("change"))))


@bp.get("/file/<int:item_id>/<variant>")
def item_file(item_id: int, variant: str):
    """Send a media answer's file, only to the person who made it."""
    respondent = _respondent()
    if respondent is None:
        refuse(404)
    return send_item(_own_item(item_id, respondent), variant)


@bp.get("/anything")
def anything():
    """Offer the four ways to tell us anything, not tied to one question."""
    respondent, away = _page_respondent()
    if away:
        return away
    answered = store.respondents.answers_for_session(get_db(), respondent["id"])
    carry_on = next(
        (
            url_for("respondent.journey.question", question_id=q["question_id"])
            for q in g.questions
            if q["question_id"] not in answered
        ),
        url_for("respondent.journey.check"),
    )
    return render_template(
        "media/anything.html",
        items=store.media.media_items_for(get_db(), respondent["id"], None),
        carry_on=carry_on,
    )


def media_for_question(question_id: str | None) -> list[dict]:
    """Return the bound person's media answers to a question, for the question page."""
    respondent = bound_session()
    if respondent is None:
        return []
    return store.media.media_items_for(get_db(), respondent["id"], question_id)


def init_app(app) -> None:
    """Offer the template helpers the question page uses (the wing registers the blueprint)."""
    app.jinja_env.globals["media_for_question"] = media_for_question
    app.jinja_env.globals["media_kinds"] = KINDS
    app.jinja_env.globals["picture_alt"] = pictures.default_alt
