"""Write small content folders for tests, so each test shows only the fault it is about."""

from __future__ import annotations

FRAMEWORK = """\
id: demo
name: {en: Demo framework}
themes:
  - id: T1
    name: {en: First theme}
statements:
  - id: S1
    theme: T1
    name: {en: First statement}
    gist: {en: I am asked what I think.}
  - id: S2
    theme: T1
    name: {en: Second statement}
    gist: {en: I feel listened to.}
"""


def question(
    question_id: str | None = "S1-01", statement: str | None = "S1", **fields: str | None
) -> str:
    """Return one valid question as YAML; a field set to None is left out."""
    values = {
        "id": question_id,
        "statement": statement,
        "text": '{en: "How is it when people ask you?"}',
        "picture": "talk",
        "alt": "{en: Two people talking.}",
        "tell_us_more": '{en: "What would make it better?"}',
    }
    values.update(fields)
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "- " + "\n  ".join(lines) + "\n"
