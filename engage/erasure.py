"""Erase a respondent: every row, file, clip and index entry that holds what they said."""

from __future__ import annotations

from dataclasses import dataclass

from engage import store
from engage.services import media_files
from engage.store.engine import Database


@dataclass
class Erased:
    """What an erasure removed."""

    session_id: int
    files: int
    clips: int


def erase_respondent(db: Database, session_id: int, by: int | None, reason: str) -> Erased:
    """Remove a respondent session and everything that came from it.

    The rows go in one transaction (answers, media rows and uploads by cascade; review items,
    quotes and full-text entries by the evidence triggers). Files go after the commit, so a
    crash between the two leaves only unreferenced files, which `engage media sweep` clears;
    never rows that point at missing files. A safeguarding flag is kept, unlinked, because a
    disclosure of harm must stay on record for the leads.
    """
    from engage import narration
    from engage.resume_codes import spell_code

    held = store.media.session_personal_files(db, session_id)
    respondent = store.respondents.respondent_session(db, session_id)
    # The code spelt out for its play button is a narrated text too: it goes with the rest.
    spoken = held["words"] | ({spell_code(respondent["resume_code"])} if respondent else set())
    clip_keys = store.narration.narration_keys_for_texts(db, spoken)
    with store.transaction(db):
        store.narration.forget_narration(db, clip_keys)
        store.respondents.erase_session(db, session_id)
        store.staff.audit(db, by, "erase", f"session:{session_id}", reason)
    store.respondents.scrub_erased(db)
    files = media_files.sweep_blobs(sorted(held["digests"]))
    for upload_id in held["uploads"]:
        part = media_files.part_path(upload_id)
        if part.exists():
            part.unlink()
            files += 1
    narration.runtime().forget(clip_keys)
    return Erased(session_id, files, len(clip_keys))


def forget_changed_words(db: Database, before: str | None, after: str | None) -> int:
    """Forget the read-aloud clip of a person's own words once they change or delete them.

    "Check your answers" reads a person's words aloud, which keeps them as a narration text;
    erasure finds them by the words the person holds now, so older words go as they change.
    """
    from engage import narration

    if not before or before == after:
        return 0
    keys = store.narration.narration_keys_for_texts(db, {before})
    if keys:
        store.narration.forget_narration(db, keys)
        narration.runtime().forget(keys)
    return len(keys)
