"""What a form check returns to the templates: the values given and the messages to show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Checked:
    """The values a form gave, and the messages for fields that need fixing."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
