"""Each rule the validator enforces, shown with one small faulty content folder."""

from __future__ import annotations

import pytest

from easyread import ContentError, Problem, load_library, validate_content
from tests.easyread.helpers import question

QS = "questions/demo/S1.yaml"


def problems_for(root, **kwargs) -> list[Problem]:
    return validate_content(root, **kwargs)


def only(problems: list[Problem], question_id: str | None, words: str) -> Problem:
    """Return the single problem about this question whose message mentions words."""
    matching = [p for p in problems if p.question_id == question_id and words in p.message]
    assert len(matching) == 1, [str(p) for p in problems]
    return matching[0]


def test_valid_folder_has_no_problems(content):
    root = content({QS: question() + question("S1-02")})
    assert problems_for(root, known_pictures={"talk"}) == []
    assert [q.id for q in load_library(root).framework("demo").questions] == ["S1-01", "S1-02"]


def test_duplicate_id_across_files(content):
    root = content({QS: question("Q-1"), "questions/demo/S2.yaml": question("Q-1", "S2")})
    problem = only(problems_for(root), "Q-1", "also used in questions/demo/S1.yaml")
    assert problem.file == "questions/demo/S2.yaml"
    with pytest.raises(ContentError):
        load_library(root)


def test_duplicate_id_in_one_file(content):
    root = content({QS: question("Q-1") + question("Q-1")})
    assert only(problems_for(root), "Q-1", "also used").file == QS


def test_missing_id(content):
    root = content({QS: question() + question(None)})
    problem = only(problems_for(root), None, "has no id")
    assert problem.file == QS
    assert problem.message.startswith("Question 2:")
    assert str(problem) == f"{QS}: {problem.message}"


@pytest.mark.parametrize("field", ["text", "hint", "tell_us_more", "alt"])
def test_long_sentence_in_any_field(content, field):
    long = "How is it " + "when people come " * 5 + "to see you?"
    root = content({QS: question(**{field: f'{{en: "Short one. {long}"}}'})})
    problem = only(problems_for(root), "S1-01", "This sentence has 21 words")
    assert problem.file == QS
    assert str(problem).startswith(f"{QS}: S1-01: ")
    # A long sentence is a wording problem: the content still loads.
    load_library(root)


def test_long_sentence_in_a_translation(content):
    welsh = " ".join(["gair"] * 16) + "."
    root = content({QS: question(text=f'{{en: "How is it?", cy: "{welsh}"}}')})
    assert "in cy" in only(problems_for(root), "S1-01", "16 words").message


def test_missing_picture(content):
    root = content({QS: question(picture=None)})
    assert only(problems_for(root), "S1-01", "no picture").file == QS
    with pytest.raises(ContentError):
        load_library(root)


def test_unknown_picture(content):
    root = content({QS: question(picture="unicorn")})
    problem = only(problems_for(root, known_pictures={"talk"}), "S1-01", "'unicorn'")
    assert problem.file == QS
    # Without a picture list there is nothing to check against.
    assert problems_for(root) == []


def test_missing_alt(content):
    root = content({QS: question(alt=None)})
    assert only(problems_for(root), "S1-01", "picture description (alt) is missing").file == QS


def test_alt_without_english(content):
    root = content({QS: question(alt='{cy: "Dau berson yn siarad."}')})
    assert only(problems_for(root), "S1-01", "no English").file == QS


def test_unknown_statement(content):
    root = content({QS: question(statement="S9")})
    assert only(problems_for(root), "S1-01", "'S9' is not in the demo framework").file == QS


def test_statement_from_another_framework(content):
    root = content({QS: question(statement="QS1")})
    assert only(problems_for(root), "S1-01", "'QS1' is not in the demo").file == QS


def test_statement_not_matching_its_file(content):
    root = content({QS: question(statement="S2")})
    assert only(problems_for(root), "S1-01", "move it to S2.yaml").file == QS


