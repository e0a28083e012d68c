"""Respondents: their sessions (resume codes, consent, who answered how) and answers.

Their tables are made by the `engage.core` migrations in `campaigns`, with the campaigns'.
"""

from __future__ import annotations

import json

from engage.store import Database, fetch_all, fetch_one, now, random_code, transaction
from engage.store.engine import POSTGRESQL, contains, json_array, json_list

# --- Reads ---


def respondent_session(db: Database, session_id: int) -> dict | None:
    """Return a respondent session by id."""
    return _session(fetch_one(db, "SELECT * FROM respondent_sessions WHERE id = ?", [session_id]))


# A typed B, S or Z may be the 8, 5 or 2 of a code, and codes made before those letters left
# the alphabet may hold the letters: both sides are compared with each look-alike read as
# its digit, after an exact match is tried.
def _look_alikes_as_digits(expression: str) -> str:
    return f"REPLACE(REPLACE(REPLACE({expression}, 'B', '8'), 'S', '5'), 'Z', '2')"


def resume_code_key(resume_code: str) -> str:
    """Return a code with its look-alike letters read as digits (B as 8, S as 5, Z as 2)."""
    return resume_code.replace("B", "8").replace("S", "5").replace("Z", "2")


def session_by_resume_code(db: Database, campaign_id: int, resume_code: str) -> dict | None:
    """Return the campaign's session with this resume code (look-alikes allowed), or None."""
    exact = fetch_one(
        db,
        "SELECT * FROM respondent_sessions WHERE campaign_id = ? AND resume_code = ?",
        [campaign_id, resume_code],
    )
    if exact is not None:
        return _session(exact)
    rows = db.execute(
        "SELECT * FROM respondent_sessions WHERE campaign_id = ? "  # noqa: S608
        f"AND {_look_alikes_as_digits('resume_code')} = ? LIMIT 2",
        [campaign_id, resume_code_key(resume_code)],
    ).fetchall()
    # Two old codes that differ only by a look-alike: ask for the code as written instead.
    return _session(dict(rows[0])) if len(rows) == 1 else None


def _session(row: dict | None) -> dict | None:
    if row:
        row["settings"] = json.loads(row["settings"])
    return row


def answers_for_session(db: Database, session_id: int) -> dict[str, dict]:
    """Return a session's answers keyed by question id."""
    rows = db.execute("SELECT * FROM answers WHERE session_id = ?", [session_id]).fetchall()
    return {row["question_id"]: dict(row) for row in rows}


def answer_to(db: Database, session_id: int, question_id: str) -> dict | None:
    """Return a session's answer to one question, with whether it has media answers too.

    A draft, left when the person went elsewhere before saving, wins over the saved answer.
    """
    return fetch_one(
        db,
        "SELECT COALESCE(d.value, a.value) AS value, "
        "CASE WHEN d.session_id IS NULL THEN a.free_text ELSE d.free_text END AS free_text, "
        "CASE WHEN EXISTS (SELECT 1 FROM media_items m "
        "WHERE m.session_id = :session AND m.question_id = :question) THEN 1 ELSE 0 END "
        "AS has_media FROM (SELECT 1) AS one LEFT JOIN answers a "
        "ON a.session_id = :session AND a.question_id = :question "
        "LEFT JOIN answer_drafts d ON d.session_id = :session AND d.question_id = :question",
        {"session": session_id, "question": question_id},
    )


def campaign_responses(db: Database, campaign_id: int) -> list[dict]:
    """Return every saved answer of a campaign with who gave it and how.

    `language` is the language the answer's words were written in. `redactions` lists the
    spans of the words that are redacted or still waiting for a lead's decision, as
    (start, end, kind): everything but what a lead chose to keep.
    """
    spans = json_list(
        db.engine, json_array(db.engine, "r.start_offset", "r.end_offset", "r.kind"), order="r.id"
    )
    rows = db.execute(
        f"""
        SELECT a.question_id, q.statement_id, a.value, a.free_text,
               s.id AS session_id, s.respondent_group, s.answered_how, s.answered_offline,
               COALESCE(a.language, s.language) AS language,
               a.created_at, a.updated_at, s.finished_at,
               (SELECT {spans}
                  FROM review_items ri JOIN redactions r ON r.review_item_id = ri.id
                 WHERE ri.item_kind = 'answer' AND ri.item_id = a.id
                   AND r.status <> 'rejected') AS redactions
        FROM answers a
        JOIN respondent_sessions s ON s.id = a.session_id
        JOIN campaign_questions q ON q.campaign_id = s.campaign_id AND q.question_id = a.question_id
        WHERE s.campaign_id = ?
        ORDER BY s.id, q.position
        """,  # noqa: S608 - constant SQL
        [campaign_id],
    ).fetchall()
    responses = []
    for row in rows:
        response = dict(row)
        response["redactions"] = [tuple(r) for r in json.loads(response["redactions"])]
        responses.append(response)
    return responses


