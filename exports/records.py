"""The plain records an export is made from; the app builds them from its store."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Statement:
    """A quality statement as the export names it."""

    id: str
    name: str
    theme: str = ""


@dataclass(frozen=True)
class CampaignInfo:
    """The campaign an export is about, with its suppression thresholds."""

    id: int
    code: str
    title: str
    framework: str
    statements: tuple[Statement, ...]
    scale_points: int = 3
    opens_at: str | None = None
    closes_at: str | None = None
    min_group_size: int = 10
    min_cell_count: int = 5
    differ_margin: float = 0.2
    is_demo: bool = False
    exported_at: str = ""
    # The first and last day anyone answered, for the period when the campaign has no dates.
    answers_from: str = ""
    answers_to: str = ""
    # Who owns the evidence in this export: the lead who ran it.
    owner: str = ""
    # When the published snapshot the figures come from was taken ("" when read live).
    figures_from: str = ""


@dataclass(frozen=True)
class AnswerRecord:
    """One scale answer, or one line of a group tally standing for `count` people.

    `respondent_key` names who answered (a session, or a group session); a group tally of N
    people choosing one face for one question is a single record with count=N.
    """

    respondent_key: str
    statement_id: str
    question_id: str
    value: str
    respondent_group: str
    answered_how: str
    language: str = "en"
    count: int = 1
    held: bool = False


@dataclass(frozen=True)
class QuoteRecord:
    """A marked quote with everything the export may need to decide whether to show it.

    `text` is the original span; `redactions` are the item's confirmed spans as
    (start, end, kind) in item-text offsets, and `start`/`end` place the quote in that text.
    """

    evidence_ref: str
    statement_ids: tuple[str, ...]
    item_text: str
    start: int
    end: int
    redactions: tuple[tuple[int, int, str], ...] = ()
    pending_redactions: int = 0
    suggestions_made: bool = True
    strength: str | None = None
    respondent_group: str = ""
    answered_how: str = ""
    language: str = "en"
    date: str = ""
    english_translation: str = ""
    consent_quote: bool = False
    included: bool = True
    held: bool = False
    withdrawn: bool = False
    words_changed: bool = False
    # Given on a tablet with no connection and sent later from its outbox.
    answered_offline: bool = False


@dataclass(frozen=True)
class MediaRecord:
    """A drawing, photo, video or recording, with the words that describe it."""

    reference: str
    kind: str
    description: str
    consent_media: bool
    file_name: str = ""
    source_path: str | None = None
    included: bool = True
    held: bool = False
    statement_ids: tuple[str, ...] = ()
    date: str = ""
    respondent_group: str = ""
    answered_how: str = ""
    answered_offline: bool = False


@dataclass(frozen=True)
class ParticipantRecord:
    """One person or group session that took part, for the engagement record.

    A group session (answered_how "group") stands for `people`: those who answered from
    its tally. It carries the place it met and the date, and an empty `language`.
    `answered_offline` marks a person who answered on a tablet with no connection.
    """

    respondent_key: str
    respondent_group: str
    answered_how: str
    language: str
    people: int = 1
    finished: bool = True
    held: bool = False
    place: str = ""
    date: str = ""
    answered_offline: bool = False


@dataclass(frozen=True)
class SignOff:
    """A lead's approval of an export for filing: who approved it, their role and when."""

    approved_by: str
    role: str
    approved_at: str


@dataclass
class ExportInput:
    """Everything one export is made from. Iterables may be generators, read once."""

    campaign: CampaignInfo
    answers: object = field(default_factory=list)
    quotes: object = field(default_factory=list)
    media: object = field(default_factory=list)
    participants: object = field(default_factory=list)
    sign_off: SignOff | None = None
