"""The prompt library: the real file is valid, choices never repeat early, bad files explain."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import bot.prompts
from bot.prompts import (
    DEFAULT_PATH,
    MIN_PER_KIND,
    Prompt,
    PromptLibrary,
    PromptLibraryError,
    choose_prompt,
    load_library,
)
from bot.text_safety import neutralise

STANDARD_QUESTION = "How are you arriving today?"


# --- the real library ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> PromptLibrary:
    return load_library()


def test_default_path_is_the_library_inside_the_package() -> None:
    package = Path(bot.prompts.__file__).resolve().parent
    assert package / "library.toml" == DEFAULT_PATH
    assert DEFAULT_PATH.is_file()


def test_real_library_has_enough_of_each(library: PromptLibrary) -> None:
    assert len(library.checkin) >= 24
    assert len(library.round) >= 24
    assert load_library(DEFAULT_PATH) == library


def test_real_library_ids_are_stable_and_unique(library: PromptLibrary) -> None:
    ids = [p.id for p in (*library.checkin, *library.round)]
    assert len(ids) == len(set(ids))
    assert all(p.id.startswith("checkin-") for p in library.checkin)
    assert all(p.id.startswith("round-") for p in library.round)
    assert library.checkin[0] == Prompt("checkin-01", library.checkin[0].text)


def test_real_library_texts_are_short_plain_questions(library: PromptLibrary) -> None:
    texts = [p.text for p in (*library.checkin, *library.round)]
    assert len(texts) == len(set(texts))
    assert STANDARD_QUESTION not in texts
    for text in texts:
        assert text == text.strip() and "\n" not in text
        assert len(text) <= 100, text
        assert text[0].isupper(), text
        assert text.endswith(("?", ".")), text
        # Our own words are shown as they are, so they must not need neutralising.
        assert neutralise(text) == text, text


def test_get_finds_either_kind(library: PromptLibrary) -> None:
    assert library.get("checkin-01") == library.checkin[0]
    assert library.get("round-01") == library.round[0]
    assert library.get("round-999") is None


# --- choosing ------------------------------------------------------------------------------------


def numbered(count: int) -> tuple[Prompt, ...]:
    return tuple(Prompt(f"p-{n:02d}", f"Prompt {n}?") for n in range(count))


def test_never_repeats_until_every_prompt_was_used(library: PromptLibrary) -> None:
    rng = random.Random(20240301)
    for prompts in (library.checkin, library.round, numbered(3)):
        used: set[str] = set()
        picks: list[str] = []
        for _ in range(len(prompts) * 5):
            prompt, reset = choose_prompt(prompts, used, rng)
            if reset:
                # Only when everything has been had, and the caller starts a new cycle.
                assert used == {p.id for p in prompts}
                used = set()
            assert prompt.id not in used
            used.add(prompt.id)
            picks.append(prompt.id)
        # Each cycle is a full permutation of the library.
        size = len(prompts)
        for start in range(0, len(picks), size):
            assert sorted(picks[start : start + size]) == sorted(p.id for p in prompts)


def test_reset_flag_only_when_exhausted() -> None:
    prompts = numbered(2)
    rng = random.Random(1)
    first, reset = choose_prompt(prompts, [], rng)
    assert not reset
    second, reset = choose_prompt(prompts, [first.id], rng)
    assert not reset and second != first
    third, reset = choose_prompt(prompts, [first.id, second.id], rng)
    assert reset and third in prompts


def test_reset_picks_from_the_whole_library() -> None:
    prompts = numbered(5)
    all_ids = [p.id for p in prompts]
    rng = random.Random(7)
    seen = {choose_prompt(prompts, all_ids, rng)[0].id for _ in range(200)}
    assert seen == set(all_ids)


def test_only_unused_prompt_is_always_chosen() -> None:
    prompts = numbered(10)
    used = [p.id for p in prompts if p.id != "p-06"]
    for seed in range(50):
        assert choose_prompt(prompts, used, random.Random(seed)) == (prompts[6], False)


def test_retired_ids_in_the_record_are_ignored() -> None:
    prompts = numbered(2)
    used = frozenset({"p-00", "p-01", "gone-01"})
    assert choose_prompt(prompts, used, random.Random(3))[1] is True
    assert choose_prompt(prompts, {"gone-01"}, random.Random(3))[1] is False


def test_choice_is_repeatable_with_the_same_seed(library: PromptLibrary) -> None:
    def sequence(seed: int) -> list[str]:
        rng, used, out = random.Random(seed), set[str](), []
        for _ in range(10):
            prompt, _ = choose_prompt(library.round, used, rng)
            used.add(prompt.id)
            out.append(prompt.id)
        return out

    assert sequence(42) == sequence(42)
    assert sequence(42) != sequence(43)


def test_choosing_from_nothing_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        choose_prompt((), (), random.Random(0))


# --- bad libraries -------------------------------------------------------------------------------


def entries(kind: str, count: int, start: int = 1) -> str:
    return "".join(
        f'[[{kind}]]\nid = "{kind}-{n:02d}"\ntext = "Question {n}?"\n\n'
        for n in range(start, start + count)
    )


def valid_body() -> str:
    return entries("checkin", MIN_PER_KIND) + entries("round", MIN_PER_KIND)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "prompts.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_smallest_valid_library_loads(tmp_path: Path) -> None:
    library = load_library(write(tmp_path, valid_body()))
    assert len(library.checkin) == len(library.round) == MIN_PER_KIND
    assert library.round[-1] == Prompt("round-20", "Question 20?")


def test_text_spacing_is_tidied(tmp_path: Path) -> None:
    body = valid_body() + '[[round]]\nid = "round-99"\ntext = """\n  Two\n  lines?  """\n'
    assert load_library(write(tmp_path, body)).round[-1] == Prompt("round-99", "Two lines?")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (entries("checkin", 19) + entries("round", 20), "there are 19 checkin prompts"),
        (entries("checkin", 20) + entries("round", 3), "there are 3 round prompts"),
        (entries("checkin", 20), "there are 0 round prompts"),
        ("", "there are 0 checkin prompts"),
        (valid_body() + entries("round", 1, start=5), "'round-05' is used more than once"),
        (
            valid_body() + '[[round]]\nid = "checkin-01"\ntext = "Again?"\n',
            "'checkin-01' is used more than once",
        ),
        (valid_body() + '[[round]]\nid = "round-99"\ntext = ""\n', "(round-99) has no text"),
        (valid_body() + '[[round]]\nid = "round-99"\ntext = "   "\n', "has no text"),
        (valid_body() + '[[round]]\nid = "round-99"\n', "has no text"),
        (valid_body() + '[[round]]\nid = "round-99"\ntext = 5\n', "has no text"),
        (valid_body() + '[[round]]\ntext = "No id?"\n', "round entry 21 needs an id"),
        (valid_body() + '[[round]]\nid = ""\ntext = "x?"\n', "needs an id"),
        (valid_body() + '[[round]]\nid = 7\ntext = "x?"\n', "needs an id"),
        (valid_body() + '[[round]]\nid = "Round 99"\ntext = "x?"\n', "lower-case letters"),
        (valid_body() + f'[[round]]\nid = "{"r" * 41}"\ntext = "x?"\n', "at most 40"),
        (
            valid_body() + '[[round]]\nid = "round-99"\ntext = "x?"\ntxt = "typo"\n',
            "unknown key 'txt'",
        ),
        (valid_body() + f'[[round]]\nid = "round-99"\ntext = "{"x" * 201}"\n', "201 characters"),
        (valid_body() + '[[checkins]]\nid = "c"\ntext = "x?"\n', "unknown section 'checkins'"),
        ('checkin = "nope"\n' + entries("round", 20), "checkin must be a list"),
        ("checkin = [1, 2]\n" + entries("round", 20), "checkin entry 1 must be a table"),
        ("[[checkin]\nid = ", "is not valid TOML"),
    ],
)
def test_bad_libraries_say_what_is_wrong(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(PromptLibraryError) as caught:
        load_library(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PromptLibraryError, match="does not exist"):
        load_library(tmp_path / "nowhere.toml")


def test_error_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        load_library(write(tmp_path, ""))
