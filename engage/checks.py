"""What a hand-written form check returns, and the check of a choice that refuses tampering.

A value outside the offered choices can only come from a tampered form, so it is refused
outright with 400; a missing choice is an ordinary mistake and gets a message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from engage.errors import refuse


@dataclass
class Checked:
    """The values a form gave, and the messages for fields that need fixing."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def choice(
    form: Mapping[str, str], name: str, allowed: Iterable[str], missing_message: str
) -> tuple[str | None, str | None]:
    """Return (value, error) for a radio group, refusing values that were never offered."""
    raw = form.getlist(name) if hasattr(form, "getlist") else [form.get(name)]
    raw = [value for value in raw if value is not None]
    if len(raw) > 1:
        refuse(400)
    if not raw or raw[0] == "":
        return None, missing_message
    if raw[0] not in set(allowed):
        refuse(400)
    return raw[0], None
