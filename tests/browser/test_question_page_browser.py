"""The question page as people live it: play buttons beside their words, faces as big as the
question's picture, 200% zoom, the largest text, nothing lost on the way out, forced colours,
unique play button names and a refused autoplay."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, TABLET, agree_and_start, start_journey

pytestmark = pytest.mark.browser

# How far, in CSS pixels, a play button may sit from the end of its own words: the gap, and a
# choice card's or language button's inner padding and border.
MAX_GAP = 56

# For each visible play button: the gap between the end of its words and the button, measured
# on the words' own line boxes (a Range), in the page's reading direction.
GAPS_JS = """
() => {
  const rtl = document.documentElement.dir === 'rtl';
  const out = [];
  for (const button of document.querySelectorAll('.say__button')) {
    if (!button.getClientRects().length) continue;
    let words = button.previousElementSibling;
    if (!words) continue;
    const box = button.getBoundingClientRect();
    // The words' lines that share the button's height on screen; words only for screen
    // readers (visually hidden) are not on screen.
    // A choice's words block, its tick included; else each line of plain text.
    // A button's or link's own box stands for its words.
    const boxes = words.matches('button, a') ? [words] : [...words.querySelectorAll('.choice__words')];
    const rects = boxes.map(w => w.getBoundingClientRect());
    const walker = document.createTreeWalker(words, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const holder = node.parentElement;
      if (!node.textContent.trim() || boxes.length || holder.closest('.visually-hidden')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      rects.push(...range.getClientRects());
    }
    const lines = rects.filter(r => r.width > 0 && r.bottom > box.top - 40 && r.top < box.bottom + 40);
    if (!lines.length) { out.push([button.getAttribute('aria-label'), 9999]); continue; }
    const gap = rtl ? Math.min(...lines.map(r => r.left)) - box.right
                    : box.left - Math.max(...lines.map(r => r.right));
    out.push([button.getAttribute('aria-label'), Math.round(gap)]);
  }
  return out;
}
"""

SIZES_JS = """
() => ({
  question: document.querySelector('.with-picture--question .with-picture__picture').getBoundingClientRect().width,
  faces: [...document.querySelectorAll('.choice__picture')].map(p => p.getBoundingClientRect().width),
})
"""


def _choose_language(page, base: str, language: str) -> None:
    with page.expect_navigation():
        page.evaluate(
            """([action, language]) => {
              const form = document.createElement('form');
              form.method = 'post'; form.action = action;
              for (const [name, value] of [['language', language],
                  ['csrf_token', document.querySelector('[name=csrf_token]').value]]) {
                const input = document.createElement('input');
                input.name = name; input.value = value; form.append(input);
              }
              document.body.append(form); form.submit();
            }""",
            [f"{base}/language", language],
        )


def _text_size(page, base: str, size: str) -> None:
    page.goto(f"{base}/settings")
    page.locator(f"#text_size-{size}").check()
    with page.expect_navigation():
        page.locator("main button[type=submit]").last.click()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_play_buttons_sit_beside_their_words_and_faces_are_big(live_server, new_page, language):
    page = new_page(**TABLET)
    base, question_id = start_journey(live_server, page, languages=["en", "ar"])
    if language != "en":
        _choose_language(page, base, language)
    for path in ("/", "/consent", "/who", "/stop", f"/q/{question_id}"):
        page.goto(base + path)
        gaps = page.evaluate(GAPS_JS)
        assert gaps, path
        far = [(name, gap) for name, gap in gaps if not 0 <= gap <= MAX_GAP]
        assert far == [], f"{language} {path}: play buttons away from their words {far}"
    sizes = page.evaluate(SIZES_JS)
    assert sizes["faces"] and min(sizes["faces"]) >= sizes["question"], sizes


def test_at_200_percent_zoom_the_question_and_first_answer_are_on_the_first_screen(
    live_server, new_page
):
    # A 1024 by 768 tablet at 200% zoom lays the page out in 512 by 384 CSS pixels.
    page = new_page(viewport={"width": 512, "height": 384}, has_touch=True, is_mobile=True)
    base, question_id = start_journey(live_server, page)
    page.goto(f"{base}/q/{question_id}")
    heading = page.locator("#question-heading").bounding_box()
    first = page.locator(".choice__card").first.bounding_box()
    assert heading["y"] >= 0 and heading["y"] + heading["height"] <= 384, heading
    assert first["y"] + first["height"] <= 384, first


@pytest.mark.parametrize("device", [TABLET, PHONE], ids=["tablet", "phone"])
def test_largest_text_keeps_i_dont_want_to_say_on_few_lines(live_server, new_page, device):
    page = new_page(**device)
    base, question_id = start_journey(live_server, page)
    _text_size(page, base, "largest")
    page.goto(f"{base}/q/{question_id}")
    lines = page.evaluate(
        """() => {
          const text = document.querySelector('label[for="answer-prefer_not_to_say"] .choice__text');
          const range = document.createRange(); range.selectNodeContents(text);
          const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          return [text.textContent.trim(), tops.size];
        }"""
    )
    words = len(lines[0].split())
    # Never one word a line: on a tablet on one line, on a phone at most two.
    assert lines[1] <= (1 if device is TABLET else 2), lines
    assert lines[1] < words


# Each control that leaves a question page, found by its text.
LEAVING = [
    ("nav", "Back"),
    ("nav", "Pictures, sound and text size"),
    ("header", "I am worried"),
    ("footer", "About engage"),
    ("footer", "Pictures and credits"),
]


def test_nothing_chosen_or_typed_is_lost_by_any_control(live_server, new_page):
    for scripts in (True, False):
        page = new_page(**TABLET, java_script_enabled=scripts)
        campaign = live_server.campaign(statement_ids=["QS1"])
        base = f"{live_server.url}/s/{campaign['code']}"
        first = agree_and_start(page, base)
        question = f"{base}/q/{first}"
        for place, name in LEAVING:
            page.goto(question)
            page.locator("label[for='answer-ok']").click()
            words = f"Typed before {name}"
            page.locator("#free_text").fill(words)
            with page.expect_navigation():
                page.locator(place).get_by_role("button", name=name, exact=True).click()
            assert page.url != question
            page.goto(question)
            assert page.locator("#answer-ok").is_checked(), (scripts, name)
            assert page.locator("#free_text").input_value() == words, (scripts, name)


def test_forced_colours_keep_the_play_triangle(live_server, new_page):
    page = new_page(**TABLET)
    base, question_id = start_journey(live_server, page)
    page.emulate_media(forced_colors="active")
    page.goto(f"{base}/q/{question_id}")
    button = page.locator("#question-heading + .say__button, .say-row .say__button").first
    shape = """b => { const s = getComputedStyle(b.querySelector('.say__icon'));
      return {w: b.querySelector('.say__icon').getBoundingClientRect().width,
              top: s.borderTopColor, left: s.borderLeftColor, bg: s.backgroundColor}; }"""
    playing = button.evaluate(shape)
    # A triangle: no width of its own, a coloured start border and clear top and bottom.
    assert playing["w"] > 0 and playing["top"] != playing["left"], playing
    assert playing["top"] in ("rgba(0, 0, 0, 0)", "transparent"), playing
    button.evaluate("b => b.classList.add('say__button--playing')")
    stopping = button.evaluate(shape)
    assert stopping != playing
    assert stopping["bg"] not in ("rgba(0, 0, 0, 0)", "transparent"), stopping


def test_no_two_play_buttons_share_a_name(live_server, new_page):
    page = new_page(**TABLET)
    base, question_id = start_journey(live_server, page)
    for path in ("/", "/consent", "/who", f"/q/{question_id}", "/settings", "/stop", "/check"):
        page.goto(base + path)
        names = page.locator(".say__button").evaluate_all(
            "bs => bs.map(b => b.getAttribute('aria-label'))"
        )
        repeated = sorted({name for name in names if names.count(name) > 1})
        assert repeated == [], f"{path}: {repeated}"


def test_a_refused_autoplay_offers_tap_to_hear(live_server, browser):
    context = browser.new_context(**TABLET)
    try:
        page = context.new_page()
        # The browser refuses sound before a gesture, as a tablet's browser does.
        page.add_init_script(
            "HTMLMediaElement.prototype.play = function () {"
            " window.refused = (window.refused || 0) + 1;"
            " return Promise.reject(new DOMException('gesture needed', 'NotAllowedError')); };"
        )
        base, question_id = start_journey(live_server, page)
        page.goto(f"{base}/settings")
        page.locator("#read_aloud-on").check()
        with page.expect_navigation():
            page.locator("main button[type=submit]").last.click()
        page.goto(f"{base}/q/{question_id}")
        tap = page.get_by_role("button", name="Tap to hear this page", exact=True)
        tap.wait_for(state="visible")
        assert page.evaluate("window.refused") >= 1
        page.evaluate(
            "HTMLMediaElement.prototype.play = function () { window.played = true;"
            " return Promise.resolve(); }"
        )
        tap.click()
        assert page.evaluate("window.played") is True
        assert tap.is_hidden()
        assert page.locator(".read-page[data-autoplay]").get_attribute("aria-pressed") == "true"
    finally:
        context.close()
