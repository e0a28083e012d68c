"""Turn an export's records into sheets: the one content every format writes.

Here consent, safeguarding holds, redaction and suppression are applied, once, so the
formats cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from exports import redaction
from exports.records import CampaignInfo, ExportInput, MediaRecord, QuoteRecord, SignOff
from exports.triangulation import (
    ENGAGEMENT_SECTIONS,
    NOT_A_VIEW,
    VALUE_LABELS,
    VALUES,
    Cell,
    Engagement,
    Matrix,
    Tables,
    build_tables,
    how_label,
    respondent_label,
)

SCHEMA_VERSION = "2.2"
STRENGTH_LABELS = {"strength": "Strength", "improve": "Area to improve", None: ""}
# Where each column's figures come from, as an evidence library names a source.
GROUP_SOURCES = {
    "person": "People who draw on care: easy-read survey",
    "family": "Families and carers: easy-read survey",
    "advocacy": "Friends and advocates: easy-read survey; advocate group sessions",
    "staff": "Staff: easy-read survey",
    "partner": "Partner organisations: easy-read survey",
    "all": "Everyone who answered: easy-read survey and advocate group sessions",
}
HOW_SOURCES = {
    "own": "Easy-read survey: people who answered on their own",
    "helped": "Easy-read survey: people who answered with help",
    "answered_for": "Easy-read survey: answered by someone for the person",
    "group": "Advocate group session",
}
HOW_METHODS = {
    "own": "Answered on their own",
    "helped": "Answered with help",
    "answered_for": "Someone answered for the person",
    "group": "Advocate's tally of the answers people chose in a group session",
}
ALL_WAYS = "Answered on their own, with help, by someone for the person, or in a group session"
NOT_NAMED = "Not named"
OFFLINE_HEADER = "Answered offline"
OFFLINE_ITEM = "People who answered without internet (on a prepared tablet)"
# The export is written in English, so the approver's role is named here, not translated.
LEAD_ROLE = "Lead"
# Columns every figure row carries at its end, so each can be filed on its own.
FILING_HEADERS = ["Evidence reference", "Period", "Source", "Method", "Owner"]
FILING_FIELDS = ["evidence_ref", "period", "source", "method", "owner"]
Progress = Callable[[str, int], None]


@dataclass
class Sheet:
    """One table of the export: a workbook sheet, a CSV file, a JSON array."""

    name: str
    key: str
    headers: list[str]
    fields: list[str]
    rows: Iterable[list]
    # Fields holding a share from 0 to 1, which a workbook shows as a percentage.
    percent: frozenset[str] = field(default_factory=frozenset)


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


def reference_part(text: str) -> str:
    """Return text as a piece of an evidence reference: capitals, digits and hyphens."""
    return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-") or "NONE"


def period(campaign: CampaignInfo) -> str:
    """Return the dates the figures cover: from opening (or the first answer) to closing.

    A campaign still open when exported covers up to the day its published snapshot was
    taken, which may be days before the export.
    """
    start = (campaign.opens_at or campaign.answers_from or "")[:10]
    as_of = (campaign.figures_from or campaign.exported_at)[:10]
    closes = (campaign.closes_at or "")[:10]
    end = closes if closes and (not as_of or closes <= as_of) else as_of
    end = end or campaign.answers_to[:10]
    if start and end:
        return f"{start} to {end}"
    return start or end


def owner(campaign: CampaignInfo) -> str:
    """Return who owns the export's evidence: the lead who ran it, or "Not named"."""
    return campaign.owner or NOT_NAMED


def method(campaign: CampaignInfo, how: str) -> str:
    """Describe how answers were given for a way of answering, or all ways for ""."""
    scale = f"easy-read {campaign.scale_points}-point faces scale"
    return f"{HOW_METHODS.get(how, ALL_WAYS)}; {scale}"


