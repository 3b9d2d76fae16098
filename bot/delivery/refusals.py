"""When a platform refuses a post for good: tell the people who can act on it, and count it.

A platform refuses some posts permanently (Slack's `invalid_blocks` or `msg_blocks_too_long`,
Teams' 413 for a card that is too big). Trying again would be refused again, so such a post is not
retried by the outbox. The adapter that met the refusal first splits or reduces the post and sends
it once more; if that too is refused it calls `report_refused`, which counts the refusal in
`/metrics` and queues a plain message to the facilitators of the group the post was for, saying
what did not arrive and what to do. Nothing here names what the post said or who it was for.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.cards import Card
from bot.delivery.outbox import enqueue
from bot.delivery.router import platform_of
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.identity import Where
from bot.ops.observability import REFUSALS
from bot.store import groups, members
from bot.store.database import Connection, Database

log = logging.getLogger(__name__)

WHAT = {
    PostToConversation: "a post in the group's channel",
    UpdatePost: "a change to a post in the group's channel",
    MessageMember: "a private message to a member",
}
TITLE = "Something I posted did not arrive"
TOLD = (
    "{platform} refused {what}, even after I split it into smaller parts, so it did not arrive. "
    "Nothing people wrote is lost: it is all still kept, and `summary` or `export` shows it. "
    "If this happens again, please tell whoever looks after Common Ground for your group."
)


async def report_refused(db: Database, effect: Effect, reason: str, now: datetime) -> None:
    """Count a post the platform refused for good and tell its group's facilitators.

    `reason` is the platform's error code (`invalid_blocks`, `413`): it goes to the metric and the
    log, never to the people, who are told in plain words instead."""
    platform = platform_of(effect) or "unknown"
    kind = type(effect).__name__
    REFUSALS.labels(platform=platform, kind=kind, reason=reason[:40]).inc()
    log.error("%s refused a %s for good (%s); the facilitators are told", platform, kind, reason)
    async with db.write() as conn:
        await _tell_facilitators(conn, effect, platform, now)


async def _tell_facilitators(
    conn: Connection, effect: Effect, platform: str, now: datetime
) -> None:
    where = _conversation_of(effect)
    if where is None:
        return  # a private message names no group, and a report is itself a private message
    group = await groups.for_conversation(conn, where)
    if group is None:
        return
    card = Card(
        title=TITLE,
        text=TOLD.format(platform=platform.capitalize(), what=WHAT.get(type(effect), "a post")),
    )
    told = [
        MessageMember(group.platform, group.workspace, member.user_id, card)
        for member in await members.of_group(conn, group.id)
        if member.is_facilitator
    ]
    await enqueue(conn, told, now)



def _conversation_of(effect: Effect) -> Where | None:
    if isinstance(effect, PostToConversation | UpdatePost):
        return effect.where
    return None
