"""Build the picture library: rasterise each OpenMoji SVG in the manifest to PNG and WebP.

Usage: python -m media.build_pictures --openmoji DIR

DIR is the openmoji npm package (node_modules/openmoji) or its color/svg folder.
The built files are committed, so the app runs without npm; rebuilds only rewrite files
whose bytes change, so an unchanged picture leaves no diff.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import resvg_py
from PIL import Image

from .pictures import FORMATS, MANIFEST_PATH, SIZES, library_dir, parse_manifest

WEBP_QUALITY = 85


@dataclass
class BuildReport:
    """What a build did, for the command line to print."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def svg_folder(openmoji_dir: Path) -> Path:
    """Return the folder of colour SVGs, given the package folder or the SVG folder itself."""
    nested = openmoji_dir / "color" / "svg"
    return nested if nested.is_dir() else openmoji_dir


def render(svg_path: Path, size: int) -> dict[str, bytes]:
    """Return the picture at size x size pixels, encoded as each format in FORMATS."""
    png = resvg_py.svg_to_bytes(svg_path=str(svg_path), width=size, height=size)
    image = Image.open(io.BytesIO(png))
    image.load()
    image = image.convert("RGBA")
    encoded = {}
    for fmt in FORMATS:
        buffer = io.BytesIO()
        if fmt == "png":
            # A 256-colour palette with alpha looks the same on these flat drawings at half
            # the size, which matters because the files live in git.
            palette = image.quantize(256, method=Image.Quantize.FASTOCTREE)
            palette.save(buffer, "PNG", optimize=True)
        else:
            image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=6, exact=False)
        encoded[fmt] = buffer.getvalue()
    return encoded


def _write(path: Path, data: bytes) -> bool:
    """Write data to path atomically; return False if the file already held these bytes."""
    if path.is_file() and path.read_bytes() == data:
        return False
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private to its owner; the web server must be able to read it.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return True


def build(entries: dict[str, dict], svg_dir: Path, out_dir: Path) -> BuildReport:
    """Render every manifest entry into out_dir/<size>/<id>.<format>, removing stale files."""
    report = BuildReport()
    for size in SIZES:
        (out_dir / str(size)).mkdir(parents=True, exist_ok=True)
    for picture_id, entry in entries.items():
        svg_path = svg_dir / f"{entry['openmoji']}.svg"
        if not svg_path.is_file():
            report.missing.append(f"{picture_id} ({entry['openmoji']}.svg)")
            continue
        for size in SIZES:
            for fmt, data in render(svg_path, size).items():
                path = out_dir / str(size) / f"{picture_id}.{fmt}"
                if _write(path, data):
                    report.written.append(path)
                else:
                    report.unchanged += 1
    wanted = {f"{picture_id}.{fmt}" for picture_id in entries for fmt in FORMATS}
    for size in SIZES:
        for path in sorted((out_dir / str(size)).iterdir()):
            # Leftover temporary files from an interrupted build go too.
            if path.is_file() and path.name not in wanted:
                path.unlink()
                report.removed.append(path)
    return report


def main(argv: list[str] | None = None) -> int:
    """Build the library from the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--openmoji", required=True, type=Path, help="the openmoji package or its color/svg"
    )
    parser.add_argument("--out", type=Path, default=library_dir(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    svg_dir = svg_folder(args.openmoji)
    if not svg_dir.is_dir():
        parser.error(f"{args.openmoji} is not a folder")
    entries = parse_manifest(MANIFEST_PATH.read_text(encoding="utf-8"))
    report = build(entries, svg_dir, args.out)
    print(
        f"{len(entries)} pictures: {len(report.written)} files written,"
        f" {report.unchanged} unchanged, {len(report.removed)} removed."
    )
    if report.missing:
        print("No SVG for: " + ", ".join(report.missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
