"""Text that people type, cleaned the same way wherever a form is read.

Control and invisible formatting characters are dropped: a right-to-left override, for one, can
make a stored quote or name display as different words from the ones a lead reviewed.
"""

from __future__ import annotations


def clean(value: str | None, one_line: bool = False) -> str:
    """Return typed text with plain line ends, trimmed, keeping only printable characters.

    With `one_line`, runs of white space (line breaks included) become single spaces.
    """
    text = (value or "").replace("\r\n", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    if one_line:
        return " ".join(text.split())
    return text.strip()
