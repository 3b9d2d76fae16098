"""What adapters remember about deliveries, whatever the platform.

`platform_posts`: which platform message a keyed post became, so it can be updated in place (the
`ref` is the platform's own handle: a Slack "channel ts", a Teams activity id).
`inbound_events`: which platform deliveries have arrived, so a repeat is dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.database import Database
from bot.store.dialect import insert_or_ignore
from bot.store.schema import inbound_events, platform_posts


async def remember_post(
    db: Database, platform: str, conversation_id: str, key: str, ref: str
) -> None:
    """Record (or replace) the platform message the keyed post in `conversation_id` became."""
    async with db.write() as conn:
        await conn.execute(
            platform_posts.delete().where(
                platform_posts.c.platform == platform,
                platform_posts.c.conversation_id == conversation_id,
                platform_posts.c.key == key,
            )
        )
        await conn.execute(
            platform_posts.insert().values(
                platform=platform, conversation_id=conversation_id, key=key, ref=ref
            )
        )


async def find_post(db: Database, platform: str, conversation_id: str, key: str) -> str | None:
    """The platform's handle of a keyed post, if it was sent."""
    async with db.read() as conn:
        found = await conn.scalar(
            select(platform_posts.c.ref).where(
                platform_posts.c.platform == platform,
                platform_posts.c.conversation_id == conversation_id,
                platform_posts.c.key == key,
            )
        )
    return str(found) if found else None


async def was_delivered(db: Database, platform: str, event_id: str) -> bool:
    """Whether a delivery of `event_id` was recorded already (a cheap early look: only
    `record_delivery` inside the event's transaction guarantees once-only handling)."""
    async with db.read() as conn:
        found = await conn.scalar(
            select(inbound_events.c.event_id).where(
                inbound_events.c.platform == platform, inbound_events.c.event_id == event_id[:200]
            )
        )
    return found is not None


async def record_delivery(
    conn: AsyncConnection, platform: str, event_id: str, now: datetime
) -> bool:
    """Record in the caller's transaction that a delivery arrived; False when it had been
    recorded before (a repeat). Only the minute is kept: the row exists to stop repeats, not to
    time anyone's actions."""
    result = await conn.execute(
        insert_or_ignore(conn, inbound_events).values(
            platform=platform,
            event_id=event_id[:200],
            received_at=now.replace(second=0, microsecond=0),
        )
    )
    return bool(result.rowcount)


async def claim_delivery(
    db: Database,
    platform: str,
    event_id: str,
    now: datetime,
    keep: timedelta,
    then: Callable[[AsyncConnection], Awaitable[object]] | None = None,
) -> bool:
    """`record_delivery` in a transaction of its own, for a delivery no core event carries, and
    `then` in that same transaction when it was the first (storing what the delivery causes).
    Records older than `keep` are dropped on the way, so the table stays small."""
    received = now.replace(second=0, microsecond=0)
    async with db.write() as conn:
        if not await record_delivery(conn, platform, event_id, now):
            return False
        if then is not None:
            await then(conn)
        await conn.execute(
            inbound_events.delete().where(
                inbound_events.c.platform == platform,
                inbound_events.c.received_at < received - keep,
            )
        )
        return True
