"""Recorded voices: a person's own recording used for one text instead of generated speech.

`engage narration record` and the leads' voices page both come here, so both are audited
the same way (the shell as no one, a lead by their account).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from engage import store
from engage.narration import runtime
from engage.narration import texts as narration_texts
from engage.store.engine import Database
from media import narration


class UnknownText(ValueError):
    """No text of the campaign, in that language, has the key."""


def base_language(language: str) -> str:
    """Return the language a recording is kept under (the voice's own, e.g. "en")."""
    return narration.voice_for(language).language


def campaign_texts(db: Database, campaign: dict, language: str) -> list[str]:
    """Return the campaign's question wording and every registered text in a language."""
    questions = store.campaigns.campaign_questions(db, campaign["id"])
    ordered = [
        text
        for text, lang in narration_texts.campaign_texts(campaign, questions)
        if lang == language
    ]
    for row in store.narration.narration_texts(db):
        if row["language"] == base_language(language) and row["speed"] == narration.DEFAULT_SPEED:
            ordered.append(row["text"])
    return list(dict.fromkeys(ordered))


def text_keys(db: Database, campaign: dict, language: str) -> set[str]:
    """Return the keys a recording can be attached by, for the campaign's texts in a language."""
    return {narration.text_key(text, language) for text in campaign_texts(db, campaign, language)}


def record(
    db: Database, campaign: dict, key: str, language: str, recording: Path, by: int | None
) -> str:
    """Use a recording (WAV, MP3, M4A or OGG) for one text, audited; return its clip key.

    Raise UnknownText for a key the campaign has no text for, and
    narration.RecordingRejected for a file that is not a usable recording.
    """
    if key not in text_keys(db, campaign, language):
        raise UnknownText(key)
    digest = hashlib.sha256()
    with recording.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    digest.update(f"\n{campaign['id']}\n{key}\n{language}".encode())
    clip_key = digest.hexdigest()[:32]
    runtime().store.add_recording(recording, clip_key)
    with store.transaction(db):
        replaced = store.narration.set_recording(
            db, campaign["id"], key, base_language(language), clip_key
        )
        store.staff.audit(db, by, "record_voice", campaign["code"], key)
    _forget_clip(db, replaced, keep=clip_key)
    return clip_key


def remove(db: Database, campaign: dict, key: str, language: str, by: int | None) -> bool:
    """Go back to generated speech for one text, audited; return False if it had no recording."""
    with store.transaction(db):
        removed = store.narration.remove_recording(db, campaign["id"], key, base_language(language))
        if removed is not None:
            store.staff.audit(db, by, "record_voice", campaign["code"], f"{key} removed")
    _forget_clip(db, removed)
    return removed is not None


def _forget_clip(db: Database, clip_key: str | None, keep: str | None = None) -> None:
    """Delete a recorded clip's files once no campaign uses them."""
    if clip_key and clip_key != keep and not store.narration.recorded_clip_in_use(db, clip_key):
        runtime().store.remove(clip_key)