def sessions_by_resume_code(db: Database, resume_code: str) -> list[dict]:
    """Return the sessions with this resume code, with their campaign's code and title."""
    return fetch_all(
        db,
        "SELECT s.id, s.started_at, s.finished_at, c.code AS campaign_code, "
        "c.title AS campaign_title FROM respondent_sessions s "
        "JOIN campaigns c ON c.id = s.campaign_id "  # noqa: S608
        f"WHERE s.resume_code = ? OR {_look_alikes_as_digits('s.resume_code')} = ?",
        [resume_code, resume_code_key(resume_code)],
    )


def sessions_matching(db: Database, phrase: str, day: str, answered_how: str = "") -> list[int]:
    """Return the sessions with typed words holding `phrase`, started or finished on `day`.

    For a lead finding one person's answers from what the person remembers: the caller shows
    only the count unless exactly one matches, so no one else's words are seen.
    """
    rows = db.execute(
        "SELECT DISTINCT s.id FROM respondent_sessions s JOIN answers a ON a.session_id = s.id "
        f"WHERE {contains(db.engine, 'lower(a.free_text)', 'lower(:phrase)')} "  # noqa: S608
        "AND (substr(s.started_at, 1, 10) = :day OR substr(s.finished_at, 1, 10) = :day) "
        "AND (:how = '' OR s.answered_how = :how) ORDER BY s.id",
        {"phrase": phrase, "day": day, "how": answered_how},
    ).fetchall()
    return [row[0] for row in rows]


def synthetic_session_count(db: Database, campaign_id: int) -> int:
    """Return how many made-up respondents the campaign holds (the demo's)."""
    return db.execute(
        "SELECT COUNT(*) FROM respondent_sessions WHERE campaign_id = ? AND is_synthetic = 1",
        [campaign_id],
    ).fetchone()[0]


def session_for_erasure(db: Database, session_id: int) -> dict | None:
    """Return a session with its campaign's title, for the lead's erase page."""
    return fetch_one(
        db,
        "SELECT s.id, s.started_at, s.finished_at, s.answered_how, c.code AS campaign_code, "
        "c.title AS campaign_title FROM respondent_sessions s "
        "JOIN campaigns c ON c.id = s.campaign_id WHERE s.id = ?",
        [session_id],
    )


# --- Writes ---


# No I, L, O, 0 or 1, and since B, S and Z look like 8, 5 and 2, new codes use only the
# digits; codes made before that still work (see reads.session_by_resume_code).
RESUME_ALPHABET = "ACDEFGHJKMNPQRTUVWXY23456789"


def start_session(
    db: Database,
    campaign_id: int,
    consent: dict[str, bool],
    language: str,
    *,
    supporter_id: int | None = None,
    answered_how: str | None = None,
    help_detail: str | None = None,
) -> dict:
    """Start a respondent session once the person has agreed to take part.

    An assisted session also records the supporter and how they are helping.
    """
    stamp = now()
    with transaction(db):
        session_id = db.insert(
            "respondent_sessions",
            {
                "campaign_id": campaign_id,
                "resume_code": _unused_resume_code(db),
                "language": language,
                "consent_take_part": int(consent["take_part"]),
                "consent_quote": int(consent["quote"]),
                "consent_media": int(consent["media"]),
                "started_at": stamp,
                "updated_at": stamp,
                "supporter_id": supporter_id,
                "answered_how": answered_how,
                "help_detail": help_detail,
            },
        )
        # Read back inside the same transaction: a restore between commit and read would
        # otherwise leave the person's first page without its own new session.
        return db.get("respondent_sessions", session_id)


def _unused_resume_code(db: Database) -> str:
    while True:
        code = random_code(RESUME_ALPHABET, 8)
        if not db.execute(
            "SELECT 1 FROM respondent_sessions WHERE resume_code = ?", [code]
        ).fetchone():
            return code


def update_consent(db: Database, session_id: int, consent: dict[str, bool]) -> None:
    """Record a person's changed consent choices."""
    db.execute(
        "UPDATE respondent_sessions SET consent_quote = ?, consent_media = ?, updated_at = ? "
        "WHERE id = ?",
        [int(consent["quote"]), int(consent["media"]), now(), session_id],
    )


def set_who(db: Database, session_id: int, respondent_group: str, answered_how: str) -> None:
    """Record who is answering and how; answers already given carry the corrected way."""
    with transaction(db):
        db.execute(
            "UPDATE respondent_sessions SET respondent_group = ?, answered_how = ?, "
            "updated_at = ? WHERE id = ?",
            [respondent_group, answered_how, now(), session_id],
        )
        db.execute(
            "UPDATE answers SET answered_how = ? WHERE session_id = ?", [answered_how, session_id]
        )


