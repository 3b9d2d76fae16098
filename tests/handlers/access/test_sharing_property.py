"""Whatever members choose, facilitators see a need only if its owner shared it, a name only
beside the needs of those who chose to be named, and a nameless need only in the note before a
meeting (never in `access list`): random groups through the real core."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store.database import Database
from tests.dialogue import Chat, channel, person
from tests.property_budget import examples

CHOICES = st.lists(st.sampled_from(["named", "anonymous", "no", None]), min_size=1, max_size=6)
GROUPS = itertools.count()


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
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
    listed = (await chat.say(fay, "access list", where=where)).reply
    note = "\n".join((await chat.say(fay, "checkin", where=where)).messages_to(fay))
    for i, (who, choice) in enumerate(zip(people, choices, strict=True)):
        line = next((ln for ln in note.splitlines() if f"need-{n}-{i}" in ln), None)
        in_list = f"need-{n}-{i}" in listed
        assert in_list == (choice == "named")  # nameless needs only ever in the note
        if choice in (None, "no"):
            assert line is None
            continue
        assert line is not None
        assert (who.display_name in line) == (choice == "named")
        assert who.display_name not in note + listed or choice == "named"