def build_sheets(
    data: ExportInput,
    progress: Progress | None = None,
    tally: Tally | None = None,
    tables: Tables | None = None,
) -> list[Sheet]:
    """Return the export's sheets in workbook order; quotes and media stream when read.

    `tables` are the campaign's published tables when already built from `data`.
    """
    campaign = data.campaign
    tally = tally if tally is not None else Tally()
    report = progress or (lambda _stage, _done: None)
    tables = tables or published_tables(data, report)
    by_group, by_how = tables.by_group, tables.by_how
    themes = {s.id: s.theme for s in campaign.statements}
    return [
        _read_me(data),
        _sign_off(data.sign_off),
        _scores(by_group, by_how, themes, campaign),
        _triangulation(by_group, by_how, campaign),
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
                OFFLINE_HEADER,
                *FILING_HEADERS[1:],
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
                "answered_offline",
                *FILING_FIELDS[1:],
            ],
            _quote_rows(data.quotes, themes, report, tally, tables, campaign),
        ),
        Sheet(
            "Media",
            "media",
            [
                "Reference",
                "Kind",
                "Description",
                "Consent",
                "File name in ZIP",
                "Statement",
                "Theme",
                OFFLINE_HEADER,
                *FILING_HEADERS[1:],
            ],
            [
                "reference",
                "kind",
                "description",
                "consent",
                "file_name",
                "statement",
                "theme",
                "answered_offline",
                *FILING_FIELDS[1:],
            ],
            _media_rows(data.media, themes, tally, tables, campaign),
        ),
        _engagement(tables.engagement, campaign),
    ]


def published_tables(data: ExportInput, progress: Progress | None = None) -> Tables:
    """Return the campaign's Scores and Engagement tables, suppressed together."""
    campaign = data.campaign
    return build_tables(
        _counted(data.answers, "answers", progress or (lambda _stage, _done: None)),
        data.participants,
        campaign.statements,
        min_group_size=campaign.min_group_size,
        min_cell_count=campaign.min_cell_count,
        differ_margin=campaign.differ_margin,
    )


def _counted(records: Iterable, stage: str, report: Progress) -> Iterator:
    done = 0
    for done, record in enumerate(records, start=1):
        if done % 10_000 == 0:
            report(stage, done)
        yield record
    report(stage, done)


def _read_me(data: ExportInput) -> Sheet:
    c = data.campaign
    signed = data.sign_off
    rows = [
        ["Campaign", c.title],
        ["Campaign code", c.code],
        ["Framework", c.framework],
        ["Statements", ", ".join(f"{s.id} {s.name}" for s in c.statements)],
        ["Opened", c.opens_at or ""],
        ["Closed", c.closes_at or ""],
        ["Exported", c.exported_at],
        ["Figures from", c.figures_from or c.exported_at],
        ["Period", period(c)],
        ["Owner", owner(c)],
        [
            "Signed off",
            f"{signed.approved_by} ({signed.role}), {signed.approved_at}" if signed else "No",
        ],
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
            f"{c.min_cell_count} are hidden; further figures, zeros and totals included, are "
            "hidden until no hidden figure can be narrowed to a range narrower than "
            f"{c.min_cell_count} from every published table together. Quotes and media do not "
            "name a group, way of answering or language these tables hide. Figures come from a "
            "snapshot taken at most once a day and when the campaign closes.",
        ],
        [
            "Share positive",
            "Very good and good, over all answers except 'not sure' and 'I don't want to say', "
            "as a number from 0 to 1 (a percentage in the workbook), with that base beside it "
            "as n. A share and its n are shown together or not at all: where the shown counts "
            "do not give the n, the share is hidden too, so no share stands for hidden counts.",
        ],
        [
            "Not sure and did not want to say",
            "The share of all answers that were 'not sure', and that were 'I don't want to "
            "say', with all answers as their base n. A rate is shown only where its count and "
            "all answers are shown.",
        ],
        [
            "Views differ",
            f"Marked where groups' share positive differs by more than "
            f"{round(c.differ_margin * 100)} percentage points.",
        ],
        [
            "Evidence references",
            "Every figure, quote and piece of media has a reference, made from what it is "
            "(statement, table, group or way of answering), so the same figure keeps its "
            "reference in later exports of this campaign. Each row also gives its period, "
            "source, method and owner.",
        ],
        [
            "What is left out",
            "Quotes without consent to quote, media without consent to show, anything held "
            "for safeguarding or excluded by the review team, and quotes whose redactions "
            "are not all decided. Quotes carry only redacted words.",
        ],
        ["Sign-off", "Who approved this export for filing, their role and when."],
        ["Scores", "Per statement, per respondent group and per way of answering, with counts."],
        ["Triangulation", "Share positive per statement for each group, side by side."],
        ["Quotes", "Redacted quotes with stable evidence references, tagged to statements."],
        [
            "Media",
            "Drawings, photos, video and recordings people agreed may be shown, tagged to "
            "statements.",
        ],
        [
            "Engagement record",
            "Who took part, how many, in which ways and languages, and each advocates' group "
            "session with its place, date and the people counted from its tally.",
        ],
        [
            "Answered offline",
            "People who answered on a prepared tablet with no internet; their answers were "
            "kept on the tablet and sent once it was back online. Quotes and media say 'yes' "
            "or 'no' only where the Engagement record shows how many did, and those who did "
            "and those who did not are each nobody or at least the smallest group; otherwise "
            "the column is blank.",
        ],
        ["Schema version", SCHEMA_VERSION],
    ]
    return Sheet("Read me", "read_me", ["Item", "Details"], ["item", "details"], rows)


