"""The name and place finder behind redaction suggestions: the exact stretches it returns."""

from __future__ import annotations

import pytest

from exports import people


def names(text: str) -> list[str]:
    return [text[start:end] for start, end in people.find_people(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A surname nobody lists still joins the name beside it; a capital that starts the
        # sentence does not.
        ("I like it. Ask Dafydd Quixwell about the rota.", ["Dafydd Quixwell"]),
        ("Hello Quixwell Bethan came.", ["Quixwell Bethan"]),
        ("Ask about Zorbal Quixwell Bethan today.", ["Zorbal Quixwell Bethan"]),
        ("Ask my carer Dafydd Llewelyn-Rhys.", ["Dafydd Llewelyn-Rhys"]),
        ("Bethan  Quixwell came.", ["Bethan  Quixwell"]),
        # Three spaces part two words: the second is not taken as a surname.
        ("Bethan   Quixwell came with Sharon Quixbrook.", ["Bethan", "Sharon Quixbrook"]),
        ("Bethan   Quixwell, and Sharon Zorbal came.", ["Bethan", "Quixwell", "Sharon Zorbal"]),
        ("Thanks Dafydd\nFrom Sharon Quixwell", ["Dafydd", "Sharon Quixwell"]),
        ("I like Zorbal\nBethan today.", ["Bethan"]),
        ("I like Zorbal\nBethan, and Sharon Quixwell.", ["Bethan", "Sharon Quixwell"]),
        ("Dafydd ap Gruffydd helped me.", ["Dafydd ap Gruffydd"]),
        ("Dafydd ap Gwilym", ["Dafydd ap Gwilym"]),
        ("My carer Dafydd ap", ["Dafydd"]),
        ("Moja wnuczka Zosia czyta mi te pytania.", ["Zosia"]),
        ("أم محمد تزورني كل أسبوع وتحضر لي الطعام.", ["أم محمد"]),
        ("ابني محمد والخالدي يزورني", ["محمد والخالدي"]),
        # A possessive stays outside the span; an ordinary word with one stays a word.
        ("I went to Dafydd's house for tea.", ["Dafydd"]),
        ("I don't like it when Darren's agency sends someone new.", ["Darren"]),
        ("We sat in Hope's garden all day.", []),
        # Names side by side are one span when only spaces part them; a line break or a
        # dash between them keeps two.
        ("Sharon\nTracey", ["Sharon", "Tracey"]),
        ("Sharon  Tracey helped.", ["Sharon  Tracey"]),
        ("Sharon - Tracey helped.", ["Sharon", "Tracey"]),
        ("Mrs. Okafor came.", ["Mrs. Okafor"]),
        ("I saw Mrs QUIXWELL today.", ["Mrs QUIXWELL"]),
        ("I saw Mrs QUIXWELL", ["Mrs QUIXWELL"]),
        # Capitals alone are not a name: "HO" is the Home Office.
        ("My HO letter came today.", []),
        # English words in an Urdu answer do not join an Urdu name, nor the reverse.
        ("علی Monday کو آیا۔", ["علی"]),
        ("میں Monday علی سے ملا۔", ["علی"]),
        ("علی Monday کو Sharon Quixwell کے ساتھ آیا۔", ["علی", "Sharon Quixwell"]),
        # A surname after one or two particles, reached from either end.
        (
            "My friend Ewa de la Cruz and Sharon Quixwell came.",
            ["Ewa de la Cruz", "Sharon Quixwell"],
        ),
        ("I saw Faith van der Berg today.", ["Faith van der Berg"]),
        ("My friend Dafydd de Quixwell came.", ["Dafydd de Quixwell"]),
        ("Then Hope de Silva came.", ["Hope de Silva"]),
        ("My friend Ewa de la", ["Ewa"]),
        ("My friend Ewa de la. Cruz came.", ["Ewa", "Cruz"]),
        ("My friend Ewa de  la Cruz came.", ["Ewa", "Cruz"]),
        ("We went to la Rochelle.", []),
        # From the first name over the particles to a surname nobody lists, to the end.
        ("My friend Ewa de la Quixwell came.", ["Ewa de la Quixwell"]),
        ("I saw Ewa de Quixwell", ["Ewa de Quixwell"]),
        # From a listed surname back to the word before the particles: at the very start
        # only a listed name, elsewhere any name-like word with a capital, one space away.
        ("Hope de Silva came.", ["Hope de Silva"]),
        ("Quixwell de Silva came.", ["Silva"]),
        ("I saw Quixwell de Silva today.", ["Quixwell de Silva"]),
        ("I saw quixwell de Silva today.", ["Silva"]),
        ("I saw Quixwell  de Silva today.", ["Silva"]),
        ("I saw Zorbal Quixwell de Silva today.", ["Zorbal Quixwell de Silva"]),
        # Particles that lead nowhere leave the rest of the answer to be read on.
        ("My friend Ewa de la and Sharon Quixwell came.", ["Ewa", "Sharon Quixwell"]),
        ("I told them de Silva and Sharon Quixwell came.", ["Silva", "Sharon Quixwell"]),
        ("Dr", []),
        # Cues before a name, with the words and marks that may come between.
        ("My key worker is J.", ["J"]),
        ("My carer is Hope.", ["Hope"]),
        ("My name\nis Quixwell.", ["Quixwell"]),
        # Arabic vowel marks do not hide a name.
        ("ابني مُحَمَّد يزورني", ["مُحَمَّد"]),
        ("My carer is: Hope.", ["Hope"]),
        ("My carer, Hope, is kind.", ["Hope"]),
        ("my carer is bethan and she is kind.", ["bethan"]),
        ("my carer is hope and she is kind.", []),
        ("Mae fy mam-gu Quixwell yn hapus.", ["Quixwell"]),
        ("میرا نام اچھا ہے", ["اچھا"]),
        ("میرا بیٹا وعلی آتا ہے۔", ["وعلی"]),
        ("ابني العمر", ["العمر"]),
        ("ابني وطه يزورني", ["وطه"]),
        ("جاء أحمد وطه", ["أحمد وطه"]),
        # "والحب" is "and the love": the article is not taken off a two-letter word.
        ("شكرا لأحمد والحب الذي يعطيه", ["لأحمد"]),
        # Cues after a name.
        ("Quixwell, on nights, is lovely.", ["Quixwell"]),
        ("On nights it is loud, and Quixwell on nights is rude.", ["Quixwell"]),
        ("ہاں جی، کریم صاحب بہت اچھے ہیں", ["کریم صاحب"]),
        # "جی" after a word that is no name is "yes" or politeness, not a name's honorific.
        ("شکریہ جی، سب ٹھیک ہے۔", []),
        ("شکریہ جی، کلثوم صاحبہ بہت اچھی ہیں۔", ["کلثوم"]),
        ("زارتني أم كلثوم", ["أم كلثوم"]),
        ("ڈاکٹر عمران نے میری دوائی بدل دی لیکن کسی نے نہیں بتایا۔", ["ڈاکٹر عمران"]),
        # Lists: each name joined to its neighbours by "and", "i", "اور".
        ("Sharon, Tracey and Bev are lovely.", ["Sharon", "Tracey", "Bev"]),
        ("I like Sharon, Tracey, and Hope.", ["Sharon", "Tracey", "Hope"]),
        ("Hope and Sharon are lovely.", ["Hope", "Sharon"]),
        ("I like Quixwell, Bev and Sharon.", ["Bev", "Sharon"]),
        ("Bev and, later, Hope and Sharon came.", ["Hope", "Sharon"]),
        ("Sharon and, later, Tracey and Hope came.", ["Sharon", "Tracey", "Hope"]),
        ("I like Sharon. And Bingo is fun on Fridays.", ["Sharon"]),
        ("بلال اور زید", ["بلال", "زید"]),
        ("ابني أحمد و لطيفة جاؤوا", ["أحمد"]),
        # Welsh mutation and Polish case endings undone before lookup.
        ("Siaradais ag Areth am y newid.", ["Areth"]),
        ("Rozmawiałam z Markiem o zmianie.", ["Markiem"]),
        ("Nie ma Zosi.", ["Zosi"]),
        ("Nie ma Ewy.", []),
    ],
)
def test_names_are_found_exactly(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The second person's surname joins a name the list reached.
        ("Sharon and Hope Okafor came.", ["Sharon", "Hope Okafor"]),
        ("I like Sharon and Hope Quixwell.", ["Sharon", "Hope Quixwell"]),
        # A list longer than three is reached from its far end, one name at a time.
        ("I thank Faith and Hope and Joy and Sharon.", ["Faith", "Hope", "Joy", "Sharon"]),
    ],
)
def test_every_name_in_a_list_is_found_with_its_surname(text, expected):
    assert names(text) == expected


