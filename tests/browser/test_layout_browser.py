"""What a person sees: play buttons instead of bare players, mirrored layouts, real glyphs,
a first screen that shows the question, and play buttons beside their words."""

from __future__ import annotations

import pytest

from engage import store
from engage.auth import hash_password
from engage.i18n import LANGUAGES
from engage.store import get_db
from tests.browser.conftest import PHONE, TABLET, sideways_overflow, start_journey

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"

# A person's own recording keeps the browser's player: it is theirs to check, not narration.
VISIBLE_PLAYERS_JS = """
() => [...document.querySelectorAll('audio[controls]')]
  .filter(a => !a.matches('.media-item__audio, [data-voice-audio]'))
  .filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden')
  .map(a => a.getAttribute('aria-label'))
"""


def _signed_in_lead(server, page, email: str) -> None:
    with server.app.app_context():
        store.staff.create_user(
            get_db(),
            email=email,
            name="Lena Lead",
            role="lead",
            password_hash=hash_password(PASSWORD),
        )
    page.goto(f"{server.url}/staff/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{server.url}/staff/")


def _visible_players(page) -> list:
    return page.evaluate(VISIBLE_PLAYERS_JS)


def test_no_bare_audio_players_on_any_page(live_server, new_page):
    page = new_page(**TABLET)
    base, question_id = start_journey(live_server, page)
    respondent = [
        f"{base}/",
        f"{base}/consent",
        f"{base}/q/{question_id}",
        f"{base}/settings",
        f"{base}/stop",
        f"{base}/media/anything",
        f"{base}/check",
    ]
    media = [
        f"{base}/media/add/{kind}?q={question_id}"
        for kind in ("drawing", "photo", "video", "audio")
    ]
    errors = [f"{base}/q/no-such-question", f"{live_server.url}/no-such-page"]
    for url in respondent + media + errors:
        page.goto(url)
        assert _visible_players(page) == [], url
        assert page.locator(".say__button:visible").count() > 0, url
    for url in media:
        page.goto(url)
        scripts = page.eval_on_selector_all("script[src]", "s => s.map(e => e.getAttribute('src'))")
        assert any(src.endswith("/narration.js") for src in scripts), url
        assert any(src.endswith("/exit-page.js") for src in scripts), url
        assert page.locator(".read-page").is_visible(), url

    lead = new_page(**TABLET)
    _signed_in_lead(live_server, lead, "players-lead@example.org")
    code = live_server.campaign(title="Players")["code"]
    staff = f"{live_server.url}/staff"
    for path in (
        "/",
        "/users",
        "/campaigns/new",
        f"/campaigns/{code}/",
        f"/campaigns/{code}/settings",
        f"/campaigns/{code}/questions",
        f"/campaigns/{code}/questions/QS1-01",
        f"/campaigns/{code}/statements/QS1/new-question",
        "/safeguarding/",
        f"/campaigns/{code}/evidence/",
    ):
        lead.goto(staff + path)
        assert lead.locator("audio").count() == 0, path
    # The lead chose to hear the preview: it reads aloud as the respondent's page does.
    lead.goto(f"{staff}/campaigns/{code}/questions/QS1-01/preview")
    assert _visible_players(lead) == []
    assert lead.locator(".say__button:visible").count() > 0


def _start_in(live_server, page, language: str, context=TABLET) -> tuple[str, str]:
    """Choose a language on the welcome page, agree, and land on the first question."""
    campaign = live_server.campaign(statement_ids=["QS1"], languages=list(LANGUAGES))
    base = f"{live_server.url}/s/{campaign['code']}"
    page.goto(base + "/")
    with page.expect_navigation():
        page.locator(f"button.languages__button[value='{language}']").click()
    page.goto(f"{base}/consent")
    answers = [("take_part", "yes"), ("quote", "yes"), ("media", "no")]
    for name, value in [*answers, ("respondent_group", "person"), ("answered_how", "own")]:
        page.locator(f"label[for='{name}-{value}']").click()
        with page.expect_navigation():
            page.locator("main form button.button[type=submit]").first.click()
    return base, page.url.rsplit("/", 1)[-1]


OVERLAPS_JS = """
() => {
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const found = [];
  for (const choice of document.querySelectorAll('.choice')) {
    const radio = choice.querySelector('.choice__input').getBoundingClientRect();
    for (const part of choice.querySelectorAll('.choice__picture, .choice__text')) {
      if (meet(radio, part.getBoundingClientRect())) found.push(choice.querySelector('.choice__text').textContent);
    }
  }
  return found;
}
"""

