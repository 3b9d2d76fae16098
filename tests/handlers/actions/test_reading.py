"""Reading `action …`: the words, the owner and the day, however people put them."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.grammar import CommandError
from bot.handlers.actions.lookup import USAGE_SPEC
from bot.handlers.actions.reading import GRAMMAR, split_action


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Write to the council @Sam", ("Write to the council", "Sam", None)),
        (
            "Write to the council @Sam Jones by friday",
            ("Write to the council", "Sam Jones", "friday"),
        ),
        ("Write it by hand @Sam by 25 Dec", ("Write it by hand", "Sam", "25 Dec")),
        ("Ring <@U123> by next tuesday", ("Ring", "<@U123>", "next tuesday")),
        ("Ring <@U123|sam>", ("Ring", "<@U123|sam>", None)),
        ("@lee bring the biscuits by friday", ("bring the biscuits", "lee", "friday")),
        ("<@U9> write the letter", ("write the letter", "<@U9>", None)),
        ("Email a@b.org about it @Pat BY Friday", ("Email a@b.org about it", "Pat", "Friday")),
        ("Ask @Sam and then @Pat", ("Ask @Sam and then", "Pat", None)),
        ("Book the room @Sam by", ("Book the room", "Sam", "")),
    ],
)
def test_words_owner_and_day(typed: str, expected: tuple[str, str, str | None]) -> None:
    assert split_action(typed) == expected


@pytest.mark.parametrize(
    "typed", ["Write to the council", "Email a@b.org about it", "Ring <@U1> and ask"]
)
def test_no_owner_or_a_stray_tail_is_refused(typed: str) -> None:
    with pytest.raises(UserError):
        split_action(typed)


@pytest.mark.parametrize(
    ("typed", "action", "number", "value"),
    [
        ("4 accept", "action.accept", 4, ""),
        ("#4 done Sent it", "action.done", 4, "Sent it"),
        ("4 not me, sorry", "action.decline", 4, "sorry"),
        ("4 yes!", "action.accept", 4, ""),
        ("4 reassign @Pat", "action.reassign", 4, "@Pat"),
        ("4 drop", "action.drop", 4, ""),
        ("3 people to review the leaflet @Sam", "action.new", None, ""),
    ],
)
def test_numbered_verbs_and_new_actions(
    typed: str, action: str, number: int | None, value: str
) -> None:
    found = GRAMMAR.read(USAGE_SPEC, typed)
    assert (found.action, found.number, found.value) == (action, number, value)


@pytest.mark.parametrize(
    ("typed", "said"), [("4 acept", "Did you mean `action 4 accept`?"), ("4", "what to do")]
)
def test_typos_and_a_bare_number_are_answered(typed: str, said: str) -> None:
    with pytest.raises(CommandError, match=said.replace("?", r"\?")):
        GRAMMAR.read(USAGE_SPEC, typed)
