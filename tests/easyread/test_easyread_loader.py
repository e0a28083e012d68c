"""Loading content into frameworks, statements and questions."""

from __future__ import annotations

import pytest

from easyread import Library, Question, load_library, text_for
from tests.easyread.helpers import question


@pytest.fixture
def library(content) -> Library:
    return load_library(
        content(
            {
                # Written in the opposite order to the statements, to show order comes
                # from the framework, not from file names.
                "questions/demo/S2.yaml": question("B-1", "S2") + question("A-1", "S2"),
                "questions/demo/S1.yaml": question("Z-1", reversed="true", hint="{en: Hi.}"),
            }
        )
    )


def test_framework_lookup(library):
    framework = library.framework("demo")
    assert framework.name == {"en": "Demo framework"}
    assert library.frameworks == {"demo": framework}
    with pytest.raises(KeyError):
        library.framework("nope")


def test_statement_lookup(library):
    statement = library.framework("demo").statement("S2")
    assert statement.framework_id == "demo"
    assert statement.theme_id == "T1"
    assert statement.theme_name == {"en": "First theme"}
    assert statement.alternative_names == ()
    with pytest.raises(KeyError):
        library.framework("demo").statement("S9")


def test_questions_for_keeps_statement_then_file_order(library):
    framework = library.framework("demo")
    assert [q.id for q in framework.questions_for(["S2", "S1"])] == ["Z-1", "B-1", "A-1"]
    assert [q.id for q in framework.questions_for(["S2"])] == ["B-1", "A-1"]
    assert [q.id for q in framework.questions_for("S1")] == ["Z-1"]
    assert [q.id for q in framework.questions] == ["Z-1", "B-1", "A-1"]
    with pytest.raises(KeyError):
        framework.questions_for(["S1", "S9"])


def test_question_fields(library):
    first, second = library.framework("demo").questions[:2]
    assert first == Question(
        id="Z-1",
        framework_id="demo",
        statement_id="S1",
        text={"en": "How is it when people ask you?"},
        hint={"en": "Hi."},
        picture="talk",
        alt={"en": "Two people talking."},
        tell_us_more={"en": "What would make it better?"},
        reversed=True,
        source_file="questions/demo/S1.yaml",
    )
    assert second.hint == {}
    assert second.reversed is False


def test_shipped_content_is_the_default():
    assert set(load_library().frameworks) == {"cqc-la", "duqc"}


@pytest.mark.parametrize(
    ("field", "language", "expected"),
    [
        ({"en": "Hello", "cy": "Helo"}, "cy", ("Helo", False)),
        ({"en": "Hello", "cy": "Helo"}, "cy-GB", ("Helo", False)),
        ({"en": "Hello"}, "pl", ("Hello", True)),
        ({"en": "Hello"}, "en", ("Hello", False)),
        ({"en": "Hello"}, "en-GB", ("Hello", False)),
        ({"en": "Hello", "ur": ""}, "ur", ("Hello", True)),
        ({}, "cy", ("", False)),
    ],
)
def test_text_for(field, language, expected):
    assert text_for(field, language) == expected
