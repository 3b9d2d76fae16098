"""The agenda with the real meeting clock: scheduled check-ins carry it, and scheduled meeting ends
carry on what was not reached, counted once per meeting, across the change to summer time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.adapters.console.render import card_text
from bot.core import Core
from bot.effects import Effect, PostToConversation
from bot.scheduling.clock import MeetingClock
from bot.store.database import Database
from bot.store.schema import meetings as meetings_table
from tests.dialogue import Chat, FakeClock, dm, person

FAY, LEE = person("Fay"), person("Lee")


class Recorder:
    """Keeps every effect the clock delivers."""

    def __init__(self) -> None:
        self.effects: list[Effect] = []

    async def deliver(self, effects: list[Effect]) -> list[Effect]:
        self.effects.extend(effects)
        return []

    def posted(self, prefix: str) -> list[str]:
        return [
            card_text(e.card)
            for e in self.effects
            if isinstance(e, PostToConversation) and (e.key or "").startswith(prefix)
        ]


async def _meeting_starts(db: Database) -> list[datetime]:
    async with db.read() as conn:
        query = meetings_table.select().order_by(meetings_table.c.starts_at)
        return [row.starts_at for row in await conn.execute(query)]


async def test_scheduled_meetings_carry_the_agenda_and_count_across_summer_time(
    core: Core, db: Database, chat: Chat, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 3, 23, 9, 0, tzinfo=UTC))  # Monday; London on GMT until the 29th
    await chat.group_of(FAY, [(LEE, "lived-experience")])
    await chat.say(FAY, "timezone Europe/London")
    await chat.say(FAY, "schedule weekly tue 10:00 1h")
    await chat.say(LEE, "agenda add Transport costs")
    await chat.say(LEE, "agenda add anon Respite hours", where=dm(LEE))
    recorder = Recorder()
    meeting_clock = MeetingClock(core, recorder)
    await meeting_clock.rebuild()
    for when in (
        datetime(2026, 3, 24, 9, 45, tzinfo=UTC),  # check-in, 10:00 GMT meeting
        datetime(2026, 3, 24, 10, 0, tzinfo=UTC),
        datetime(2026, 3, 24, 11, 0, tzinfo=UTC),  # end: nothing was reached
    ):
        clock.set(when)
        await meeting_clock.tick()
    (checkin,) = recorder.posted("checkin:")
    assert "On the agenda:\n1. Transport costs\n2. Respite hours" in checkin
    (summary,) = recorder.posted("summary:")
    assert "Carried over to next time: “Transport costs” (carried over once)" in summary
    assert "Carried over to next time: “Respite hours” (carried over once)" in summary

    await chat.say(FAY, "agenda 2 done")
    for when in (
        datetime(2026, 3, 31, 8, 45, tzinfo=UTC),  # 09:45 BST: the check-in an hour earlier
        datetime(2026, 3, 31, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 31, 10, 0, tzinfo=UTC),
    ):
        clock.set(when)
        await meeting_clock.tick()
    assert (await _meeting_starts(db))[1] == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    _, again = recorder.posted("checkin:")
    assert "On the agenda:\n1. Transport costs" in again and "Respite" not in again
    first, second = recorder.posted("summary:")
    assert first == summary
    assert "Covered: “Respite hours” — discussed" in second
    assert "Carried over to next time: “Transport costs” (carried over twice)" in second
    assert (
        "Transport costs (added by Lee, carried over twice)"
        in (await chat.say(LEE, "agenda")).reply
    )
