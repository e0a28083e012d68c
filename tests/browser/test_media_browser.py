"""Drawing, photo, video and voice answers in Chromium: touch, mouse, keyboard and no JavaScript."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from media import work
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET, check_page, start_journey
from tests.media import samples

pytestmark = pytest.mark.browser


def _items(live_server, base: str) -> list[dict]:
    """Return the media answers given in the campaign at base, oldest first."""
    return live_server.query(
        "SELECT m.* FROM media_items m JOIN respondent_sessions s ON s.id = m.session_id "
        "JOIN campaigns c ON c.id = s.campaign_id WHERE c.code = ? ORDER BY m.id",
        [base.rsplit("/", 1)[-1]],
    )


def _blob(live_server, digest: str) -> Path:
    return Path(live_server.app.instance_path) / "media" / "blobs" / digest[:2] / digest[2:]


def _canvas_point(box: dict, fx: float, fy: float) -> tuple[float, float]:
    return box["x"] + box["width"] * fx, box["y"] + box["height"] * fy


def _is_ink(pixel) -> bool:
    return sum(pixel[:3]) < 200


def _go_to_draw(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Draw it", exact=True).click()
    page.locator("#draw-canvas").wait_for(state="visible")


def _save_drawing_and_consent(page, live_server, base: str, question_id: str) -> dict:
    before = len(_items(live_server, base))
    with page.expect_navigation():
        page.get_by_role("button", name="Save my drawing", exact=True).click()
    assert "/media/item/" in page.url
    check_page(page)
    page.locator("label[for='consent-words']").click()
    page.locator("#description").fill("My day out")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go back", exact=True).click()
    assert page.url.endswith(f"/q/{question_id}")
    items = _items(live_server, base)
    assert len(items) == before + 1
    return items[-1]


def test_drawing_with_a_finger_saves_ink_where_it_was_drawn(live_server, new_page):
    page = new_page(**TABLET)
    base, question_id = start_journey(live_server, page)
    page.locator("label[for='answer-good']").tap()
    _go_to_draw(page)
    check_page(page)
    canvas = page.locator("#draw-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cdp = page.context.new_cdp_session(page)
    # A finger stroke from left to right across the middle of the canvas.
    points = [_canvas_point(box, 0.2 + 0.6 * i / 20, 0.5) for i in range(21)]
    cdp.send(
        "Input.dispatchTouchEvent",
        {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]},
    )
    for x, y in points[1:]:
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    item = _save_drawing_and_consent(page, live_server, base, question_id)
    assert (item["kind"], item["consent"], item["description"]) == (
        "drawing",
        "words",
        "My day out",
    )
    assert item["question_id"] == question_id
    with Image.open(_blob(live_server, item["sha256"])) as image:
        assert image.format == "PNG"
        pixels = image.convert("RGB")
        width, height = pixels.size
        for fx in (0.25, 0.5, 0.75):
            assert _is_ink(pixels.getpixel((int(width * fx), int(height * 0.5))))
        for fx, fy in ((0.5, 0.2), (0.5, 0.8), (0.1, 0.5), (0.9, 0.5)):
            assert not _is_ink(pixels.getpixel((int(width * fx), int(height * fy))))
    # The face chosen before leaving to draw was kept, and the drawing shows on the question.
    assert page.locator("#answer-good").is_checked()
    assert page.locator(f"img[src*='/media/file/{item['id']}/thumb']").is_visible()
    check_page(page)


def test_drawing_with_a_mouse_undo_colour_and_a_tapped_picture(live_server, new_page):
    page = new_page(viewport={"width": 1280, "height": 900})
    base, question_id = start_journey(live_server, page)
    _go_to_draw(page)
    canvas = page.locator("#draw-canvas")

    def stroke(fy: float) -> None:
        page.mouse.move(*_canvas_point(box, 0.2, fy))
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(*_canvas_point(box, 0.2 + 0.06 * i, fy))
        page.mouse.up()

    page.get_by_role("button", name="Red", exact=True).click()
    page.get_by_role("button", name="Thick", exact=True).click()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    stroke(0.3)
    stroke(0.7)
    page.get_by_role("button", name="Undo", exact=True).click()  # takes away the second line
    # A picture put down with one tap: no dragging needed.
    page.get_by_role("button", name="A star", exact=True).click()
    # Pressing a button may scroll the page: measure the canvas again.
    canvas.scroll_into_view_if_needed()
    page.mouse.click(*_canvas_point(canvas.bounding_box(), 0.8, 0.8))
    item = _save_drawing_and_consent(page, live_server, base, question_id)
    with Image.open(_blob(live_server, item["sha256"])) as image:
        pixels = image.convert("RGB")
        width, height = pixels.size
        red = pixels.getpixel((int(width * 0.5), int(height * 0.3)))
        assert red[0] > 150 and red[1] < 100 and red[2] < 100
        assert pixels.getpixel((int(width * 0.5), int(height * 0.7))) == (255, 255, 255)
        star = pixels.getpixel((int(width * 0.8), int(height * 0.8)))
        assert star != (255, 255, 255)


def test_drawing_with_the_keyboard_only_by_placing_pictures(live_server, new_page):
    page = new_page(viewport={"width": 1280, "height": 900})
    base, question_id = start_journey(live_server, page)
    page.goto(f"{base}/media/add/drawing?q={question_id}")
    page.locator("#draw-canvas").wait_for(state="visible")
    page.get_by_role("button", name="A dog", exact=True).focus()
    page.keyboard.press("Enter")
    assert (
        page.get_by_role("button", name="A dog", exact=True).get_attribute("aria-pressed") == "true"
    )
    page.keyboard.press("Tab")
    for _ in range(20):
        if page.evaluate("document.activeElement.textContent.trim()") == "Put the picture in":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Save my drawing":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    (item,) = _items(live_server, base)
    with Image.open(_blob(live_server, item["sha256"])) as image:
        # The first free spot of the 5 x 4 grid is the top-left cell's centre.
        pixels = image.convert("RGB")
        width, height = pixels.size
        region = [
            pixels.getpixel((int(width * 0.1) + dx, int(height * 0.125) + dy))
            for dx in range(-40, 41, 10)
            for dy in range(-40, 41, 10)
        ]
        assert any(pixel != (255, 255, 255) for pixel in region)


def test_photo_and_video_upload_in_chunks_with_progress(live_server, new_page, tmp_path):
    page = new_page(**TABLET)
    base, question_id = start_journey(live_server, page)
    puts: list[str] = []
    page.on(
        "request", lambda request: puts.append(request.url) if request.method == "PUT" else None
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Take or choose a photo", exact=True).tap()
    check_page(page)
    page.locator("#file-choose").set_input_files(samples.photo_with_gps(tmp_path / "IMG_1.jpg"))
    with page.expect_navigation():
        page.get_by_role("button", name="Send my photo", exact=True).tap()
    assert "/media/item/" in page.url and puts
    check_page(page)
    (photo,) = _items(live_server, base)
    assert b"PhoneMaker" not in _blob(live_server, photo["sha256"]).read_bytes()
    page.locator("label[for='consent-private']").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go back", exact=True).tap()
    assert page.url.endswith(f"/q/{question_id}")

    with page.expect_navigation():
        page.get_by_role("button", name="Record a video", exact=True).tap()
    check_page(page)
    assert page.locator("#file-take").get_attribute("capture") == "user"
    page.locator("#file-take").set_input_files(samples.video_with_location(tmp_path / "clip.mp4"))
    with page.expect_navigation(timeout=30_000):
        page.get_by_role("button", name="Send my video", exact=True).tap()
    video = _items(live_server, base)[-1]
    assert video["kind"] == "video" and video["poster_sha256"]
    assert samples.LOCATION not in samples.ffprobe_tags(_blob(live_server, video["sha256"]))
    poster = page.locator("video").get_attribute("poster")
    assert poster.endswith(f"/media/file/{video['id']}/poster")
    check_page(page)


def test_refusal_is_shown_in_easy_read_by_the_uploader(live_server, new_page, tmp_path):
    page = new_page(viewport={"width": 1280, "height": 900})
    base, question_id = start_journey(live_server, page)
    page.goto(f"{base}/media/add/photo?q={question_id}")
    page.locator("#file-choose").set_input_files(samples.jpeg_with_zip(tmp_path / "photo.jpg"))
    page.get_by_role("button", name="Send my photo", exact=True).click()
    error = page.locator("[data-upload-error]")
    error.wait_for(state="visible")
    assert "hidden inside" in error.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-upload-error')")
    check_page(page)
    assert _items(live_server, base) == []


def test_the_uploader_waits_while_the_server_is_busy(live_server, new_page, tmp_path):
    page = new_page(viewport={"width": 1280, "height": 900})
    base, question_id = start_journey(live_server, page)
    page.goto(f"{base}/media/add/photo?q={question_id}")
    live_server.app.config["MEDIA_BUSY_WAIT"] = 0.05
    finishes: list[int] = []
    page.on(
        "response",
        lambda reply: finishes.append(reply.status) if reply.url.endswith("/finish") else None,
    )
    slots = [work.media_slot(0), work.media_slot(0)]
    for slot in slots:
        slot.__enter__()
    try:
        page.locator("#file-choose").set_input_files(samples.photo_with_gps(tmp_path / "a.jpg"))
        page.get_by_role("button", name="Send my photo", exact=True).click()
        deadline = time.monotonic() + 10
        while not finishes and time.monotonic() < deadline:
            page.wait_for_timeout(50)
    finally:
        for slot in slots:
            slot.__exit__(None, None, None)
    assert finishes[:1] == [503]
    page.wait_for_url("**/media/item/**", timeout=20_000)
    assert finishes[-1] == 200
    assert len(_items(live_server, base)) == 1


def test_without_javascript_drawing_becomes_a_photo_of_paper(live_server, new_page, tmp_path):
    page = new_page(java_script_enabled=False, viewport={"width": 1024, "height": 768})
    base, question_id = start_journey(live_server, page)
    # axe cannot run with JavaScript off; these pages are checked with it on elsewhere.
    with page.expect_navigation():
        page.get_by_role("button", name="Draw it", exact=True).click()
    assert not page.locator("#draw-canvas").is_visible()
    assert page.get_by_text("Draw on paper. Then take a photo of it.").is_visible()
    page.locator("#file-take").set_input_files(samples.photo_with_gps(tmp_path / "paper.jpg"))
    with page.expect_navigation():
        page.get_by_role("button", name="Send my drawing", exact=True).click()
    assert "/media/item/" in page.url
    page.locator("label[for='consent-report']").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go back", exact=True).click()
    assert page.url.endswith(f"/q/{question_id}")
    item = _items(live_server, base)[-1]
    assert (item["kind"], item["consent"], item["mime"]) == ("drawing", "report", "image/jpeg")
    # A refusal without JavaScript is the same page with the message.
    with page.expect_navigation():
        page.get_by_role("button", name="Take or choose a photo", exact=True).click()
    page.locator("#file-choose").set_input_files(samples.html_named_mp4(tmp_path / "x.jpg"))
    with page.expect_navigation():
        page.get_by_role("button", name="Send my photo", exact=True).click()
    assert page.get_by_text("Sorry, we cannot use that file").is_visible()


def test_tell_us_anything_and_the_other_pages_pass_axe(live_server, new_page):
    page = new_page(**TABLET)
    base, question_id = start_journey(live_server, page)
    for kind in ("drawing", "photo", "video", "audio"):
        page.goto(f"{base}/media/add/{kind}?q={question_id}")
        check_page(page)
    page.goto(f"{base}/media/anything")
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Record your voice", exact=True).tap()
    assert page.url.endswith("/media/add/audio")
    check_page(page)


def test_recording_a_voice_with_the_microphone(live_server, browser):
    # A browser of its own, with Chromium's fake microphone (a steady tone).
    microphone_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    )
    try:
        context = microphone_browser.new_context(viewport={"width": 1024, "height": 768})
        context.grant_permissions(["microphone"], origin=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        base, question_id = start_journey(live_server, page)
        with page.expect_navigation():
            page.get_by_role("button", name="Record your voice", exact=True).click()
        page.get_by_role("button", name="Start recording", exact=True).click()
        page.get_by_text("Recording now.").wait_for()
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="Stop", exact=True).click()
        page.get_by_role("button", name="Save my recording", exact=True).wait_for(state="visible")
        check_page(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Save my recording", exact=True).click()
        assert "/media/item/" in page.url
        item = _items(live_server, base)[-1]
        assert item["kind"] == "audio" and item["mime"] == "audio/mp4"
        assert item["duration_seconds"] > 0.5
        check_page(page)
    finally:
        microphone_browser.close()
