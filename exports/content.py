"""Turn an export's records into sheets: the one content every format writes.

Here consent, safeguarding holds, redaction and suppression are applied, once, so the
formats cannot drift apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from exports import redaction
from exports.records import ExportInput, MediaRecord, ParticipantRecord, QuoteRecord
from exports.triangulation import (
    HOW_LABELS,
    VALUE_LABELS,
    VALUES,
    Matrix,
    build_matrices,
    suppress_counts,
)

SCHEMA_VERSION = "1.0"
RESPONDENT_LABELS = {
    "person": "Person who draws on care",
    "family": "Family member or carer",
    "advocate": "Friend or advocate",
    "staff": "Staff",
    "partner": "Partner organisation",
}
STRENGTH_LABELS = {"strength": "Strength", "improve": "Area to improve", None: ""}
Progress = Callable[[str, int], None]


@dataclass
class Sheet:
    """One table of the export: a workbook sheet, a CSV file, a JSON array."""

    name: str
    key: str
    headers: list[str]
    fields: list[str]
    rows: Iterable[list]


@dataclass
class Tally:
    """What an export held, for the export log."""

    quotes: int = 0
    media: int = 0


def quote_is_exportable(quote: QuoteRecord) -> bool:
    """Say whether a quote may leave the review team.

    It must have quote consent, be included, not held for safeguarding, not withdrawn, and
    every redaction suggested for its item must have been confirmed or rejected. If its item's
    words changed since a lead last decided, it waits until a lead decides again.
    """
    return (
        quote.consent_quote
        and quote.included
        and not quote.held
        and not quote.withdrawn
        and not quote.words_changed
        and quote.suggestions_made
        and quote.pending_redactions == 0
    )


def media_is_exportable(media: MediaRecord) -> bool:
    """Say whether a piece of media may be shown: consented, included and not held."""
    return media.consent_media and media.included and not media.held


def build_sheets(
    data: ExportInput, progress: Progress | None = None, tally: Tally | None = None
) -> list[Sheet]:
    """Return the export's sheets in workbook order; quotes and media stream when read."""
    campaign = data.campaign
    tally = tally if tally is not None else Tally()
    report = progress or (lambda _stage, _done: None)
    by_group, by_how = build_matrices(
        _counted(data.answers, "answers", report),
        campaign.statements,
        min_group_size=campaign.min_group_size,
        min_cell_count=campaign.min_cell_count,
        differ_margin=campaign.differ_margin,
    )
    themes = {s.id: s.theme for s in campaign.statements}
    return [
        _read_me(data),
        _scores(by_group, by_how, themes),
        _triangulation(by_group, by_how),
        Sheet(
            "Quotes",
            "quotes",
            [
                "Evidence reference",
                "Statement",
                "Theme",
                "Strength or area to improve",
                "Respondent group",
                "How answered",
                "Language",
                "Date",
                "Words (redacted)",
                "English translation",
            ],
            [
                "evidence_ref",
                "statement",
                "theme",
                "strength",
                "respondent_group",
                "answered_how",
                "language",
                "date",
                "redacted_text",
                "english_translation",
            ],
            _quote_rows(data.quotes, themes, report, tally),
        ),
        Sheet(
            "Media",
            "media",
            ["Reference", "Kind", "Description", "Consent", "File name in ZIP"],
            ["reference", "kind", "description", "consent", "file_name"],
            _media_rows(data.media, tally),
        ),
        _engagement(data.participants, campaign.min_cell_count),
    ]


def _counted(records: Iterable, stage: str, report: Progress) -> Iterator:
    done = 0
    for done, record in enumerate(records, start=1):
        if done % 10_000 == 0:
            report(stage, done)
        yield record
    report(stage, done)


