"""The meeting clock follows skipped and moved dates, across the clock changes in London.

The facilitator types the command (the real handler); the clock runs stub jobs that record what
fired, on a controlled clock. London moves to summer time on the last Sunday of March (29 March
2026) and back on the last Sunday of October (25 October 2026); a weekly 18:30 meeting stays at
18:30 local time, which is 18:30 UTC in winter and 17:30 UTC in summer.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core import Core
from bot.scheduling.clock import MeetingClock
from bot.store.database import Database
from bot.store.meetings import Meeting
from tests.dialogue import Chat, FakeClock, person
from tests.scheduling.test_clock import Stubs, all_meetings, stub_clock, tick_at

ANA = person("Ana")
LONDON = ZoneInfo("Europe/London")


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def weekly_tuesdays(chat: Chat, clock: FakeClock, now: datetime) -> None:
    clock.set(now)
    await chat.say(ANA, "setup Parents Forum")
    await chat.say(ANA, "schedule weekly tue 18:30 1h")


async def run(
    clock: FakeClock, meeting_clock: MeetingClock, stubs: Stubs, times: list[datetime]
) -> list[tuple[datetime, str, int]]:
    """Tick at each time; what fired at each, as (time, kind, meeting id)."""
    fired: list[tuple[datetime, str, int]] = []
    for when in times:
        before = len(stubs.calls)
        await tick_at(clock, meeting_clock, when)
        fired.extend((when, kind, meeting_id) for kind, meeting_id in stubs.calls[before:])
    return fired


def by_start(found: list[Meeting], start: datetime) -> Meeting:
    [meeting] = [m for m in found if m.starts_at == start]
    return meeting


async def test_a_moved_meeting_checks_in_at_its_new_time_across_the_spring_change(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    await weekly_tuesdays(chat, clock, utc(3, 24, 9))
    stubs = Stubs()
    meeting_clock = stub_clock(core, stubs)
    await meeting_clock.rebuild(utc(3, 24, 9))
    [old] = await all_meetings(db)
    assert old.starts_at == utc(3, 24, 18, 30)  # GMT: 18:30 local
    assert (f"meeting:{old.id}:checkin", utc(3, 24, 18, 15)) in meeting_clock.jobs()

    # Tuesday 24 March (GMT) moves to Thursday 2 April at 18:30 (BST: 17:30 UTC)
    outcome = await chat.say(ANA, "meeting move today to 2 Apr 18:30")
    assert "is now on Thursday 2 April at 18:30" in outcome.reply
    found = await all_meetings(db)
    moved = by_start(found, utc(4, 2, 17, 30))
    assert (moved.source, moved.moved_from) == ("moved", old.starts_at)
    assert moved.starts_at.astimezone(LONDON).strftime("%H:%M") == "18:30"
    following = by_start(found, utc(3, 31, 17, 30))  # the rule's next date, now in BST
    assert following.source == "schedule"

    fired = await run(
        clock,
        meeting_clock,
        stubs,
        [
            utc(3, 24, 9, 1),  # the next sync drops the old meeting's timers
            utc(3, 24, 18, 15),
            utc(3, 24, 18, 30),
            utc(3, 24, 20, 0),
            utc(3, 31, 17, 15),
            utc(3, 31, 17, 30),
            utc(3, 31, 17, 40),
            utc(3, 31, 18, 30),
            utc(3, 31, 19, 30),
            utc(4, 2, 17, 14),
            utc(4, 2, 17, 15),
            utc(4, 2, 17, 30),
            utc(4, 2, 17, 40),
            utc(4, 2, 18, 30),
            utc(4, 2, 19, 30),
            utc(4, 2, 21, 0),
        ],
    )
    assert not any(meeting_id == old.id for _, _, meeting_id in fired)
    of_moved = [(when, kind) for when, kind, meeting_id in fired if meeting_id == moved.id]
    assert of_moved == [
        (utc(4, 2, 17, 15), "checkin"),  # 18:15 in London, 15 minutes before
        (utc(4, 2, 17, 30), "start"),
        (utc(4, 2, 17, 40), "reminder"),
        (utc(4, 2, 18, 30), "end"),  # the summary's job
        (utc(4, 2, 19, 30), "reflection"),
        (utc(4, 2, 19, 30), "reciprocity"),
    ]
    of_following = [kind for _, kind, meeting_id in fired if meeting_id == following.id]
    assert of_following == ["checkin", "start", "reminder", "end", "reflection", "reciprocity"]
    assert max(Counter((kind, meeting_id) for _, kind, meeting_id in fired).values()) == 1


async def test_a_skipped_date_after_the_autumn_change_is_stepped_over(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    await weekly_tuesdays(chat, clock, utc(10, 19, 9))
    outcome = await chat.say(ANA, "meeting skip 27 Oct")  # beyond the stored next meeting
    assert "The meeting on Tuesday 27 October at 18:30 is skipped" in outcome.reply
    shown = (await chat.say(ANA, "schedule")).reply
    assert (
        "• Tuesday 20 October at 18:30\n• Tuesday 27 October at 18:30: skipped\n"
        "• Tuesday 3 November at 18:30\n• Tuesday 10 November at 18:30\n"
    ) in shown
    stubs = Stubs()
    meeting_clock = stub_clock(core, stubs)
    fired = await run(
        clock,
        meeting_clock,
        stubs,
        [
            utc(10, 20, 17, 15),  # BST: 18:15 in London
            utc(10, 20, 17, 30),
            utc(10, 20, 18, 30),
            utc(10, 20, 19, 30),
            utc(10, 27, 17, 15),
            utc(10, 27, 18, 15),  # GMT: would be its check-in, had it not been skipped
            utc(10, 27, 18, 30),
            utc(10, 27, 19, 30),
            utc(11, 3, 18, 14),
            utc(11, 3, 18, 15),
        ],
    )
    found = await all_meetings(db)
    first = by_start(found, utc(10, 20, 17, 30))
    skipped = by_start(found, utc(10, 27, 18, 30))
    after = by_start(found, utc(11, 3, 18, 30))
    assert skipped.status == "cancelled"
    assert after.source == "schedule"
    assert after.starts_at.astimezone(LONDON).strftime("%H:%M") == "18:30"
    assert [(when, kind) for when, kind, meeting_id in fired if meeting_id != first.id] == [
        (utc(11, 3, 18, 15), "checkin")
    ]
    assert not any(meeting_id == skipped.id for _, _, meeting_id in fired)


async def test_the_next_three_dates_keep_their_local_time_across_the_spring_change(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await weekly_tuesdays(chat, clock, utc(3, 20, 9))
    shown = (await chat.say(ANA, "schedule")).reply
    assert (
        "Next meetings:\n• Tuesday 24 March at 18:30\n• Tuesday 31 March at 18:30\n"
        "• Tuesday 7 April at 18:30\n(Times are Europe/London time.)"
    ) in shown
    # a meeting moved across the change keeps the local time it was given
    await chat.say(ANA, "meeting move 24 Mar to 31 Mar 10:00")
    shown = (await chat.say(ANA, "schedule")).reply
    assert (
        "• Tuesday 31 March at 10:00 (moved from Tuesday 24 March at 18:30)\n"
        "• Tuesday 31 March at 18:30\n• Tuesday 7 April at 18:30\n"
    ) in shown
    moved = by_start(await all_meetings(db), utc(3, 31, 9, 0))
    assert moved.ends_at == utc(3, 31, 10, 0)  # an hour long, as the schedule's meetings are


async def test_a_move_into_the_hour_the_clocks_skip_lands_after_it(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await weekly_tuesdays(chat, clock, utc(3, 24, 9))
    outcome = await chat.say(ANA, "meeting move today to 29 Mar 1.30am")
    # 01:30 does not exist in London that night; like the schedule's own dates, it moves on by
    # the gap, to 02:30 BST (01:30 UTC)
    assert "is now on Sunday 29 March at 02:30" in outcome.reply
    moved = by_start(await all_meetings(db), utc(3, 29, 1, 30))
    assert moved.source == "moved"
