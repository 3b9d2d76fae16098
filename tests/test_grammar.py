"""The command grammar: every command parses, every mistake gets a helpful message."""

from __future__ import annotations

import pytest

from bot.grammar import CommandError
from bot.handlers import ROUTES

parse = ROUTES.parse


@pytest.mark.parametrize(
    ("text", "action", "arg"),
    [
        ("", "help", ""),
        ("help", "help", ""),
        ("HELP", "help", ""),
        ("?", "help", ""),
        ("setup", "setup", ""),
        ("setup Parents Forum", "setup", "Parents Forum"),
        ("role", "role", ""),
        ("role Professional", "role", "professional"),
        ("role lived-experience", "role", "lived-experience"),
        ("schedule weekly tue 10:00 90m", "schedule.set", "weekly tue 10:00 90m"),
        ("schedule off", "schedule.off", ""),
        ("schedule", "schedule.show", ""),
        ("timezone Europe/London", "timezone", "Europe/London"),
        ("tz America/New_York", "timezone", "America/New_York"),
        ("meeting start", "meeting.start", ""),
        ("meeting end", "meeting.end", ""),
        ("meeting skip 25 Dec", "meeting.skip", "25 Dec"),
        ("meeting SKIP 2026-12-25", "meeting.skip", "2026-12-25"),
        ("meeting unskip next tuesday", "meeting.unskip", "next tuesday"),
        ("meeting restore 25/12", "meeting.unskip", "25/12"),
        ("meeting move 23 Dec 6.30pm", "meeting.move", "23 Dec 6.30pm"),
        ("meeting move to 19:00", "meeting.move", "19:00"),
        ("checkin", "checkin", ""),
        ("check-in", "checkin", ""),
        ("elephant", "elephant.new", ""),
        (
            "elephant the budget was decided before we met",
            "elephant.new",
            "the budget was decided before we met",
        ),
        ("elephant 2021 was a hard year", "elephant.new", "2021 was a hard year"),
        ("elephants", "elephants", ""),
        ("round", "round.open", ""),
        ("round What made you smile this week?", "round.open", "What made you smile this week?"),
        ("round reveal", "round.reveal", ""),
        ("round close", "round.close", ""),
        ("round reveal your favourite song", "round.open", "reveal your favourite song"),
        ("share I was nervous today", "share", "I was nervous today"),
        ("share", "share", ""),
        ("pass", "pass", ""),
        ("summary", "summary", ""),
        ("summary preview", "summary.preview", ""),
        ("summary Preview!", "summary.preview", ""),
        ("nudges OFF", "nudges", "off"),
        ("quiet-hours 21:00-08:00", "quiet-hours", "21:00-08:00"),
        ("settings", "settings", ""),
        ("privacy", "privacy", ""),
        ("my-data", "my-data", ""),
        ("forget-me", "forget-me", ""),
        ("export", "export", ""),
    ],
)
def test_commands_parse(text: str, action: str, arg: str) -> None:
    parsed = parse(text)
    assert (parsed.action, parsed.arg) == (action, arg)
    assert parsed.spec is not None


def test_elephant_outcome_is_a_facilitator_command_with_number_and_status() -> None:
    parsed = parse("elephant 3 addressed")
    assert parsed.action == "elephant.status"
    assert (parsed.number, parsed.arg, parsed.value) == (3, "addressed", "")
    assert parsed.spec is not None and parsed.spec.audience == "facilitator"
    assert not parsed.spec.anonymous


def test_an_outcome_with_a_note_may_be_a_new_elephant_so_its_handler_decides() -> None:
    parsed = parse("elephant 3 addressed We moved the meeting to the evening")
    assert parsed.action == "elephant.either"
    assert (parsed.number, parsed.arg, parsed.value) == (
        3,
        "3 addressed We moved the meeting to the evening",
        "We moved the meeting to the evening",
    )
    assert parsed.spec is not None and parsed.spec.anonymous


def test_naming_an_elephant_is_anonymous_and_for_members() -> None:
    spec = parse("elephant something").spec
    assert spec is not None and spec.anonymous and spec.audience == "member"


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("facilitator <@U123>", "<@U123>"),
        ("facilitator <@U123|sam>", "<@U123>"),
        ("facilitator @Sam", "Sam"),
        ("facilitator add @Sam", "Sam"),
        ("facilitator remove <@U9>", "<@U9>"),
        ("facilitator @Sam Jones", "Sam Jones"),
    ],
)
def test_facilitator_mentions(text: str, mention: str) -> None:
    parsed = parse(text)
    assert parsed.mention == mention
    assert parsed.action == ("facilitator.remove" if " remove " in text else "facilitator.add")


