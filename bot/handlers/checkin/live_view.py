"""The facilitators' live check-in view: who has arrived and how, as the answers come.

A facilitator types `checkin live` (or `arrivals`) during a meeting and gets a private message
that is redrawn in place with every answer, so they can see that someone arrived struggling
before the summary, not after. It shows each member's mood, or "passed" (passing is an answer,
never "not responded"), the words their author let the group or the facilitators read, and, last,
those who have not answered yet, without any push to chase them. Words kept for "nobody" never
reach it (`checkins.arrivals` does not return them). It is only ever sent to facilitators, and
someone who stops facilitating stops receiving it.
"""

from __future__ import annotations

from datetime import datetime

from bot.cards import Card, Field
from bot.context import Context
from bot.effects import Effect, MessageMember
from bot.grammar import ParsedCommand
from bot.handlers.checkin.cards import MOODS
from bot.replies import reply
from bot.routing import Routes
from bot.store import checkin_watchers, checkins, meetings
from bot.store.checkins import Arrival
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.text_safety import neutralise

routes = Routes()

NOT_OPEN = (
    "There's no check-in open right now, so there's nothing to watch yet. Once the check-in has "
    "gone out (type `checkin` to send it now), `checkin live` shows the answers as they come."
)
SENT = (
    "I've sent you the check-in as it stands, privately. It updates by itself as answers come "
    "in, until the meeting ends. Only facilitators can see it."
)
WHO_READS = {"group": "shared with the group", "facilitators": "for facilitators only"}


def live_key(meeting_id: int, since: datetime) -> str:
    """The key of a facilitator's live view of a meeting in their direct messages: one view per
    `checkin live`, so asking again gives a fresh message at the bottom of the chat."""
    return f"arrivals:{meeting_id}:{int(since.timestamp())}"


def _line(arrival: Arrival) -> str:
    name = neutralise(arrival.name)
    how = "passed" if arrival.passed else f"{arrival.mood} {MOODS.get(arrival.mood or 0, '')}"
    line = f"• {name}: {how.strip()}"
    if arrival.words and arrival.visibility in WHO_READS:
        line += f" — “{neutralise(arrival.words)}” ({WHO_READS[arrival.visibility]})"
    return line


def arrivals_card(group: Group, found: list[Arrival]) -> Card:
    """The live view: answers in the order they came, then a gentle list of those still to come."""
    answered = [a for a in found if a.answered]
    waiting = [neutralise(a.name) for a in found if not a.answered]
    lines = ["How people are arriving, as they answer. Only facilitators see this."]
    lines.extend(_line(arrival) for arrival in answered)
    if not answered:
        lines.append("Nobody has answered yet.")
    if waiting:
        lines.append(
            f"Not answered yet: {', '.join(waiting)}. There's no need to chase anyone: people "
            "may answer later, or not at all."
        )
    return Card(
        title=f"Arrivals: {neutralise(group.name)}",
        text="\n".join(lines),
        fields=(Field("Checked in", f"{len(answered)} of {len(found)}"),),
        footer="Words someone kept just for themselves are never shown here.",
    )


async def refreshed(ctx: Context, group: Group, meeting: Meeting) -> list[Effect]:
    """The live view redrawn for every facilitator watching this meeting (none: nothing)."""
    watchers = await checkin_watchers.watching(ctx.conn, meeting.id)
    if not watchers:
        return []
    card = arrivals_card(group, await checkins.arrivals(ctx.conn, meeting.id, group.id))
    return [
        _view(group, member.user_id, card, live_key(meeting.id, since))
        for member, since in watchers
    ]


def _view(group: Group, user_id: str, card: Card, key: str) -> MessageMember:
    return MessageMember(group.platform, group.workspace, user_id, card, key=key, replace=True)


@routes.command(
    "arrivals",
    "facilitator",
    usage="checkin live  (or: arrivals)",
    summary="see privately who has arrived and how, as the check-in answers come",
    rank=81,
)
async def arrivals(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Start watching the current meeting's check-in: the view now, and redrawn with each answer."""
    group, member = ctx.require_group(), ctx.require_member()
    meeting = await meetings.current(ctx.conn, group.id)
    if meeting is None or meeting.checkin_sent_at is None:
        return [reply(NOT_OPEN)]
    await checkin_watchers.watch(ctx.conn, meeting.id, member.id, ctx.now)
    card = arrivals_card(group, await checkins.arrivals(ctx.conn, meeting.id, group.id))
    return [_view(group, member.user_id, card, live_key(meeting.id, ctx.now)), reply(SENT)]


ARRIVALS = routes.specs["arrivals"]
"""The spec `checkin live` is read as (facilitators only)."""
