"""Bridge the store and `exports`: suggest redactions, gather records, export and log."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from engage import content, snapshots
from engage.store import reads, writes
from exports import redaction
from exports.content import Progress, Tally
from exports.records import (
    AnswerRecord,
    CampaignInfo,
    ExportInput,
    MediaRecord,
    ParticipantRecord,
    QuoteRecord,
    SignOff,
    Statement,
)
from exports.writers import WRITERS


def suggest_redactions(db: Database, campaign_id: int) -> int:
    """Suggest redactions for every item that has none yet; return how many were done."""
    names = reads.redaction_names(db, campaign_id)
    items = reads.items_needing_suggestions(db, campaign_id)
    for item in items:
        spans = redaction.suggest(item["text"], names)
        writes.record_redaction_suggestions(
            db, item["id"], [(s.start, s.end, s.kind) for s in spans]
        )
    return len(items)


def campaign_info(campaign: dict, db: Database | None = None, owner: str = "") -> CampaignInfo:
    """Describe a campaign for an export, naming its statements and their themes.

    With `db`, the first and last answer dates are read, for the period a campaign without
    dates covers; `owner` is the lead who runs the export.
    """
    framework = content.library().framework(campaign["framework_id"])
    answered = reads.evidence_answer_dates(db, campaign["id"]) if db is not None else ("", "")
    statements = []
    for statement_id in campaign["statement_ids"]:
        statement = framework.statement(statement_id)
        statements.append(
            Statement(
                id=statement.id,
                name=statement.name.get("en", statement.id),
                theme=(statement.theme_name or {}).get("en", ""),
            )
        )
    return CampaignInfo(
        id=campaign["id"],
        code=campaign["code"],
        title=campaign["title"],
        framework=framework.name.get("en", framework.id),
        statements=tuple(statements),
        scale_points=campaign["scale_points"],
        opens_at=campaign["opens_at"],
        closes_at=campaign["closes_at"],
        min_group_size=campaign["min_group_size"],
        min_cell_count=campaign["min_cell_count"],
        is_demo=bool(campaign["is_demo"]),
        exported_at=writes.now(),
        answers_from=answered[0],
        answers_to=answered[1],
        owner=owner,
    )


def answer_records(db: Database, campaign_id: int, held: reads.Held) -> Iterator[AnswerRecord]:
    """Yield every scale answer as the exports count it: people's own, then group tallies.

    A group tally stays the group's own record: one line per question and answer, standing
    for the `count` people who chose it, never spread into made-up individuals.
    """
    for row in reads.evidence_answers(db, campaign_id):
        yield AnswerRecord(
            respondent_key=f"s{row['session_id']}",
            statement_id=row["statement_id"],
            question_id=row["question_id"],
            value=row["value"],
            respondent_group=row["respondent_group"] or "",
            answered_how=row["answered_how"] or "",
            language=row["language"],
            held=held.holds(session_id=row["session_id"]),
        )
    for row in reads.evidence_group_tallies(db, campaign_id):
        for value, count in json.loads(row["counts"]).items():
            if count > 0:
                yield AnswerRecord(
                    respondent_key=f"g{row['group_session_id']}",
                    statement_id=row["statement_id"],
                    question_id=row["question_id"],
                    value=value,
                    respondent_group=row["respondent_group"],
                    answered_how=row["answered_how"],
                    language="",
                    count=count,
                    held=held.holds(group_session_id=row["group_session_id"]),
                )


def _quotes(db: Database, campaign_id: int, held: reads.Held) -> Iterator[QuoteRecord]:
    for row in reads.evidence_quotes(db, campaign_id):
        yield QuoteRecord(
            evidence_ref=row["evidence_ref"],
            statement_ids=tuple(json.loads(row["statement_ids"])),
            item_text=row["item_text"],
            start=row["start_offset"],
            end=row["end_offset"],
            redactions=tuple(tuple(r) for r in json.loads(row["confirmed_redactions"])),
            pending_redactions=row["pending_redactions"],
            suggestions_made=row["suggested_at"] is not None,
            strength=row["strength"],
            respondent_group=row["respondent_group"] or "",
            answered_how=row["answered_how"] or "",
            language=row["language"] or "",
            date=(row["item_date"] or "")[:10],
            english_translation=row["english_translation"],
            consent_quote=bool(row["quote_consent"]),
            included=bool(row["included"]),
            held=bool(row["item_held"]) or held.holds(row["session_id"], row["group_session_id"]),
            withdrawn=row["withdrawn_at"] is not None,
            words_changed=row["words_changed_at"] is not None,
        )


def quote_records(db: Database, campaign_id: int) -> Iterator[QuoteRecord]:
    """Yield the campaign's quotes as the exports see them, to decide what may be shared."""
    return _quotes(db, campaign_id, reads.held_for_safeguarding(db, campaign_id))


