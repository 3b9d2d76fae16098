""" "Slow down" and "break" under any sequence of presses and pauses: facilitators hear exactly
when a whole crowd (the group's `signal-crowd`) asked for the same thing within the window, each
crowd once, with a figure that is a whole crowd and never a name.

A model of the rule (windows opened by the first signal, one count per person and window) is
played beside the bot on a controlled clock, and every alert must be the one the model expects.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.adapters.console.render import card_text
from bot.effects import MessageMember
from bot.handlers.privacy.crowd_rule import crowd
from bot.handlers.signals.cards import WINDOW_MINUTES
from tests.conftest import ON_POSTGRES, RESET_POSTGRES
from tests.dialogue import Chat, FakeClock, Outcome, dm, person
from tests.properties.test_promises import fresh_database  # noqa: F401
from tests.properties.world import make_core
from tests.property_budget import examples

FAY = person("Fay")
PEOPLE = tuple(person(f"Zq{n}") for n in range(5))
KINDS = {"slow down": "asked to slow down", "break": "would like a break"}
ALERT = re.compile(r"^(\d+) (?:person|people) (asked to slow down|would like a break)", re.M)

steps = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from(tuple(KINDS)), st.sampled_from((0, 1, 2, 6))),
    min_size=1,
    max_size=14,
)


class Model:
    """The rule as the README says it, for one kind of signal."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.opened: Any = None
        self.people: set[int] = set()
        self.told = 0

    def ask(self, who: int, now: Any) -> int | None:
        """The figure facilitators are told now, or None."""
        if self.opened is None or now - self.opened >= timedelta(minutes=WINDOW_MINUTES):
            self.opened, self.people, self.told = now, set(), 0
        if who in self.people:
            return None
        self.people.add(who)
        shown = crowd(len(self.people), self.size)
        if shown > self.told:
            self.told = shown
            return shown
        return None


async def _meeting(url: str, folder: Path, size: int) -> tuple[Chat, FakeClock]:
    """A fresh group of `PEOPLE` with Fay facilitating, alerts at `size`, its meeting begun."""
    clock = FakeClock()
    core = make_core(url, folder, clock)
    if ON_POSTGRES:
        async with core.db.write() as conn:
            await conn.execute(text(RESET_POSTGRES))
    chat = Chat(core, clock)
    await chat.group_of(FAY, [(who, "lived-experience") for who in PEOPLE])
    await chat.say(FAY, f"set signal-crowd {size}")
    await chat.say(FAY, "meeting start")
    return chat, clock


async def _play(url: str, folder: Path, size: int, plan: list[tuple[int, str, int]]) -> None:
    chat, clock = await _meeting(url, folder, size)
    try:
        models = {kind: Model(size) for kind in KINDS}
        for who, kind, minutes in plan:
            clock.advance(minutes=minutes)
            outcome: Outcome = await chat.say(PEOPLE[who], kind, dm(PEOPLE[who]))
            expected = models[kind].ask(who, clock.now)
            told = [
                card_text(e.card) for e in outcome.of(MessageMember) if isinstance(e, MessageMember)
            ]
            if expected is None:
                assert told == [], (kind, who, told)
                continue
            (alert,) = told  # to the one facilitator, once
            assert ALERT.findall(alert) == [(str(expected), KINDS[kind])]
            assert expected >= size and expected % size == 0
            for other in (*PEOPLE, FAY):
                assert other.display_name not in alert and other.user_id not in alert
    finally:
        await chat.core.db.dispose()


@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(size=st.integers(1, 3), plan=steps)
@seed(20261208)
def test_facilitators_hear_only_whole_crowds_within_the_window(
    fresh_database: Any,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
    size: int,
    plan: list[tuple[int, str, int]],
) -> None:
    url = fresh_database()
    asyncio.run(_play(url, tmp_path_factory.getbasetemp(), size, plan))


# -- jargon: the glossary everyone reads -----------------------------------------------------------

WORDS = ("EHCP", "ehcp", "PfA")
jargon_steps = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from(WORDS), st.sampled_from((0, 1, 2, 6))),
    min_size=1,
    max_size=14,
)


async def _play_jargon(url: str, folder: Path, size: int, plan: list[tuple[int, str, int]]) -> None:
    """Whoever asks about whatever word, the glossary holds a word only once a whole crowd (the
    alert's size and the group's `k` of 3, whichever is more) asked within one window, in the
    folded spelling: one or two askers leave nothing there, not even their spelling."""
    chat, clock = await _meeting(url, folder, size)
    try:
        models = {key: Model(max(size, 3)) for key in ("ehcp", "pfa")}
        entered: set[str] = set()
        for who, word, minutes in plan:
            clock.advance(minutes=minutes)
            await chat.say(PEOPLE[who], f"jargon {word}", dm(PEOPLE[who]))
            if models[word.lower()].ask(who, clock.now) is not None:
                entered.add(word.lower())
            listed = (await chat.say(FAY, "glossary", dm(FAY))).text()
            asked = re.findall(r"Asked, not yet explained: (.*)", listed)
            shown = set(asked[0].split(", ")) if asked else set()
            assert shown == entered, (plan, listed)
            assert "EHCP" not in listed and "PfA" not in listed
    finally:
        await chat.core.db.dispose()


@settings(
    max_examples=examples(10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(size=st.integers(1, 4), plan=jargon_steps)
@seed(20261208)
def test_the_glossary_shows_a_word_only_once_a_whole_crowd_asked(
    fresh_database: Any,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
    size: int,
    plan: list[tuple[int, str, int]],
) -> None:
    url = fresh_database()
    asyncio.run(_play_jargon(url, tmp_path_factory.getbasetemp(), size, plan))
