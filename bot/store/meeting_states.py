"""Opening meetings: finding a scheduled meeting that is about to start, and opening it once.

Kept apart from `bot.store.meetings` so the lifecycle rules of starting a meeting by hand live
beside the handler that uses them. Opening is a conditional update (scheduled -> open), so the
scheduler and a facilitator typing `meeting start` at the same moment open it only once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.meetings import OPEN, SCHEDULED, Meeting
from bot.store.schema import meetings


async def due_scheduled(
    conn: AsyncConnection, group_id: int, now: datetime, lead: timedelta
) -> Meeting | None:
    """The earliest scheduled meeting starting within `lead` from now and not yet over."""
    query = (
        select(meetings)
        .where(
            meetings.c.group_id == group_id,
            meetings.c.status == SCHEDULED,
            meetings.c.starts_at <= now + lead,
            or_(meetings.c.ends_at.is_(None), meetings.c.ends_at > now),
        )
        .order_by(meetings.c.starts_at)
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return Meeting.from_row(row) if row else None


async def open_scheduled(conn: AsyncConnection, meeting_id: int) -> bool:
    """Move a meeting from scheduled to open. True only for the caller that changed it."""
    result = await conn.execute(
        update(meetings)
        .where(meetings.c.id == meeting_id, meetings.c.status == SCHEDULED)
        .values(status=OPEN)
    )
    return result.rowcount == 1


async def starts_at_taken(conn: AsyncConnection, group_id: int, starts_at: datetime) -> bool:
    """Whether the group already has a meeting starting at exactly this instant."""
    query = select(meetings.c.id).where(
        meetings.c.group_id == group_id, meetings.c.starts_at == starts_at
    )
    return (await conn.execute(query)).first() is not None
