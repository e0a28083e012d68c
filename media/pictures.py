"""Find pictures in the built picture library by id, size and format."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

SIZES = (96, 192)
FORMATS = ("webp", "png")

MANIFEST_PATH = Path(__file__).parent / "pictograms.yaml"

PICTURE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# OpenMoji file names: code points in upper-case hex joined by "-", e.g. 1F9D1-200D-1F4BC.
HEXCODE = re.compile(r"^[0-9A-F]{2,6}(?:-[0-9A-F]{2,6})*$")


def library_dir() -> Path:
    """Return the folder that holds the built pictures, one sub-folder per size."""
    return Path(__file__).parent / "library"


def parse_manifest(text: str) -> dict[str, dict]:
    """Parse and check manifest YAML; raise ValueError naming the first bad entry."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError("The picture manifest must map picture ids to entries.")
    entries = {}
    for picture_id, entry in data.items():
        if not isinstance(picture_id, str) or not PICTURE_ID.match(picture_id):
            raise ValueError(
                f"Picture id {picture_id!r} must be lower-case letters, numbers and '-'"
                " (quote yes, no, on and off)."
            )
        if not isinstance(entry, dict):
            raise ValueError(f"Picture {picture_id} must have openmoji and alt.")
        hexcode, alt = entry.get("openmoji"), entry.get("alt")
        if not isinstance(hexcode, str) or not HEXCODE.match(hexcode):
            raise ValueError(f"Picture {picture_id} needs an OpenMoji hexcode such as 1F600.")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError(f"Picture {picture_id} needs alt text.")
        entries[picture_id] = {"openmoji": hexcode, "alt": alt.strip()}
    return entries


@functools.cache
def _manifest() -> dict[str, dict]:
    return parse_manifest(MANIFEST_PATH.read_text(encoding="utf-8"))


def manifest() -> dict[str, dict]:
    """Return picture id -> {"openmoji": hexcode, "alt": text}, parsed once per process."""
    # A copy, so a caller that changes it cannot change what everyone else sees.
    return {picture_id: dict(entry) for picture_id, entry in _manifest().items()}


def library_ids() -> set[str]:
    """Return every picture id in the manifest."""
    return set(_manifest())


def default_alt(picture_id: str) -> str:
    """Return the default description of a picture; raise KeyError for an unknown id."""
    return _manifest()[picture_id]["alt"]


def file_for(picture_id: str, size: int, fmt: str) -> Path | None:
    """Return the built file for a picture, or None if the id, size or format is unknown.

    Only ids from the manifest are accepted, so a path such as "../x" can never be built.
    """
    if not isinstance(picture_id, str) or picture_id not in _manifest():
        return None
    # bool is an int subclass; True must not pass for a size.
    if isinstance(size, bool) or size not in SIZES or fmt not in FORMATS:
        return None
    path = library_dir() / str(size) / f"{picture_id}.{fmt}"
    return path if path.is_file() else None
