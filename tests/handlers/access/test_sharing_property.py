"""Whatever members choose, facilitators see a need only if its owner shared it, and a name only
beside the needs of those who chose to be named: random groups through the real core."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store.database import Database
from tests.dialogue import Chat, channel, person

CHOICES = st.lists(st.sampled_from(["named", "anonymous", "no", None]), min_size=1, max_size=6)
GROUPS = itertools.count()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choices=CHOICES)
async def test_facilitators_never_see_what_was_not_shared(
    chat: Chat, db: Database, choices: list[str | None]
) -> None:
    n = next(GROUPS)
    where = channel(f"prop-{n}")
    fay = person(f"Fay P{n}")
    await chat.say(fay, f"setup Group {n}", where=where)
    people = [person(f"Member{i} P{n}") for i in range(len(choices))]
    for i, (who, choice) in enumerate(zip(people, choices, strict=True)):
        await chat.say(who, "role lived-experience", where=where)
        await chat.say(who, f"access needs need-{n}-{i}", where=where)
        if choice is not None:
            await chat.say(who, f"access share {choice}", where=where)
    seen = (await chat.say(fay, "access list", where=where)).reply
    for i, (who, choice) in enumerate(zip(people, choices, strict=True)):
        line = next((ln for ln in seen.splitlines() if f"need-{n}-{i}" in ln), None)
        if choice in (None, "no"):
            assert line is None
            continue
        assert line is not None
        assert (who.display_name in line) == (choice == "named")
        assert who.display_name not in seen or choice == "named"
