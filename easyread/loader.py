"""Read frameworks and questions from YAML files, collecting problems instead of crashing.

Layout under the content directory:
    frameworks/<framework-id>.yaml
    questions/<framework-id>/<statement-id>.yaml
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .checks import sentence_problems
from .model import (
    DEFAULT_LANGUAGE,
    ContentError,
    Framework,
    Library,
    Problem,
    Question,
    Statement,
    Theme,
)

CONTENT_DIR = Path(__file__).parent / "content"

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PICTURE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# ISO 639 codes with optional subtags: en, cy, ur, pt-BR.
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

QUESTION_KEYS = frozenset(
    {"id", "statement", "text", "hint", "picture", "alt", "tell_us_more", "reversed"}
)
FRAMEWORK_KEYS = frozenset({"id", "name", "themes", "statements"})
THEME_KEYS = frozenset({"id", "name"})
STATEMENT_KEYS = frozenset(
    {"id", "theme", "name", "easy_name", "picture", "alternative_names", "gist", "note"}
)


class _StrictLoader(yaml.SafeLoader):
    """Refuse duplicate keys, which plain PyYAML silently resolves to the last one."""


def _mapping_without_duplicates(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


@dataclass
class Reading:
    """Everything learned from one pass over the content directory."""

    frameworks: dict[str, Framework] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Problems that leave the model incomplete; the rest are about wording.
    blocking: list[Problem] = field(default_factory=list)


@dataclass
class _Where:
    """Report problems against one file and, when known, one question."""

    reading: Reading
    file: str
    question_id: str | None = None
    # Names a question by its place in the file when it has no usable id.
    prefix: str = ""

    def error(self, message: str) -> None:
        """Record a problem that stops the content from loading."""
        problem = Problem(self.file, self.question_id, self.prefix + message)
        self.reading.problems.append(problem)
        self.reading.blocking.append(problem)

    def warn(self, message: str) -> None:
        """Record a problem with the wording that still lets the content load."""
        self.reading.problems.append(Problem(self.file, self.question_id, self.prefix + message))


_FAILED = object()


def _read_yaml(path: Path, where: _Where):
    """Return the parsed file, or _FAILED after recording why it could not be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        where.error("The file is not saved as UTF-8 text.")
        return _FAILED
    except OSError as exc:
        where.error(f"The file could not be read: {exc.strerror}.")
        return _FAILED
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        where.error(f"The file is not valid YAML{place}: {reason}.")
        return _FAILED


def _languages(value, label: str, where: _Where, *, required: bool) -> dict[str, str] | None:
    """Return a text field keyed by language, or None if it is missing or malformed.

    A required field must have English text. Every language is checked for long sentences.
    """
    if value is None:
        if required:
            where.error(f"The {label} is missing. Add it in English (en).")
            return None
        return {}
    if not isinstance(value, dict):
        where.error(f"The {label} must list text by language, for example en: ...")
        return None
    texts: dict[str, str] = {}
    well_formed = True
    for language, text in value.items():
        if not isinstance(language, str) or not _LANGUAGE.match(language):
            # YAML reads a bare no or on as a true/false value, hence the advice on quotes.
            where.error(
                f"The {label} has {language!r}, which is not a language code such as en or cy."
                " Put codes like no or on in quotes."
            )
            well_formed = False
        elif not isinstance(text, str):
            where.error(f"The {label} in {language} must be text.")
            well_formed = False
        elif not text.strip():
            if language != DEFAULT_LANGUAGE:
                where.warn(f"The {label} in {language} is empty.")
        else:
            texts[language] = text.strip()
            for message in sentence_problems(text):
                where.warn(f"The {label} in {language}: {message}")
    if not well_formed:
        return None
    if required and DEFAULT_LANGUAGE not in texts:
        where.error(f"The {label} has no English (en) text.")
        return None
    return texts


def _unknown_keys(entry: dict, allowed: frozenset, where: _Where) -> None:
    for key in entry:
        if key not in allowed:
            where.warn(f"The field {key!r} is not known, so it is ignored.")


def _identifier(value, what: str, where: _Where) -> str | None:
    """Return the id if it is usable, recording a problem if it is missing or odd."""
    if value is None:
        where.error(f"The {what} has no id.")
        return None
    if not isinstance(value, str) or not _ID.match(value):
        where.error(
            f"The {what} id {value!r} must be text made of letters, numbers, '-', '_' or '.'."
        )
        return None
    return value