def _sign_off(signed: SignOff | None) -> Sheet:
    if signed is None:
        row = ["", "", "", "Not signed off: no lead has approved this export for filing."]
    else:
        row = [
            signed.approved_by,
            signed.role,
            signed.approved_at,
            "Approved for filing in the self-assessment.",
        ]
    return Sheet(
        "Sign-off",
        "sign_off",
        ["Approved by", "Role", "Approved at", "Approval"],
        ["approved_by", "role", "approved_at", "approval"],
        [row],
    )


def share_base(cell: Cell) -> int | None:
    """Return the n behind a cell's share positive, or None where it is hidden.

    The base is every answer except 'not sure' and 'I don't want to say'. It is shown only
    with its share (or as 0 where there are no such answers), and only where the shown
    counts already give it, so it never narrows a hidden figure. Suppression hides a share
    whose counts do not give its n, so a shown share always has its n.
    """
    base = sum(n for v, n in cell.raw_counts.items() if v not in NOT_A_VIEW)
    if cell.share_positive is None and (base or cell.people is None):
        return None
    views = [cell.count(v) for v in VALUES if v not in NOT_A_VIEW]
    not_views = [cell.count(v) for v in NOT_A_VIEW]
    if None not in views or (cell.answers is not None and None not in not_views):
        return base
    return None


def rate(cell: Cell, value: str) -> float | None:
    """Return the share of a cell's answers that were `value`, or None if hidden or empty.

    Both the count and the answers must be shown, so a rate tells nothing they do not.
    """
    count, answers = cell.count(value), cell.answers
    if count is None or not answers:
        return None
    return round(count / answers, 2)


def _scores(
    by_group: Matrix, by_how: Matrix, themes: dict[str, str], campaign: CampaignInfo
) -> Sheet:
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
        "Share positive n",
        "Not sure rate",
        "Did not want to say rate",
        "Rates n",
        "Status",
        "Views differ",
        *FILING_HEADERS,
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
        "share_positive_n",
        "not_sure_rate",
        "prefer_not_to_say_rate",
        "rates_n",
        "status",
        "differs",
        *FILING_FIELDS,
    ]
    when, who = period(campaign), owner(campaign)
    rows = []
    for matrix, split in ((by_group, "respondent group"), (by_how, "answered how")):
        for row in matrix.rows:
            cells = [(c, matrix.labels[c], row.cells[c]) for c in matrix.columns]
            if matrix is by_group:
                cells.append(("all", "All", row.total))
            for column, label, cell in cells:
                if matrix is by_group:
                    ref = f"EV-{row.statement.id}-SCORE-{reference_part(column)}"
                    source, how = GROUP_SOURCES[column], ""
                else:
                    ref = f"EV-{row.statement.id}-SCORE-HOW-{reference_part(column)}"
                    source, how = HOW_SOURCES[column], column
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
                        cell.share_positive,
                        share_base(cell),
                        rate(cell, "not_sure"),
                        rate(cell, "prefer_not_to_say"),
                        cell.answers,
                        cell.status,
                        "yes" if cell.differs else "",
                        ref,
                        when,
                        source,
                        method(campaign, how),
                        who,
                    ]
                )
    percent = frozenset({"share_positive", "not_sure_rate", "prefer_not_to_say_rate"})
    return Sheet("Scores", "scores", headers, fields, rows, percent)


