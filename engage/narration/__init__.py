"""Narration in the app: clip keys for templates, serving clips, rendering missing ones once.

A template asks `clip_for(text)` for a key. The key names the text, voice, rate and engine, so
the page never waits for audio; the text behind each key is recorded once (at campaign creation,
by `engage narrate`, or the first time a page shows it) so the clip route can render a missing
clip on demand. Rendering holds only the request that wants that clip.
"""

from __future__ import annotations

import atexit
import logging
import queue
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from flask import Blueprint, Flask, current_app, g, has_app_context, request, send_file
from markupsafe import Markup, escape

from engage import settings, store
from engage.errors import refuse
from engage.i18n import direction, translate
from engage.store import get_db
from media import narration

bp = Blueprint("narration", __name__, url_prefix="/audio")

LOG = logging.getLogger(__name__)
# Texts whose keys a process remembers; respondents' own words make the set open-ended.
KEY_CACHE_SIZE = 20_000
# A claim on a clip outlasts the longest render (every try timing out, with the pauses), so
# it runs out only when its server has died; then another server takes the clip over.
CLAIM_LEASE = 300
# How long a request waits for a clip another server is making before saying "not ready yet".
CLAIM_WAIT = 30.0
CLAIM_POLL = 0.1


class Narration:
    """The app's clip store and the registry of texts it can render."""

    def __init__(self, folder: Path, prerender: bool, claim=None):
        self.store = narration.ClipStore(folder, claim=claim)
        self.prerender = prerender
        self._known: set[str] | None = None
        # (text, language, speed) -> key of a text already registered: a page shows a dozen
        # texts, and hashing and registering each one on every request was a large share of it.
        self._keys: dict[tuple[str, str, str], str] = {}
        self._lock = threading.Lock()
        self._queued: queue.SimpleQueue[dict | None] = queue.SimpleQueue()
        self._renderer: threading.Thread | None = None
        self.collecting: set[tuple[str, str]] | None = None

    def clips(self, text: str, language: str) -> list[dict]:
        """Return the clip of a text at every speed, as rows for the registry."""
        text = narration.normalise_text(text)
        rows = []
        for speed in narration.RATES:
            voice = narration.voice_for(language, speed)
            rows.append(
                {
                    "clip_key": narration.clip_key(text, voice),
                    "text": text,
                    "language": voice.language,
                    "speed": speed,
                }
            )
        return rows

    def register(self, db, texts: list[tuple[str, str]]) -> list[dict]:
        """Record texts not seen before (every speed); return the rows that were new."""
        rows = [
            row for text, language in texts if text.strip() for row in self.clips(text, language)
        ]
        with self._lock:
            if self._known is None:
                self._known = store.narration.narration_clip_keys(db)
            new = [row for row in rows if row["clip_key"] not in self._known]
        if new:
            store.narration.record_narration_texts(db, new)
            with self._lock:
                self._known.update(row["clip_key"] for row in new)
        return new

    def key_for(self, text: str, language: str, speed: str) -> str:
        """Return a text's clip key, registering the text the first time any page shows it."""
        if self.collecting is not None:
            self.collecting.add((narration.normalise_text(text), language))
        key = self._keys.get((text, language, speed))
        if key is not None:
            return key
        new = self.register(get_db(), [(text, language)])
        if new and self.prerender:
            self._render_later(new)
        key = narration.clip_key(text, narration.voice_for(language, speed))
        if len(self._keys) >= KEY_CACHE_SIZE:
            self._keys.clear()
        self._keys[(text, language, speed)] = key
        return key

    def forget(self, keys: list[str]) -> None:
        """Drop erased texts from what this process knows, so they are registered afresh."""
        with self._lock:
            if self._known is not None:
                self._known.difference_update(keys)
            self._keys.clear()
        for key in keys:
            self.store.forget(key)

    def reload(self) -> None:
        """Forget every text and key this process knows; the database is read afresh."""
        with self._lock:
            self._known = None
            self._keys.clear()

    def _render_later(self, rows: list[dict]) -> None:
        """Queue new clips to render in the background, so they are ready when played.

        One daemon thread makes them in turn. A process that is stopping drops what is still
        queued (the clip route makes any clip on demand): a worker told to stop while a new
        campaign's clips were being made first waited for all of them, past its server's
        grace period, and was killed.
        """
        with self._lock:
            if self._renderer is None or not self._renderer.is_alive():
                # After a fork the thread is gone from the child: start one there.
                if self._renderer is None:
                    atexit.register(self.stop_rendering)
                self._renderer = threading.Thread(
                    target=self._render_queued, name="narrate", daemon=True
                )
                self._renderer.start()
        for row in rows:
            self._queued.put(row)

    def _render_queued(self) -> None:
        while (row := self._queued.get()) is not None:
            self._render_quietly(row)

    def stop_rendering(self, timeout: float = 3) -> None:
        """Drop the clips still queued and wait up to `timeout` seconds for the one being made.

        Waiting lets that clip's files be published or cleared up; a render that takes longer
        is left to the daemon thread, which does not hold the process.
        """
        while True:
            try:
                self._queued.get_nowait()
            except queue.Empty:
                break
        renderer = self._renderer
        if renderer is not None and renderer.is_alive():
            self._queued.put(None)
            renderer.join(timeout)

    def _render_quietly(self, row: dict) -> None:
        """Render one clip in the background; a failure is logged and stops no other clip.

        `ensure` has already tried again with pauses; a clip still missing is made when someone
        plays it (the clip route tries afresh, under the same lock).
        """
        try:
            self.render(row)
        except narration.ClipBusy:
            # Another server is making it.
            return
        except (narration.NarrationError, OSError) as error:
            LOG.warning(
                "Narration failed in the background for %r (%s, %s): %s",
                row["text"],
                row["language"],
                row["speed"],
                error,
            )

    def render(self, row: dict) -> bool:
        """Render one registered clip if it is missing; return whether it was rendered now."""
        voice = narration.voice_for(row["language"], row["speed"])
        return self.store.ensure(row["text"], voice)[1]