def test_file_named_after_unknown_statement(content):
    path = "questions/demo/S7.yaml"
    root = content({path: question(statement="S7")})
    problems = problems_for(root)
    assert only(problems, None, "S7 is not a statement of demo").file == path
    assert only(problems, "S1-01", "'S7' is not in").file == path


def test_questions_for_unknown_framework(content):
    root = content({"questions/nope/S1.yaml": question()})
    assert only(problems_for(root), None, "no framework called nope").file == "questions/nope"


def test_missing_english_text(content):
    root = content({QS: question(text='{cy: "Sut mae pethau?"}')})
    assert only(problems_for(root), "S1-01", "question text has no English").file == QS


def test_missing_text(content):
    root = content({QS: question(text=None)})
    assert only(problems_for(root), "S1-01", "question text is missing").file == QS


def test_malformed_yaml(content):
    root = content({QS: "- id: S1-01\n  text: {en: [unclosed\n"})
    problem = only(problems_for(root), None, "not valid YAML (line")
    assert problem.file == QS
    with pytest.raises(ContentError) as raised:
        load_library(root)
    assert raised.value.problems == [problem]


def test_duplicate_key_in_yaml(content):
    root = content({QS: question() + "  picture: other\n"})
    assert only(problems_for(root), None, "'picture' appears twice").file == QS


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"text": '"How is it?"'}, "must list text by language"),
        ({"text": "{en: 12}"}, "in en must be text"),
        ({"text": '{no: "Hvordan?", en: "How is it?"}'}, "False"),
        ({"reversed": "maybe"}, "reversed must be true or false"),
        ({"picture": "[a, b]"}, "picture id ['a', 'b']"),
    ],
)
def test_wrong_types(content, fields, words):
    root = content({QS: question(**fields)})
    assert only(problems_for(root), "S1-01", words).file == QS


def test_wrong_type_of_id(content):
    root = content({QS: question("12")})
    assert only(problems_for(root), None, "id 12 must be text").file == QS


def test_file_that_is_not_a_list(content):
    root = content({QS: "id: S1-01\n"})
    assert only(problems_for(root), None, "must be a list of questions").file == QS


def test_entry_that_is_not_a_mapping(content):
    root = content({QS: "- just a line\n"})
    assert only(problems_for(root), None, "Question 1: It must be a mapping").file == QS


def test_yes_no_question(content):
    root = content({QS: question(text='{en: "Do you like your home?"}')})
    assert only(problems_for(root), "S1-01", "yes-or-no").file == QS


def test_unknown_field_is_reported_but_loads(content):
    root = content({QS: question(hnit="{en: Oops.}")})
    assert only(problems_for(root), "S1-01", "'hnit' is not known").file == QS
    load_library(root)


def test_yml_file_is_reported(content):
    root = content({"questions/demo/S1.yml": question()})
    assert only(problems_for(root), None, "Rename it to end in .yaml").file == (
        "questions/demo/S1.yml"
    )


def test_broken_framework_file(content):
    root = content({}, framework="id: demo\nname: {en: Demo}\nstatements: []\n")
    problem = only(problems_for(root), None, "at least one statement")
    assert problem.file == "frameworks/demo.yaml"


def test_statement_with_unknown_theme(content):
    framework = (
        "id: demo\nname: {en: Demo}\nthemes: [{id: T1, name: {en: One}}]\n"
        "statements:\n  - {id: S1, theme: T9, name: {en: A}, gist: {en: B.}}\n"
    )
    root = content({}, framework=framework)
    assert only(problems_for(root), None, "theme 'T9'").file == "frameworks/demo.yaml"


def test_framework_id_must_match_file_name(content):
    root = content({}, framework="id: other\nname: {en: Demo}\nstatements: []\n")
    assert only(problems_for(root), None, "must match the file name").file == (
        "frameworks/demo.yaml"
    )


def test_missing_content_folder(tmp_path):
    with pytest.raises(ContentError) as raised:
        load_library(tmp_path / "nowhere")
    assert "no frameworks folder" in str(raised.value)