def _read_me(data: ExportInput) -> Sheet:
    c = data.campaign
    rows = [
        ["Campaign", c.title],
        ["Campaign code", c.code],
        ["Framework", c.framework],
        ["Statements", ", ".join(f"{s.id} {s.name}" for s in c.statements)],
        ["Opened", c.opens_at or ""],
        ["Closed", c.closes_at or ""],
        ["Exported", c.exported_at],
        ["Demo data", "Yes: synthetic answers, not real people" if c.is_demo else "No"],
        [
            "Method",
            f"Easy-read questions on a {c.scale_points}-point faces scale, with 'not sure' and "
            "'I don't want to say' always offered; answered alone, with help, by someone for "
            "the person, or in advocates' group sessions.",
        ],
        [
            "Group tally",
            "An advocate's group session is recorded as a tally: for each question, how many "
            "people in the group chose each answer. Each tally adds that many people to each "
            "answer, in the columns marked 'group tally'; the group counts as the most people "
            "who answered any one question. No individual answers are made up from a tally.",
        ],
        [
            "Small numbers",
            f"A group of fewer than {c.min_group_size} people is hidden; counts under "
            f"{c.min_cell_count} are hidden; further figures are hidden where a hidden one "
            "could be worked out from totals.",
        ],
        [
            "Share positive",
            "Very good and good, over all answers except 'not sure' and 'I don't want to say'.",
        ],
        [
            "Views differ",
            f"Marked where groups' share positive differs by more than "
            f"{round(c.differ_margin * 100)} percentage points.",
        ],
        [
            "What is left out",
            "Quotes without consent to quote, media without consent to show, anything held "
            "for safeguarding or excluded by the review team, and quotes whose redactions "
            "are not all decided. Quotes carry only redacted words.",
        ],
        ["Scores", "Per statement, per respondent group and per way of answering, with counts."],
        ["Triangulation", "Share positive per statement for each group, side by side."],
        ["Quotes", "Redacted quotes with stable evidence references, tagged to statements."],
        ["Media", "Drawings, photos, video and recordings people agreed may be shown."],
        [
            "Engagement record",
            "Who took part, how many, in which ways and languages, and each advocates' group "
            "session with its place, date and the people counted from its tally.",
        ],
        ["Schema version", SCHEMA_VERSION],
    ]
    return Sheet("Read me", "read_me", ["Item", "Details"], ["item", "details"], rows)


def _share_text(share: float | None) -> str:
    return "" if share is None else f"{round(share * 100)}%"


def _scores(by_group: Matrix, by_how: Matrix, themes: dict[str, str]) -> Sheet:
    headers = [
        "Statement id",
        "Statement",
        "Theme",
        "Split",
        "Column",
        "People",
        "Answers",
        *(VALUE_LABELS[v] for v in VALUES),
        "Share positive",
        "Status",
        "Views differ",
    ]
    fields = [
        "statement_id",
        "statement",
        "theme",
        "split",
        "column",
        "people",
        "answers",
        *VALUES,
        "share_positive",
        "status",
        "differs",
    ]
    rows = []
    for matrix, split in ((by_group, "respondent group"), (by_how, "answered how")):
        for row in matrix.rows:
            cells = [*((matrix.labels[c], row.cells[c]) for c in matrix.columns)]
            if matrix is by_group:
                cells.append(("All", row.total))
            for label, cell in cells:
                rows.append(
                    [
                        row.statement.id,
                        row.statement.name,
                        themes.get(row.statement.id, ""),
                        split,
                        label,
                        cell.people,
                        cell.answers,
                        *(cell.count(v) for v in VALUES),
                        _share_text(cell.share_positive),
                        cell.status,
                        "yes" if cell.differs else "",
                    ]
                )
    return Sheet("Scores", "scores", headers, fields, rows)


def _triangulation(by_group: Matrix, by_how: Matrix) -> Sheet:
    headers = ["Statement id", "Statement"]
    fields = ["statement_id", "statement"]
    for column in by_group.columns:
        headers.append(by_group.labels[column])
        fields.append(f"group_{column}")
    for column in by_how.columns:
        headers.append(by_how.labels[column])
        fields.append(f"how_{column}")
    headers += ["Groups' views differ", "Gap in points"]
    fields += ["differs", "gap_points"]
    rows = []
    for group_row, how_row in zip(by_group.rows, by_how.rows, strict=True):
        line = [group_row.statement.id, group_row.statement.name]
        for matrix_row in (group_row, how_row):
            for cell in matrix_row.cells.values():
                if not cell.raw_people:
                    line.append("no answers")
                elif cell.share_positive is None:
                    line.append("hidden")
                else:
                    line.append(_share_text(cell.share_positive))
        line += ["yes" if group_row.differs else "no", group_row.range_points]
        rows.append(line)
    return Sheet("Triangulation", "triangulation", headers, fields, rows)


