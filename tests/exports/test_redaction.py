"""Redaction suggestions and applying confirmed redactions."""

from __future__ import annotations

import pytest

from exports.redaction import Span, apply, merge, redact_quote, scrub_translation, suggest


def found(text: str, names=()) -> list[tuple[str, str]]:
    return [(span.kind, span.text(text)) for span in suggest(text, names)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mrs Okafor helps me.", ("name", "Mrs Okafor")),
        ("Ask Dr. Patel about it.", ("name", "Dr. Patel")),
        ("my name is Sarah Jones and I like it", ("name", "Sarah Jones")),
        ("Hello, I'm called Tomos.", ("name", "Tomos")),
        ("My social worker is Bethan.", ("name", "Bethan")),
        ("My son Kieran visits.", ("name", "Kieran")),
        ("Fy enw i yw Cerys.", ("name", "Cerys")),
    ],
)
def test_names_by_pattern(text, expected):
    assert expected in found(text)


def test_names_from_the_campaigns_own_records_match_whole_words_in_any_case():
    text = "sian came late. Siani is a different word. SIAN again."
    spans = found(text, names=["Sian"])
    assert spans == [("name", "sian"), ("name", "SIAN")]


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+44 (0)20 7946 0958",
        "(01632) 960001",
        "020-7946-0958",
        "0161 496 0000",
    ],
)
def test_uk_phone_numbers(number):
    assert ("phone", number) in found(f"Ring {number} today.")


def test_short_numbers_are_not_phones():
    assert not [k for k, _ in found("I have 3 cats and 120 books, room 0123.") if k == "phone"]


@pytest.mark.parametrize("email", ["sam@example.org", "a.b+c@mail.example.co.uk"])
def test_email_addresses(email):
    assert ("email", email) in found(f"Write to {email}, please.")


@pytest.mark.parametrize("postcode", ["CF10 1AA", "SW1A 1AA", "m1 1ae", "B338TH", "EC1A 1BB"])
def test_postcodes(postcode):
    assert ("postcode", postcode) in found(f"I live near {postcode} now.")


@pytest.mark.parametrize(
    "date",
    [
        "12/05/2023",
        "1.2.24",
        "2024-01-05",
        "3rd March 2024",
        "21 Jan",
        "March 3rd, 2024",
        "May 2025",
        "5ed Mehefin",
    ],
)
def test_dates(date):
    assert ("date", date) in found(f"It was on {date} I think.")


def test_may_alone_is_not_a_date():
    assert not [k for k, _ in found("You may go home.") if k == "date"]


@pytest.mark.parametrize(
    "address", ["14 Elm Road", "221b Baker Street", "3 Heol y Bont", "Flat 3", "Station Road"]
)
def test_addresses(address):
    assert ("address", address) in found(f"Come to {address} soon.")


def test_ordinary_feedback_has_no_suggestions():
    assert found("The staff are kind and I like the day centre. It is good.") == []


def test_overlapping_spans_merge_under_the_longest_kind():
    assert merge([Span(0, 5, "name"), Span(3, 12, "address"), Span(20, 22, "date")]) == [
        Span(0, 12, "address"),
        Span(20, 22, "date"),
    ]


def test_apply_replaces_spans_with_labels():
    text = "Call Sarah on 07700 900123."
    spans = suggest(text, ["Sarah"])
    assert apply(text, spans) == "Call [name] on [phone number]."


def test_a_quote_keeps_labels_for_spans_cut_by_its_edges():
    text = "I told Sarah Jones everything."
    spans = [Span(7, 18, "name")]
    assert redact_quote(text, 12, 30, spans) == "[name] everything."
    assert redact_quote(text, 0, 6, spans) == "I told"


def test_a_translation_loses_names_redacted_in_the_original():
    original = "Mae Dafydd yn garedig."
    spans = [Span(4, 10, "name")]
    assert scrub_translation("Dafydd is kind.", original, spans) == "[name] is kind."
