"""The store half of skipping and moving dates, on a real database: changes touch only
meetings that have not begun, and a skip written while a clock writes the same meeting down
still skips it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import groups, meeting_dates, meetings, scheduled_meetings
from bot.store.database import Database
from tests.dialogue import channel

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FRI = datetime(2026, 12, 4, 18, 30, tzinfo=UTC)
HOUR = timedelta(hours=1)


async def a_group(db: Database) -> int:
    async with db.write() as conn:
        group = await groups.create(
            conn, channel(), "Parents Forum", now=NOW, timezone="Europe/London", k=3
        )
        return group.id


async def statuses(db: Database, group_id: int) -> list[tuple[datetime, str, str]]:
    async with db.read() as conn:
        found = await meeting_dates.ahead(conn, group_id, NOW)
    return [(m.starts_at, m.status, m.source) for m in found]


async def test_a_skip_of_a_date_without_a_row_writes_a_cancelled_one(db: Database) -> None:
    gid = await a_group(db)
    async with db.write() as conn:
        assert await meeting_dates.add_skip(conn, gid, FRI, FRI + HOUR, NOW)
        assert not await meeting_dates.add_skip(conn, gid, FRI, FRI + HOUR, NOW)  # already
        cancelled = await scheduled_meetings.cancelled_starts(conn, [gid], NOW)
    assert cancelled == {gid: {FRI}}
    assert await statuses(db, gid) == [(FRI, "cancelled", "schedule")]


async def test_a_skip_racing_a_clock_that_wrote_the_meeting_cancels_that_row(
    db: Database,
) -> None:
    gid = await a_group(db)
    async with db.write() as conn:
        await scheduled_meetings.add_scheduled(conn, [(gid, FRI, FRI + HOUR)])
        assert await meeting_dates.add_skip(conn, gid, FRI, FRI + HOUR, NOW)
    assert await statuses(db, gid) == [(FRI, "cancelled", "schedule")]


async def test_a_begun_meeting_is_never_cancelled_or_moved(db: Database) -> None:
    gid = await a_group(db)
    async with db.write() as conn:
        await scheduled_meetings.add_scheduled(conn, [(gid, FRI, FRI + HOUR)])
        [row] = await meeting_dates.ahead(conn, gid, NOW)
        await meetings.set_times(conn, row.id, checkin_sent_at=FRI - timedelta(minutes=15))
        later = FRI - timedelta(minutes=10)
        assert not await meeting_dates.cancel_unbegun(conn, row.id, later)
        assert not await meeting_dates.add_skip(conn, gid, FRI, FRI + HOUR, later)
    assert await statuses(db, gid) == [(FRI, "scheduled", "schedule")]


async def test_a_move_and_its_undoing(db: Database) -> None:
    gid = await a_group(db)
    new = FRI + timedelta(days=1)
    async with db.write() as conn:
        await scheduled_meetings.add_scheduled(conn, [(gid, FRI, FRI + HOUR)])
        [row] = await meeting_dates.ahead(conn, gid, NOW)
        assert await meeting_dates.cancel_unbegun(conn, row.id, NOW)
        moved = await meeting_dates.add_moved(conn, gid, new, new + HOUR, FRI)
        assert (moved.source, moved.moved_from, moved.status) == ("moved", FRI, "scheduled")
        assert await meeting_dates.retime_moved(conn, moved.id, new + HOUR, new + 2 * HOUR, NOW)
        assert not await meeting_dates.retime_moved(conn, row.id, new, new + HOUR, NOW)
        assert await meeting_dates.cancel_unbegun(conn, moved.id, NOW)
        assert await meeting_dates.restore_moved(conn, moved.id)
        assert await meeting_dates.drop_moved(conn, moved.id, NOW)
        assert await meeting_dates.restore_schedule_date(conn, row.id, keep_row=True)
    assert await statuses(db, gid) == [(FRI, "scheduled", "schedule")]


async def test_a_skip_far_ahead_is_undone_by_removing_its_row(db: Database) -> None:
    gid = await a_group(db)
    christmas = datetime(2026, 12, 25, 18, 30, tzinfo=UTC)
    async with db.write() as conn:
        await meeting_dates.add_skip(conn, gid, christmas, christmas + HOUR, NOW)
        [row] = await meeting_dates.ahead(conn, gid, NOW)
        assert await meeting_dates.restore_schedule_date(conn, row.id, keep_row=False)
        assert not await meeting_dates.restore_schedule_date(conn, row.id, keep_row=False)
    assert await statuses(db, gid) == []
