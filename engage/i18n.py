"""Languages: Flask-Babel wired to the language each respondent chose."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g
from flask_babel import Babel, force_locale, gettext

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


def init_app(app: Flask) -> None:
    """Install Babel with the app's own catalogues (an absolute path, as Babel needs)."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    Babel(app, locale_selector=current_language)

    @app.context_processor
    def _page_language() -> dict:
        language = current_language()
        return {"page_lang": language, "page_dir": direction(language)}

    app.jinja_env.globals["language_direction"] = direction
    app.jinja_env.globals["language_name"] = own_name
    app.jinja_env.globals["listen_label"] = listen_label
