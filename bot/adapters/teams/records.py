"""The Teams adapter's own rows: activities already handled, how to reach conversations, and which
message a keyed post became.

Nothing here names a person. Activity ids are recorded as a keyed hash of the conversation and
activity id (so a retried delivery is dropped even after a restart). A conversation reference is
stored without its `user` and `activityId` (a channel post must start a new thread, not answer
whoever spoke last); a tenant's row (`tenant:<id>`) keeps only the service URL and the bot's
account, which is what opening a 1:1 chat with any member of that tenant needs.

A team's row (`team:<id>`) lists the channels of that team the bot has heard from. Teams tells of
someone joining the team (`teamMemberAdded`) in the team's own conversation (its General
channel), not in the channel a group lives in; this list is how the adapter finds that group.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from bot.store import conversation_refs, deliveries
from bot.store.database import Database

PLATFORM = "teams"
KEEP_EVENTS = timedelta(days=1)
TENANT_PREFIX = "tenant:"
TEAM_PREFIX = "team:"

Json = dict[str, Any]


def activity_key(secret: bytes, conversation_id: str, activity_id: str) -> str:
    """A keyed hash naming one delivered activity, for dropping duplicates."""
    message = f"{conversation_id}\n{activity_id}".encode()
    return "h:" + hmac.new(secret, message, hashlib.sha256).hexdigest()


async def claim_activity(db: Database, key: str, now: datetime) -> bool:
    """Record that the activity `key` arrived; False when it had been recorded before."""
    return await deliveries.claim_delivery(db, PLATFORM, key, now, KEEP_EVENTS)


async def save_reference(db: Database, conversation_id: str, workspace: str, ref: Json) -> None:
    """Keep how to reach `conversation_id`; written only when it changed."""
    text = json.dumps(ref, sort_keys=True)
    known = await conversation_refs.find(db, PLATFORM, conversation_id)
    if known == text:
        return
    await conversation_refs.replace(db, PLATFORM, conversation_id, workspace, text)


async def load_reference(db: Database, conversation_id: str) -> Json | None:
    text = await conversation_refs.find(db, PLATFORM, conversation_id)
    return json.loads(text) if text else None


def tenant_row(tenant: str) -> str:
    return TENANT_PREFIX + tenant


async def remember_team_channel(db: Database, team_id: str, channel_id: str, tenant: str) -> None:
    """Note that `channel_id` belongs to the team `team_id` (written only when it is new)."""
    known = await team_channels(db, team_id)
    if channel_id in known:
        return
    channels = sorted({*known, channel_id})
    text = json.dumps({"channels": channels})
    await conversation_refs.replace(db, PLATFORM, TEAM_PREFIX + team_id, tenant, text)


async def team_channels(db: Database, team_id: str) -> list[str]:
    """The channels of the team `team_id` the bot has heard from."""
    text = await conversation_refs.find(db, PLATFORM, TEAM_PREFIX + team_id)
    if not text:
        return []
    found = json.loads(text).get("channels")
    return [str(c) for c in found] if isinstance(found, list) else []


async def remember_post(db: Database, conversation_id: str, key: str, activity_id: str) -> None:
    """Remember which activity the keyed post in `conversation_id` became (for updates)."""
    await deliveries.remember_post(db, PLATFORM, conversation_id, key, activity_id)


async def find_post(db: Database, conversation_id: str, key: str) -> str | None:
    """The activity id of the keyed post, if it was sent."""
    return await deliveries.find_post(db, PLATFORM, conversation_id, key)
