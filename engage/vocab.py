"""The fixed choices a respondent makes, each with its words and picture."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    picture: str
    alt: str
    hint: str = ""


SCALE_CHOICES = {
    "very_good": Choice("very_good", "Very good", "face-very-good", "A face with a big smile"),
    "good": Choice("good", "Good", "face-good", "A smiling face"),
    "ok": Choice("ok", "OK", "face-ok", "A face with a straight mouth"),
    "not_good": Choice("not_good", "Not good", "face-not-good", "A sad face"),
    "very_not_good": Choice("very_not_good", "Very bad", "face-very-not-good", "A very sad face"),
}
SCALES = {
    3: ("good", "ok", "not_good"),
    5: ("very_good", "good", "ok", "not_good", "very_not_good"),
}
ALWAYS_CHOICES = (
    Choice("not_sure", "Not sure", "not-sure", "A face that is thinking"),
    Choice(
        "prefer_not_to_say",
        "I don't want to say",
        "prefer-not-to-say",
        "A face with a zip across its mouth",
    ),
)
POSITIVE_VALUES = frozenset({"very_good", "good"})
NEGATIVE_VALUES = frozenset({"not_good", "very_not_good"})


def answer_choices(scale_points: int) -> list[Choice]:
    """Return the faces for a scale, then the two choices that are always there."""
    return [SCALE_CHOICES[value] for value in SCALES[scale_points]] + list(ALWAYS_CHOICES)


RESPONDENT_GROUPS = {
    "person": Choice("person", "I get care or support", "person", "A person"),
    "family": Choice("family", "I am family or an unpaid carer", "family", "A family together"),
    "advocate": Choice("advocate", "I am a friend or advocate", "advocate", "Two people talking"),
    "staff": Choice("staff", "I work in care or support", "staff", "A care worker"),
    "partner": Choice(
        "partner", "I work for a partner organisation", "partner", "Two hands shaking"
    ),
}

ANSWERED_HOW = {
    "own": Choice("own", "On my own", "on-my-own", "One person on their own"),
    "helped": Choice("helped", "Someone is helping me", "with-help", "A helper beside a person"),
    "answered_for": Choice(
        "answered_for",
        "Someone is answering for me",
        "answering-for",
        "A helper speaking for a person",
        hint="For example, a carer answers for the person they support.",
    ),
}
