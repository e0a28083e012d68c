"""Languages: Flask-Babel wired to the language each respondent chose."""

from __future__ import annotations

from pathlib import Path

from babel.support import Translations
from flask import Flask, g, has_app_context
from flask_babel import Babel, force_locale, gettext
from flask_babel.speaklater import LazyString

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"

# Each language named in its own words, and which way its script runs.
LANGUAGES = {
    "en": ("English", "ltr"),
    "cy": ("Cymraeg", "ltr"),
    "pl": ("Polski", "ltr"),
    "ur": ("اردو", "rtl"),
    "ar": ("العربية", "rtl"),
}
DEFAULT_LANGUAGE = "en"


def current_language() -> str:
    """Return the language of this request: the respondent's choice, else English."""
    return g.get("language", DEFAULT_LANGUAGE)


def direction(language: str) -> str:
    """Return "rtl" for a right-to-left language, else "ltr"."""
    return LANGUAGES.get(language, LANGUAGES[DEFAULT_LANGUAGE])[1]


def own_name(language: str) -> str:
    """Return a language's name in its own script."""
    return LANGUAGES[language][0]


def usable(language: str | None, offered) -> str:
    """Return the language if it is known and offered, else English."""
    if language in LANGUAGES and language in offered:
        return language
    return DEFAULT_LANGUAGE


def listen_label(language: str) -> str:
    """Return the name of the play control for a language's own name, in that language."""
    with force_locale(language):
        return gettext("Listen: %(text)s", text=own_name(language))


_catalogues: dict[str, Translations] = {}


def page_catalogue() -> Translations:
    """Return the catalogue of this request's language, loaded once per process.

    Templates translate a hundred strings a page; Flask-Babel looks the locale up afresh for
    each one, which was a large share of a page's render time.
    """
    return catalogue(current_language())


def catalogue(language: str) -> Translations:
    """Return a language's catalogue, loading it the first time it is asked for."""
    try:
        return _catalogues[language]
    except KeyError:
        loaded = Translations.load(str(TRANSLATIONS), [language])
        _catalogues[language] = loaded
        return loaded


def translate(message: str, **variables) -> str:
    """Translate text into this request's language, filling in its variables."""
    translated = page_catalogue().ugettext(message)
    return translated % variables if variables else translated


def _translate_when_shown(message: str, **variables) -> str:
    if not has_app_context():
        return message % variables if variables else message
    return translate(message, **variables)


def lazy_gettext(message: str, **variables) -> LazyString:
    """Return text that is translated when shown, into the language of the page showing it."""
    return LazyString(_translate_when_shown, message, **variables)


def init_app(app: Flask) -> None:
    """Install Babel with the app's own catalogues (an absolute path, as Babel needs)."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    Babel(app, locale_selector=current_language)
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: page_catalogue().ugettext(text),
        ngettext=lambda singular, plural, n: page_catalogue().ungettext(singular, plural, n),
        newstyle=True,
    )

    @app.context_processor
    def _page_language() -> dict:
        language = current_language()
        return {"page_lang": language, "page_dir": direction(language)}

    app.jinja_env.globals["language_direction"] = direction
    app.jinja_env.globals["language_name"] = own_name
    app.jinja_env.globals["listen_label"] = listen_label
