"""Skipping and moving single meeting dates (`meeting skip`, `meeting unskip`, `meeting move`).

A skip is a cancelled meeting row at the rule's start: the scheduler already steps over
cancelled starts (`bot.scheduling.plan.next_occurrence`), so a date far ahead is skipped by
writing that row now, long before the scheduler would have made the meeting. A move is two rows:
the old slot cancelled (so the rule never brings it back) and a new row, source "moved", that
remembers the start it had (`moved_from`). The scheduler plans a moved meeting like a scheduled
one, from its row, so its check-in, reminder and summary follow it; a rule change leaves it be.

Every change here touches only meetings that have not begun (no check-in sent, still scheduled),
with conditional updates, so a meeting the clock is starting at the same moment is never changed
under it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import insert_or_ignore
from bot.store.meetings import CANCELLED, ENDED, SCHEDULED, Meeting, get
from bot.store.scheduled_meetings import MOVED, SCHEDULE
from bot.store.schema import meetings


def _unbegun(now: datetime) -> ColumnElement[bool]:
    return and_(
        meetings.c.status == SCHEDULED,
        meetings.c.starts_at > now,
        meetings.c.checkin_sent_at.is_(None),
    )


async def ahead(conn: AsyncConnection, group_id: int, now: datetime) -> list[Meeting]:
    """The group's meetings starting after `now`, whatever their status, by start."""
    query = (
        select(meetings)
        .where(
            meetings.c.group_id == group_id,
            meetings.c.starts_at > now,
            meetings.c.status != ENDED,
        )
        .order_by(meetings.c.starts_at)
    )
    return [Meeting.from_row(row) for row in (await conn.execute(query)).mappings()]


async def cancel_unbegun(conn: AsyncConnection, meeting_id: int, now: datetime) -> bool:
    """Skip a stored meeting that has not begun. True if this call changed it."""
    result = await conn.execute(
        update(meetings).where(meetings.c.id == meeting_id, _unbegun(now)).values(status=CANCELLED)
    )
    return result.rowcount == 1


async def add_skip(
    conn: AsyncConnection, group_id: int, starts_at: datetime, ends_at: datetime, now: datetime
) -> bool:
    """Skip a schedule date that had no row: a cancelled row the rule will step over. If a
    clock wrote the meeting down a moment ago, that row is cancelled instead (if not begun).
    True if the date is now skipped."""
    result = await conn.execute(
        insert_or_ignore(conn, meetings).values(
            group_id=group_id,
            starts_at=starts_at,
            ends_at=ends_at,
            status=CANCELLED,
            source=SCHEDULE,
        )
    )
    if result.rowcount == 1:
        return True
    result = await conn.execute(
        update(meetings)
        .where(meetings.c.group_id == group_id, meetings.c.starts_at == starts_at, _unbegun(now))
        .values(status=CANCELLED)
    )
    return result.rowcount == 1


async def restore_schedule_date(conn: AsyncConnection, meeting_id: int, *, keep_row: bool) -> bool:
    """Undo the skip of a schedule date: scheduled again if `keep_row` (it is the next
    meeting), else the row goes and the rule makes the meeting again when its time comes."""
    where = and_(
        meetings.c.id == meeting_id,
        meetings.c.status == CANCELLED,
        meetings.c.source == SCHEDULE,
        meetings.c.checkin_sent_at.is_(None),
    )
    if keep_row:
        result = await conn.execute(update(meetings).where(where).values(status=SCHEDULED))
    else:
        result = await conn.execute(delete(meetings).where(where))
    return result.rowcount == 1


async def restore_moved(conn: AsyncConnection, meeting_id: int) -> bool:
    """Undo the skip of a moved meeting: it is on again at its new time."""
    result = await conn.execute(
        update(meetings)
        .where(
            meetings.c.id == meeting_id,
            meetings.c.status == CANCELLED,
            meetings.c.source == MOVED,
            meetings.c.checkin_sent_at.is_(None),
        )
        .values(status=SCHEDULED)
    )
    return result.rowcount == 1


async def add_moved(
    conn: AsyncConnection,
    group_id: int,
    starts_at: datetime,
    ends_at: datetime | None,
    moved_from: datetime,
) -> Meeting:
    """The meeting at its new time, remembering the start it had."""
    result = await conn.execute(
        insert(meetings)
        .values(
            group_id=group_id,
            starts_at=starts_at,
            ends_at=ends_at,
            status=SCHEDULED,
            source=MOVED,
            moved_from=moved_from,
        )
        .returning(meetings.c.id)
    )
    found = await get(conn, result.scalar_one())
    assert found is not None
    return found


async def retime_moved(
    conn: AsyncConnection,
    meeting_id: int,
    starts_at: datetime,
    ends_at: datetime | None,
    now: datetime,
) -> bool:
    """Move an already moved meeting again (it keeps the start it first had)."""
    result = await conn.execute(
        update(meetings)
        .where(meetings.c.id == meeting_id, meetings.c.source == MOVED, _unbegun(now))
        .values(starts_at=starts_at, ends_at=ends_at)
    )
    return result.rowcount == 1


async def drop_moved(conn: AsyncConnection, meeting_id: int, now: datetime) -> bool:
    """Remove a moved meeting that has not begun (it is going back to its old slot)."""
    result = await conn.execute(
        delete(meetings).where(
            meetings.c.id == meeting_id,
            meetings.c.source == MOVED,
            or_(meetings.c.status == CANCELLED, _unbegun(now)),
        )
    )
    return result.rowcount == 1


async def shift(
    conn: AsyncConnection,
    meeting_id: int,
    starts_at: datetime,
    ends_at: datetime | None,
    moved_from: datetime | None,
) -> None:
    """Give a skip or a moved meeting new instants (the group's time zone changed, and they keep
    their local time as the schedule does). Only rows that have not begun are changed."""
    await conn.execute(
        update(meetings)
        .where(
            meetings.c.id == meeting_id,
            meetings.c.checkin_sent_at.is_(None),
            meetings.c.status.in_((SCHEDULED, CANCELLED)),
        )
        .values(starts_at=starts_at, ends_at=ends_at, moved_from=moved_from)
    )
