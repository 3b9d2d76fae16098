"""Skipping, bringing back and moving single meeting dates, and the dates `schedule` shows.

The group meets on Fridays at 18:30 in London; the conversation begins on Tuesday 1 December
2026 (London is on GMT, so local times equal UTC here), with Christmas Day a Friday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.store.database import Database
from bot.store.schema import meetings as meetings_table
from tests.dialogue import Chat, FakeClock, person

ANA = person("Ana")  # facilitator
BEN = person("Ben")  # member
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def friday(day: int, hour: int = 18, minute: int = 30, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


Row = tuple[datetime, str, str, datetime | None]


async def rows(db: Database) -> list[Row]:
    """Every meeting row: (start, status, source, moved from), by start."""
    async with db.read() as conn:
        query = select(meetings_table).order_by(meetings_table.c.starts_at)
        found = (await conn.execute(query)).mappings().all()
    return [(r["starts_at"], r["status"], r["source"], r["moved_from"]) for r in found]


@pytest.fixture
async def group(chat: Chat, clock: FakeClock) -> Chat:
    clock.set(START)
    await chat.say(ANA, "setup Parents Forum")
    await chat.say(BEN, "role lived-experience")
    await chat.say(ANA, "schedule weekly fri 18:30 1h")
    return chat


# -- schedule shows the next three dates ------------------------------------------------------


async def test_schedule_alone_shows_the_rule_and_the_next_three_dates(group: Chat) -> None:
    outcome = await group.say(ANA, "schedule")
    assert "The group meets every Friday at 18:30 for 1 hour." in outcome.reply
    assert (
        "Next meetings:\n• Friday 4 December at 18:30\n• Friday 11 December at 18:30\n"
        "• Friday 18 December at 18:30\n(Times are Europe/London time.)"
    ) in outcome.reply
    assert "`meeting skip 25 Dec`" in outcome.reply
    assert not outcome.posts


async def test_schedule_alone_without_a_schedule_says_how_to_set_one(chat: Chat) -> None:
    await chat.say(ANA, "setup Parents Forum")
    outcome = await chat.say(ANA, "schedule")
    assert "There's no regular meeting time yet." in outcome.reply
    assert "`schedule weekly tue 10:00 90m`" in outcome.reply


async def test_a_christmas_day_meeting_shows_up_and_can_be_skipped_far_ahead(
    group: Chat, clock: FakeClock, db: Database
) -> None:
    clock.set(friday(12, 9))
    shown = (await group.say(ANA, "schedule")).reply
    assert "• Friday 25 December at 18:30\n" in shown
    # skipped long before the scheduler writes that meeting down
    clock.set(START)
    outcome = await group.say(ANA, "meeting skip 25 Dec")
    assert "Done. The meeting on Friday 25 December at 18:30 is skipped" in outcome.reply
    assert "`meeting unskip 2026-12-25`" in outcome.reply
    assert outcome.posts == [
        "There's no meeting on Friday 25 December at 18:30: it has been skipped. "
        "The next meeting is Friday 4 December at 18:30."
    ]
    assert (friday(25), "cancelled", "schedule", None) in await rows(db)
    clock.set(friday(12, 9))
    shown = (await group.say(ANA, "schedule")).reply
    assert (
        "• Friday 18 December at 18:30\n• Friday 25 December at 18:30: skipped\n"
        "• Friday 1 January 2027 at 18:30\n• Friday 8 January 2027 at 18:30\n"
    ) in shown


async def test_settings_names_the_next_meeting_after_a_skipped_one(
    group: Chat, clock: FakeClock
) -> None:
    await group.say(ANA, "meeting skip 2026-12-25")
    clock.set(friday(19, 9))
    outcome = await group.say(ANA, "settings")
    assert "Next meeting: Friday 1 January 2027 at 18:30" in outcome.reply


async def test_skipping_the_next_meeting_writes_down_the_one_after(
    group: Chat, db: Database
) -> None:
    assert [(r[0], r[1]) for r in await rows(db)] == [(friday(4), "scheduled")]
    outcome = await group.say(ANA, "meeting skip friday")
    assert "The meeting on Friday 4 December at 18:30 is skipped" in outcome.reply
    assert "The next meeting is Friday 11 December at 18:30." in outcome.reply
    assert [(r[0], r[1]) for r in await rows(db)] == [
        (friday(4), "cancelled"),
        (friday(11), "scheduled"),
    ]
    settings = (await group.say(ANA, "settings")).reply
    assert "Next meeting: Friday 11 December at 18:30" in settings


async def test_next_means_the_next_meeting(group: Chat, db: Database) -> None:
    outcome = await group.say(ANA, "meeting skip next")
    assert "The meeting on Friday 4 December at 18:30 is skipped" in outcome.reply
    moved = await group.say(ANA, "meeting move next meeting to 12 Dec 10am")
    assert "The meeting on Friday 11 December at 18:30 is now on Saturday 12 December" in (
        moved.reply
    )


async def test_skip_twice_and_unskip(group: Chat, db: Database) -> None:
    await group.say(ANA, "meeting skip 4 Dec")
    again = await group.say(ANA, "meeting skip 4 Dec")
    assert "The meeting on Friday 4 December is already skipped" in again.reply
    assert "`meeting unskip 2026-12-04`" in again.reply
    assert not again.posts
    back = await group.say(ANA, "meeting unskip 4 Dec")
    assert "Done. The meeting on Friday 4 December at 18:30 is back on." in back.reply
    assert back.posts[0].startswith("The meeting on Friday 4 December at 18:30 is back on.")
    assert [(r[0], r[1]) for r in await rows(db)] == [
        (friday(4), "scheduled"),
        (friday(11), "scheduled"),
    ]
    not_skipped = await group.say(ANA, "meeting restore 4 Dec")
    assert "isn't skipped, so there's nothing to bring back" in not_skipped.reply


async def test_unskipping_a_date_far_ahead_leaves_it_to_the_rule(group: Chat, db: Database) -> None:
    await group.say(ANA, "meeting skip 25 Dec")
    await group.say(ANA, "meeting unskip 25 Dec")
    assert [(r[0], r[1]) for r in await rows(db)] == [(friday(4), "scheduled")]
    assert "• Friday 4 December at 18:30" in (await group.say(ANA, "schedule")).reply


async def test_unskip_of_a_day_without_a_skipped_meeting(group: Chat) -> None:
    outcome = await group.say(ANA, "meeting unskip 23 Dec")
    assert "There's no skipped meeting on Wednesday 23 December." in outcome.reply
    assert "The nearest meetings are Friday 18 December at 18:30 and Friday 25 December" in (
        outcome.reply
    )


async def test_a_day_without_a_meeting_names_the_nearest_meeting_dates(
    group: Chat, db: Database
) -> None:
    before = await rows(db)
    outcome = await group.say(ANA, "meeting skip 2026-12-23")
    assert outcome.reply.startswith(
        "There's no meeting to skip on Wednesday 23 December. The nearest meetings are "
        "Friday 18 December at 18:30 and Friday 25 December at 18:30."
    )
    assert not outcome.posts
    assert await rows(db) == before


async def test_a_day_in_the_past_is_refused(group: Chat, db: Database) -> None:
    before = await rows(db)
    outcome = await group.say(ANA, "meeting skip 2026-11-27")
    assert "Friday 27 November has already gone by, so there's no meeting to skip." in (
        outcome.reply
    )
    assert await rows(db) == before


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("meeting skip someday", "I couldn't read “someday” as a day."),
        ("meeting skip 31 Feb", "February"),
        ("meeting skip", "Please say which date, for example `meeting skip 2026-12-25`"),
        ("meeting unskip", "Please say which date, for example `meeting unskip 25 Dec`"),
        ("meeting skp 25 Dec", "Did you mean `meeting skip`?"),
        ("meeting mvoe 25 Dec 18:00", "Did you mean `meeting move`?"),
        ("meeting move", "Please say where the meeting goes"),
        ("meeting move 4 Dec to", "Please say where the meeting goes"),
        ("meeting move 4 Dec to 5 Dec to 6 Dec", "Please use “to” once"),
        ("meeting move 4 Dec to 5 Dec 25:00", "“25:00” isn't a time of day: hours go from 00"),
        ("meeting move 4 Dec to 5 Dec 7.75pm", "minutes go from 00 to 59"),
        ("meeting move 4 Dec to 5 Dec 13pm", "with am or pm, hours go from 1 to 12"),
        ("meeting move 4 Dec to 5 Dec 6", "I couldn't read “5 Dec 6” as a day."),
        ("meeting move sometime to 5 Dec 18:00", "I couldn't read “sometime” as a day."),
    ],
)
async def test_mistakes_get_a_plain_message_and_change_nothing(
    group: Chat, db: Database, typed: str, said: str
) -> None:
    before = await rows(db)
    outcome = await group.say(ANA, typed)
    assert said in outcome.reply
    assert not outcome.posts
    assert await rows(db) == before


@pytest.mark.parametrize(
    "typed", ["meeting skip 25 Dec", "meeting unskip 25 Dec", "meeting move 5 Dec 18:30"]
)
async def test_members_who_are_not_facilitators_are_refused(
    group: Chat, db: Database, typed: str
) -> None:
    before = await rows(db)
    outcome = await group.say(BEN, typed)
    assert "Only facilitators can use `meeting`" in outcome.reply
    assert await rows(db) == before


async def test_a_meeting_under_way_cannot_be_skipped_or_moved(
    group: Chat, clock: FakeClock, db: Database
) -> None:
    clock.set(friday(4, 18, 16))
    async with db.write() as conn:
        await conn.execute(
            update(meetings_table)
            .where(meetings_table.c.starts_at == friday(4))
            .values(checkin_sent_at=friday(4, 18, 15))
        )
    for typed in ("meeting skip today", "meeting move today to 19:00"):
        outcome = await group.say(ANA, typed)
        assert "The meeting on Friday 4 December is already under way" in outcome.reply, typed
        assert "`meeting end`" in outcome.reply
    shown = (await group.say(ANA, "schedule")).reply
    assert "• Friday 4 December at 18:30 (under way now)" in shown
    # once it has started, its date has no meeting still to come: the same plain answer
    clock.set(friday(4, 18, 45))
    async with db.write() as conn:
        await conn.execute(
            update(meetings_table)
            .where(meetings_table.c.starts_at == friday(4))
            .values(status="open")
        )
    outcome = await group.say(ANA, "meeting skip today")
    assert "already under way" in outcome.reply
    # nor can another meeting be moved onto the one under way
    before = await rows(db)
    onto = await group.say(ANA, "meeting move 11 Dec to today 19:00")
    assert "That would overlap the meeting on Friday 4 December at 18:30." in onto.reply
    assert await rows(db) == before
    after_it = await group.say(ANA, "meeting move 11 Dec to today 19:30")
    assert "is now on Friday 4 December at 19:30" in after_it.reply


# -- moving -----------------------------------------------------------------------------------


async def test_moving_a_date_ahead_to_another_day_and_time(group: Chat, db: Database) -> None:
    outcome = await group.say(ANA, "meeting move 25 Dec to 23 Dec 6.30pm")
    assert (
        "Done. The meeting on Friday 25 December at 18:30 is now on Wednesday 23 December at "
        "18:30. The check-in goes out 15 minutes before it."
    ) in outcome.reply
    assert outcome.posts == [
        "The meeting on Friday 25 December at 18:30 has moved to Wednesday 23 December at 18:30. "
        "The next meeting is Friday 4 December at 18:30."
    ]
    assert await rows(db) == [
        (friday(4), "scheduled", "schedule", None),
        (friday(23), "scheduled", "moved", friday(25)),
        (friday(25), "cancelled", "schedule", None),
    ]


async def test_the_schedule_marks_a_moved_meeting(
    group: Chat, clock: FakeClock, db: Database
) -> None:
    await group.say(ANA, "meeting move 18 Dec to 17 Dec 19:00")
    clock.set(friday(12, 9))
    shown = (await group.say(ANA, "schedule")).reply
    assert (
        "• Thursday 17 December at 19:00 (moved from Friday 18 December at 18:30)\n"
        "• Friday 25 December at 18:30\n• Friday 1 January 2027 at 18:30\n"
    ) in shown


async def test_moving_the_next_meeting_with_no_day_named(group: Chat, db: Database) -> None:
    outcome = await group.say(ANA, "meeting move sat 10am")
    assert "The meeting on Friday 4 December at 18:30 is now on Saturday 5 December at 10:00" in (
        outcome.reply
    )
    assert "The next meeting is Saturday 5 December at 10:00 (moved from Friday 4 December" in (
        outcome.reply
    )
    assert (friday(5, 10, 0), "scheduled", "moved", friday(4)) in await rows(db)
    assert (friday(4), "cancelled", "schedule", None) in await rows(db)
    settings = (await group.say(ANA, "settings")).reply
    assert "Next meeting: Saturday 5 December at 10:00 (moved from Friday 4 December" in settings


async def test_moving_to_a_new_time_on_the_same_day(group: Chat, db: Database) -> None:
    outcome = await group.say(ANA, "meeting move 4 Dec to 7pm")
    assert "is now on Friday 4 December at 19:00" in outcome.reply
    assert (friday(4, 19, 0), "scheduled", "moved", friday(4)) in await rows(db)
    again = await group.say(ANA, "meeting move 4 Dec to 19:00")
    assert "The meeting is already on Friday 4 December at 19:00" in again.reply


async def test_moving_again_keeps_the_first_date_and_moving_back_undoes_it(
    group: Chat, db: Database
) -> None:
    await group.say(ANA, "meeting move 25 Dec to 23 Dec 18:30")
    await group.say(ANA, "meeting move 23 Dec to 22 Dec 17:00")
    assert (friday(22, 17, 0), "scheduled", "moved", friday(25)) in await rows(db)
    back = await group.say(ANA, "meeting move 22 Dec to 25 Dec 18:30")
    assert "is now on Friday 25 December at 18:30" in back.reply
    assert await rows(db) == [(friday(4), "scheduled", "schedule", None)]


async def test_a_new_rule_keeps_a_moved_meeting_and_schedule_off_drops_it(
    group: Chat, db: Database
) -> None:
    await group.say(ANA, "meeting move 18 Dec to 17 Dec 19:00")
    await group.say(ANA, "schedule weekly thu 10:00 1h")
    assert (friday(17, 19, 0), "scheduled", "moved", friday(18)) in await rows(db)
    shown = (await group.say(ANA, "schedule")).reply
    assert "• Thursday 3 December at 10:00\n" in shown
    await group.say(ANA, "schedule off")
    assert [r for r in await rows(db) if r[1] == "scheduled"] == []
    assert "There's no regular meeting time yet." in (await group.say(ANA, "schedule")).reply


async def test_skips_and_moves_keep_their_local_time_when_the_time_zone_changes(
    group: Chat, clock: FakeClock, db: Database
) -> None:
    await group.say(ANA, "meeting skip 25 Dec")
    await group.say(ANA, "meeting move 18 Dec to 17 Dec 19:00")
    await group.say(ANA, "timezone America/New_York")
    new_york = timedelta(hours=5)  # New York is five hours behind London in December
    found = await rows(db)
    assert (friday(25) + new_york, "cancelled", "schedule", None) in found
    assert (friday(17, 19, 0) + new_york, "scheduled", "moved", friday(18) + new_york) in found
    clock.set(friday(12, 9))
    shown = (await group.say(ANA, "schedule")).reply
    assert (
        "• Thursday 17 December at 19:00 (moved from Friday 18 December at 18:30)\n"
        "• Friday 25 December at 18:30: skipped\n• Friday 1 January 2027 at 18:30\n"
        "• Friday 8 January 2027 at 18:30\n(Times are America/New_York time.)"
    ) in shown


async def test_skips_stay_skipped_when_the_meeting_time_changes(
    group: Chat, clock: FakeClock, db: Database
) -> None:
    await group.say(ANA, "meeting skip 25 Dec")
    await group.say(ANA, "meeting move 18 Dec to 17 Dec 10:00")
    outcome = await group.say(ANA, "schedule weekly fri 19:00 1h")
    assert "• Friday 4 December at 19:00" in outcome.reply
    found = await rows(db)
    assert (friday(25, 19, 0), "cancelled", "schedule", None) in found
    assert (friday(18, 19, 0), "cancelled", "schedule", None) in found
    assert (friday(17, 10, 0), "scheduled", "moved", friday(18, 19, 0)) in found
    clock.set(friday(12, 9))
    shown = (await group.say(ANA, "schedule")).reply
    assert (
        "• Thursday 17 December at 10:00 (moved from Friday 18 December at 19:00)\n"
        "• Friday 25 December at 19:00: skipped\n• Friday 1 January 2027 at 19:00\n"
    ) in shown
    # a new day of the week: the old skip has no meeting to keep off, and stays harmless
    await group.say(ANA, "schedule weekly mon 19:00 1h")
    shown = (await group.say(ANA, "schedule")).reply
    assert "skipped" not in shown
    assert "• Monday 14 December at 19:00\n" in shown


async def test_moving_into_the_past_is_refused(group: Chat, clock: FakeClock, db: Database) -> None:
    before = await rows(db)
    past_day = await group.say(ANA, "meeting move 4 Dec to 2026-11-30 18:30")
    assert "Monday 30 November has already gone by" in past_day.reply
    earlier_today = await group.say(ANA, "meeting move 4 Dec to today 8am")
    assert "Tuesday 1 December at 08:00 has already gone by" in earlier_today.reply
    assert "Please pick a day and time still to come." in earlier_today.reply
    assert await rows(db) == before


async def test_moving_onto_another_meeting_is_refused(group: Chat, db: Database) -> None:
    before = await rows(db)
    outcome = await group.say(ANA, "meeting move 4 Dec to 11 Dec 19:00")
    assert "That would overlap the meeting on Friday 11 December at 18:30." in outcome.reply
    assert "`meeting skip`" in outcome.reply
    assert "Your text:\nmeeting move 4 Dec to 11 Dec 19:00" in outcome.reply  # handed back
    assert await rows(db) == before
    just_before = await group.say(ANA, "meeting move 4 Dec to 11 Dec 17:30")
    assert "overlap" not in just_before.reply  # it ends at 18:30, as the other begins
    assert (friday(11, 17, 30), "scheduled", "moved", friday(4)) in await rows(db)


async def test_moving_onto_a_skipped_date_suggests_bringing_it_back(
    group: Chat, db: Database
) -> None:
    await group.say(ANA, "meeting skip 11 Dec")
    before = await rows(db)
    outcome = await group.say(ANA, "meeting move 4 Dec to 11 Dec 18:30")
    assert "Friday 11 December at 18:30 is the time of a skipped meeting" in outcome.reply
    assert "`meeting unskip 2026-12-11`" in outcome.reply
    assert await rows(db) == before


async def test_moving_onto_the_old_slot_of_a_moved_meeting_says_how_to_move_it_back(
    group: Chat, db: Database
) -> None:
    await group.say(ANA, "meeting move 11 Dec to 10 Dec 18:30")
    before = await rows(db)
    outcome = await group.say(ANA, "meeting move 4 Dec to 11 Dec 18:30")
    assert (
        "Friday 11 December at 18:30 is where the meeting now on Thursday 10 December at 18:30 "
        "used to be. To meet then, move that one back: `meeting move 2026-12-10 to 2026-12-11 "
        "18:30`."
    ) in outcome.reply
    assert await rows(db) == before
    back = await group.say(ANA, "meeting move 2026-12-10 to 2026-12-11 18:30")
    assert "is now on Friday 11 December at 18:30" in back.reply


async def test_a_skipped_date_cannot_be_moved_until_it_is_back(group: Chat) -> None:
    await group.say(ANA, "meeting skip 11 Dec")
    outcome = await group.say(ANA, "meeting move 11 Dec to 12 Dec 10:00")
    assert "The meeting on Friday 11 December is skipped." in outcome.reply
    assert "`meeting unskip 2026-12-11`" in outcome.reply


async def test_a_moved_meeting_can_be_skipped_and_brought_back(
    group: Chat, clock: FakeClock, db: Database
) -> None:
    await group.say(ANA, "meeting move 18 Dec to 17 Dec 19:00")
    skipped = await group.say(ANA, "meeting skip 17 Dec")
    assert "The meeting on Thursday 17 December at 19:00 is skipped" in skipped.reply
    assert (friday(17, 19, 0), "cancelled", "moved", friday(18)) in await rows(db)
    clock.set(friday(12, 9))
    shown = (await group.say(ANA, "schedule")).reply
    assert "• Thursday 17 December at 19:00: skipped (moved from Friday 18 December" in shown
    clock.set(START)
    back = await group.say(ANA, "meeting unskip 17 Dec")
    assert "is back on" in back.reply
    assert (friday(17, 19, 0), "scheduled", "moved", friday(18)) in await rows(db)


async def test_unskipping_onto_a_moved_meeting_is_refused(group: Chat, db: Database) -> None:
    await group.say(ANA, "meeting skip 11 Dec")
    await group.say(ANA, "meeting move 4 Dec to 11 Dec 18:00")
    before = await rows(db)
    outcome = await group.say(ANA, "meeting unskip 11 Dec")
    assert "would overlap the one on Friday 11 December at 18:00" in outcome.reply
    assert await rows(db) == before


async def test_help_lists_skipping_and_moving_for_facilitators_only(group: Chat) -> None:
    facilitator = (await group.say(ANA, "help")).reply
    assert "`meeting skip 2026-12-25  /  meeting unskip 2026-12-25`" in facilitator
    assert "`meeting move 23 Dec 18:30  /  meeting move 22 Dec to 23 Dec 6.30pm`" in facilitator
    assert "`summary  /  summary preview`" in facilitator
    assert "`schedule  /  schedule weekly tue 10:00 90m  /  schedule off`" in facilitator
    member = (await group.say(BEN, "help")).reply
    assert "meeting skip" not in member and "summary preview" not in member


async def test_a_long_way_ahead_is_still_a_meeting_date(group: Chat, db: Database) -> None:
    outcome = await group.say(ANA, "meeting skip 2027-12-24")
    assert "The meeting on Friday 24 December 2027 at 18:30 is skipped" in outcome.reply
    assert (friday(24, month=12) + timedelta(days=365), "cancelled", "schedule", None) in (
        await rows(db)
    )
