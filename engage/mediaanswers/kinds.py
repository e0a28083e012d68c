"""The four ways to answer without words, the consent choices, and easy-read refusals."""

from __future__ import annotations

from dataclasses import dataclass

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


@dataclass(frozen=True)
class Kind:
    """One way to answer: how it is offered, captured, limited and described."""

    key: str
    action: str
    picture: str
    alt: str
    noun: str
    accept: str
    capture: str
    limit_column: str
    permissions_policy: str
    describe: str
    take_label: str
    choose_label: str


KINDS = {
    "drawing": Kind(
        key="drawing",
        action="Draw it",
        picture="draw",
        alt="A paint palette",
        noun="drawing",
        accept=IMAGE_ACCEPT,
        capture="environment",
        limit_column="max_photo_bytes",
        permissions_policy="camera=(self), microphone=(), geolocation=(), interest-cohort=()",
        describe="What does your drawing show?",
        take_label="Take a photo of your drawing",
        choose_label="Choose a photo of your drawing",
    ),
    "photo": Kind(
        key="photo",
        action="Take or choose a photo",
        picture="camera",
        alt="A camera",
        noun="photo",
        accept=IMAGE_ACCEPT,
        capture="environment",
        limit_column="max_photo_bytes",
        permissions_policy="camera=(self), microphone=(), geolocation=(), interest-cohort=()",
        describe="What does your photo show?",
        take_label="Take a photo",
        choose_label="Choose a photo",
    ),
    "video": Kind(
        key="video",
        action="Record a video",
        picture="video",
        alt="A film camera",
        noun="video",
        accept="video/*",
        capture="user",
        limit_column="max_video_bytes",
        permissions_policy="camera=(self), microphone=(self), geolocation=(), interest-cohort=()",
        describe="What does your video show?",
        take_label="Record a video",
        choose_label="Choose a video",
    ),
    "audio": Kind(
        key="audio",
        action="Record your voice",
        picture="voice",
        alt="A microphone",
        noun="recording",
        accept="audio/*",
        capture="user",
        limit_column="max_audio_bytes",
        permissions_policy="camera=(), microphone=(self), geolocation=(), interest-cohort=()",
        describe="What does your recording say?",
        take_label="Record with your device",
        choose_label="Choose a sound file",
    ),
}

CONSENT_CHOICES = {
    "report": {
        "value": "report",
        "label": "Show it in the report",
        "hint": "People who read the report can see it.",
        "picture": "quote",
        "alt": "A speech bubble",
    },
    "words": {
        "value": "words",
        "label": "Only say what it shows",
        "hint": "The report tells people about it in words.",
        "picture": "tell-more",
        "alt": "A pencil",
    },
    "private": {
        "value": "private",
        "label": "Keep it private",
        "hint": "Only the review team can see it.",
        "picture": "privacy",
        "alt": "A padlock",
    },
}

# reason -> (title, lines, HTTP status); {noun} is the kind's word, such as "photo".
MESSAGES = {
    "disk_full": (
        "Sorry, there is no room to save this",
        ["Nothing has been saved.", "Please tell the staff."],
        507,
    ),
    "no_file": ("Please choose a file", ["You did not choose a file.", "Please try again."], 400),
    "empty": ("Sorry, that file is empty", ["There is nothing in it.", "Please try again."], 400),
    "wrong_type": (
        "Sorry, we cannot use that file",
        ["It is not a {noun} we can use.", "Nothing has been saved."],
        415,
    ),
    "polyglot": (
        "Sorry, we cannot use that file",
        ["It has something else hidden inside.", "Nothing has been saved."],
        415,
    ),
    "truncated": (
        "Sorry, that file is broken",
        ["Part of it is missing.", "Nothing has been saved."],
        400,
    ),
    "unreadable": (
        "Sorry, that file is broken",
        ["We cannot open it.", "Nothing has been saved."],
        400,
    ),
    "too_big": (
        "Sorry, that is too big",
        ["Your {noun} is too big for us.", "Nothing has been saved."],
        413,
    ),
    "bad_name": (
        "Sorry, that file name is not allowed",
        ["Please give the file a simple name.", "Nothing has been saved."],
        400,
    ),
    "out_of_order": (
        "Sorry, part of the file came in the wrong order",
        ["We will try again from the right place."],
        409,
    ),
    "bad_chunk": (
        "Sorry, part of the file is the wrong size",
        ["Nothing more has been saved."],
        400,
    ),
    "interrupted": (
        "The connection stopped",
        ["We kept what arrived before.", "We will carry on from there."],
        400,
    ),
    "not_yours": (
        "Sorry, you cannot add to that",
        ["That upload is not yours."],
        403,
    ),
}
