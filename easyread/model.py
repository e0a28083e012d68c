"""Hold the content model: frameworks, quality statements and questions."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Theme:
    """A group of statements within a framework, such as a CQC theme."""

    id: str
    name: dict[str, str]


@dataclass(frozen=True)
class Statement:
    """A quality statement, or an area of a code, that questions map to."""

    id: str
    framework_id: str
    theme_id: str | None
    theme_name: dict[str, str] | None
    name: dict[str, str]
    alternative_names: tuple[str, ...]
    gist: dict[str, str]
    # Wording the content owner is unsure of is flagged here rather than silently trusted.
    note: str = ""
    # The heading people see on easy-read pages (the official name is jargon to them), and
    # the picture beside it; a framework without them falls back to the name and no picture.
    easy_name: dict[str, str] | None = None
    picture: str = ""

    def heading(self) -> dict[str, str]:
        """Return the easy-read heading by language, or the official name where there is none."""
        return self.easy_name or self.name


@dataclass(frozen=True)
class Question:
    """An easy-read question about one statement, answered on a faces scale."""

    id: str
    framework_id: str
    statement_id: str
    text: dict[str, str]
    hint: dict[str, str]
    picture: str
    alt: dict[str, str]
    tell_us_more: dict[str, str]
    reversed: bool
    source_file: str


@dataclass(frozen=True)
class Framework:
    """A framework with its themes, statements and questions, in display order."""

    id: str
    name: dict[str, str]
    themes: tuple[Theme, ...]
    statements: tuple[Statement, ...]
    questions: tuple[Question, ...]

    def statement(self, statement_id: str) -> Statement:
        """Return the statement with this id, or raise KeyError."""
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(statement_id)

    def questions_for(self, statement_ids) -> list[Question]:
        """Return the questions for these statements, in statement order then file order.

        Raise KeyError if any id is not a statement of this framework.
        """
        # A single id is a common slip; without this it would be read as a set of letters.
        if isinstance(statement_ids, str):
            statement_ids = [statement_ids]
        wanted = set(statement_ids)
        known = {statement.id for statement in self.statements}
        unknown = sorted(wanted - known)
        if unknown:
            raise KeyError(unknown[0])
        # self.questions is already in statement order then file order, so filtering keeps it.
        return [question for question in self.questions if question.statement_id in wanted]


@dataclass(frozen=True)
class Library:
    """All frameworks that were loaded, keyed by framework id."""

    frameworks: dict[str, Framework]

    def framework(self, framework_id: str) -> Framework:
        """Return the framework with this id, or raise KeyError."""
        return self.frameworks[framework_id]


@dataclass(frozen=True)
class Problem:
    """Describe one thing wrong with the content, naming the file and question."""

    file: str
    question_id: str | None
    message: str

    def __str__(self) -> str:
        if self.question_id is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {self.question_id}: {self.message}"


class ContentError(Exception):
    """Raise when the content is too broken to load; .problems lists why."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"The content has {len(self.problems)} problem(s):\n{lines}")


def text_for(field: dict[str, str], language: str) -> tuple[str, bool]:
    """Return the text for a language and whether it fell back to English.

    Try the exact language ("cy-GB"), then its base language ("cy"), then English.
    An empty field gives ("", False): there is nothing to show in any language.
    """
    if not field:
        return "", False
    base = language.split("-", 1)[0]
    for candidate in (language, base):
        if field.get(candidate):
            return field[candidate], False
    english = field.get(DEFAULT_LANGUAGE, "")
    return english, base != DEFAULT_LANGUAGE or not english
