"""Easy-read checks used by the validator and by live checks as a lead types."""

from __future__ import annotations

from easyread.checks import (
    jargon_problems,
    long_words,
    question_form_problems,
    sentence_problems,
    sentences,
    word_count,
)


def test_sentences_split_on_end_marks_and_lines():
    text = 'Hello there. How are you?\nI am "fine." Really! The cost is 1.5 pounds'
    assert sentences(text) == [
        "Hello there.",
        "How are you?",
        'I am "fine."',
        "Really!",
        "The cost is 1.5 pounds",
    ]


def test_sentences_ignore_bits_without_words():
    assert sentences("  \n - \nOne.  ") == ["One."]
    assert sentences("") == []


def test_sentences_split_urdu_and_arabic():
    assert len(sentences("پہلا جملہ۔ دوسرا جملہ؟ تیسرا")) == 3


def test_word_count():
    assert word_count("A well-known day centre - open 9 to 5.") == 8
    assert word_count("It costs £20 – or less.") == 5


def test_sentence_problems():
    long = " ".join(["word"] * 16) + "."
    assert sentence_problems("Short. " + long) == [
        f'This sentence has 16 words. Use 15 or fewer: "{long}"'
    ]
    assert sentence_problems(" ".join(["word"] * 15) + ".") == []
    assert sentence_problems("One two three.", max_words=2)[0].startswith(
        "This sentence has 3 words. Use 2 or fewer"
    )


def test_long_words():
    text = "Personalisation and personalisation, wheelchair, well-established, (independently)."
    assert long_words(text) == ["Personalisation", "personalisation", "independently"]
    assert long_words("volunteering") == []
    assert long_words("helping", max_letters=5) == ["helping"]


def test_acronyms_are_flagged_once():
    problems = jargon_problems("The CQC and the CQC. Ask your GPs, or A&E. It is OK on TV.")
    assert problems == [
        'Write "CQC" out in full words. Many people do not know short forms.',
        'Write "GPs" out in full words. Many people do not know short forms.',
        'Write "A&E" out in full words. Many people do not know short forms.',
    ]


def test_single_capitals_and_names_are_not_acronyms():
    assert jargon_problems("I went to McDonalds with Ann.") == []


def test_jargon_words_suggest_plainer_ones():
    problems = jargon_problems("Your Safeguarding assessments and outcomes, from a care-package.")
    assert problems == [
        'The word "Safeguarding" may be hard to understand. Try "keeping people safe from harm".',
        'The word "assessments" may be hard to understand.'
        ' Try "a meeting to find out what help you need".',
        'The word "outcomes" may be hard to understand. Try "what changed for you".',
        'The word "care-package" may be hard to understand. Try "the support you get".',
    ]


def test_jargon_does_not_match_inside_other_words():
    assert jargon_problems("Pathways aside, the warpath is clear.") == [
        'The word "Pathways" may be hard to understand. Try "the steps you go through".'
    ]


def test_extra_terms():
    assert jargon_problems("We will hold a locality hub.", extra_terms=["locality", " "]) == [
        'The word "locality" may be hard to understand. Use an everyday word, or explain it.'
    ]


def test_question_form():
    assert question_form_problems("How is your home?") == []
    assert question_form_problems("Do you like your home?") == [
        '"Do" starts a yes-or-no question. Try an open question, such as "How is..."'
    ]
    assert question_form_problems("Tell us about your home") == [
        "End the question with a question mark."
    ]
