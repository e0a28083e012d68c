"""A campaign's list of names and places to always redact: staff, care homes, wards, services.

The staff page and `engage redact-list` both come here, so each change is checked, audited
and acted on the same way. A change suggests again for every answer that holds the words,
so a name added after answers came in is still offered for redaction.
"""

from __future__ import annotations

from flask_babel import gettext as _

from engage import evidence, store
from engage.store.engine import Database
from exports import people, redaction

ENTRY_LIMIT = 100


class ListError(ValueError):
    """The entry cannot be added or removed; the message says why, in easy read."""


def clean_entry(typed: str) -> str:
    """Return the entry as it will be kept, or raise ListError."""
    entry = " ".join((typed or "").split())
    if not entry:
        raise ListError(_("Write a name or a place."))
    if len(entry) > ENTRY_LIMIT:
        raise ListError(_("Write %(n)s characters or fewer.", n=ENTRY_LIMIT))
    return entry


def entries(db: Database, campaign_id: int) -> list[dict]:
    """Return the list, each entry saying whether it is taken as a place or a person."""
    return [
        {"name": name, "place": people.is_place(name)}
        for name in store.review.redaction_names(db, campaign_id)
    ]


def add(db: Database, campaign_id: int, typed: str, user_id: int | None) -> str:
    """Add a name or place to the list and suggest again where it appears; return it."""
    entry = clean_entry(typed)
    if entry.casefold() in {n.casefold() for n in store.review.redaction_names(db, campaign_id)}:
        raise ListError(_("That is already on the list."))
    with store.transaction(db):
        store.review.add_redaction_name(db, campaign_id, entry)
        store.staff.audit(db, user_id, "redact_list_add", f"campaign:{campaign_id}", entry)
        _suggest_again(db, campaign_id, entry)
    return entry


def remove(db: Database, campaign_id: int, entry: str, user_id: int | None) -> None:
    """Take a name or place off the list and suggest again where it appeared."""
    with store.transaction(db):
        if not store.review.remove_redaction_name(db, campaign_id, entry):
            raise ListError(_("That is not on the list."))
        store.staff.audit(db, user_id, "redact_list_remove", f"campaign:{campaign_id}", entry)
        _suggest_again(db, campaign_id, entry)


def _suggest_again(db: Database, campaign_id: int, entry: str) -> None:
    """Suggest again for the items that hold the entry, or any word of it."""
    words = [people.fold(term) for term, _place in people.listed_terms([entry])]
    names = store.review.redaction_names(db, campaign_id)
    for item in store.review.suggested_item_texts(db, campaign_id):
        folded = people.fold(item["text"])
        if any(word in folded for word in words):
            spans = redaction.suggest(item["text"], names)
            store.review.record_redaction_suggestions(
                db, item["id"], [(s.start, s.end, s.kind) for s in spans]
            )
    # Items not yet suggested will be, with the new list, when the queue is next opened.
    evidence.suggest_redactions(db, campaign_id)
