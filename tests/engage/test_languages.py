"""Every language: complete catalogues, choosing a language, English fallbacks, no English left."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from easyread import fallbacks, load_library
from easyread.loader import CONTENT_DIR
from engage.i18n import LANGUAGES, TRANSLATIONS
from engage.store import get_db
from tests.engage.journey import Respondent, follow_resume_link
from tests.engage.test_narration import _assert_every_text_has_a_control, _clips

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in LANGUAGES if code != "en"]


def _catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """Extract the app's text afresh, so a catalogue cannot lag behind the code."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "extract", "-F", str(ROOT / "pyproject.toml"), "-k", "_l"]
        + ["-o", str(out), str(ROOT / "engage")]
    )
    with open(out, "rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_shipped_catalogue_is_complete_and_checks_clean(language, extracted):
    catalog = _catalog(language)
    messages = {message.id: message for message in catalog if message.id}
    assert len(extracted) > 300
    assert extracted <= set(messages), sorted(map(str, extracted - set(messages)))[:5]
    # A plural entry's string is a tuple of forms, and every form must be there.
    untranslated = [
        m.id
        for m in messages.values()
        if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert not untranslated, "untranslated text"
    assert not [m.id for m in messages.values() if m.fuzzy], "fuzzy translations"
    assert not catalog.fuzzy
    assert [(message.id, errors) for message, errors in catalog.check()] == []


def test_the_catalogue_is_compiled_for_the_app():
    for language in TRANSLATED:
        po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        assert po.with_suffix(".mo").stat().st_mtime >= po.stat().st_mtime, language


@pytest.fixture
def campaign(make_campaign):
    return make_campaign(statement_ids=["QS1"], languages=list(LANGUAGES))


def _html_lang(response) -> tuple[str, str]:
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser").html
    return html["lang"], html["dir"]


def _session_language(app, respondent_id: int) -> str:
    with app.app_context():
        row = get_db().execute(
            "SELECT language FROM respondent_sessions WHERE id = ?", [respondent_id]
        )
        return row.fetchone()[0]


def _bound_id(client, code: str) -> int:
    with client.session_transaction() as stored:
        return stored["respondents"][code]


def test_welcome_offers_each_campaign_language_first_in_its_own_script(client, campaign):
    page = client.get(f"/s/{campaign['code']}/")
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    main = soup.find("main")
    first = main.find(True)
    assert first.name == "form" and "languages" in first["class"]
    buttons = {b["value"]: b for b in first.select("button.languages__button")}
    assert list(buttons) == list(LANGUAGES)
    for code, button in buttons.items():
        assert button.get_text(strip=True) == LANGUAGES[code][0]
        assert button["lang"] == code and button["dir"] == LANGUAGES[code][1]
        # Each name has its own clip, spoken in its own voice.
        clip = button.find_parent("li").select_one("button.say__button")
        assert clip["lang"] == code
    assert buttons["ur"].get_text(strip=True) == "اردو"
    assert buttons["ar"].get_text(strip=True) == "العربية"


def test_the_campaign_title_keeps_its_own_direction_on_a_right_to_left_page(client, campaign):
    """A lead's English title ends with its "?" on the right, even on an Arabic page."""
    code = campaign["code"]
    assert Respondent(client, code).post("/language", {"language": "ar"}).status_code == 302
    page = client.get(f"/s/{code}/")
    assert _html_lang(page) == ("ar", "rtl")
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    title = soup.select_one(".site-header__campaign")
    assert title.get_text() == campaign["title"] and title["dir"] == "auto"


def test_only_the_campaigns_languages_are_offered(client, make_campaign):
    campaign = make_campaign(statement_ids=["QS1"], languages=["en", "cy"])
    code = campaign["code"]
    soup = BeautifulSoup(client.get(f"/s/{code}/").get_data(as_text=True), "html.parser")
    assert [b["value"] for b in soup.select("button.languages__button")] == ["en", "cy"]
    person = Respondent(client, code)
    assert person.post("/language", {"language": "ar"}).status_code == 400
    assert person.post("/language", {"language": "xx"}).status_code == 400
    assert _html_lang(client.get(f"/s/{code}/")) == ("en", "ltr")


def test_an_english_only_campaign_shows_no_language_choice(client, make_campaign):
    campaign = make_campaign(statement_ids=["QS1"])
    html = client.get(f"/s/{campaign['code']}/").get_data(as_text=True)
    assert "languages__button" not in html


def test_the_choice_is_remembered_then_stored_and_comes_back_with_the_resume_code(
    client, app, campaign
):
    code = campaign["code"]
    person = Respondent(client, code)
    assert person.post("/language", {"language": "ar"}).status_code == 302
    assert _html_lang(client.get(f"/s/{code}/")) == ("ar", "rtl")
    assert _html_lang(client.get(f"/s/{code}/consent")) == ("ar", "rtl")
    person.consent()
    respondent_id = _bound_id(client, code)
    assert _session_language(app, respondent_id) == "ar"
    assert _html_lang(client.get(f"/s/{code}/who")) == ("ar", "rtl")
    # Changing language later is stored too.
    person.post("/language", {"language": "cy"})
    assert _session_language(app, respondent_id) == "cy"
    with app.app_context():
        resume_code = (
            get_db()
            .execute("SELECT resume_code FROM respondent_sessions WHERE id = ?", [respondent_id])
            .fetchone()[0]
        )

    other = app.test_client()
    assert _html_lang(other.get(f"/s/{code}/")) == ("en", "ltr")
    assert follow_resume_link(other, f"/s/{code}/resume/{resume_code}").status_code == 302
    assert _html_lang(other.get(f"/s/{code}/who")) == ("cy", "ltr")
    # Even after finishing for now on that device, the browser keeps the language.
    Respondent(other, code).post("/stop/done", {})
    assert _html_lang(other.get(f"/s/{code}/")) == ("cy", "ltr")


def test_a_missing_translation_shows_english_visibly_and_is_narrated_in_english(
    client, app, campaign
):
    code = campaign["code"]
    with app.app_context():
        row = get_db().execute(
            "SELECT id, content FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
            [campaign["id"]],
        )
        question_row = row.fetchone()
        content = json.loads(question_row["content"])
        del content["text"]["pl"]
        get_db().execute(
            "UPDATE campaign_questions SET content = ? WHERE id = ?",
            [json.dumps(content), question_row["id"]],
        )
    person = Respondent(client, code)
    person.post("/language", {"language": "pl"})
    person.consent()
    person.who()
    html = client.get(f"/s/{code}/q/{content['id']}").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find("h1")
    english = heading.find("span", lang="en")
    assert english.get_text() == content["text"]["en"]
    assert "(po angielsku)" in heading.get_text()
    assert heading.get_text(" ", strip=True).split(" (")[0] in soup.title.get_text()
    control = heading.find_parent(class_="say-row").select_one("button.say__button")
    assert control["lang"] == "en"
    # The hint still has its Polish text, so it is not marked.
    hint = soup.find(id="question-hint")
    assert hint.find(lang="en") is None and hint.get_text() == content["hint"]["pl"]


def test_content_check_counts_fallbacks_per_language(runner, tmp_path):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Fallbacks to English: cy 0, pl 0, ur 0, ar 0" in result.output

    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    path = copy / "questions" / "cqc-la" / "QS1.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Drop the first question's Welsh text and its Urdu alt text.
    first_cy = next(i for i, line in enumerate(lines) if line.startswith("    cy:"))
    del lines[first_cy]
    alt = next(i for i, line in enumerate(lines) if line.startswith("  alt:"))
    ur = next(i for i in range(alt, len(lines)) if lines[i].startswith("    ur:"))
    del lines[ur]
    path.write_text("".join(lines), encoding="utf-8")
    found = fallbacks(("cy", "pl", "ur", "ar"), copy)
    assert found == {"cy": [("QS1-01", "text")], "pl": [], "ur": [("QS1-01", "alt")], "ar": []}


def test_every_question_is_written_in_every_language():
    questions = [q for f in load_library().frameworks.values() for q in f.questions]
    assert len(questions) == 40
    assert fallbacks(tuple(TRANSLATED)) == {code: [] for code in TRANSLATED}


# --- no English left ---


def _english_phrases(language: str) -> list[re.Pattern]:
    """Return patterns for each English text whose translation differs from it."""
    phrases = set()
    kept = set()
    for message in _catalog(language):
        # A plural entry has a singular and a plural English text and a form per count.
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or not all(translated):
            continue
        for text in english:
            if text in translated:
                continue
            phrases.add(re.sub(r"%\(\w+\)[sd]|\{\w+\}", "\x00", text))
            # Units and codes a translation keeps as they are ("MB", "ABCD-2345") are not English.
            kept.update(
                word.strip(".:?")
                for word in text.split()
                if any(word.strip(".:?") in form for form in translated)
            )
    for framework in load_library().frameworks.values():
        for question in framework.questions:
            for field in (question.text, question.hint, question.alt, question.tell_us_more):
                if field.get("en") and field.get(language) != field["en"]:
                    phrases.add(field["en"])
    patterns = []
    for phrase in phrases:
        # Placeholders split a message into the fixed English parts around them.
        for part in phrase.split("\x00"):
            part = part.strip(" .:?")
            if len(part) >= 2 and part not in kept:
                patterns.append(re.compile(r"(?<![\w])" + re.escape(part) + r"(?![\w])"))
    return patterns


def _readable(html: str) -> str:
    """Return what a person can see or hear: text, alt text and accessible names."""
    soup = BeautifulSoup(html, "html.parser")
    body = soup.body
    # Names apart: the campaign title, the app's name, language names, and English on purpose.
    for element in body.select(
        "script, .site-header__campaign, .site-header__name, .languages__button, [lang=en],"
        " .resume-code, .resume-link"
    ):
        element.decompose()
    parts = [body.get_text(" ", strip=True)]
    for element in body.select("[alt], [aria-label], [data-say-percent]"):
        parts += [element.get("alt", ""), element.get("aria-label", "")]
        parts += [value for key, value in element.attrs.items() if key.startswith("data-say-")]
    parts.append(soup.title.get_text())
    return " ".join(parts)


def _every_page(client, app, code: str, language: str) -> list:
    """Show every respondent page, error states included, in one language."""
    person = Respondent(client, code)
    person.post("/language", {"language": language})
    pages = [client.get(f"/s/{code}/"), client.get(f"/s/{code}/settings")]
    pages += [client.get(f"/s/{code}/resume"), person.post("/resume", {"resume_code": ""})]
    pages += [person.post("/resume", {"resume_code": "AAAA-2222"})]
    pages += [client.get(f"/s/{code}/consent"), person.post("/consent", {})]
    pages += [client.get(f"/s/{code}/stop"), client.get(f"/s/{code}/q/nowhere")]
    person.consent()
    pages += [client.get(f"/s/{code}/who"), person.post("/who", {})]
    person.who()
    with app.app_context():
        ids = [
            row[0]
            for row in get_db().execute(
                "SELECT question_id FROM campaign_questions c JOIN campaigns p"
                " ON p.id = c.campaign_id WHERE p.code = ? ORDER BY position",
                [code],
            )
        ]
    for question_id in ids:
        pages.append(client.get(f"/s/{code}/q/{question_id}"))
        pages.append(person.post(f"/q/{question_id}", {"action": "continue"}))
        person.answer(question_id, "good")
    for kind in ("drawing", "photo", "video", "audio"):
        pages.append(client.get(f"/s/{code}/media/add/{kind}?q={ids[0]}"))
    pages.append(person.post("/media/add/photo", {}))
    pages += [client.get(f"/s/{code}/media/anything"), client.get(f"/s/{code}/check")]
    pages += [client.get(f"/s/{code}/stop"), client.get(f"/s/{code}/worried")]
    pages += [person.post("/worried", {"worry": "x" * 6000})]
    pages.append(client.get(f"/s/{code}/what-happens-next"))
    person.post("/check", {})
    pages.append(client.get(f"/s/{code}/thanks"))
    return pages


@pytest.mark.parametrize("language", TRANSLATED)
def test_respondent_pages_have_no_english_left_and_every_text_is_narrated(
    client, app, campaign, language
):
    patterns = _english_phrases(language)
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        with force_locale(language):
            listen = gettext("Listen: %(text)s", text="")
    pages = _every_page(client, app, campaign["code"], language)
    assert len(pages) > 25
    for page in pages:
        assert page.status_code < 500, page.request.path
        html = page.get_data(as_text=True)
        assert _html_lang(page) == (language, LANGUAGES[language][1]), page.request.path
        readable = _readable(html)
        left = sorted({p.pattern for p in patterns if p.search(readable)})
        assert left == [], (page.request.path, left)
        assert _clips(html, listen), page.request.path
        _assert_every_text_has_a_control(html, listen)
