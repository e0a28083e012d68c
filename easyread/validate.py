"""Validate the content: structure, wording and pictures, as one list of problems."""

from __future__ import annotations

from pathlib import Path

from .checks import question_form_problems
from .loader import read_content
from .model import DEFAULT_LANGUAGE, Problem


def validate_content(
    content_dir: Path | None = None, known_pictures: set[str] | None = None
) -> list[Problem]:
    """Return every problem found in the content; an empty list means it is fine.

    Pass known_pictures (the picture library's ids) to check that each picture exists.
    """
    reading = read_content(content_dir)
    problems = list(reading.problems)
    for question in reading.questions:
        for message in question_form_problems(question.text[DEFAULT_LANGUAGE]):
            problems.append(Problem(question.source_file, question.id, message))
        if known_pictures is not None and question.picture not in known_pictures:
            problems.append(
                Problem(
                    question.source_file,
                    question.id,
                    f"The picture {question.picture!r} is not in the picture library.",
                )
            )
    for framework in reading.frameworks.values():
        source = f"frameworks/{framework.id}.yaml"
        for statement in framework.statements:
            missing = known_pictures is not None and statement.picture not in known_pictures
            if statement.picture and missing:
                problems.append(
                    Problem(
                        source,
                        statement.id,
                        f"The picture {statement.picture!r} is not in the picture library.",
                    )
                )
    return problems


TRANSLATED_FIELDS = ("text", "hint", "alt", "tell_us_more")


def fallbacks(
    languages: tuple[str, ...], content_dir: Path | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Return, per language, each (question id, field) that would fall back to English.

    A field with no English text (an optional hint left out) has nothing to fall back from.
    """
    reading = read_content(content_dir)
    found: dict[str, list[tuple[str, str]]] = {language: [] for language in languages}
    for question in reading.questions:
        for field in TRANSLATED_FIELDS:
            texts = getattr(question, field)
            if not texts.get(DEFAULT_LANGUAGE):
                continue
            for language in languages:
                if not texts.get(language):
                    found[language].append((question.id, field))
    return found
