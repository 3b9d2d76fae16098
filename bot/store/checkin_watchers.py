"""Which facilitators are watching a meeting's check-in live (`checkin live`).

A row says only that a facilitator asked to see the answers as they come, for one meeting; each
new answer redraws the private view of everyone watching. Rows go with the meeting or the member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import insert_or_ignore
from bot.store.members import Member
from bot.store.schema import checkin_watchers, members


async def watch(conn: AsyncConnection, meeting_id: int, member_id: int, now: datetime) -> None:
    """Start watching, or start again from `now` (a fresh view, further down the chat)."""
    added = await conn.execute(
        insert_or_ignore(conn, checkin_watchers).values(
            meeting_id=meeting_id, member_id=member_id, since=now
        )
    )
    if added.rowcount == 1:
        return
    await conn.execute(
        update(checkin_watchers)
        .where(
            checkin_watchers.c.meeting_id == meeting_id, checkin_watchers.c.member_id == member_id
        )
        .values(since=now)
    )


async def watching(conn: AsyncConnection, meeting_id: int) -> list[tuple[Member, datetime]]:
    """The members watching this meeting's check-in who are still facilitators (someone who
    stopped facilitating stops seeing the words meant for facilitators), each with the moment
    their view began."""
    query = (
        select(members, checkin_watchers.c.since)
        .join(checkin_watchers, checkin_watchers.c.member_id == members.c.id)
        .where(checkin_watchers.c.meeting_id == meeting_id, members.c.is_facilitator.is_(True))
        .order_by(members.c.id)
    )
    rows = (await conn.execute(query)).mappings()
    return [(Member.from_row(row), row["since"]) for row in rows]