def save_answer(
    db: Database,
    session_id: int,
    question_id: str,
    value: str,
    free_text: str,
    *,
    answered_how: str | None = None,
    supporter_id: int | None = None,
) -> None:
    """Save one answer, replacing an earlier answer to the same question.

    The answer carries how it was given and by which supporter; both default to the session's.
    Its words carry the language the person is using as they write them; words left as they
    were keep the language they were written in.
    """
    stamp = now()
    with transaction(db):
        held = db.execute(
            "SELECT answered_how, supporter_id, language FROM respondent_sessions WHERE id = ?",
            [session_id],
        ).fetchone()
        language = None
        if held is not None:
            answered_how = answered_how or held["answered_how"]
            supporter_id = supporter_id or held["supporter_id"]
            language = held["language"]
        db.execute(
            "INSERT INTO answers (session_id, question_id, value, free_text, created_at, "
            "updated_at, answered_how, supporter_id, language) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (session_id, question_id) DO UPDATE SET value = excluded.value, "
            "free_text = excluded.free_text, updated_at = excluded.updated_at, "
            "answered_how = excluded.answered_how, supporter_id = excluded.supporter_id, "
            "language = CASE WHEN answers.free_text IS NOT DISTINCT FROM excluded.free_text "
            "THEN answers.language ELSE excluded.language END",
            [
                session_id,
                question_id,
                value,
                free_text,
                stamp,
                stamp,
                answered_how,
                supporter_id,
                language,
            ],
        )
        db.execute(
            "DELETE FROM answer_drafts WHERE session_id = ? AND question_id = ?",
            [session_id, question_id],
        )
        db.execute(
            "UPDATE respondent_sessions SET updated_at = ? WHERE id = ?", [stamp, session_id]
        )


def keep_draft(
    db: Database, session_id: int, question_id: str, value: str | None, free_text: str
) -> None:
    """Keep what a person chose or typed on a question they left before saving it."""
    db.execute(
        "INSERT INTO answer_drafts (session_id, question_id, value, free_text, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, question_id) DO UPDATE SET "
        "value = excluded.value, free_text = excluded.free_text, updated_at = excluded.updated_at",
        [session_id, question_id, value, free_text, now()],
    )


def finish_session(db: Database, session_id: int) -> None:
    """Mark a session as sent; words never saved as an answer are not kept past it."""
    stamp = now()
    with transaction(db):
        db.execute(
            "UPDATE respondent_sessions SET finished_at = COALESCE(finished_at, ?), "
            "updated_at = ? WHERE id = ?",
            [stamp, stamp, session_id],
        )
        db.execute("DELETE FROM answer_drafts WHERE session_id = ?", [session_id])


def erase_session(db: Database, session_id: int) -> None:
    """Remove a respondent session and everything it holds."""
    with transaction(db):
        db.execute("DELETE FROM answers WHERE session_id = ?", [session_id])
        db.execute("DELETE FROM respondent_sessions WHERE id = ?", [session_id])


def scrub_erased(db: Database) -> None:
    """Leave no copy of erased words in the search index's old segments or the WAL.

    A full-text delete only marks entries deleted until the index is merged, and the WAL keeps
    the pages a transaction wrote until a checkpoint; with secure_delete on, the merge and the
    checkpoint overwrite what they free. Rare and costly, so only after an erasure.
    """
    if db.engine == POSTGRESQL:
        if db.in_transaction:
            return
        # PostgreSQL keeps a deleted row's bytes until VACUUM frees its space for reuse (it
        # does not overwrite them): free it now rather than at the next automatic vacuum.
        for table in ("answers", "answer_drafts", "review_items", "media_items", "group_notes"):
            db.execute(f"VACUUM {table}")
        return
    db.execute("INSERT INTO review_items_fts (review_items_fts) VALUES ('optimize')")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def add_synthetic_sessions(db: Database, campaign_id: int, sessions: list[dict]) -> None:
    """Store made-up respondents for a demo campaign, each marked as synthetic.

    Each session is a dict with respondent_group, answered_how, language, consent_quote,
    consent_media and answers: a list of (question_id, value, free_text).
    """
    stamp = now()
    with transaction(db):
        for session in sessions:
            session_id = db.insert(
                "respondent_sessions",
                {
                    "campaign_id": campaign_id,
                    "resume_code": _unused_resume_code(db),
                    "respondent_group": session["respondent_group"],
                    "answered_how": session["answered_how"],
                    "language": session["language"],
                    "consent_take_part": 1,
                    "consent_quote": int(session["consent_quote"]),
                    "consent_media": int(session["consent_media"]),
                    "is_synthetic": 1,
                    "started_at": stamp,
                    "updated_at": stamp,
                    "finished_at": stamp,
                },
            )
            db.executemany(
                "INSERT INTO answers (session_id, question_id, value, free_text, created_at, "
                "updated_at, language) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (session_id, q, v, t, stamp, stamp, session["language"])
                    for q, v, t in session["answers"]
                ],
            )


def set_session_settings(db: Database, session_id: int, settings: dict) -> None:
    """Store a respondent's personal settings (pictures, narration, text size and so on)."""
    db.execute(
        "UPDATE respondent_sessions SET settings = ?, updated_at = ? WHERE id = ?",
        [json.dumps(settings, sort_keys=True), now(), session_id],
    )


def set_session_language(db: Database, session_id: int, language: str) -> None:
    """Record the language a respondent chose, so it comes back with the resume code."""
    db.execute(
        "UPDATE respondent_sessions SET language = ?, updated_at = ? WHERE id = ?",
        [language, now(), session_id],
    )