def test_move_keeps_the_meeting_and_where_it_goes_apart() -> None:
    parsed = parse("meeting move 22 Dec to 23 Dec 18:30")
    assert (parsed.action, parsed.value, parsed.arg) == ("meeting.move", "22 Dec", "23 Dec 18:30")
    today = parse("meeting move today to tomorrow")
    assert (today.value, today.arg) == ("today", "tomorrow")


def test_set_keeps_setting_and_value_apart() -> None:
    parsed = parse("set reciprocity-lock on")
    assert (parsed.action, parsed.arg, parsed.value) == ("set", "reciprocity-lock", "on")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("helo", "Did you mean `help`?"),
        ("sumary", "Did you mean `summary`?"),
        ("elefant", "Did you mean `elephant`?"),
        ("xyzzy", "Type `help`"),
        ("role boss", "is not one of the roles"),
        ("facilitator", "Please say who"),
        ("facilitator remove", "Please say who"),
        ("timezone", "timezone Europe/London"),
        ("timezone Europe London", "one time zone name"),
        ("meeting", "`meeting start`, `meeting end`, `meeting skip <date>`"),
        ("meeting begin", "`meeting start`, `meeting end`"),
        ("meeting skip", "Please say which date"),
        ("meeting moev 25 Dec", "Did you mean `meeting move`?"),
        ("meeting move 22 Dec to", "Please say where the meeting goes"),
        ("elephant 3 done", "Please say what happened to elephant 3"),
        ("elephants all", "`elephants` and a number"),
        ("elephant 3 solved", "discussed|addressed|parked|hidden"),
        ("nudges", "`nudges on` or `nudges off`"),
        ("nudges maybe", "`nudges on` or `nudges off`"),
        ("quiet-hours", "quiet-hours 21:00-08:00"),
        ("set", "set k 4"),
        ("set k", "set k 4"),
        ("pass please", "`pass` takes nothing after it"),
        ("summary now", "`summary preview` to see privately"),
    ],
)
def test_mistakes_get_helpful_messages(text: str, expected: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert expected in str(caught.value)


def test_unknown_command_message_is_short_even_for_huge_input() -> None:
    with pytest.raises(CommandError) as caught:
        parse("x" * 10_000)
    assert len(str(caught.value)) < 200


def test_every_command_is_in_help() -> None:
    names = {spec.name for spec in ROUTES.listed()}
    assert {spec.name for spec in ROUTES.words.values()} <= names
    assert "elephant-outcome" in names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("elephant 1 dicussed we talked about it", "`elephant 1 discussed"),
        ("elephant 4 hiden", "`elephant 4 hidden"),
        ("elephant #2 parkd for now", "`elephant 2 parked"),
    ],
)
def test_a_status_that_is_nearly_right_is_not_a_new_elephant(text: str, expected: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert expected in str(caught.value)
    assert "`elephant little:" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("elephant -1 hidden", "elephant.status"),
        ("elephant 3 parked", "elephant.status"),
        ("elephant 3 addressed we moved the meeting", "elephant.either"),
        ("elephant 1 hidden agendas: the commissioners", "elephant.either"),
        ("elephant 1 open again please", "elephant.either"),
        ("elephant 2021 was a hard year", "elephant.new"),
        ("elephant 5 people left the group", "elephant.new"),
        ("elephant little: 1 dicussed is my name for it", "elephant.new"),
    ],
)
def test_an_outcome_is_an_outcome_only_when_it_reads_as_one(text: str, action: str) -> None:
    assert parse(text).action == action


@pytest.mark.parametrize("text", ["help!", "Help", "HELP?", "help."])
def test_punctuation_after_a_command_word_is_forgiven(text: str) -> None:
    assert parse(text).action == "help"


def test_a_misspelt_choice_is_answered_with_the_closest() -> None:
    with pytest.raises(CommandError) as caught:
        parse("role professionl")
    assert "is not one of the roles" in str(caught.value)
    assert str(caught.value).endswith("Did you mean `role professional`?")


def test_a_typed_number_is_plain_digits_the_database_can_hold() -> None:
    from bot.grammar import small_number

    assert small_number(" 3 ") == 3
    assert small_number("²") is None  # "²".isdigit() is true; int("²") raises
    assert small_number("99999999999999999999") is None
    assert small_number("-1") is None and small_number("") is None


@pytest.mark.parametrize("text", ["join", "jion", "start me"])
def test_a_word_far_from_every_command_gets_no_odd_guess(text: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert "Did you mean" not in str(caught.value) and "Type `help`" in str(caught.value)
