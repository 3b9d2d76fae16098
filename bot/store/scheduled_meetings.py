"""Queries for the scheduler: which meetings still have work, and keeping schedules materialised.

The scheduler re-reads the database every few seconds, so every query here is shaped to stay cheap
with thousands of groups: meetings are found through the (status, ends_at) index and the unique
(group_id, starts_at) index, firing keys by primary key, and nothing reads old, finished meetings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import in_chunks, insert_or_ignore
from bot.store.groups import Group
from bot.store.meetings import CANCELLED, ENDED, OPEN, SCHEDULED, Meeting
from bot.store.schema import firings, groups, meetings

SCHEDULE = "schedule"
MOVED = "moved"
"""A meeting of the schedule moved to another time (`meeting move`); see `meeting_dates`."""
_GROUP_COLUMNS = [column.label(f"g_{column.name}") for column in groups.c]


def _pair(row: Any) -> tuple[Meeting, Group]:
    meeting = Meeting(**{name: row[name] for name in Meeting.__slots__})
    group = Group(**{name: row[f"g_{name}"] for name in Group.__slots__})
    return meeting, group


async def pending_meetings(
    conn: AsyncConnection, *, ending_before: datetime, ended_since: datetime
) -> list[tuple[Meeting, Group]]:
    """Meetings that may have jobs soon: not finished and ending before `ending_before` (or with
    no end yet), or ended since `ended_since`. Both use the (status, ends_at) index."""
    joined = meetings.join(groups, groups.c.id == meetings.c.group_id)
    base = select(meetings, *_GROUP_COLUMNS).select_from(joined)
    running = base.where(
        meetings.c.status.in_((SCHEDULED, OPEN)),
        or_(meetings.c.ends_at.is_(None), meetings.c.ends_at < ending_before),
    )
    ended = base.where(meetings.c.status == ENDED, meetings.c.ends_at >= ended_since)
    pairs: list[tuple[Meeting, Group]] = []
    for query in (running, ended):
        pairs.extend(_pair(row) for row in (await conn.execute(query)).mappings())
    return pairs


async def longest_offsets(conn: AsyncConnection) -> tuple[int, int]:
    """The largest check-in lead and reflection delay of any group, in minutes: how far ahead
    and how far back meetings can have jobs."""
    query = select(
        func.max(groups.c.checkin_lead_minutes), func.max(groups.c.reflection_after_minutes)
    )
    lead, reflection = (await conn.execute(query)).one()
    return int(lead or 0), int(reflection or 0)


async def claimed(conn: AsyncConnection, keys: Sequence[str]) -> set[str]:
    """Which of these firing keys have been claimed already."""
    found: set[str] = set()
    for chunk in in_chunks(keys):
        rows = await conn.execute(select(firings.c.key).where(firings.c.key.in_(chunk)))
        found.update(rows.scalars())
    return found


def _upcoming(now: datetime) -> Any:
    """A meeting of the schedule (moved or not) that has not begun: no check-in sent, start still
    ahead. `fix_for` leaves moved ones at their time, unless the schedule is switched off."""
    return and_(
        meetings.c.status == SCHEDULED,
        meetings.c.source.in_((SCHEDULE, MOVED)),
        meetings.c.starts_at > now,
        meetings.c.checkin_sent_at.is_(None),
    )


async def upcoming_of(
    conn: AsyncConnection, group_ids: Sequence[int], now: datetime
) -> list[Meeting]:
    """The not-yet-begun schedule meetings of these groups (to check them against the rule)."""
    found: list[Meeting] = []
    for chunk in in_chunks(group_ids):
        query = select(meetings).where(meetings.c.group_id.in_(chunk), _upcoming(now))
        found.extend(Meeting.from_row(row) for row in (await conn.execute(query)).mappings())
    return found


async def orphaned(
    conn: AsyncConnection, now: datetime, *, group_id: int | None = None
) -> list[int]:
    """Not-yet-begun schedule meetings (moved ones too) of groups whose schedule is off."""
    no_rule = select(groups.c.id).where(groups.c.schedule_rule.is_(None))
    query = select(meetings.c.id).where(_upcoming(now), meetings.c.group_id.in_(no_rule))
    if group_id is not None:
        query = query.where(meetings.c.group_id == group_id)
    return list((await conn.execute(query)).scalars())


async def drop_unbegun(
    conn: AsyncConnection,
    meeting_ids: Sequence[int],
    now: datetime,
    *,
    keys_of: Callable[[int], Iterable[str]],
) -> int:
    """Delete schedule meetings that are no longer on their group's schedule (if not begun).

    Such a row is only a copy of the rule, made ahead of time: nobody has answered a check-in
    or opened a round in it, so nothing refers to it. Deleting (rather than cancelling) keeps
    "cancelled" for meetings someone decided not to hold, which must never come back. SQLite may
    give a deleted row's id to the next meeting, so the clock's own firing keys for it
    (`keys_of(id)`) go too; an unbegun meeting has no others.
    """
    dropped = 0
    for chunk in in_chunks(meeting_ids):
        found = await conn.execute(
            select(meetings.c.id).where(meetings.c.id.in_(chunk), _upcoming(now))
        )
        ids = list(found.scalars())
        if not ids:
            continue
        await conn.execute(delete(meetings).where(meetings.c.id.in_(ids)))
        keys = [key for meeting_id in ids for key in keys_of(meeting_id)]
        for keys_chunk in in_chunks(keys):
            await conn.execute(delete(firings).where(firings.c.key.in_(keys_chunk)))
        dropped += len(ids)
    return dropped


async def retime_unbegun(
    conn: AsyncConnection, meeting_id: int, ends_at: datetime, now: datetime
) -> bool:
    """Give a not-yet-begun schedule meeting a new end (its rule's length changed)."""
    result = await conn.execute(
        update(meetings).where(meetings.c.id == meeting_id, _upcoming(now)).values(ends_at=ends_at)
    )
    return result.rowcount == 1


async def lacking_next(
    conn: AsyncConnection, now: datetime, *, group_id: int | None = None
) -> list[tuple[int, str, str]]:
    """Groups with a schedule but no upcoming meeting from it: (id, rule text, time zone)."""
    has_next = exists().where(
        meetings.c.group_id == groups.c.id,
        meetings.c.starts_at > now,
        meetings.c.status == SCHEDULED,
        meetings.c.source == SCHEDULE,
    )
    query = select(groups.c.id, groups.c.schedule_rule, groups.c.timezone).where(
        groups.c.schedule_rule.is_not(None), ~has_next
    )
    if group_id is not None:
        query = query.where(groups.c.id == group_id)
    return [(row.id, row.schedule_rule, row.timezone) for row in await conn.execute(query)]


async def cancelled_starts(
    conn: AsyncConnection, group_ids: Sequence[int], now: datetime
) -> dict[int, set[datetime]]:
    """Future start times cancelled per group: those occurrences must not come back."""
    found: dict[int, set[datetime]] = {}
    for chunk in in_chunks(group_ids):
        query = select(meetings.c.group_id, meetings.c.starts_at).where(
            meetings.c.group_id.in_(chunk),
            meetings.c.starts_at > now,
            meetings.c.status == CANCELLED,
        )
        for row in await conn.execute(query):
            found.setdefault(row.group_id, set()).add(row.starts_at)
    return found


async def add_scheduled(
    conn: AsyncConnection, rows: Sequence[tuple[int, datetime, datetime]]
) -> None:
    """Insert (group id, start, end) as scheduled meetings; an existing start is left alone."""
    if not rows:
        return
    values = [
        {
            "group_id": group_id,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "status": SCHEDULED,
            "source": SCHEDULE,
        }
        for group_id, starts_at, ends_at in rows
    ]
    await conn.execute(insert_or_ignore(conn, meetings), values)
