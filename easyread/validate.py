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
    return problems
