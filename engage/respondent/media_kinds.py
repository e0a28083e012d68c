"""The four ways to answer without words, the consent choices, and easy-read refusals."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from engage.i18n import lazy_gettext as _l

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
        action=_l("Draw it"),
        picture="draw",
        alt=_l("A paint palette"),
        noun=_l("drawing"),
        accept=IMAGE_ACCEPT,
        capture="environment",
        limit_column="max_photo_bytes",
        permissions_policy="camera=(self), microphone=(), geolocation=(), interest-cohort=()",
        describe=_l("What does your drawing show?"),
        take_label=_l("Take a photo of your drawing"),
        choose_label=_l("Choose a photo of your drawing"),
    ),
    "photo": Kind(
        key="photo",
        action=_l("Take or choose a photo"),
        picture="camera",
        alt=_l("A camera"),
        noun=_l("photo"),
        accept=IMAGE_ACCEPT,
        capture="environment",
        limit_column="max_photo_bytes",
        permissions_policy="camera=(self), microphone=(), geolocation=(), interest-cohort=()",
        describe=_l("What does your photo show?"),
        take_label=_l("Take a photo"),
        choose_label=_l("Choose a photo"),
    ),
    "video": Kind(
        key="video",
        action=_l("Record a video"),
        picture="video",
        alt=_l("A film camera"),
        noun=_l("video"),
        accept="video/*",
        capture="user",
        limit_column="max_video_bytes",
        permissions_policy="camera=(self), microphone=(self), geolocation=(), interest-cohort=()",
        describe=_l("What does your video show?"),
        take_label=_l("Record a video"),
        choose_label=_l("Choose a video"),
    ),
    "audio": Kind(
        key="audio",
        action=_l("Record your voice"),
        picture="voice",
        alt=_l("A microphone"),
        noun=_l("recording"),
        accept="audio/*",
        capture="user",
        limit_column="max_audio_bytes",
        permissions_policy="camera=(), microphone=(self), geolocation=(), interest-cohort=()",
        describe=_l("What does your recording say?"),
        take_label=_l("Record with your device"),
        choose_label=_l("Choose a sound file"),
    ),
}

# The pictures a person can put on a drawing, with their descriptions in every language.
STAMPS = {
    "face-very-good": _l("A face with a big open smile"),
    "face-not-good": _l("A face with a sad mouth"),
    "what-matters": _l("A red heart, for what matters to you"),
    "home": _l("A house"),
    "person": _l("A person"),
    "star": _l("A star"),
    "sun": _l("A sun"),
    "flower": _l("A flower"),
    "tree": _l("A tree"),
    "dog": _l("A dog"),
    "cat": _l("A cat"),
    "going-out": _l("A bus, for going out"),
}

CONSENT_CHOICES = {
    "report": {
        "value": "report",
        "label": _l("Show it in the report"),
        "hint": _l("People who read the report can see it."),
        "picture": "quote",
        "alt": _l("A speech bubble"),
    },
    "words": {
        "value": "words",
        "label": _l("Only say what it shows"),
        "hint": _l("The report tells people about it in words."),
        "picture": "tell-more",
        "alt": _l("A pencil"),
    },
    "private": {
        "value": "private",
        "label": _l("Keep it private"),
        "hint": _l("Only the review team can see it."),
        "picture": "privacy",
        "alt": _l("A padlock"),
    },
}

# reason -> (title, lines, HTTP status); {noun} is the kind's word, such as "photo".
MESSAGES = {
    "disk_full": (
        _l("Sorry, there is no room to save this"),
        [_l("Nothing has been saved."), _l("Please tell the staff.")],
        507,
    ),
    "no_file": (
        _l("Please choose a file"),
        [_l("You did not choose a file."), _l("Please try again.")],
        400,
    ),
    "empty": (
        _l("Sorry, that file is empty"),
        [_l("There is nothing in it."), _l("Please try again.")],
        400,
    ),
    "wrong_type": (
        _l("Sorry, we cannot use that file"),
        [
            _l("It is not a {noun} we can use."),
            _l("Nothing has been saved."),
            _l("Please choose a different file."),
        ],
        415,
    ),
    "polyglot": (
        _l("Sorry, we cannot use that file"),
        [
            _l("It has something else hidden inside."),
            _l("Nothing has been saved."),
            _l("Please choose a different file."),
        ],
        415,
    ),
    "truncated": (
        _l("Sorry, that file is broken"),
        [
            _l("Part of it is missing."),
            _l("Nothing has been saved."),
            _l("Please send it again."),
        ],
        400,
    ),
    "unreadable": (
        _l("Sorry, that file is broken"),
        [
            _l("We cannot open it."),
            _l("Nothing has been saved."),
            _l("Please choose a different file."),
        ],
        400,
    ),
    "too_big": (
        _l("Sorry, that is too big"),
        [
            _l("Your {noun} is too big for us."),
            _l("Nothing has been saved."),
            _l("Please send a shorter or smaller {noun}."),
        ],
        413,
    ),
    "bad_name": (
        _l("Sorry, that file name is not allowed"),
        [_l("Please give the file a simple name."), _l("Nothing has been saved.")],
        400,
    ),
    "out_of_order": (
        _l("Sorry, part of the file came in the wrong order"),
        [_l("We will try again from the right place.")],
        409,
    ),
    "bad_chunk": (
        _l("Sorry, part of the file is the wrong size"),
        [_l("Nothing more has been saved."), _l("Please try again.")],
        400,
    ),
    "interrupted": (
        _l("The connection stopped"),
        [_l("We kept what arrived before."), _l("We will carry on from there.")],
        400,
    ),
    "busy": (
        _l("Sorry, we are busy right now"),
        [_l("Nothing has been saved."), _l("Please wait a few minutes."), _l("Then try again.")],
        503,
    ),
    "too_many": (
        _l("Sorry, you are sending too many files"),
        [_l("Please wait for your other file to finish."), _l("Then try again.")],
        429,
    ),
    "quota": (
        _l("Sorry, you have sent us a lot already"),
        [_l("We cannot keep any more files from you."), _l("Please tell the staff.")],
        413,
    ),
    "who_first": (
        _l("Please tell us who is answering first"),
        [_l("We need to know this before you send a file."), _l("Nothing has been saved.")],
        403,
    ),
    "not_yours": (
        _l("Sorry, you cannot add to that"),
        [_l("That upload is not yours."), _l("Please go back and try again.")],
        403,
    ),
}


# What a phone makes, so a size limit can be said in minutes and photos, not megabytes:
# video at full HD is about 2 MB a second; a voice memo about 1 MB a minute; a photo from a
# good phone camera up to about 12 MB.
VIDEO_BYTES_A_MINUTE = 120 * 1024 * 1024
VOICE_BYTES_A_MINUTE = 1024 * 1024
PHONE_PHOTO_BYTES = 12 * 1024 * 1024


def limit_words(kind: Kind, limit: int) -> str:
    """Say, in everyday words, how much a person can send: minutes of video or voice, photos."""
    if kind.key == "video":
        minutes = max(1, limit // VIDEO_BYTES_A_MINUTE)
        return ngettext(
            "You can send a short video, up to about %(num)s minute.",
            "You can send a short video, up to about %(num)s minutes.",
            minutes,
        )
    if kind.key == "audio":
        minutes = max(1, limit // VOICE_BYTES_A_MINUTE)
        return ngettext(
            "You can send a recording up to about %(num)s minute long.",
            "You can send a recording up to about %(num)s minutes long.",
            minutes,
        )
    if limit >= PHONE_PHOTO_BYTES:
        return _("Any photo from a phone or tablet is fine.")
    return _("Only small photos fit. A photo from a phone may be too big.")
