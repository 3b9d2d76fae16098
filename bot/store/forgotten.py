"""People who used `forget-me` in a group, kept only as a keyed-hash token and a time.

`forget-me` makes a person's once-per-person tokens random, so that nothing links them to what
they marked or answered. On its own that would let someone who rejoins mark or answer the same
thing a second time, which would move a count by one person. This is the one trace kept instead:
a token of the person and the group (`bot.identity.anonymous_token`, purpose "forgotten"), which
says nothing about what they did, and when they left. What was open to them before that time
stays closed to them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import forgotten_people

TOKEN_PURPOSE = "forgotten"


async def note(conn: AsyncConnection, group_id: int, token: str, *, now: datetime) -> None:
    await conn.execute(
        insert(forgotten_people).values(group_id=group_id, token=token, forgotten_at=now)
    )


async def since(conn: AsyncConnection, group_id: int, token: str, when: datetime) -> bool:
    """Whether this token's person used `forget-me` in the group at or after `when`."""
    query = select(forgotten_people.c.id).where(
        forgotten_people.c.group_id == group_id,
        forgotten_people.c.token == token,
        forgotten_people.c.forgotten_at >= when,
    )
    return (await conn.execute(query.limit(1))).first() is not None
