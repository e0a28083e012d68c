"""The fixed choices a respondent makes, each with its words and picture."""

from __future__ import annotations

from dataclasses import dataclass

from engage.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Choice:
    """One choice; label, alt and hint are lazy, so each shows in the page's language."""

    value: str
    label: str
    picture: str
    alt: str
    hint: str = ""


SCALE_CHOICES = {
    "very_good": Choice(
        "very_good", _l("Very good"), "face-very-good", _l("A face with a big smile")
    ),
    "good": Choice("good", _l("Good"), "face-good", _l("A smiling face")),
    "ok": Choice("ok", _l("OK"), "face-ok", _l("A face with a straight mouth")),
    "not_good": Choice("not_good", _l("Not good"), "face-not-good", _l("A sad face")),
    "very_not_good": Choice(
        "very_not_good", _l("Very bad"), "face-very-not-good", _l("A very sad face")
    ),
}
SCALES = {
    3: ("good", "ok", "not_good"),
    5: ("very_good", "good", "ok", "not_good", "very_not_good"),
}
ALWAYS_CHOICES = (
    Choice("not_sure", _l("Not sure"), "not-sure", _l("A face that is thinking")),
    Choice(
        "prefer_not_to_say",
        _l("I don't want to say"),
        "prefer-not-to-say",
        _l("A face with a zip across its mouth"),
    ),
)
POSITIVE_VALUES = frozenset({"very_good", "good"})
NEGATIVE_VALUES = frozenset({"not_good", "very_not_good"})


def answer_choices(scale_points: int) -> list[Choice]:
    """Return the faces for a scale, then the two choices that are always there."""
    return [SCALE_CHOICES[value] for value in SCALES[scale_points]] + list(ALWAYS_CHOICES)


RESPONDENT_GROUPS = {
    "person": Choice("person", _l("I get care or support"), "person", _l("A person")),
    "family": Choice(
        "family", _l("I am family or an unpaid carer"), "family", _l("A family together")
    ),
    "advocate": Choice(
        "advocate",
        _l("I am a friend or advocate"),
        "advocate",
        _l("A loudhailer, for speaking up for someone"),
    ),
    "staff": Choice(
        "staff",
        _l("I work in care or support"),
        "staff",
        _l("A helper pushing a person in a wheelchair"),
    ),
    "partner": Choice(
        "partner", _l("I work for a partner organisation"), "partner", _l("Two hands shaking")
    ),
}

ANSWERED_HOW = {
    "own": Choice("own", _l("On my own"), "on-my-own", _l("One person on their own")),
    "helped": Choice(
        "helped", _l("Someone is helping me"), "with-help", _l("Two people holding hands")
    ),
    "answered_for": Choice(
        "answered_for",
        _l("Someone is answering for me"),
        "answering-for",
        _l("A head speaking, for someone who answers for you"),
        hint=_l("For example, a carer answers for the person they support."),
    ),
}


# Who said a group-session note: shown to advocates as they write it and to leads on a flag.
SPEAKER_ROLES = {
    "person": _l("Person who gets support"),
    "family": _l("Family member or carer"),
    "staff": _l("Staff member"),
    "advocate": _l("Advocate or friend"),
    "other": _l("Someone else"),
}