def _triangulation(by_group: Matrix, by_how: Matrix, campaign: CampaignInfo) -> Sheet:
    headers = ["Statement id", "Statement"]
    fields = ["statement_id", "statement"]
    for prefix, matrix in (("group", by_group), ("how", by_how)):
        for column in matrix.columns:
            headers += [matrix.labels[column], f"{matrix.labels[column]} n"]
            fields += [f"{prefix}_{column}", f"{prefix}_{column}_n"]
    headers += ["Groups' views differ", "Gap in points", *FILING_HEADERS]
    fields += ["differs", "gap_points", *FILING_FIELDS]
    percent = frozenset(f for f in fields[2:-7] if not f.endswith("_n"))
    rows = []
    for group_row, how_row in zip(by_group.rows, by_how.rows, strict=True):
        line = [group_row.statement.id, group_row.statement.name]
        for matrix_row in (group_row, how_row):
            for cell in matrix_row.cells.values():
                line += [cell.share_positive, share_base(cell)]
        line += [
            "yes" if group_row.differs else "no",
            group_row.range_points,
            f"EV-{group_row.statement.id}-TRIANGULATION",
            period(campaign),
            GROUP_SOURCES["all"],
            f"Share positive per group and way of answering, side by side; {method(campaign, '')}",
            owner(campaign),
        ]
        rows.append(line)
    return Sheet("Triangulation", "triangulation", headers, fields, rows, percent)


def quote_labels(quote: QuoteRecord, tables: Tables) -> tuple[str, str, str]:
    """Return the quote's group, way of answering and language as they may be published.

    Where Scores hides the people of a cell the quoted person sits in, for any statement
    the quote is tagged to, the quote names neither their group, nor how they answered,
    nor their language; a language is named only when its line in the Engagement record is
    shown and holds at least the smallest group.
    """
    if any(
        tables.hides_group_of(s, quote.respondent_group, quote.answered_how)
        for s in quote.statement_ids
    ):
        return "", "", ""
    language = quote.language if tables.shown_language(quote.language) else ""
    return respondent_label(quote.respondent_group), how_label(quote.answered_how), language


def _quote_rows(
    quotes: Iterable[QuoteRecord],
    themes: dict[str, str],
    report: Progress,
    tally: Tally,
    tables: Tables,
    campaign: CampaignInfo,
) -> Iterator[list]:
    who = owner(campaign)
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
        group, how, language = quote_labels(quote, tables)
        yield [
            quote.evidence_ref,
            ", ".join(quote.statement_ids),
            _themes(quote.statement_ids, themes),
            STRENGTH_LABELS.get(quote.strength, ""),
            group,
            how,
            language,
            quote.date,
            words,
            translation,
            offline_mark(quote.answered_offline, tables) if group or how else "",
            quote.date or period(campaign),
            _source(group, quote.answered_how if how else "", "written answer"),
            method(campaign, quote.answered_how if how else ""),
            who,
        ]
    report("quotes", done)


def offline_mark(answered_offline: bool, tables: Tables) -> str:
    """Return "yes" or "no" for a row given offline or not, or "" where it may not be said.

    A row whose group the tables hide says nothing of it either (the caller checks that).
    """
    if not tables.names_offline():
        return ""
    return "yes" if answered_offline else "no"


def _themes(statement_ids: Iterable[str], themes: dict[str, str]) -> str:
    return ", ".join(dict.fromkeys(themes.get(s, "") for s in statement_ids if s))


def _source(group: str, answered_how: str, what: str) -> str:
    """Name where a quote or piece of media came from: who, and by which route.

    `group` is the respondent group's label as it may be published ("" where a table hides
    it); `answered_how` is "" where the way of answering may not be named.
    """
    if answered_how == "group":
        return f"Advocate group session: {what}"
    if not group:
        return f"Easy-read survey or advocate group session: {what}"
    return f"{group}: easy-read survey, {what}"


