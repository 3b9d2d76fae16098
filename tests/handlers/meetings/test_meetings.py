"""The meeting lifecycle: `meeting start` / `meeting end`, scheduled openings, ending once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.context import Context
from bot.core import Core
from bot.effects import Effect, PostToConversation
from bot.handlers.meetings.commands import end_meeting
from bot.handlers.meetings.opening import open_scheduled, start_meeting
from bot.store import groups, meetings
from bot.store.database import Database
from bot.store.meetings import Meeting
from bot.store.schema import meetings as meetings_table
from tests.dialogue import Chat, channel, person

FAY, LEE = person("Fay"), person("Lee")
Job = Callable[[Context], Awaitable[list[Effect]]]


async def forum(chat: Chat) -> None:
    await chat.group_of(FAY, [(LEE, "lived-experience")])


async def group_id(db: Database) -> int:
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel())
    assert group is not None
    return group.id


async def all_meetings(db: Database) -> list[Meeting]:
    async with db.read() as conn:
        rows = (await conn.execute(select(meetings_table).order_by(meetings_table.c.id))).mappings()
        return [Meeting.from_row(row) for row in rows]


async def scheduled_in(chat: Chat, db: Database, minutes: int, *, sent: bool = False) -> Meeting:
    starts = chat.clock.now + timedelta(minutes=minutes)
    async with db.write() as conn:
        made = await meetings.create(
            conn,
            await group_id(db),
            starts,
            starts + timedelta(minutes=90),
            status=meetings.SCHEDULED,
            source="schedule",
        )
        if sent:
            await conn.execute(
                meetings_table.update()
                .where(meetings_table.c.id == made.id)
                .values(checkin_sent_at=chat.clock.now)
            )
    return made


async def run(core: Core, db: Database, job: Job) -> list[Effect]:
    return await core.run_job(job, group_id=await group_id(db))


async def test_meeting_start_opens_an_unscheduled_meeting_now(chat: Chat, db: Database) -> None:
    await forum(chat)
    outcome = await chat.say(FAY, "meeting start")
    assert "The meeting has started." in outcome.reply
    assert "`checkin`" in outcome.reply and "`round`" in outcome.reply
    (post,) = outcome.posts
    assert post.startswith("The meeting has started.\n\nNeed something during the meeting?")
    labels = [b.label for b in outcome.cards()[-1].buttons]
    assert labels == ["Slow down", "Too much jargon", "I need a break"]  # the signals card's
    [made] = await all_meetings(db)
    assert (made.status, made.source, made.ends_at) == ("open", "manual", None)
    assert made.starts_at == chat.clock.now


async def test_meeting_start_when_one_is_under_way_says_so(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, "meeting start")
    chat.clock.advance(minutes=20)
    outcome = await chat.say(FAY, "meeting start")
    assert "A meeting is already under way (since 09:00)" in outcome.reply
    assert "`meeting end`" in outcome.reply
    assert not outcome.posts and len(await all_meetings(db)) == 1


async def test_meeting_start_opens_a_scheduled_meeting_that_is_about_to_begin(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    due = await scheduled_in(chat, db, 10)  # within the 15-minute check-in lead
    outcome = await chat.say(FAY, "meeting start")
    assert "Your scheduled meeting has started." in outcome.reply
    [only] = await all_meetings(db)
    assert only.id == due.id and only.status == "open" and only.source == "schedule"


async def test_a_scheduled_meeting_far_off_is_left_alone(chat: Chat, db: Database) -> None:
    await forum(chat)
    later = await scheduled_in(chat, db, 60)
    await chat.say(FAY, "meeting start")
    found = {m.id: m for m in await all_meetings(db)}
    assert found[later.id].status == "scheduled"
    [manual] = [m for m in found.values() if m.id != later.id]
    assert manual.status == "open" and manual.source == "manual"


async def test_meeting_start_opens_a_scheduled_meeting_whose_checkin_went_out(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    due = await scheduled_in(chat, db, 5, sent=True)
    outcome = await chat.say(FAY, "meeting start")
    assert "Your scheduled meeting has started." in outcome.reply
    [only] = await all_meetings(db)
    assert only.id == due.id and only.status == "open"


async def test_meeting_end_ends_it_and_the_summary_closes_it(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, "meeting start")
    chat.clock.advance(minutes=45)
    outcome = await chat.say(FAY, "meeting end")
    assert "The meeting has ended" in outcome.reply
    [ended] = await all_meetings(db)
    assert ended.status == "ended" and ended.ends_at == chat.clock.now
    keys = [e.key for e in outcome.effects if isinstance(e, PostToConversation)]
    assert keys == [f"summary:{ended.id}"]  # the summary is the closing post
    again = await chat.say(FAY, "meeting end")
    assert "There's no meeting under way to end" in again.reply
    assert "`meeting start`" in again.reply


async def test_a_short_closing_line_when_the_summary_already_went_out(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await chat.say(FAY, "meeting start")
    [current] = await all_meetings(db)
    async with db.write() as conn:
        await meetings.mark_summary_posted(conn, current.id, chat.clock.now)
    outcome = await chat.say(FAY, "meeting end")
    assert outcome.posts == ["The meeting has ended. Thank you, everyone."]


@pytest.mark.parametrize("line", ["meeting start", "meeting end"])
async def test_members_cannot_start_or_end_meetings(chat: Chat, db: Database, line: str) -> None:
    await forum(chat)
    outcome = await chat.say(LEE, line)
    assert "Only facilitators can use `meeting`" in outcome.reply
    assert await all_meetings(db) == []


async def test_end_meeting_happens_once(chat: Chat, db: Database, core: Core) -> None:
    await forum(chat)
    await chat.say(FAY, "meeting start")
    [current] = await all_meetings(db)
    seen: list[int] = []

    async def end_twice(ctx: Context) -> list[Effect]:
        first = await end_meeting(ctx, current)
        second = await end_meeting(ctx, current)
        seen.extend((len(first), len(second)))
        return first + second

    effects = await run(core, db, end_twice)
    assert seen[0] > 0 and seen[1] == 0
    assert sum(isinstance(e, PostToConversation) for e in effects) == 1


async def test_end_meeting_reveals_rounds_before_the_summary(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, "round How are you, really?")
    await chat.say(LEE, "share Better than last week")
    outcome = await chat.say(FAY, "meeting end")
    keys = [e.key or "" for e in outcome.effects if isinstance(e, PostToConversation)]
    assert [k.split(":")[0] for k in keys] == ["round-reveal", "summary"]


async def test_open_scheduled_opens_once_and_never_reopens(
    chat: Chat, db: Database, core: Core
) -> None:
    await forum(chat)
    due = await scheduled_in(chat, db, 0)

    async def open_it(ctx: Context) -> list[Effect]:
        return await open_scheduled(ctx, due)

    assert await run(core, db, open_it) == []
    assert (await all_meetings(db))[0].status == "open"
    await chat.say(FAY, "meeting end")
    await run(core, db, open_it)
    assert (await all_meetings(db))[0].status == "ended"


async def test_start_meeting_gives_the_current_one_or_a_new_one(
    chat: Chat, db: Database, core: Core
) -> None:
    await forum(chat)
    got: list[Meeting] = []

    async def start(ctx: Context) -> list[Effect]:
        got.append(await start_meeting(ctx))
        return []

    await run(core, db, start)
    await run(core, db, start)
    assert got[0].id == got[1].id and got[0].status == "open" and got[0].source == "manual"
    await chat.say(FAY, "meeting end")
    await run(core, db, start)  # same clock instant as the first: still a new meeting
    assert got[2].id != got[0].id and got[2].status == "open"
    assert len(await all_meetings(db)) == 2


async def test_a_facilitator_checkin_with_no_meeting_starts_one(chat: Chat, db: Database) -> None:
    await forum(chat)
    outcome = await chat.say(FAY, "checkin")
    [made] = await all_meetings(db)
    assert made.status == "open" and made.source == "manual"
    assert any(e.key == f"checkin:{made.id}" for e in outcome.of(PostToConversation))


async def test_a_scheduled_meeting_started_early_and_ended_early_never_ends_before_it_starts(
    chat: Chat, db: Database
) -> None:
    """`meeting start` ten minutes before the scheduled time, `meeting end` five minutes later:
    the meeting does not end before it starts, and the summary's next meeting is next week's,
    not the one that has just ended."""
    await forum(chat)
    set_up = await chat.say(FAY, "schedule weekly tue 09:10 90m")
    assert "09:10" in set_up.reply
    [due] = await all_meetings(db)
    assert due.starts_at == chat.clock.now + timedelta(minutes=10)
    started = await chat.say(FAY, "meeting start")
    assert "Your scheduled meeting has started." in started.reply
    chat.clock.advance(minutes=5)
    ended = await chat.say(FAY, "meeting end")
    found = {m.id: m for m in await all_meetings(db)}
    held = found[due.id]
    assert held.status == "ended" and held.ends_at is not None
    assert held.ends_at >= held.starts_at
    for meeting in found.values():
        assert meeting.ends_at is None or meeting.ends_at >= meeting.starts_at
    [summary] = [text for text in ended.posts if "Meeting summary" in text]
    assert "Next meeting: Tuesday 10 March at 09:10" in summary


async def test_next_meeting_is_one_that_has_not_happened_when_the_rule_is_the_only_guide(
    chat: Chat, db: Database
) -> None:
    """With no stored row for the next occurrence, the rule is read after this meeting's start."""
    await forum(chat)
    due = await scheduled_in(chat, db, 10)
    async with db.write() as conn:
        await groups.change(conn, await group_id(db), schedule_rule="weekly tue 09:10 90m")
    await chat.say(FAY, "meeting start")
    chat.clock.advance(minutes=5)
    ended = await chat.say(FAY, "meeting end")
    [summary] = [text for text in ended.posts if "Meeting summary" in text]
    assert "Next meeting: Tuesday 10 March at 09:10" in summary
    [held] = [m for m in await all_meetings(db) if m.id == due.id]
    assert held.ends_at is not None and held.ends_at >= held.starts_at
