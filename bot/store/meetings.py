"""Queries about meetings: the current one, creating them, and once-only state changes.

A meeting is "current" from the moment its check-in goes out (or it is started by hand) until it
ends. State changes that must happen once (`end`, `mark_summary_posted`) are conditional updates:
the caller that changed a row did the work; anyone else finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import insert_or_ignore
from bot.store.schema import firings, meetings

SCHEDULED, OPEN, ENDED, CANCELLED = "scheduled", "open", "ended", "cancelled"


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    group_id: int
    starts_at: datetime
    ends_at: datetime | None
    status: str
    source: str
    checkin_sent_at: datetime | None
    summary_posted_at: datetime | None
    checkin_prompt: str | None = None
    """The question the check-in asked, once it has gone out."""
    moved_from: datetime | None = None
    """For a meeting moved off its schedule (`meeting move`): the start it had."""

    @classmethod
    def from_row(cls, row: RowMapping) -> Meeting:
        return cls(**{name: row[name] for name in cls.__slots__})


async def get(conn: AsyncConnection, meeting_id: int) -> Meeting | None:
    row = (
        (await conn.execute(select(meetings).where(meetings.c.id == meeting_id))).mappings().first()
    )
    return Meeting.from_row(row) if row else None


async def current(conn: AsyncConnection, group_id: int) -> Meeting | None:
    """The meeting in progress: open, or scheduled with its check-in already sent."""
    query = (
        select(meetings)
        .where(
            meetings.c.group_id == group_id,
            or_(
                meetings.c.status == OPEN,
                and_(meetings.c.status == SCHEDULED, meetings.c.checkin_sent_at.is_not(None)),
            ),
        )
        .order_by(meetings.c.starts_at.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return Meeting.from_row(row) if row else None


async def latest_ended(conn: AsyncConnection, group_id: int) -> Meeting | None:
    query = (
        select(meetings)
        .where(meetings.c.group_id == group_id, meetings.c.status == ENDED)
        .order_by(meetings.c.starts_at.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return Meeting.from_row(row) if row else None


async def next_scheduled(conn: AsyncConnection, group_id: int, after: datetime) -> Meeting | None:
    query = (
        select(meetings)
        .where(
            meetings.c.group_id == group_id,
            meetings.c.status == SCHEDULED,
            meetings.c.starts_at > after,
        )
        .order_by(meetings.c.starts_at)
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return Meeting.from_row(row) if row else None


async def scheduled_between(conn: AsyncConnection, start: datetime, end: datetime) -> list[Meeting]:
    """Scheduled meetings of any group starting after `start` and by `end`, soonest first."""
    query = (
        select(meetings)
        .where(
            meetings.c.status == SCHEDULED,
            meetings.c.starts_at > start,
            meetings.c.starts_at <= end,
        )
        .order_by(meetings.c.starts_at, meetings.c.id)
    )
    return [Meeting.from_row(row) for row in (await conn.execute(query)).mappings()]


async def next_unbegun_start(
    conn: AsyncConnection, group_id: int, after: datetime
) -> datetime | None:
    """When the group's next scheduled meeting after `after` starts, leaving out one whose
    check-in has gone out (a meeting under way is "now", not "next")."""
    query = (
        select(meetings.c.starts_at)
        .where(
            meetings.c.group_id == group_id,
            meetings.c.status == SCHEDULED,
            meetings.c.starts_at > after,
            meetings.c.checkin_sent_at.is_(None),
        )
        .order_by(meetings.c.starts_at)
        .limit(1)
    )
    found: datetime | None = (await conn.execute(query)).scalar()
    return found


async def create(
    conn: AsyncConnection,
    group_id: int,
    starts_at: datetime,
    ends_at: datetime | None,
    *,
    status: str,
    source: str,
) -> Meeting:
    result = await conn.execute(
        insert(meetings)
        .values(
            group_id=group_id, starts_at=starts_at, ends_at=ends_at, status=status, source=source
        )
        .returning(meetings.c.id)
    )
    meeting = await get(conn, result.scalar_one())
    assert meeting is not None
    return meeting


async def end(conn: AsyncConnection, meeting_id: int, now: datetime) -> bool:
    """Mark a meeting ended (setting `ends_at` if it had none). True only for the first caller.

    A meeting never ends before it starts. A scheduled meeting opened early by hand keeps its
    scheduled start (that start is how the schedule knows the occurrence has been held, so it
    is not made again), so one ended before that start is recorded as ending at its start.
    """
    current_row = await get(conn, meeting_id)
    if current_row is None or current_row.status in (ENDED, CANCELLED):
        return False
    ends_at = current_row.ends_at if current_row.ends_at and current_row.ends_at <= now else now
    ends_at = max(ends_at, current_row.starts_at)
    result = await conn.execute(
        update(meetings)
        .where(meetings.c.id == meeting_id, meetings.c.status.not_in((ENDED, CANCELLED)))
        .values(status=ENDED, ends_at=ends_at)
    )
    return result.rowcount == 1


async def mark_summary_posted(conn: AsyncConnection, meeting_id: int, now: datetime) -> bool:
    """Claim the meeting's summary. True only for the first caller, so it is posted once."""
    result = await conn.execute(
        update(meetings)
        .where(meetings.c.id == meeting_id, meetings.c.summary_posted_at.is_(None))
        .values(summary_posted_at=now)
    )
    return result.rowcount == 1


async def claim_firing(conn: AsyncConnection, key: str, now: datetime) -> bool:
    """Record a once-only firing. True for the first caller; False if it already happened."""
    statement = insert_or_ignore(conn, firings).values(key=key, fired_at=now)
    result = await conn.execute(statement)
    return result.rowcount == 1


async def firing_times(conn: AsyncConnection, keys: Sequence[str]) -> dict[str, datetime]:
    """When each of these once-only keys was claimed (keys never claimed are left out)."""
    if not keys:
        return {}
    query = select(firings.c.key, firings.c.fired_at).where(firings.c.key.in_(list(keys)))
    return {row.key: row.fired_at for row in await conn.execute(query)}


async def ids_of_group(conn: AsyncConnection, group_id: int) -> list[int]:
    """The ids of all the group's meetings, whatever their status."""
    query = select(meetings.c.id).where(meetings.c.group_id == group_id)
    return list((await conn.execute(query)).scalars())


async def not_cancelled(conn: AsyncConnection, group_id: int) -> list[Meeting]:
    """The group's meetings, past and planned, except cancelled ones, by start."""
    query = (
        select(meetings)
        .where(meetings.c.group_id == group_id, meetings.c.status != CANCELLED)
        .order_by(meetings.c.starts_at)
    )
    return [Meeting.from_row(row) for row in (await conn.execute(query)).mappings()]


async def set_times(conn: AsyncConnection, meeting_id: int, **times: datetime) -> None:
    """Overwrite some of a meeting's times (`starts_at`, `ends_at`, `checkin_sent_at`) as given:
    for the demo, which winds a meeting on instead of waiting for it."""
    await conn.execute(update(meetings).where(meetings.c.id == meeting_id).values(**times))
