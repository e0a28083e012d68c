"""A campaign with known answers, quotes and media, built as plain export records."""

from __future__ import annotations

from exports.records import (
    AnswerRecord,
    CampaignInfo,
    ExportInput,
    MediaRecord,
    ParticipantRecord,
    QuoteRecord,
    SignOff,
    Statement,
)

STATEMENTS = (
    Statement("QS1", "Assessing needs", "Working with people"),
    Statement("QS7", "Safeguarding", "Ensuring safety within the system"),
)
CAMPAIGN = CampaignInfo(
    id=1,
    code="known",
    title="Known campaign",
    framework="CQC local authority assessment",
    statements=STATEMENTS,
    opens_at="2026-11-01T09:00:00+00:00",
    closes_at="2026-11-20T17:00:00+00:00",
    exported_at="2026-11-23T10:00:00+00:00",
    owner="Ann Lead (ann@council.example)",
)
SIGN_OFF = SignOff("Ann Lead (ann@council.example)", "Lead", "2026-11-23T10:00:00+00:00")


def people(prefix, count, statement, values, group, how="own", language="en", held=False):
    """Return one answer record per person, with `values` giving each person's answer."""
    assert len(values) == count
    return [
        AnswerRecord(
            respondent_key=f"{prefix}{n}",
            statement_id=statement,
            question_id=f"{statement}-01",
            value=value,
            respondent_group=group,
            answered_how=how,
            language=language,
            held=held,
        )
        for n, value in enumerate(values)
    ]


def tally(key, statement, counts):
    """Return an advocates' group-session tally: one record per face, standing for N people."""
    return [
        AnswerRecord(
            respondent_key=key,
            statement_id=statement,
            question_id=f"{statement}-01",
            value=value,
            respondent_group="",
            answered_how="group",
            count=n,
        )
        for value, n in counts.items()
    ]


def known_answers() -> list[AnswerRecord]:
    """QS1: people 12 (8 good, 2 ok, 2 not good), family 4, staff 10, a group tally of 11.
    QS7: people 10 all good (5 own, 5 helped), staff 10 half good half not good, one held.
    """
    return [
        *people("p", 12, "QS1", ["good"] * 8 + ["ok"] * 2 + ["not_good"] * 2, "person"),
        *people("f", 4, "QS1", ["good"] * 2 + ["not_good"] * 2, "family"),
        *people("s", 10, "QS1", ["good"] * 5 + ["ok"] * 5, "staff"),
        *tally("g1", "QS1", {"good": 7, "ok": 4}),
        *people("p", 5, "QS7", ["good"] * 5, "person"),
        *people("h", 5, "QS7", ["good"] * 5, "person", how="helped", language="cy"),
        *people("s", 10, "QS7", ["good"] * 5 + ["not_good"] * 5, "staff"),
        *people("x", 1, "QS7", ["not_good"], "person", held=True),
    ]


def known_quotes() -> list[QuoteRecord]:
    base = {
        "statement_ids": ("QS1",),
        "item_text": "My worker Dafydd Jones is kind to me.",
        "start": 0,
        "end": 37,
        "redactions": ((10, 22, "name"),),
        "consent_quote": True,
        "respondent_group": "person",
        "answered_how": "helped",
        "date": "2026-11-01",
    }
    return [
        QuoteRecord(evidence_ref="EV-QS1-0001", strength="strength", **base),
        QuoteRecord(evidence_ref="EV-QS1-0002", **{**base, "consent_quote": False}),
        QuoteRecord(evidence_ref="EV-QS7-0001", held=True, **base),
        QuoteRecord(evidence_ref="EV-QS7-0002", pending_redactions=1, **base),
        QuoteRecord(evidence_ref="EV-QS7-0003", included=False, **base),
        QuoteRecord(evidence_ref="EV-QS7-0004", withdrawn=True, **base),
        QuoteRecord(evidence_ref="EV-QS7-0005", suggestions_made=False, **base),
        QuoteRecord(
            evidence_ref="EV-QS7-0006",
            statement_ids=("QS7", "QS1"),
            item_text='=HYPERLINK("http://x.invalid","Dafydd") mae Dafydd yn garedig',
            start=0,
            end=61,
            redactions=((31, 37, "name"), (44, 50, "name")),
            consent_quote=True,
            strength="improve",
            respondent_group="family",
            answered_how="own",
            language="cy",
            date="2026-11-02",
            english_translation="Dafydd is kind",
        ),
    ]


def known_media(tmp_path) -> list[MediaRecord]:
    shown = tmp_path / "drawing.png"
    shown.write_bytes(b"picture-agreed")
    secret = tmp_path / "photo.jpg"
    secret.write_bytes(b"picture-not-agreed")
    return [
        MediaRecord(
            "EV-MEDIA-0001",
            "drawing",
            "A house with a garden",
            True,
            "drawing.png",
            str(shown),
            statement_ids=("QS7",),
            date="2026-11-03",
            respondent_group="person",
            answered_how="helped",
        ),
        MediaRecord("EV-MEDIA-0002", "photo", "A photo of a room", False, "photo.jpg", str(secret)),
        MediaRecord(
            "EV-MEDIA-0003", "photo", "Held photo", True, "held.jpg", str(secret), held=True
        ),
    ]


def known_participants() -> list[ParticipantRecord]:
    records = [ParticipantRecord(f"p{n}", "person", "own", "en") for n in range(12)]
    records += [ParticipantRecord(f"h{n}", "person", "helped", "cy") for n in range(5)]
    records += [ParticipantRecord(f"f{n}", "family", "own", "en") for n in range(4)]
    records += [ParticipantRecord(f"s{n}", "staff", "own", "en") for n in range(10)]
    records += [ParticipantRecord("g1", "", "group", "en", people=11)]
    records += [ParticipantRecord("x0", "person", "own", "en", held=True)]
    return records


def known_input(tmp_path, sign_off: SignOff | None = SIGN_OFF) -> ExportInput:
    return ExportInput(
        CAMPAIGN,
        known_answers(),
        known_quotes(),
        known_media(tmp_path),
        known_participants(),
        sign_off,
    )