def redacted_words(item: dict) -> str:
    """Return a review item's words with every redaction a lead confirmed applied."""
    spans = [redaction.Span(*span) for span in item["confirmed_redactions"]]
    return redaction.apply(item["text"], spans)


def scrubbed_description(item: dict) -> str:
    """Return the review team's description of an item without words a lead redacted.

    A lead writes the description beside the person's words, so a name they redacted there
    could come back in it; it is scrubbed the way a quote's translation is.
    """
    spans = [redaction.Span(*span) for span in item["confirmed_redactions"]]
    return redaction.scrub_translation(item["media_description"], item["text"], spans)


def _media(db: Database, campaign_id: int, held: reads.Held) -> list[MediaRecord]:
    """Return the campaign's media answers with the cleaned file each one would share."""
    from engage.mediaanswers import blob_store

    store = blob_store()
    records = []
    for item in reads.evidence_media(db, campaign_id):
        reference = f"EV-MEDIA-{item['id']:04d}"
        answer = reads.media_item(db, item["item_id"])
        records.append(
            MediaRecord(
                reference=reference,
                kind=answer["kind"] if answer else item["item_kind"],
                description=scrubbed_description(item),
                consent_media=bool(item["media_consent"]),
                statement_ids=(item["statement_id"],) if item["statement_id"] else (),
                date=(item["created_at"] or "")[:10],
                respondent_group=item["respondent_group"] or "",
                answered_how=item["answered_how"] or "",
                file_name=f"{reference}.{answer['ext']}" if answer else "",
                source_path=str(store.path(answer["sha256"])) if answer else None,
                included=bool(item["included"]),
                held=bool(item["held_for_safeguarding"])
                or held.holds(item["session_id"], item["group_session_id"]),
            )
        )
    return records


def _participants(db: Database, campaign_id: int, held: reads.Held) -> Iterator[ParticipantRecord]:
    for row in reads.evidence_participants(db, campaign_id):
        yield ParticipantRecord(
            respondent_key=f"s{row['id']}",
            respondent_group=row["respondent_group"] or "",
            answered_how=row["answered_how"] or "",
            language=row["language"],
            finished=row["finished_at"] is not None,
            held=held.holds(session_id=row["id"]),
        )
    for row in reads.evidence_group_sessions(db, campaign_id):
        yield ParticipantRecord(
            respondent_key=f"g{row['id']}",
            respondent_group=row["respondent_group"],
            answered_how="group",
            language="",
            people=row["people"],
            finished=row["finished_at"] is not None,
            held=held.holds(group_session_id=row["id"]),
            place=row["place"],
            date=row["created_at"][:10],
        )


def export_input(
    db: Database,
    campaign: dict,
    held: reads.Held | None = None,
    *,
    owner: str = "",
    sign_off: SignOff | None = None,
) -> ExportInput:
    """Gather a campaign's records (as `reads.campaign_by_code` gives it) for an export.

    This is the one path from the store to the evidence: the exports, the triangulation
    page and "you said" all read it. People's answers and advocates' group tallies come in
    together, and what safeguarding holds (`held`, read here when not given) is marked on
    every record. `owner` names the lead running the export and `sign_off` their approval.
    Answers and quotes stream from the store as the export reads them.
    """
    if held is None:
        held = reads.held_for_safeguarding(db, campaign["id"])
    return ExportInput(
        campaign=campaign_info(campaign, db, owner),
        answers=answer_records(db, campaign["id"], held),
        quotes=_quotes(db, campaign["id"], held),
        media=_media(db, campaign["id"], held),
        participants=_participants(db, campaign["id"], held),
        sign_off=sign_off,
    )


