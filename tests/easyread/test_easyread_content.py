"""The shipped frameworks and questions: complete, valid and in easy read."""

from __future__ import annotations

import pytest

from easyread import load_library, validate_content
from easyread.checks import jargon_problems, long_words
from media.pictures import library_ids

LIBRARY = load_library()
QUESTIONS = [q for framework in LIBRARY.frameworks.values() for q in framework.questions]


def test_shipped_content_has_no_problems():
    assert [str(p) for p in validate_content(known_pictures=library_ids())] == []


def test_cqc_framework_has_four_themes_and_nine_statements():
    cqc = LIBRARY.framework("cqc-la")
    assert [theme.id for theme in cqc.themes] == ["T1", "T2", "T3", "T4"]
    assert [theme.name["en"] for theme in cqc.themes] == [
        "Working with people",
        "Providing support",
        "Ensuring safety within the system",
        "Leadership",
    ]
    assert [s.id for s in cqc.statements] == [f"QS{n}" for n in range(1, 10)]
    themes = {s.id: s.theme_id for s in cqc.statements}
    assert themes == {
        "QS1": "T1", "QS2": "T1", "QS3": "T1",
        "QS4": "T2", "QS5": "T2",
        "QS6": "T3", "QS7": "T3",
        "QS8": "T4", "QS9": "T4",
    }  # fmt: skip
    qs4 = cqc.statement("QS4")
    assert qs4.name["en"] == "Care provision, integration and continuity"
    assert "Care provision" in qs4.alternative_names
    assert qs4.theme_name == {"en": "Providing support"}
    assert all(s.alternative_names and s.gist["en"] for s in cqc.statements)


def test_duqc_has_five_areas_without_themes():
    duqc = LIBRARY.framework("duqc")
    assert [s.id for s in duqc.statements] == [f"DUQ{n}" for n in range(1, 6)]
    assert duqc.statement("DUQ1").name["en"] == "Support is focused on the person"
    assert all(s.theme_id is None and s.theme_name is None for s in duqc.statements)
    # Only the first area's wording is certain; the rest say so.
    assert [bool(s.note) for s in duqc.statements] == [False, True, True, True, True]


@pytest.mark.parametrize("framework_id", ["cqc-la", "duqc"])
def test_every_statement_has_at_least_two_questions(framework_id):
    framework = LIBRARY.framework(framework_id)
    for statement in framework.statements:
        assert len(framework.questions_for([statement.id])) >= 2, statement.id


def test_question_ids_are_unique_and_start_with_their_statement():
    ids = [q.id for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    assert all(q.id.startswith(q.statement_id + "-") for q in QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_english_is_plain(question):
    for field in (question.text, question.hint, question.alt, question.tell_us_more):
        text = field.get("en", "")
        assert jargon_problems(text) == []
        assert long_words(text) == []
    assert question.text["en"].startswith("How ")
    assert question.tell_us_more["en"]
