"""The meeting lifecycle: starting a meeting by hand, opening a scheduled one, ending one once.

A meeting can begin three ways: the scheduler reaches its start time (`open_scheduled`), a
facilitator types `meeting start`, or something that needs a meeting (a sharing round, a check-in
sent by hand) finds none (`start_meeting`). A scheduled meeting about to start (within its
check-in lead time) is opened rather than a second, unscheduled one made beside it.

Ending happens exactly once (`end_meeting`, guarded by a conditional update), and only the caller
that ended it closes the rounds, reveals the elephants' perspectives and posts the summary, in that
order, so the summary reports what those steps did. The summary is the meeting's closing post.
"""

from __future__ import annotations

from datetime import timedelta

from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, PostToConversation
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, split
from bot.handlers.elephants import commands as elephants
from bot.handlers.rounds import commands as rounds
from bot.handlers.summary import commands as summary
from bot.replies import reply
from bot.routing import Routes
from bot.store import groups, meetings
from bot.store.meeting_states import due_scheduled, starts_at_taken
from bot.store.meeting_states import open_scheduled as open_scheduled_row
from bot.store.meetings import Meeting

routes = Routes()

MANUAL = "manual"
NEXT_STEPS = (
    "Next you might type `checkin` to send the check-in to everyone, or `round` to start a "
    "sharing round (add a prompt, or I'll pick one). `meeting end` ends the meeting and posts "
    "the summary."
)


async def ensure_meeting(ctx: Context) -> tuple[Meeting, str]:
    """The meeting to work in, and how it was found: "current", "scheduled" or "created".

    The current meeting if there is one; else a scheduled meeting due within the group's
    check-in lead time, opened now; else a new unscheduled meeting starting now.
    """
    group = ctx.require_group()
    found = await meetings.current(ctx.conn, group.id)
    if found is not None:
        return found, "current"
    lead = timedelta(minutes=group.checkin_lead_minutes)
    due = await due_scheduled(ctx.conn, group.id, ctx.now, lead)
    if due is not None and await open_scheduled_row(ctx.conn, due.id):
        opened = await meetings.get(ctx.conn, due.id)
        assert opened is not None
        return opened, "scheduled"
    starts_at = ctx.now
    # Two meetings of a group cannot share a start instant (a start, end and start again within
    # one clock tick); nudge the new one by a microsecond rather than fail.
    while await starts_at_taken(ctx.conn, group.id, starts_at):
        starts_at += timedelta(microseconds=1)
    created = await meetings.create(
        ctx.conn, group.id, starts_at, None, status=meetings.OPEN, source=MANUAL
    )
    return created, "created"


async def start_meeting(ctx: Context) -> Meeting:
    """The current meeting, or one opened now (see `ensure_meeting`)."""
    meeting, _ = await ensure_meeting(ctx)
    return meeting


async def open_scheduled(ctx: Context, meeting: Meeting) -> list[Effect]:
    """A scheduled meeting's start time has come: mark it open, once.

    Nothing is posted: the check-in card went out just before and already greets everyone.
    """
    await open_scheduled_row(ctx.conn, meeting.id)
    return []


async def end_meeting(ctx: Context, meeting: Meeting) -> list[Effect]:
    """End a meeting once; then rounds, elephants and the summary, in that order."""
    if not await meetings.end(ctx.conn, meeting.id, ctx.now):
        return []
    ended = await meetings.get(ctx.conn, meeting.id)
    assert ended is not None
    effects: list[Effect] = list(await rounds.on_meeting_end(ctx, ended))
    effects.extend(await elephants.on_meeting_end(ctx, ended))
    closing = await summary.post_summary(ctx, ended)
    effects.extend(closing)
    # The summary is the closing post; only if it had already gone out is a short line needed.
    if not any(isinstance(e, PostToConversation) for e in closing):
        group = ctx.group or await groups.get(ctx.conn, ended.group_id)
        if group is not None:
            card = Card(text="The meeting has ended. Thank you, everyone.")
            effects.append(PostToConversation(group.where, card, key=f"meeting-end:{ended.id}"))
    return effects


def _read_meeting(spec: CommandSpec, rest: str) -> ParsedCommand:
    sub, tail = split(rest)
    if sub in {"start", "end"} and not tail:
        return spec.parsed(f"meeting.{sub}")
    raise CommandError("Please say `meeting start` or `meeting end`.")


@routes.command(
    "meeting",
    "facilitator",
    usage="meeting start  /  meeting end",
    summary="start or end a meeting now",
    rank=70,
    grammar=Grammar(("meeting.start", "meeting.end"), _read_meeting),
    action="meeting.start",
)
async def start_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting start`: an unscheduled meeting now, or the scheduled one that is about to start."""
    group = ctx.require_group()
    found = await meetings.current(ctx.conn, group.id)
    if found is not None and found.status == meetings.OPEN:
        since = found.starts_at.astimezone(group.zone)
        return [
            reply(
                f"A meeting is already under way (since {since:%H:%M}). "
                f"`meeting end` ends it.\n\n{NEXT_STEPS}"
            )
        ]
    if found is not None:  # scheduled, check-in already sent: it starts now
        await open_scheduled_row(ctx.conn, found.id)
        how = "scheduled"
    else:
        _, how = await ensure_meeting(ctx)
    opening = (
        "Your scheduled meeting has started." if how == "scheduled" else "The meeting has started."
    )
    post = PostToConversation(group.where, Card(text="The meeting has started."))
    return [reply(f"{opening}\n\n{NEXT_STEPS}"), post]


@routes.handles("meeting.end")
async def end_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting end`: end the current meeting now."""
    group = ctx.require_group()
    found = await meetings.current(ctx.conn, group.id)
    if found is None:
        raise UserError("There's no meeting under way to end. `meeting start` starts one.")
    effects = await end_meeting(ctx, found)
    if not effects:
        return [reply("That meeting has already ended.")]
    return [reply("The meeting has ended. Thank you for facilitating."), *effects]

