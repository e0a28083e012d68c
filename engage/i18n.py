"""Languages: Flask-Babel wired to the language each respondent chose."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g
from flask_babel import Babel

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def current_language() -> str:
    """Return the language of this request: the respondent's choice, else English."""
    return g.get("language", "en")


def init_app(app: Flask) -> None:
    """Install Babel with the app's own catalogues (an absolute path, as Babel needs)."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=current_language)
