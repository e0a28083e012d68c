"""Bridge the store and `exports`: suggest redactions, gather records, export and log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from engage import content, snapshots, store
from engage.services import media_files
from engage.store.engine import Database
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
from exports.triangulation import Tables
from exports.writers import WRITERS


def suggest_redactions(db: Database, campaign_id: int) -> int:
    """Suggest redactions for every item that has none yet; return how many were done."""
    names = store.review.redaction_names(db, campaign_id)
    items = store.review.items_needing_suggestions(db, campaign_id)
    for item in items:
        spans = redaction.suggest(item["text"], names)
        store.review.record_redaction_suggestions(
            db, item["id"], [(s.start, s.end, s.kind) for s in spans]
        )
    return len(items)


def campaign_info(campaign: dict, db: Database, owner: str = "") -> CampaignInfo:
    """Describe a campaign for an export, naming its statements and their themes.

    The first and last answer dates are read, for the period a campaign without dates
    covers; `owner` is the lead who runs the export.
    """
    framework = content.library().framework(campaign["framework_id"])
    answered = store.evidence.evidence_answer_dates(db, campaign["id"])
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
        exported_at=store.now(),
        answers_from=answered[0],
        answers_to=answered[1],
        owner=owner,
    )


def answer_records(
    db: Database, campaign_id: int, held: store.safeguarding.Held
) -> Iterator[AnswerRecord]:
    """Yield every scale answer as the exports count it: people's own, then group tallies.

    A group tally stays the group's own record: one line per question and answer, standing
    for the `count` people who chose it, never spread into made-up individuals.
    """
    for row in store.evidence.evidence_answers(db, campaign_id):
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
    for row in store.evidence.evidence_group_tallies(db, campaign_id):
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


def _quotes(db: Database, campaign_id: int, held: store.safeguarding.Held) -> Iterator[QuoteRecord]:
    for row in store.evidence.evidence_quotes(db, campaign_id):
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
            answered_offline=bool(row["answered_offline"]),
        )


def quote_records(db: Database, campaign_id: int) -> Iterator[QuoteRecord]:
    """Yield the campaign's quotes as the exports see them, to decide what may be shared."""
    return _quotes(db, campaign_id, store.safeguarding.held_for_safeguarding(db, campaign_id))


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


def _media(db: Database, campaign_id: int, held: store.safeguarding.Held) -> list[MediaRecord]:
    """Return the campaign's media answers with the cleaned file each one would share."""
    blobs = media_files.blob_store()
    records = []
    for item in store.evidence.evidence_media(db, campaign_id):
        reference = f"EV-MEDIA-{item['id']:04d}"
        answer = store.media.media_item(db, item["item_id"])
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
                source_path=str(blobs.path(answer["sha256"])) if answer else None,
                included=bool(item["included"]),
                held=bool(item["held_for_safeguarding"])
                or held.holds(item["session_id"], item["group_session_id"]),
                answered_offline=bool(item["answered_offline"]),
            )
        )
    return records


def _participants(
    db: Database, campaign_id: int, held: store.safeguarding.Held
) -> Iterator[ParticipantRecord]:
    for row in store.evidence.evidence_participants(db, campaign_id):
        yield ParticipantRecord(
            respondent_key=f"s{row['id']}",
            respondent_group=row["respondent_group"] or "",
            answered_how=row["answered_how"] or "",
            language=row["language"],
            finished=row["finished_at"] is not None,
            held=held.holds(session_id=row["id"]),
            answered_offline=bool(row["answered_offline"]),
        )
    for row in store.evidence.evidence_group_sessions(db, campaign_id):
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
    held: store.safeguarding.Held | None = None,
    *,
    owner: str = "",
    sign_off: SignOff | None = None,
) -> ExportInput:
    """Gather a campaign's records (as `store.campaigns.campaign_by_code` gives it) for an export.

    This is the one path from the store to the evidence: the exports, the triangulation
    page and "you said" all read it. People's answers and advocates' group tallies come in
    together, and what safeguarding holds (`held`, read here when not given) is marked on
    every record. `owner` names the lead running the export and `sign_off` their approval.
    Answers and quotes stream from the store as the export reads them.
    """
    if held is None:
        held = store.safeguarding.held_for_safeguarding(db, campaign["id"])
    return ExportInput(
        campaign=campaign_info(campaign, db, owner),
        answers=answer_records(db, campaign["id"], held),
        quotes=_quotes(db, campaign["id"], held),
        media=_media(db, campaign["id"], held),
        participants=_participants(db, campaign["id"], held),
        sign_off=sign_off,
    )


def published_tables(db: Database, campaign: dict) -> Tables:
    """Return the campaign's published tables: its snapshot, suppressed as every export is."""
    return snapshots.tables(db, campaign, export_input(db, campaign))


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
    log_id = store.evidence.log_export(
        db, campaign["id"], export_format, path.name, quotes=tally.quotes, media=tally.media, by=by
    )
    if sign_off is not None:
        store.evidence.sign_off_export(
            db,
            log_id,
            approved_by=sign_off.approved_by,
            role=sign_off.role,
            approved_at=sign_off.approved_at,
            user_id=user_id,
        )
    return tally


def response_rows(db: Database, campaign_id: int) -> tuple[list[dict], store.safeguarding.Held]:
    """Return every saved answer and group tally line, except what safeguarding holds.

    A person's answer counts 1 person; a group tally line counts the people in the group who
    chose that answer. Written words come with what a lead redacted, and what still waits for
    a lead's decision, replaced by a label; new words get their suggestions first. The holds
    come back too, so the caller can say what was left out.
    """
    suggest_redactions(db, campaign_id)
    held = store.safeguarding.held_for_safeguarding(db, campaign_id)
    rows = [
        {
            "session": row["session_id"],
            "group_session": None,
            "question_id": row["question_id"],
            "statement_id": row["statement_id"],
            "value": row["value"],
            "people": 1,
            "free_text": redaction.apply(
                row["free_text"], [redaction.Span(*span) for span in row["redactions"]]
            ),
            "respondent_group": row["respondent_group"],
            "answered_how": row["answered_how"],
            "answered_offline": bool(row["answered_offline"]),
            "language": row["language"],
            "saved_at": row["updated_at"],
        }
        for row in store.respondents.campaign_responses(db, campaign_id)
        if not held.holds(session_id=row["session_id"])
    ]
    rows += [
        {
            "session": None,
            "group_session": row["group_session_id"],
            "question_id": row["question_id"],
            "statement_id": row["statement_id"],
            "value": value,
            "people": people,
            "free_text": "",
            "respondent_group": row["respondent_group"],
            "answered_how": row["answered_how"],
            "answered_offline": False,
            "language": "",
            "saved_at": row["updated_at"],
        }
        for row in store.evidence.evidence_group_tallies(db, campaign_id)
        if not held.holds(group_session_id=row["group_session_id"])
        for value, people in json.loads(row["counts"]).items()
        if people
    ]
    return rows, held