def _load_framework(path: Path, where: _Where) -> Framework | None:
    data = _read_yaml(path, where)
    if data is _FAILED:
        return None
    if not isinstance(data, dict):
        where.error("The file must be a mapping with id, name and statements.")
        return None
    _unknown_keys(data, FRAMEWORK_KEYS, where)
    framework_id = _identifier(data.get("id"), "framework", where)
    if framework_id is not None and framework_id != path.stem:
        where.error(f"The framework id {framework_id!r} must match the file name.")
        framework_id = None
    title = _languages(data.get("name"), "framework name", where, required=True)

    themes: dict[str, Theme] = {}
    raw_themes = data.get("themes") or []
    if not isinstance(raw_themes, list):
        where.error("themes must be a list.")
        raw_themes = []
    for position, entry in enumerate(raw_themes, start=1):
        if not isinstance(entry, dict):
            where.error(f"Theme {position} must be a mapping with id and name.")
            continue
        _unknown_keys(entry, THEME_KEYS, where)
        theme_id = _identifier(entry.get("id"), f"theme {position}", where)
        theme_name = _languages(entry.get("name"), "theme name", where, required=True)
        if theme_id in themes:
            where.error(f"The theme id {theme_id} is used twice.")
        elif theme_id and theme_name is not None:
            themes[theme_id] = Theme(theme_id, theme_name)

    statements: list[Statement] = []
    raw_statements = data.get("statements")
    if not isinstance(raw_statements, list) or not raw_statements:
        where.error("statements must be a list with at least one statement.")
        raw_statements = []
    for position, entry in enumerate(raw_statements, start=1):
        statement = _load_statement(entry, position, framework_id, themes, where)
        if statement is None:
            continue
        if any(statement.id == earlier.id for earlier in statements):
            where.error(f"The statement id {statement.id} is used twice.")
            continue
        statements.append(statement)

    if framework_id is None or title is None:
        return None
    return Framework(framework_id, title, tuple(themes.values()), tuple(statements), ())


def _load_statement(entry, position, framework_id, themes, where: _Where) -> Statement | None:
    if not isinstance(entry, dict):
        where.error(f"Statement {position} must be a mapping with id and name.")
        return None
    _unknown_keys(entry, STATEMENT_KEYS, where)
    statement_id = _identifier(entry.get("id"), f"statement {position}", where)
    label = statement_id or f"statement {position}"
    title = _languages(entry.get("name"), f"name of {label}", where, required=True)
    gist = _languages(entry.get("gist"), f"gist of {label}", where, required=True)
    easy_name = _languages(
        entry.get("easy_name"), f"easy-read heading of {label}", where, required=False
    )
    picture = entry.get("picture") or ""
    if not isinstance(picture, str) or (picture and not _PICTURE_ID.match(picture)):
        where.error(f"The picture id {picture!r} must be lower-case letters, numbers and '-'.")
        return None
    theme_id = entry.get("theme")
    theme = None
    if theme_id is not None:
        theme = themes.get(theme_id) if isinstance(theme_id, str) else None
        if theme is None:
            where.error(f"{label} names the theme {theme_id!r}, which is not listed.")
            return None
    elif themes:
        where.error(f"{label} needs a theme, because this framework has themes.")
        return None
    alternatives = entry.get("alternative_names") or []
    if not isinstance(alternatives, list) or not all(isinstance(a, str) for a in alternatives):
        where.error(f"alternative_names of {label} must be a list of text.")
        return None
    note = entry.get("note") or ""
    if not isinstance(note, str):
        where.error(f"The note of {label} must be text.")
        return None
    if statement_id is None or title is None or gist is None or framework_id is None:
        return None
    return Statement(
        id=statement_id,
        framework_id=framework_id,
        theme_id=theme.id if theme else None,
        theme_name=theme.name if theme else None,
        name=title,
        alternative_names=tuple(alternatives),
        gist=gist,
        note=note,
        easy_name=easy_name or None,
        picture=picture,
    )


def _load_question_file(
    path: Path, framework: Framework, seen_ids: dict[str, str], where: _Where
) -> list[Question]:
    statement_ids = [statement.id for statement in framework.statements]
    if path.stem not in statement_ids:
        where.error(
            f"The file name {path.stem} is not a statement of {framework.id}."
            f" Name the file after one of: {', '.join(statement_ids)}."
        )
    data = _read_yaml(path, where)
    if data is _FAILED:
        return []
    if data is None:
        where.warn("The file has no questions.")
        return []
    if not isinstance(data, list):
        where.error("The file must be a list of questions, each starting with '- '.")
        return []
    questions = []
    for position, entry in enumerate(data, start=1):
        question = _load_question(entry, position, path.stem, framework, seen_ids, where)
        if question is not None:
            questions.append(question)
    return questions