def test_a_freshly_built_lexicon_finds_names_by_list_and_by_cue():
    people.lexicon.cache_clear()
    try:
        # Faker's first names and its surnames both count.
        assert names("I asked Sharon.") == ["Sharon"]
        assert names("I asked Thompson.") == ["Thompson"]
        # Cues match in any case and across any spacing; the longest cue wins.
        assert names("MY CARER IS Hope.") == ["Hope"]
        assert names("My support\nworker is Hope.") == ["Hope"]
        assert names("My name\nis Quixwell.") == ["Quixwell"]
        assert names("Mae fy mam-gu Quixwell yn hapus.") == ["Quixwell"]
        assert names("Quixwell on nights is rude.") == ["Quixwell"]
    finally:
        people.lexicon.cache_clear()


def test_a_place_after_a_sentence_start_capital_is_still_found():
    text = "The Day Centre is fine but Rowan House is not."
    assert [text[a:b] for a, b in people.find_places(text)] == ["Rowan House"]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("Sharon Evans", [("Sharon Evans", False), ("Sharon", False), ("Evans", False)]),
        ("Will Smith", [("Will Smith", False), ("Smith", False)]),
        ("Ali Ng", [("Ali Ng", False), ("Ali", False)]),
        (
            "Dafydd ap Gruffydd",
            [
                ("Ddafydd ap Gruffydd", False),
                ("Dafydd ap Gruffydd", False),
                ("Nafydd ap Gruffydd", False),
                ("Ngruffydd", False),
                ("Gruffydd", False),
                ("Ddafydd", False),
                ("Ruffydd", False),
                ("Dafydd", False),
                ("Nafydd", False),
            ],
        ),
    ],
)
def test_a_listed_name_gives_its_parts_and_mutated_forms_longest_first(entry, expected):
    assert people.listed_terms([entry]) == expected


def test_a_blank_line_in_a_campaigns_list_does_not_hide_the_names_after_it():
    assert people.listed_terms(["", "  ", "Sharon Evans"]) == [
        ("Sharon Evans", False),
        ("Sharon", False),
        ("Evans", False),
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Tŷ", ["Dŷ", "Nhŷ", "Thŷ"]),
        ("tŷ", ["dŷ", "nhŷ", "thŷ"]),
        ("Llinos", ["Linos"]),
        ("ll", ["l"]),
        ("Gwen", ["Wen", "Ngwen"]),
    ],
)
def test_welsh_mutations_keep_the_capital(word, expected):
    assert people.welsh_mutations(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Ddafydd", ["dafydd"]), ("Agnieszką", ["agnieszka"]), ("وأحمد", ["احمد"]), ("Tŷ", ["tŷ"])],
)
def test_name_forms(word, expected):
    assert people.name_forms(word) == expected
