"""Redaction at its edges: dates that cannot be, numbers at the start of a quote, details
written with no space between them, joined spans, and what a translation loses or keeps."""

from __future__ import annotations

import pytest

from exports.redaction import Span, apply, find, merge, redact_quote, scrub_translation, suggest


def redacted(text: str, names=()) -> str:
    return apply(text, suggest(text, names))


def dates(text: str) -> list[str]:
    return [text[f.start : f.end] for f in find(text) if f.type == "date"]


@pytest.mark.parametrize(
    ("written", "is_a_date"),
    [
        # Day first, as in Britain.
        ("31/05/2024", True),
        ("25/12/2024", True),
        ("32/05/2024", False),
        ("40/05/2024", False),
        ("20/13/2024", False),
        ("40/13/2024", False),
        # Month first, as some write it.
        ("01/25/2024", True),
        ("12/25/2024", True),
        ("05/31/2024", True),
        ("13/25/2024", False),
        ("05/32/2024", False),
        ("05/40/2024", False),
        # Year first.
        ("2024-05-31", True),
        ("2024-13-01", True),
        ("2024-40-05", False),
    ],
)
def test_a_numeric_date_is_suggested_only_where_it_can_be_a_day(written, is_a_date):
    text = f"I saw the nurse on {written} at home."
    assert dates(text) == ([written] if is_a_date else [])


def test_an_nhs_number_at_the_very_start_of_a_quote_is_redacted():
    # The cue word opens the text; the number fails the check digit, so only the cue says
    # what it is.
    assert redacted("NHS 123 456 7890 is on my letter") == "NHS [removed] is on my letter"


@pytest.mark.parametrize(
    "text",
    [
        "Pay it to 12-34-56 31926819 please",
        "Pay it to 12-34-56, 31926819.",
        "Sort code 12-34-56 and account 31926819",
        "Rhowch e yn 12-34-56 31926819 os gwelwch yn dda",
    ],
)
def test_an_account_number_after_a_sort_code_is_redacted_with_it(text):
    out = redacted(text)
    assert "12-34-56" not in out
    assert "31926819" not in out


def test_numbers_far_apart_with_no_word_of_a_bank_are_not_bank_details():
    text = "The door code is 12-34-56, and a week later the parcel came with tracking 31926819."
    assert redacted(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ring 01234 5678 after six", "Ring [phone number] after six"),
        ("Ring 0800 12345 for help", "Ring [phone number] for help"),
        # A short code before it does not stop the search for a phone number.
        (
            "My key safe is 4455 6677 and my son is on 07700 900123.",
            "My key safe is 4455 6677 and my son is on [phone number].",
        ),
        # A number abroad, country code and all, is a phone number, even where its ten
        # digits pass the NHS number check; with "NHS" before it, it is an NHS number.
        ("Ring me on +1 212 555 0199 please", "Ring me on [phone number] please"),
        ("My nephew is on +1-212-555-0199.", "My nephew is on [phone number]."),
        ("My NHS number is 212 555 0199.", "My NHS number is [removed]."),
        ("+1 212 555 0199 is my nephew.", "[phone number] is my nephew."),
        (
            "Ring +1 212 555 0199 for my NHS number 943 476 5919",
            "Ring [phone number] for my NHS number [removed]",
        ),
        # A reference that is not a real number and does not start as one is left alone.
        ("The order ref 9876 543210 came today", "The order ref 9876 543210 came today"),
    ],
)
def test_phone_numbers_nine_digits_and_up_and_not_references(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SW1A 1AA(020) 7946 0000", "[postcode][phone number]"),
        ("NHS 943 476 5919(020) 7946 0000", "NHS [removed][phone number]"),
        ("On 12/05/2024+44 20 7946 0000 she rang", "On [date][phone number] she rang"),
        ("On 5 May 2024(020) 7946 0000 she rang", "On [date][phone number] she rang"),
    ],
)
def test_details_written_with_no_space_between_them_are_each_redacted(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize("gap", ["  ", "\n", "\u00a0"])
def test_a_listed_place_is_found_across_any_white_space(gap):
    text = f"We go to rose{gap}court on Mondays."
    assert redacted(text, ["Rose Court"]) == "We go to [removed] on Mondays."


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("I moved to Sarah Jones House", "Sarah Jones House"),
        ("He is at Kieran Court now", "Kieran Court"),
        ("We met at St Mary Hospital", "St Mary Hospital"),
    ],
)
def test_a_place_named_after_a_person_is_a_place_not_a_name(text, place):
    assert [(text[f.start : f.end], f.type) for f in find(text)] == [(place, "place")]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        # A name inside an address is labelled as the address, the longer part.
        ([Span(0, 20, "address"), Span(12, 18, "name")], [Span(0, 20, "address")]),
        # A longer address starting inside a name takes over the label.
        ([Span(10, 16, "name"), Span(12, 30, "address")], [Span(10, 30, "address")]),
        # A chain of overlaps is one span, however far the chain reaches.
        (
            [Span(0, 10, "name"), Span(2, 12, "name"), Span(11, 14, "name")],
            [Span(0, 14, "name")],
        ),
        # Side by side is not overlapping: each keeps its own label.
        (
            [Span(0, 8, "postcode"), Span(8, 20, "phone")],
            [Span(0, 8, "postcode"), Span(8, 20, "phone")],
        ),
        # An empty span redacts nothing.
        ([Span(5, 5, "name")], []),
    ],
)
def test_merging_spans(spans, expected):
    assert merge(spans) == expected