# Draw each character the page shows and a character no font has; the same pixels mean the
# browser fell back to an empty box ("tofu") for that character.
TOFU_JS = """
() => {
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (font, text) => {
    ctx.clearRect(0, 0, 64, 64); ctx.font = font; ctx.fillText(text, 8, 44);
    return ctx.getImageData(0, 0, 64, 64).data.join(',');
  };
  const missing = [];
  for (const el of document.querySelectorAll('main *, .site-header *, .page-tools *')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    if (!own.trim() || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const font = `${style.fontWeight} 32px ${style.fontFamily}`;
    const none = draw(font, '\\u{10FFFD}');
    for (const ch of new Set(own.replace(/\\s/g, ''))) {
      if (draw(font, ch) === none) missing.push(`${ch} U+${ch.codePointAt(0).toString(16)}`);
    }
  }
  return [...new Set(missing)];
}
"""


@pytest.mark.parametrize("language", ["en", "ar", "ur"])
def test_radios_clear_their_pictures_and_every_letter_has_a_glyph(live_server, new_page, language):
    page = new_page(**TABLET)
    base, question_id = _start_in(live_server, page, language)
    assert page.locator("html").get_attribute("dir") == LANGUAGES[language][1]
    assert page.locator(".choice__picture").count() > 0
    assert page.evaluate(OVERLAPS_JS) == []
    assert page.evaluate(TOFU_JS) == []


def test_a_phone_shows_the_question_and_its_first_answer_on_the_first_screen(live_server, new_page):
    page = new_page(**PHONE)
    _start_in(live_server, page, "en")
    page.locator(".read-page").wait_for()
    heading = page.locator("#question-heading").bounding_box()
    picture = page.locator(".with-picture--question .with-picture__picture").bounding_box()
    first = page.locator(".choice").first.bounding_box()
    assert heading["y"] + heading["height"] <= 844 and picture["y"] < 844
    assert first["y"] + first["height"] <= 844
    assert sideways_overflow(page) <= 0


# Each page tool a person can see, where it is and how big, and whether the row scrolls.
TOOLS_JS = """
() => {
  const nav = document.querySelector('.page-tools');
  const tools = [...nav.querySelectorAll('a, button')].filter(e => e.getClientRects().length);
  return {
    width: document.documentElement.clientWidth,
    scrolls: nav.scrollWidth - nav.clientWidth,
    tools: tools.map(e => {
      const box = e.getBoundingClientRect();
      return {name: e.textContent.trim(), cls: e.className, left: box.left, right: box.right,
              top: box.top, width: box.width, height: box.height};
    }),
  };
}
"""

PHONES = [(320, 568), (360, 740), (390, 844)]


# A row that scrolled sideways once hid "Pictures, sound and text size" past the screen's edge.


@pytest.mark.parametrize("size", ["standard", "largest"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_tool_is_whole_on_a_phone_screen(live_server, new_page, language, size):
    page = new_page(**PHONE)
    base, question_id = _start_in(live_server, page, language)
    page.goto(f"{base}/settings")
    page.locator(f"#text_size-{size}").check()
    with page.expect_navigation():
        page.locator("main button[type=submit]").last.click()
    for width, height in PHONES:
        page.set_viewport_size({"width": width, "height": height})
        for path in ("/", "/consent", f"/q/{question_id}"):
            page.goto(base + path)
            page.locator(".read-page").wait_for()
            found = page.evaluate(TOOLS_JS)
            where = f"{language} {size} {width}px {path}"
            kinds = " ".join(tool["cls"] for tool in found["tools"])
            assert "read-page" in kinds and "settings-link" in kinds, where
            assert found["scrolls"] <= 0, f"{where}: the tools scroll sideways {found['scrolls']}px"
            assert sideways_overflow(page) <= 0, where
            for tool in found["tools"]:
                inside = tool["left"] >= 0 and tool["right"] <= found["width"]
                assert inside, f"{where}: {tool['name']} runs off the screen {tool}"
                assert tool["width"] >= 44 and tool["height"] >= 44, f"{where}: {tool}"
            # Back comes first: on the first row, at the start of the line.
            back, tools = found["tools"][0], found["tools"]
            if "back-link" in back["cls"]:
                top = min(tools, key=lambda tool: tool["top"])
                middle = back["top"] + back["height"] / 2
                assert top["top"] <= middle <= top["top"] + top["height"], where
                row = [tool for tool in tools if tool["top"] < back["top"] + back["height"]]
                if language == "ar":
                    assert back["right"] == max(tool["right"] for tool in row), where
                else:
                    assert back["left"] == min(tool["left"] for tool in row), where
