"""The picture library: manifest, built files, safe lookups, and faces that differ by shape."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from media import build_pictures
from media.pictures import (
    FORMATS,
    SIZES,
    default_alt,
    file_for,
    library_dir,
    library_ids,
    manifest,
    parse_manifest,
)

UI_PICTURES = {
    "face-very-good", "face-good", "face-ok", "face-not-good", "face-very-not-good",
    "not-sure", "prefer-not-to-say", "yes", "no", "person", "family", "advocate", "staff",
    "partner", "on-my-own", "with-help", "answering-for", "clock", "pause", "questions",
    "tell-more", "thank-you", "check", "privacy", "quote", "camera", "welcome", "help", "home",
    "exit", "warning", "group",
}  # fmt: skip
FACES = ["face-very-good", "face-good", "face-ok", "face-not-good", "face-very-not-good"]


def test_ui_pictures_are_in_the_manifest():
    assert library_ids() >= UI_PICTURES


def test_manifest_entries():
    entries = manifest()
    assert set(entries) == library_ids()
    for picture_id, entry in entries.items():
        assert set(entry) == {"openmoji", "alt"}
        assert default_alt(picture_id) == entry["alt"]
    with pytest.raises(KeyError):
        default_alt("unicorn")


def test_manifest_copy_cannot_change_the_cache():
    manifest()["face-good"]["alt"] = "changed"
    assert default_alt("face-good") != "changed"


def test_every_picture_is_built_at_every_size_and_format():
    for picture_id in library_ids():
        for size in SIZES:
            for fmt in FORMATS:
                path = file_for(picture_id, size, fmt)
                assert path is not None, (picture_id, size, fmt)
                with Image.open(path) as image:
                    assert image.format == fmt.upper()
                    assert image.size == (size, size)
                    assert image.has_transparency_data


def test_library_holds_no_stray_files():
    wanted = {f"{i}.{fmt}" for i in library_ids() for fmt in FORMATS}
    for size in SIZES:
        assert {p.name for p in (library_dir() / str(size)).iterdir()} == wanted


@pytest.mark.parametrize(
    ("picture_id", "size", "fmt"),
    [
        ("unicorn", 96, "png"),
        ("../pictograms", 96, "yaml"),
        ("../96/face-good", 96, "png"),
        ("face-good/../face-ok", 96, "png"),
        ("/etc/passwd", 96, "png"),
        ("face-good", 95, "png"),
        ("face-good", "96", "png"),
        ("face-good", True, "png"),
        ("face-good", 96, "svg"),
        ("face-good", 96, "../png"),
        (None, 96, "png"),
    ],
)
def test_file_for_refuses_unknown_or_tricky_requests(picture_id, size, fmt):
    assert file_for(picture_id, size, fmt) is None


def _outline(picture_id: str) -> Image.Image:
    """Return the picture's dark lines (eyes, mouth, edge) as black and white.

    The fills are light, so changing their colour leaves this mask as it is: two faces
    that differ here differ in shape.
    """
    with Image.open(file_for(picture_id, 96, "png")) as image:
        background = Image.new("RGBA", image.size, "white")
        gray = Image.alpha_composite(background, image.convert("RGBA")).convert("L")
    return gray.point(lambda value: 255 if value < 80 else 0)


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(FACES, 2)))
def test_faces_differ_in_shape(first, second):
    changed = ImageStat.Stat(ImageChops.difference(_outline(first), _outline(second))).mean[0]
    share = changed / 255
    # Identical outlines score 0; a straight mouth against a frown changes about 0.9% of
    # pixels, so 0.5% catches faces that differ only in colour or by a stray pixel.
    assert share > 0.005, (first, second, share)


def test_faces_use_different_emoji():
    entries = manifest()
    assert len({entries[face]["openmoji"] for face in FACES}) == len(FACES)


SQUARE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 72 72">'
    '<rect x="10" y="10" width="52" height="52" fill="#3F7"/></svg>'
)


def test_build_writes_each_size_and_removes_stale_files(tmp_path: Path):
    svg_dir = tmp_path / "openmoji" / "color" / "svg"
    svg_dir.mkdir(parents=True)
    (svg_dir / "1F7E9.svg").write_text(SQUARE, encoding="utf-8")
    out = tmp_path / "library"
    (out / "96").mkdir(parents=True)
    (out / "96" / "gone.png").write_bytes(b"old")
    (out / "96" / ".tmp-abc.png").write_bytes(b"left over")

    entries = parse_manifest('square: {openmoji: 1F7E9, alt: "A green square"}')
    report = build_pictures.build(entries, build_pictures.svg_folder(tmp_path / "openmoji"), out)

    assert sorted(p.relative_to(out).as_posix() for p in report.written) == [
        "192/square.png", "192/square.webp", "96/square.png", "96/square.webp",
    ]  # fmt: skip
    assert sorted(p.name for p in report.removed) == [".tmp-abc.png", "gone.png"]
    assert report.missing == []
    with Image.open(out / "192" / "square.webp") as image:
        assert image.size == (192, 192)
        assert image.convert("RGBA").getpixel((0, 0))[3] == 0
        assert image.convert("RGBA").getpixel((96, 96))[3] == 255

    again = build_pictures.build(entries, svg_dir, out)
    assert (again.written, again.unchanged) == ([], 4)


def test_build_reports_missing_svgs(tmp_path: Path):
    entries = parse_manifest('square: {openmoji: 1F7E9, alt: "A green square"}')
    report = build_pictures.build(entries, tmp_path, tmp_path / "library")
    assert report.missing == ["square (1F7E9.svg)"]


@pytest.mark.parametrize(
    "text",
    [
        "[a, b]",
        'Bad_Id: {openmoji: 1F600, alt: "x"}',
        'no: {openmoji: 1F600, alt: "x"}',
        'good: {openmoji: "../x", alt: "x"}',
        "good: {openmoji: 1F600}",
        "good: just text",
    ],
)
def test_parse_manifest_rejects_bad_entries(text):
    with pytest.raises(ValueError):
        parse_manifest(text)