def _media_labels(item: MediaRecord, tables: Tables) -> tuple[str, str]:
    """Return the media's group label and way of answering as they may be published.

    As for quotes, neither is named where Scores hides the cell its maker sits in, nor where
    the Engagement record hides their group's or way of answering's line.
    """
    hidden_lines = {
        (line.section, line.code) for line in tables.engagement.lines if line.people is None
    }
    if (
        any(
            tables.hides_group_of(s, item.respondent_group, item.answered_how)
            for s in item.statement_ids
        )
        or ("group", item.respondent_group) in hidden_lines
        or ("how", item.answered_how) in hidden_lines
    ):
        return "", ""
    return respondent_label(item.respondent_group), item.answered_how


def _media_rows(
    media: Iterable[MediaRecord],
    themes: dict[str, str],
    tally: Tally,
    tables: Tables,
    campaign: CampaignInfo,
) -> Iterator[list]:
    who = owner(campaign)
    for item in media:
        if not media_is_exportable(item):
            continue
        tally.media += 1
        group, how = _media_labels(item, tables)
        yield [
            item.reference,
            item.kind,
            item.description,
            "yes",
            f"media/{item.file_name}" if item.file_name else "",
            ", ".join(item.statement_ids),
            _themes(item.statement_ids, themes),
            offline_mark(item.answered_offline, tables) if group or how else "",
            item.date or period(campaign),
            _source(group, how, item.kind or "media"),
            method(campaign, how),
            who,
        ]


ENGAGEMENT_SOURCE = "Easy-read survey sessions and advocate group sessions"


def _engagement(engagement: Engagement, campaign: CampaignInfo) -> Sheet:
    # Each row: section, item, people, reference, the way of answering it is about ("" for
    # all) and its own date ("" for the campaign's period).
    rows: list[list] = [
        [
            "Everyone",
            "People who took part",
            engagement.everyone.people,
            "EV-ENGAGEMENT-ALL",
            "",
            "",
        ]
    ]
    for line in engagement.lines:
        part = {"group": "GROUP", "how": "HOW", "language": "LANGUAGE"}[line.section]
        rows.append(
            [
                ENGAGEMENT_SECTIONS[line.section],
                line.item,
                line.people,
                f"EV-ENGAGEMENT-{part}-{reference_part(line.code)}",
                line.code if line.section == "how" else "",
                "",
            ]
        )
    rows.append(
        [
            "Without internet",
            OFFLINE_ITEM,
            engagement.offline.people,
            "EV-ENGAGEMENT-OFFLINE",
            "",
            "",
        ]
    )
    rows += [
        [
            "Group sessions",
            "Advocates' group sessions held",
            engagement.sessions,
            "EV-ENGAGEMENT-SESSIONS",
            "group",
            "",
        ],
        [
            "Group sessions",
            "People in advocates' group sessions (group tally)",
            engagement.in_group_sessions,
            "EV-ENGAGEMENT-SESSIONS-PEOPLE",
            "group",
            "",
        ],
    ]
    # Each session's people are in the suppression model with the lines above, so a
    # session's own line never gives a hidden figure away; its date is the period it covers.
    rows += [
        [
            "Group session",
            line.item,
            line.people,
            f"EV-ENGAGEMENT-SESSION-{reference_part(line.code)}",
            "group",
            line.date,
        ]
        for line in engagement.group_sessions
    ]
    when, who = period(campaign), owner(campaign)
    filed = [
        [
            section,
            item,
            people,
            ref,
            own_date or when,
            HOW_SOURCES["group"] if how == "group" else ENGAGEMENT_SOURCE,
            method(campaign, how),
            who,
        ]
        for section, item, people, ref, how, own_date in rows
    ]
    return Sheet(
        "Engagement record",
        "engagement",
        ["Section", "Item", "People", *FILING_HEADERS],
        ["section", "item", "people", *FILING_FIELDS],
        filed,
    )
