"""Publish a campaign's figures from frozen snapshots, so two exports never differ by one person.

Every export, the leads' triangulation page and the "you said" page read a campaign's answers
and who took part from its latest snapshot. A new snapshot is taken:
- the first time anything is published about the campaign;
- at most once a UTC day while it is open, and only when at least `min_cell_count` people
  (or group sessions) are new or have changed their answers since the last one;
- when it is closed (by a lead, or past its closing date): one snapshot holding everyone,
  taken again only if the records change after that.
What changes at once, whatever the snapshot: a safeguarding hold (held people are left out
of every figure from the moment they are held) and erasure (which deletes the campaign's
snapshots, so the next one is taken fresh). Quotes and media are chosen by leads, one by one,
and are read live. Advocates' group sessions are held in a snapshot like people: their tally
lines with the answers, and each session (its people, place and date) with who took part.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections import defaultdict
from datetime import UTC, datetime

from engage import store
from engage.store.engine import Database
from exports.content import published_tables
from exports.records import AnswerRecord, ExportInput, ParticipantRecord
from exports.triangulation import Tables


def is_closed(campaign: dict) -> bool:
    """Say whether a campaign has closed: by a lead, or because its closing date has passed."""
    if campaign["status"] == "closed":
        return True
    today = datetime.now(UTC).date().isoformat()
    return bool(campaign["closes_at"]) and today > campaign["closes_at"][:10]


def _pack(records: list) -> bytes:
    return zlib.compress(
        json.dumps([dataclasses.asdict(r) for r in records], separators=(",", ":")).encode()
    )


def _unpack(blob: bytes, kind: type) -> list:
    return [kind(**fields) for fields in json.loads(zlib.decompress(blob))]


def _digests(answers: list[AnswerRecord], participants: list[ParticipantRecord]) -> dict:
    """Return a digest per respondent of everything they gave, holds left aside."""
    per: dict[str, list] = defaultdict(list)
    for a in answers:
        per[a.respondent_key].append(
            (a.statement_id, a.question_id, a.value, a.respondent_group, a.answered_how, a.count)
        )
    for p in participants:
        per[p.respondent_key].append(
            ("", p.respondent_group, p.answered_how, p.language, p.people, p.place, p.date)
        )
    return {key: hash(tuple(sorted(items))) for key, items in per.items()}


def changed_people(before: dict, after: dict) -> int:
    """Count respondents new, changed or gone between two sets of digests."""
    return sum(before.get(key) != after.get(key) for key in before.keys() | after.keys())


def current(db: Database, campaign: dict, live: ExportInput) -> dict:
    """Return the snapshot to publish from, taking a new one where the rules above allow.

    The live answers are read only when a new snapshot may be due.
    """
    participants = list(live.participants)
    snapshot = store.evidence.latest_snapshot(db, campaign["id"])
    closed = is_closed(campaign)
    today = datetime.now(UTC).date().isoformat()
    take = snapshot is None
    frozen_participants = (
        _unpack(snapshot["participants"], ParticipantRecord) if snapshot is not None else []
    )
    if snapshot is not None and closed and snapshot["at_close"]:
        # Nobody answers a closed campaign: a change in who took part means it was reopened.
        take = changed_people(_digests([], frozen_participants), _digests([], participants)) > 0
    elif snapshot is not None and closed:
        take = True  # the campaign has closed since the last snapshot
    elif snapshot is not None and snapshot["taken_on"] < today:
        answers = list(live.answers)
        changed = changed_people(
            _digests(_unpack(snapshot["answers"], AnswerRecord), frozen_participants),
            _digests(answers, participants),
        )
        take = changed >= campaign["min_cell_count"]
        live = dataclasses.replace(live, answers=answers)
    if take:
        answers = list(live.answers)
        snapshot = store.evidence.take_snapshot(
            db,
            campaign["id"],
            at_close=closed,
            people=len({p.respondent_key for p in participants}),
            answers=_pack(answers),
            participants=_pack(participants),
        )
    return snapshot


def published_input(db: Database, campaign: dict, live: ExportInput) -> ExportInput:
    """Return `live` with its answers and participants taken from the current snapshot.

    Holds and erasures made since the snapshot apply: a person held now is marked held, and
    a person no longer in the live records is left out.
    """
    participants = list(live.participants)
    snapshot = current(db, campaign, dataclasses.replace(live, participants=participants))
    return _from_snapshot(snapshot, participants, live)


def _from_snapshot(snapshot: dict, live_participants: list, live: ExportInput) -> ExportInput:
    held_now = {p.respondent_key: p.held for p in live_participants}
    frozen = _unpack(snapshot["participants"], ParticipantRecord)
    known = {p.respondent_key for p in frozen}
    participants = [
        dataclasses.replace(p, held=held_now[p.respondent_key])
        for p in frozen
        if p.respondent_key in held_now
    ]
    answers = [
        dataclasses.replace(a, held=held_now.get(a.respondent_key, a.held))
        for a in _unpack(snapshot["answers"], AnswerRecord)
        if a.respondent_key in held_now or a.respondent_key not in known
    ]
    campaign = dataclasses.replace(live.campaign, figures_from=snapshot["taken_at"])
    return dataclasses.replace(live, campaign=campaign, answers=answers, participants=participants)


_tables: dict[tuple, Tables] = {}


def tables(db: Database, campaign: dict, live: ExportInput) -> Tables:
    """Return the published tables for the evidence pages, kept per snapshot and holds.

    Pages are viewed far more often than snapshots change, and the public "you said" page
    must not redo the suppression audit for every visitor.
    """
    participants = list(live.participants)
    snapshot = current(db, campaign, dataclasses.replace(live, participants=participants))
    key = (
        campaign["id"],
        zlib.crc32(snapshot["answers"]),
        zlib.crc32(snapshot["participants"]),
        hash(frozenset((p.respondent_key, p.held) for p in participants)),
        dataclasses.replace(live.campaign, exported_at=""),
    )
    if key not in _tables:
        if len(_tables) >= 32:
            _tables.clear()
        _tables[key] = published_tables(_from_snapshot(snapshot, participants, live))
    return _tables[key]


def taken_at(db: Database, campaign_id: int) -> str | None:
    """Return when the snapshot now published was taken, or None before the first."""
    snapshot = store.evidence.latest_snapshot(db, campaign_id)
    return snapshot["taken_at"] if snapshot else None
