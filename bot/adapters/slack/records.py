"""The Slack adapter's own rows: events already handled, and which message a keyed post became.

Both tables are platform-neutral in the schema (`inbound_events`, `platform_posts`); nothing here
holds a user id. Interaction payloads have no id of their own, so they are recorded by a keyed hash
of the request body, which names nobody and cannot be recomputed without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.delivery import outbox
from bot.effects import Effect
from bot.store import deliveries
from bot.store.database import Connection, Database

PLATFORM = "slack"
KEEP_EVENTS = timedelta(days=1)
ONCE = "common_ground_once"  # where a delivery's id travels in Bolt's request context


def body_digest(secret: bytes, body: str) -> str:
    """A keyed hash of a request body, for deduplicating payloads that carry no event id."""
    return "h:" + hmac.new(secret, body.encode("utf-8"), hashlib.sha256).hexdigest()


async def seen(db: Database, event_id: str) -> bool:
    """Whether `event_id` was recorded already (a cheap early look; the core's insert within the
    event's transaction is what guarantees once-only handling)."""
    return await deliveries.was_delivered(db, PLATFORM, event_id)


async def claim_event(
    db: Database, event_id: str | None, now: datetime, effects: Sequence[Effect] = ()
) -> bool:
    """Record that `event_id` arrived and store `effects` in the outbox in the same transaction;
    False (nothing stored) when it had been recorded before (a retry). With no id, the effects
    are stored all the same.

    Slack retries within minutes; a day's record is plenty."""

    async def store(conn: Connection) -> None:
        await outbox.enqueue(conn, effects, now)

    if event_id is None:
        async with db.write() as conn:
            await store(conn)
        return True
    return await deliveries.claim_delivery(db, PLATFORM, event_id, now, KEEP_EVENTS, store)


async def remember_post(
    db: Database, conversation_id: str, key: str, channel: str, ts: str
) -> None:
    """Remember that the post `key` in `conversation_id` is Slack message `ts` in `channel`."""
    await deliveries.remember_post(db, PLATFORM, conversation_id, key, f"{channel} {ts}")


async def find_post(db: Database, conversation_id: str, key: str) -> tuple[str, str] | None:
    """(channel, ts) of the message a keyed post became, if it was sent."""
    ref = await deliveries.find_post(db, PLATFORM, conversation_id, key)
    if not ref:
        return None
    channel, _, ts = ref.partition(" ")
    return channel, ts
