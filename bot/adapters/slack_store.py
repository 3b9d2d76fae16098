"""The Slack adapter's own rows: events already handled, and which message a keyed post became.

Both tables are platform-neutral in the schema (`inbound_events`, `platform_posts`); nothing here
holds a user id. Interaction payloads have no id of their own, so they are recorded by a keyed hash
of the request body, which names nobody and cannot be recomputed without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.store.database import Database
from bot.store.dialect import insert_or_ignore
from bot.store.schema import inbound_events, platform_posts

PLATFORM = "slack"
KEEP_EVENTS = timedelta(days=1)
ONCE = "common_ground_once"  # where a delivery's id travels in Bolt's request context


def body_digest(secret: bytes, body: str) -> str:
    """A keyed hash of a request body, for deduplicating payloads that carry no event id."""
    return "h:" + hmac.new(secret, body.encode("utf-8"), hashlib.sha256).hexdigest()


async def seen(db: Database, event_id: str) -> bool:
    """Whether `event_id` was recorded already (a cheap early look; the core's insert within the
    event's transaction is what guarantees once-only handling)."""
    async with db.read() as conn:
        found = await conn.scalar(
            select(inbound_events.c.event_id).where(
                inbound_events.c.platform == PLATFORM, inbound_events.c.event_id == event_id[:200]
            )
        )
    return found is not None


async def claim_event(db: Database, event_id: str, now: datetime) -> bool:
    """Record that `event_id` arrived; False when it had been recorded before (a retry)."""
    # Only the minute is kept: the row exists to stop repeats, not to time anyone's actions.
    received = now.replace(second=0, microsecond=0)
    async with db.write() as conn:
        result = await conn.execute(
            insert_or_ignore(conn, inbound_events).values(
                platform=PLATFORM, event_id=event_id[:200], received_at=received
            )
        )
        if not result.rowcount:
            return False
        # Slack retries within minutes; a day's record is plenty, and keeps the table small.
        await conn.execute(
            inbound_events.delete().where(
                inbound_events.c.platform == PLATFORM,
                inbound_events.c.received_at < received - KEEP_EVENTS,
            )
        )
        return True


async def remember_post(
    db: Database, conversation_id: str, key: str, channel: str, ts: str
) -> None:
    """Remember that the post `key` in `conversation_id` is Slack message `ts` in `channel`."""
    ref = f"{channel} {ts}"
    async with db.write() as conn:
        await conn.execute(
            platform_posts.delete().where(
                platform_posts.c.platform == PLATFORM,
                platform_posts.c.conversation_id == conversation_id,
                platform_posts.c.key == key,
            )
        )
        await conn.execute(
            platform_posts.insert().values(
                platform=PLATFORM, conversation_id=conversation_id, key=key, ref=ref
            )
        )


async def find_post(db: Database, conversation_id: str, key: str) -> tuple[str, str] | None:
    """(channel, ts) of the message a keyed post became, if it was sent."""
    async with db.read() as conn:
        ref = await conn.scalar(
            select(platform_posts.c.ref).where(
                platform_posts.c.platform == PLATFORM,
                platform_posts.c.conversation_id == conversation_id,
                platform_posts.c.key == key,
            )
        )
    if not ref:
        return None
    channel, _, ts = str(ref).partition(" ")
    return channel, ts