def runtime() -> Narration:
    """Return the app's narration runtime."""
    return current_app.extensions["narration"]


def clip_for(text: str, language: str | None = None) -> str:
    """Return the clip key for a text in a language (the page's unless given) at the person's speed.

    A campaign's recorded voice for the text, when there is one, wins over generated speech.
    """
    language = language or g.get("language", "en")
    campaign = g.get("campaign")
    if campaign is not None:
        if "recordings" not in g:
            g.recordings = store.narration.recordings_for_campaign(get_db(), campaign["id"])
        base = narration.voice_for(language).language
        recorded = g.recordings.get((narration.text_key(text, language), base))
        if recorded:
            return recorded
    return runtime().key_for(text, language, settings.current()["speed"])


def clip_url(key: str, fmt: str) -> str:
    """Return a clip's URL, built as a plain string (url_for twice per text was slow)."""
    return f"{bp.url_prefix}/{key}.{fmt}"


def wanted() -> bool:
    """Say whether this page reads aloud: the person's setting, and never on a staff page.

    Staff pages carry no narration script, so a control there would be a bare browser player;
    a staff page that shows something to listen to on purpose (a question preview, an error
    page) sets `g.narration_page`.
    """
    if settings.current()["narration"] != "on":
        return False
    return g.get("narration_page", False) or not request.path.startswith("/staff")


def say(text: str, class_: str = "", language: str | None = None, label: str | None = None):
    """Return the read-aloud controls for a text: a play button for scripts, an audio player.

    Without JavaScript the browser's own player shows; with it, the big play/stop button that
    drives the same <audio> element. Nothing downloads until played (preload="none"); Ogg first,
    MP3 for Safari. `language` narrates a text in another language than the page's (a
    language's own name, or an English fallback); `label` is then the control's name in that
    language. Built in Python rather than as a macro: a page shows a dozen of these.
    """
    if not text or not wanted():
        return Markup("")
    text = str(text)
    key = clip_for(text, language)
    # Every variable part is escaped here (the key and URL are hex); joined with an f-string
    # because Markup.format and Markup % cost more than the rest of the control together.
    name = escape(label or translate("Listen: %(text)s", text=text))
    lang_attrs = f' lang="{escape(language)}" dir="{direction(language)}"' if language else ""
    extra = f" {escape(class_)}" if class_ else ""
    return Markup(  # noqa: S704
        f'<button class="say__button{extra}" type="button" aria-pressed="false" '
        f'aria-label="{name}"{lang_attrs} hidden><span class="say__icon" aria-hidden="true">'
        f"</span></button>\n"
        f'<audio class="say__audio" controls preload="none" aria-label="{name}"{lang_attrs}>'
        f'<source src="{clip_url(key, "ogg")}" type="audio/ogg; codecs=opus">'
        f'<source src="{clip_url(key, "mp3")}" type="audio/mpeg"></audio>'
    )


@bp.get("/<key>.<fmt>")
def clip(key: str, fmt: str):
    """Send a clip, rendering it first if it is registered but not made yet."""
    clips = runtime().store
    try:
        path = clips.path(key, fmt)
    except ValueError:
        refuse(404)
    if not path.is_file():
        row = store.narration.narration_text(get_db(), key)
        if row is None:
            refuse(404)
        try:
            runtime().render(row)
        except narration.ClipBusy:
            # Another server has been making it for a while: the browser may ask again.
            refuse(503)
        except narration.NarrationError:
            current_app.logger.exception("Narration failed for clip %s", key)
            refuse(500)
    response = send_file(path, mimetype=narration.FORMATS[fmt], conditional=True, max_age=31536000)
    # The key changes whenever the words or voice change, so a clip never goes stale.
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def database_claim(app: Flask):
    """Return the claim a clip is made under: a row in the app's database, shared by servers.

    Whoever inserts the clip's row makes it; anyone else waits (polling) until the row is
    gone, finds the clip made, and sends it. Servers that share the clip folder over a network
    so never render the same clip twice nor replace each other's files, with no reliance on
    the network file system's locks.
    """

    @contextmanager
    def claimed(key: str) -> Iterator[None]:
        name = f"clip:{key}"
        holder = secrets.token_hex(16)
        # The background renderer and `engage narrate`'s threads have no app context.
        with nullcontext() if has_app_context() else app.app_context():
            db = get_db()
            give_up = time.monotonic() + CLAIM_WAIT
            while not store.narration.claim_work(db, name, holder, CLAIM_LEASE):
                if time.monotonic() > give_up:
                    raise narration.ClipBusy(
                        "Another server is still making this clip.", retry=False
                    )
                time.sleep(CLAIM_POLL)
            try:
                yield
            finally:
                store.narration.release_work(db, name, holder)

    return claimed


def init_app(app: Flask) -> None:
    """Set up the clip store in the narration folder and the template helpers."""
    folder = Path(app.config["NARRATION_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    prerender = app.config["NARRATION_PRERENDER"]
    app.extensions["narration"] = Narration(
        folder, not app.testing if prerender is None else prerender, claim=database_claim(app)
    )
    app.jinja_env.globals["clip_for"] = clip_for
    app.jinja_env.globals["say_controls"] = say
    app.jinja_env.globals["narration_on"] = wanted
    app.register_blueprint(bp)
