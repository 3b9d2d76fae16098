"""Names match without accents or case (`bot.person_names`), in several scripts."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.person_names import first_word, fold, matching
from bot.text_safety import neutralise

ACCENTS = [
    "\u0300",  # grave
    "\u0301",  # acute
    "\u0302",  # circumflex
    "\u0303",  # tilde
    "\u0308",  # diaeresis
    "\u030a",  # ring
    "\u030c",  # caron
    "\u0327",  # cedilla
    "\u0328",  # ogonek
]


@st.composite
def accented_names(draw: st.DrawFn) -> tuple[str, str]:
    """A name as its owner spells it (accents, any case, composed as Unicode prefers) and as
    someone types it: the plain letters, in lower case."""
    words = draw(
        st.lists(
            st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=3
        )
    )
    plain = " ".join(words)
    spelled = ""
    for letter in plain:
        if letter != " ":
            letter = letter.upper() if draw(st.booleans()) else letter
            letter += "".join(draw(st.lists(st.sampled_from(ACCENTS), max_size=2)))
        spelled += letter
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), spelled), plain


@settings(max_examples=300, deadline=None)
@given(accented_names())
def test_any_accented_name_is_found_by_its_plain_lower_case_form(name: tuple[str, str]) -> None:
    spelled, typed = name
    assert matching(typed, [spelled]) == [0]
    assert matching(spelled, [typed]) == [0]  # and the other way round
    assert matching(typed.upper(), [neutralise(spelled)]) == [0]  # as names are stored


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_folding_is_stable_and_every_name_finds_itself(name: str) -> None:
    assert fold(fold(name)) == fold(name)
    if fold(name):
        assert 0 in matching(name, [name])


@pytest.mark.parametrize(
    ("typed", "spelled"),
    [
        ("sian", "Siân"),
        ("zoe", "Zoë"),
        ("ZOE", "zoë"),
        ("lukasz", "Łukasz"),
        ("orjan", "Ørjan"),
        ("cagla", "Çağla"),
        ("nguyen thi minh", "Nguyễn Thị Minh"),
        ("алена", "Алёна"),  # Cyrillic
        ("ζωη", "Ζωή"),  # Greek
        ("محمد", "مُحَمَّد"),  # Arabic, without its vowel marks
        ("strasse", "Straße"),
        ("ユキ", "ﾕｷ"),  # Japanese, half-width
        ("王芳", "王芳"),  # Chinese
        ("प्रिया", "प्रिया"),  # Devanagari
        ("ilker", "İlker"),
    ],
)
def test_names_in_several_scripts(typed: str, spelled: str) -> None:
    assert matching(typed, [spelled]) == [0]


@pytest.mark.parametrize(
    ("typed", "spelled"),
    [("シュン", "ジュン"), ("प्रया", "प्रिया"), ("sian", "Siany"), ("zo", "Zoë")],
)
def test_marks_that_make_another_letter_are_kept(typed: str, spelled: str) -> None:
    """Japanese `ジ` is not `シ`; a Devanagari vowel sign is part of the name; no prefixes."""
    assert matching(typed, [spelled]) == []


def test_a_first_name_alone_finds_everyone_it_could_mean() -> None:
    names = ["Siân Jones", "Sian Evans", "Zoë Smith", "Sam"]
    assert matching("sian", names) == [0, 1]
    assert matching("zoe", names) == [2]
    assert matching("sian jones", names) == [0]
    assert matching("Sam", names) == [3]
    assert matching("sian smith", names) == []  # a whole name must match whole
    assert first_word("  Siân   Jones ") == "sian"


def test_a_whole_name_wins_over_first_names() -> None:
    assert matching("sam", ["Sam", "Sam Jones"]) == [0]


def test_nothing_typed_matches_nothing() -> None:
    assert matching("", ["", "Sam"]) == []
    assert matching("\u2060", ["Sam"]) == []