def export_campaign(
    db: Database,
    campaign: dict,
    export_format: str,
    path: Path,
    *,
    progress: Progress | None = None,
    by: str | None = None,
    owner: str = "",
    sign_off: SignOff | None = None,
    user_id: int | None = None,
) -> Tally:
    """Write a campaign's evidence in one format, from its published snapshot, and log it.

    `by` is who asked, for the log; `owner` is named on every row (`by` if not given). With
    `sign_off`, the export carries the approval and the store records it, audited as
    `user_id`'s.
    """
    writer = WRITERS[export_format]
    live = export_input(db, campaign, owner=owner or by or "", sign_off=sign_off)
    data = snapshots.published_input(db, campaign, live)
    tally = writer(data, path, progress)
    log_id = writes.log_export(
        db, campaign["id"], export_format, path.name, quotes=tally.quotes, media=tally.media, by=by
    )
    if sign_off is not None:
        writes.sign_off_export(
            db,
            log_id,
            approved_by=sign_off.approved_by,
            role=sign_off.role,
            approved_at=sign_off.approved_at,
            user_id=user_id,
        )
    return tally


# Demo data: made-up people, with made-up names and numbers for the redaction to find.
# It builds no export record, so `make mutation` leaves it alone.
# pragma: no mutate block
_DEMO_GROUPS = (
    ("person", 45),
    ("family", 20),
    ("advocate", 8),
    ("staff", 17),
    ("partner", 10),
)
_DEMO_LEANING = {"person": 0.55, "family": 0.45, "advocate": 0.5, "staff": 0.75, "partner": 0.6}
_DEMO_WORDS = {
    "en": (
        "My support worker Dafydd Jones is kind and listens to me.",
        "Mrs Okafor helps me every Tuesday. Call her on 07700 900123.",
        "I did not know who to ring when my care changed on 3rd March.",
        "My name is Priya and I want more say in my plan.",
        "Nobody told me about the move. Write to me at 14 Elm Road, CF10 1AA.",
        "The day centre is good. I see my friends there.",
        "Email me at sam.taylor@example.org if you want to know more.",
        "Staff change too often, so I have to explain things again.",
    ),
    "cy": (
        "Mae fy ngofalwr yn garedig iawn.",
        "Fy enw i yw Cerys ac rydw i'n hoffi'r ganolfan.",
        "Does neb yn gwrando ar fy nheulu.",
    ),
    "pl": ("Opiekunka jest bardzo miła.",),
}


def seed_demo_responses(db: Database, campaign: dict, total: int) -> int:
    """Top the demo campaign up to `total` synthetic respondents; return how many there are.

    The same respondents come out every time (each is drawn from its own seeded generator),
    so running the demo again adds only what is missing.
    """
    existing = db.execute(
        "SELECT COUNT(*) FROM respondent_sessions WHERE campaign_id = ? AND is_synthetic = 1",
        [campaign["id"]],
    ).fetchone()[0]
    questions = reads.campaign_questions(db, campaign["id"])
    values = ("good", "ok", "not_good") if campaign["scale_points"] == 3 else None
    sessions = []
    for index in range(existing, total):
        rng = random.Random(f"engage-demo-{index}")
        group = rng.choices([g for g, _ in _DEMO_GROUPS], [w for _, w in _DEMO_GROUPS])[0]
        how = rng.choice(("own", "own", "helped", "answered_for")) if group == "person" else "own"
        language = rng.choices(("en", "cy", "pl"), (80, 15, 5))[0]
        answers = []
        for question in questions:
            answers.append(
                (
                    question["question_id"],
                    _demo_value(rng, _DEMO_LEANING[group], values),
                    rng.choice(_DEMO_WORDS[language]) if rng.random() < 0.15 else "",
                )
            )
        sessions.append(
            {
                "respondent_group": group,
                "answered_how": how,
                "language": language,
                "consent_quote": rng.random() < 0.75,
                "consent_media": rng.random() < 0.5,
                "answers": answers,
            }
        )
    if sessions:
        writes.add_synthetic_sessions(db, campaign["id"], sessions)
        suggest_redactions(db, campaign["id"])
    return max(existing, total)


def _demo_value(rng: random.Random, leaning: float, values: tuple[str, ...] | None) -> str:
    roll = rng.random()
    if roll < 0.06:
        return "not_sure"
    if roll < 0.08:
        return "prefer_not_to_say"
    scale = values or ("very_good", "good", "ok", "not_good", "very_not_good")
    if rng.random() < leaning:
        return scale[0] if len(scale) == 3 else rng.choice(scale[:2])
    return rng.choice(scale[1:])
