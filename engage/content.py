"""The bridge between the easy-read content library and the app."""

from __future__ import annotations

from flask import Flask, current_app, g

from easyread import Library, Question, load_library, text_for


def init_app(app: Flask) -> None:
    """Load the content library once, at start-up."""
    app.extensions["easyread"] = load_library()
    app.jinja_env.globals["localise"] = lambda field: localise(field, g.get("language", "en"))
    app.jinja_env.globals["localise_marked"] = lambda field: text_for(
        field or {}, g.get("language", "en")
    )


def library() -> Library:
    """Return the loaded content library."""
    return current_app.extensions["easyread"]


def question_copy(question: Question) -> dict:
    """Return the wording a campaign keeps for one question."""
    return {
        "id": question.id,
        "framework_id": question.framework_id,
        "statement_id": question.statement_id,
        "text": dict(question.text),
        "hint": dict(question.hint),
        "picture": question.picture,
        "alt": dict(question.alt),
        "tell_us_more": dict(question.tell_us_more),
        "reversed": question.reversed,
    }


def localise(field: dict, language: str) -> str:
    """Return a content field in the language, falling back to English."""
    text, _fallback = text_for(field, language)
    return text