def _quote_rows(
    quotes: Iterable[QuoteRecord], themes: dict[str, str], report: Progress, tally: Tally
) -> Iterator[list]:
    done = 0
    for quote in quotes:
        done += 1
        if done % 5_000 == 0:
            report("quotes", done)
        if not quote_is_exportable(quote):
            continue
        spans = [redaction.Span(s, e, k) for s, e, k in quote.redactions]
        words = redaction.redact_quote(quote.item_text, quote.start, quote.end, spans)
        translation = redaction.scrub_translation(quote.english_translation, quote.item_text, spans)
        tally.quotes += 1
        yield [
            quote.evidence_ref,
            ", ".join(quote.statement_ids),
            ", ".join(dict.fromkeys(themes.get(s, "") for s in quote.statement_ids if s)),
            STRENGTH_LABELS.get(quote.strength, ""),
            RESPONDENT_LABELS.get(quote.respondent_group, quote.respondent_group),
            HOW_LABELS.get(quote.answered_how, quote.answered_how),
            quote.language,
            quote.date,
            words,
            translation,
        ]
    report("quotes", done)


def _media_rows(media: Iterable[MediaRecord], tally: Tally) -> Iterator[list]:
    for item in media:
        if not media_is_exportable(item):
            continue
        tally.media += 1
        yield [
            item.reference,
            item.kind,
            item.description,
            "yes",
            f"media/{item.file_name}" if item.file_name else "",
        ]


def _engagement(participants: Iterable[ParticipantRecord], min_cell_count: int) -> Sheet:
    by_group: Counter[str] = Counter()
    by_how: Counter[str] = Counter()
    by_language: Counter[str] = Counter()
    sessions: dict[str, ParticipantRecord] = {}
    for p in participants:
        if p.held:
            continue
        by_group[RESPONDENT_LABELS.get(p.respondent_group, p.respondent_group or "Not given")] += (
            p.people
        )
        by_how[HOW_LABELS.get(p.answered_how, p.answered_how or "Not given")] += p.people
        # A group session records no language.
        by_language[p.language or "Not recorded"] += p.people
        if p.answered_how == "group":
            sessions[p.respondent_key] = p
    total = sum(by_group.values())
    rows: list[list] = [["Everyone", "People who took part", total]]
    shown_how: dict[str, int | None] = {}
    for section, counts in (
        ("Respondent group", by_group),
        ("How they answered", by_how),
        ("Language", by_language),
    ):
        shown = suppress_counts(dict(sorted(counts.items())), min_cell_count)
        if counts is by_how:
            shown_how = shown
        for item, people in shown.items():
            rows.append([section, item, people])
    rows += _group_sessions(sessions, shown_how.get(HOW_LABELS["group"], 0), min_cell_count)
    return Sheet(
        "Engagement record",
        "engagement",
        ["Section", "Item", "People"],
        ["section", "item", "people"],
        rows,
    )


def _group_sessions(
    sessions: dict[str, ParticipantRecord], in_groups: int | None, min_cell_count: int
) -> list[list]:
    """Return the engagement rows for advocates' group sessions: how many, who, where, when.

    `in_groups` is the people in group sessions as the "How they answered" rows show it
    (None if hidden there), so no figure here gives a hidden one away.
    """
    rows: list[list] = [
        ["Group sessions", "Advocates' group sessions held", len(sessions)],
        ["Group sessions", "People in advocates' group sessions (group tally)", in_groups],
    ]
    people = {key: p.people for key, p in sessions.items()}
    shown = (
        suppress_counts(people, min_cell_count) if in_groups is not None else dict.fromkeys(people)
    )
    for key, p in sessions.items():
        rows.append(["Group session", f"{p.date}, {p.place}", shown[key]])
    return rows
