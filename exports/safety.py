"""Keep spreadsheet cells from being read as formulas."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return a cell value that no spreadsheet will run as a formula.

    Text starting with = + - @, a tab or a carriage return gets a leading apostrophe, as
    OWASP advises for CSV injection; numbers and None pass through unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