def test_an_empty_span_adds_no_label():
    assert apply("Hello there", [Span(5, 5, "name")]) == "Hello there"


def test_a_span_of_a_kind_without_a_label_is_still_removed():
    text = "My number is 943 476 5919 thanks"
    spans = [Span(13, 25, "nhs_number")]
    assert apply(text, spans) == "My number is [removed] thanks"
    assert redact_quote(text, 3, 25, spans) == "number is [removed]"
    assert scrub_translation("It is 943 476 5919", text, spans) == "It is [removed]"


@pytest.mark.parametrize(
    ("item_text", "span", "translation", "expected"),
    [
        # A two-letter name is a name.
        ("Jo helps me every day", (0, 2, "name"), "Jo helps me", "[name] helps me"),
        ("Wu is my carer", (0, 2, "name"), "Wu is kind", "[name] is kind"),
        # A title is skipped, and the name after it is still removed.
        (
            "Mrs Agnieszka Nowak was kind",
            (0, 19, "name"),
            "Mrs Nowak was kind",
            "Mrs [name] was kind",
        ),
        # Little words inside a span stay in the translation wherever they are.
        (
            "Mary and John came",
            (0, 13, "name"),
            "Mary and John came and went",
            "[name] and [name] came and went",
        ),
        # So does a single digit: "Flat 4" takes "Flat", not every 4 in the text.
        (
            "I live in Flat 4 now",
            (10, 16, "address"),
            "There are 4 of us in Flat 4",
            "There are 4 of us in [address] 4",
        ),
        # Every word of an address goes, not just names.
        (
            "I live at 12 Victoria Road",
            (10, 26, "address"),
            "near Victoria Road",
            "near [address]",
        ),
        # A place in a Welsh mutated form is found in its radical form.
        (
            "Dw i'n byw yn Nhŷ Ddewi",
            (14, 23, "other"),
            "I live at Dewi House",
            "I live at [removed] House",
        ),
        # So is a Welsh street, in a translation that gives it in English.
        (
            "Dw i'n byw ar Heol Ddewi",
            (14, 24, "address"),
            "I live on Dewi Road",
            "I live on [address] Road",
        ),
    ],
)
def test_a_translation_loses_what_was_redacted_and_keeps_ordinary_words(
    item_text, span, translation, expected
):
    assert scrub_translation(translation, item_text, [Span(*span)]) == expected