def _load_question(entry, position, file_statement, framework, seen_ids, file_where: _Where):
    where = replace(file_where, prefix=f"Question {position}: ")
    if not isinstance(entry, dict):
        where.error("It must be a mapping with id, statement, text and more.")
        return None
    usable = True
    question_id = _identifier(entry.get("id"), "question", where)
    if question_id is None:
        usable = False
    else:
        where = replace(file_where, question_id=question_id)
        if question_id in seen_ids:
            where.error(f"The id {question_id} is also used in {seen_ids[question_id]}.")
            usable = False
        else:
            seen_ids[question_id] = where.file

    _unknown_keys(entry, QUESTION_KEYS, where)

    statement_id = entry.get("statement")
    if statement_id is None:
        where.error("The question does not say which statement it belongs to.")
        usable = False
    elif not isinstance(statement_id, str) or all(
        statement.id != statement_id for statement in framework.statements
    ):
        where.error(f"The statement {statement_id!r} is not in the {framework.id} framework.")
        usable = False
    elif statement_id != file_statement:
        where.error(f"The question belongs to {statement_id}, so move it to {statement_id}.yaml.")
        usable = False

    text = _languages(entry.get("text"), "question text", where, required=True)
    hint = _languages(entry.get("hint"), "hint", where, required=False)
    alt = _languages(entry.get("alt"), "picture description (alt)", where, required=True)
    more = _languages(entry.get("tell_us_more"), "tell us more prompt", where, required=False)

    picture = entry.get("picture")
    if picture is None or picture == "":
        where.error("The question has no picture. Add a picture id.")
        usable = False
    elif not isinstance(picture, str) or not _PICTURE_ID.match(picture):
        where.error(f"The picture id {picture!r} must be lower-case letters, numbers and '-'.")
        usable = False

    is_reversed = entry.get("reversed", False)
    if not isinstance(is_reversed, bool):
        where.error("reversed must be true or false.")
        usable = False

    if not usable or None in (text, hint, alt, more):
        return None
    return Question(
        id=question_id,
        framework_id=framework.id,
        statement_id=statement_id,
        text=text,
        hint=hint,
        picture=picture,
        alt=alt,
        tell_us_more=more,
        reversed=is_reversed,
        source_file=where.file,
    )


def _skip(path: Path, where: _Where) -> bool:
    """Say whether to pass over a file, warning about ones that look meant to be read."""
    if path.name.startswith(".") or path.is_dir():
        return True
    if path.suffix == ".yaml":
        return False
    if path.suffix == ".yml":
        where.warn("This file is ignored. Rename it to end in .yaml.")
    return True


def read_content(content_dir: Path | None = None) -> Reading:
    """Read every framework and question file, recording problems as it goes."""
    root = Path(content_dir) if content_dir is not None else CONTENT_DIR
    reading = Reading()

    def where(path: Path) -> _Where:
        return _Where(reading, path.relative_to(root).as_posix())

    frameworks_dir = root / "frameworks"
    if not frameworks_dir.is_dir():
        where(frameworks_dir).error("There is no frameworks folder.")
        return reading
    for path in sorted(frameworks_dir.iterdir()):
        if not _skip(path, where(path)):
            framework = _load_framework(path, where(path))
            if framework is not None:
                reading.frameworks[framework.id] = framework

    seen_ids: dict[str, str] = {}
    questions_dir = root / "questions"
    for folder in sorted(questions_dir.iterdir()) if questions_dir.is_dir() else ():
        if folder.name.startswith("."):
            continue
        if not folder.is_dir():
            if not _skip(folder, where(folder)):
                where(folder).warn(
                    "This file is ignored. Put it in the folder named after its framework."
                )
            continue
        framework = reading.frameworks.get(folder.name)
        if framework is None:
            where(folder).error(
                f"There is no framework called {folder.name}, so these questions cannot load."
            )
            continue
        order = {statement.id: index for index, statement in enumerate(framework.statements)}
        files = [path for path in folder.iterdir() if not _skip(path, where(path))]
        # Statement order, not alphabetical order, so QS10 would come after QS9.
        files.sort(key=lambda path: (order.get(path.stem, len(order)), path.name))
        questions: list[Question] = []
        for path in files:
            questions.extend(_load_question_file(path, framework, seen_ids, where(path)))
        reading.questions.extend(questions)
        reading.frameworks[framework.id] = Framework(
            framework.id, framework.name, framework.themes, framework.statements, tuple(questions)
        )
    return reading


def load_library(content_dir: Path | None = None) -> Library:
    """Load all frameworks and questions; raise ContentError if the content is broken.

    Wording problems such as long sentences do not stop loading: use validate_content.
    """
    reading = read_content(content_dir)
    if reading.blocking:
        raise ContentError(reading.blocking)
    return Library(dict(reading.frameworks))
