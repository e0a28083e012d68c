"""Checking and cleaning people's pictures, video and voice with Pillow and ffmpeg."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from PIL import Image

from media import av, images, probe
from media.blobs import BlobStore, sha256_file
from tests.media import samples


def test_photo_is_turned_upright_and_loses_all_metadata(tmp_path):
    source = samples.photo_with_gps(tmp_path / "phone.jpg", size=(300, 200), orientation=6)
    with Image.open(source) as original:
        assert original.getexif().get_ifd(0x8825), "the sample must carry GPS"
    safe = images.process_image(source)
    for rendition in (safe.full, safe.thumb):
        image = Image.open(io.BytesIO(rendition.data))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"PhoneMaker" not in rendition.data and b"Secret Phone" not in rendition.data
    upright = Image.open(io.BytesIO(safe.full.data))
    # Orientation 6 means "rotate 90 degrees clockwise": the 300x200 pixels stand 200x300.
    assert upright.size == (200, 300)
    # The red block stored top-left ends up top-right once turned.
    assert upright.getpixel((190, 10))[0] > 180 and upright.getpixel((10, 10))[1] > 180


def test_two_sizes_are_made(tmp_path):
    source = tmp_path / "big.png"
    Image.new("RGB", (3000, 1500), "green").save(source)
    safe = images.process_image(source)
    assert (safe.full.width, safe.full.height) == (2048, 1024)
    assert (safe.thumb.width, safe.thumb.height) == (480, 240)
    assert safe.full.mime == "image/png"


def test_png_text_chunks_are_dropped(tmp_path):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jo Bloggs, 1 High Street")
    source = tmp_path / "drawing.png"
    Image.new("RGB", (100, 100), "white").save(source, pnginfo=info)
    safe = images.process_drawing(source)
    assert b"Jo Bloggs" not in safe.full.data
    assert Image.open(io.BytesIO(safe.full.data)).text == {}


@pytest.mark.parametrize("size", [(20_000, 20_000), (30_000, 30_000)])
def test_decompression_bombs_are_refused(tmp_path, size):
    bomb = samples.huge_png(tmp_path / "bomb.png", *size)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(probe.MediaRefused) as refused:
        images.process_image(bomb)
    assert refused.value.reason == "too_big"


def test_pixel_cap_below_pillows_bomb_limit_is_a_refusal_too(tmp_path):
    # 9,000 x 9,000 is 81 million pixels: under Pillow's warning level, over our cap.
    big = samples.huge_png(tmp_path / "big.png", 9_000, 9_000)
    with pytest.raises(probe.MediaRefused) as refused:
        images.process_image(big)
    assert refused.value.reason == "too_big"


def test_drawing_must_be_png_and_not_huge(tmp_path):
    jpeg = tmp_path / "drawing.jpg"
    Image.new("RGB", (100, 100), "white").save(jpeg)
    with pytest.raises(probe.MediaRefused) as refused:
        images.process_drawing(jpeg)
    assert refused.value.reason == "wrong_type"
    wide = samples.huge_png(tmp_path / "wide.png", 5000, 10)
    with pytest.raises(probe.MediaRefused) as refused:
        images.process_drawing(wide)
    assert refused.value.reason == "too_big"


def test_jpeg_with_zip_appended_is_a_polyglot(tmp_path):
    polyglot = samples.jpeg_with_zip(tmp_path / "photo.jpg")
    with pytest.raises(probe.MediaRefused) as refused:
        probe.check_image(polyglot)
    assert refused.value.reason == "polyglot"


def test_zip_hidden_inside_a_png_chunk_is_found(tmp_path):
    source = tmp_path / "plain.png"
    Image.new("RGB", (10, 10)).save(source)
    data = source.read_bytes()
    archive = b"PK\x03\x04payload" + b"PK\x05\x06" + b"\x00" * 18
    iend = data.rindex(b"IEND") - 4
    hidden = data[:iend] + samples._png_chunk(b"zzZz", archive) + data[iend:]
    path = tmp_path / "hidden.png"
    path.write_bytes(hidden)
    with pytest.raises(probe.MediaRefused) as refused:
        probe.check_image(path)
    assert refused.value.reason == "polyglot"


def test_clean_images_pass_the_structure_walk(tmp_path):
    for fmt, name in (("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")):
        path = tmp_path / name
        Image.new("RGB", (40, 30), "red").save(path, format=fmt)
        assert probe.check_image(path) == fmt.lower()
    progressive = tmp_path / "progressive.jpg"
    samples.photo_with_gps(tmp_path / "p.jpg")
    with Image.open(tmp_path / "p.jpg") as photo:
        photo.save(progressive, progressive=True, quality=80)
    assert probe.check_image(progressive) == "jpeg"


def test_empty_truncated_and_strange_files_are_refused(tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(probe.MediaRefused) as refused:
        probe.check_image(empty)
    assert refused.value.reason == "empty"
    whole = tmp_path / "whole.png"
    Image.new("RGB", (50, 50), "red").save(whole)
    cut = samples.truncated(whole, tmp_path / "cut.png")
    with pytest.raises(probe.MediaRefused) as refused:
        probe.check_image(cut)
    assert refused.value.reason == "truncated"
    gif = tmp_path / "a.gif"
    Image.new("RGB", (5, 5)).save(gif)
    with pytest.raises(probe.MediaRefused) as refused:
        images.process_image(gif)
    assert refused.value.reason == "wrong_type"


def test_video_loses_location_and_title_and_gets_a_poster(tmp_path):
    source = samples.video_with_location(tmp_path / "phone.mp4")
    assert samples.LOCATION in samples.ffprobe_tags(source)
    out = tmp_path / "out"
    out.mkdir()
    clean = av.clean_video(source, out)
    tags = samples.ffprobe_tags(clean.path)
    assert "location" not in tags and "secret" not in tags.lower()
    assert b"+51.5034" not in clean.path.read_bytes()
    assert clean.mime == "video/mp4" and clean.duration == pytest.approx(2.0, abs=0.2)
    poster = av.poster_frame(clean, out / "poster.jpg")
    with Image.open(poster) as frame:
        assert frame.format == "JPEG" and frame.size == (320, 240)


def test_video_in_other_codecs_is_transcoded(tmp_path):
    source = tmp_path / "old.avi"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "1",
         "-c:v", "mpeg4", "-y", str(source)],
        check=True,
    )  # fmt: skip
    # AVI is not on the demuxer whitelist: refused, not transcoded.
    with pytest.raises(probe.MediaRefused):
        av.clean_video(source, tmp_path)
    mkv = tmp_path / "old.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(source), "-c", "copy", "-y", str(mkv)], check=True
    )
    out = tmp_path / "out"
    out.mkdir()
    clean = av.clean_video(mkv, out)
    streams = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(clean.path)],
            capture_output=True, text=True, check=True,
        ).stdout
    )["streams"]  # fmt: skip
    assert [s["codec_name"] for s in streams] == ["h264"]


def test_voice_recording_becomes_clean_aac(tmp_path):
    source = samples.voice_webm(tmp_path / "voice.webm")
    clean = av.clean_audio(source, tmp_path)
    assert clean.mime == "audio/mp4"
    assert "Recorded at home" not in samples.ffprobe_tags(clean.path)
    assert probe.probe_av(clean.path).audio_codecs == ["aac"]


def test_bad_video_files_are_refused(tmp_path):
    html = samples.html_named_mp4(tmp_path / "film.mp4")
    whole = samples.video_with_location(tmp_path / "whole.mp4")
    cut = samples.truncated(whole, tmp_path / "cut.mp4")
    image = tmp_path / "photo.mp4"
    Image.new("RGB", (10, 10)).save(image, format="PNG")
    for bad in (html, cut, image):
        with pytest.raises(probe.MediaRefused):
            av.clean_video(bad, tmp_path)


def test_probe_only_opens_local_files(tmp_path):
    playlist = tmp_path / "list.mp4"
    playlist.write_text("#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/secret.ts\n")
    with pytest.raises(probe.MediaRefused) as refused:
        probe.probe_av(playlist)
    assert refused.value.reason == "unreadable"


def test_blob_store_names_files_by_content(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    first = tmp_path / "a"
    first.write_bytes(b"hello")
    digest = store.put_file(first)
    assert store.path(digest).read_bytes() == b"hello"
    assert not first.exists()
    again = tmp_path / "b"
    again.write_bytes(b"hello")
    assert store.put_file(again) == digest and not again.exists()
    assert store.digests() == {digest}
    assert sha256_file(store.path(digest)) == digest
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
    store.delete(digest)
    assert store.digests() == set()


def _mpeg4(path, size: str, seconds: float = 1) -> None:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=10",
         "-t", str(seconds), "-c:v", "mpeg4", "-y", str(path)],
        check=True,
    )  # fmt: skip


def test_a_re_encoded_video_is_shrunk_never_enlarged(tmp_path):
    tall, small = tmp_path / "tall.mkv", tmp_path / "small.mkv"
    _mpeg4(tall, "1080x1920")
    _mpeg4(small, "320x240")
    for source, size in ((tall, (720, 1280)), (small, (320, 240))):
        out = tmp_path / source.stem
        out.mkdir()
        clean = av.clean_video(source, out)
        assert (clean.width, clean.height) == size
        assert probe.probe_av(clean.path).width == size[0]


def test_too_long_or_too_large_recordings_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(av, "MAX_SECONDS", 1)
    long = samples.video_with_location(tmp_path / "long.mp4", seconds=2.0)
    voice = samples.voice_webm(tmp_path / "long.webm", seconds=2.0)
    for clean, source in ((av.clean_video, long), (av.clean_audio, voice)):
        with pytest.raises(probe.MediaRefused) as refused:
            clean(source, tmp_path)
        assert refused.value.reason == "too_big"
    monkeypatch.setattr(av, "MAX_SECONDS", 600)
    monkeypatch.setattr(av, "MAX_VIDEO_PIXELS", 320 * 240 - 1)
    with pytest.raises(probe.MediaRefused) as refused:
        av.clean_video(long, tmp_path)
    assert refused.value.reason == "too_big"


def test_ffmpeg_refuses_a_file_that_is_not_what_was_probed(tmp_path):
    # ffprobe found an MP4; by the time ffmpeg runs, the file is something else.
    info = probe.probe_av(samples.video_with_location(tmp_path / "clip.mp4"))
    other = samples.voice_webm(tmp_path / "other.webm")
    with pytest.raises(probe.MediaRefused):
        av._ffmpeg(other, info.demuxer, ["-c", "copy", "-y", str(tmp_path / "out.mp4")])
