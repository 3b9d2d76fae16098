"""How a meeting begins: opened by the scheduler, by `meeting start`, or by what needs one.

A meeting can begin three ways: the scheduler reaches its start time (`open_scheduled`), a
facilitator types `meeting start`, or something that needs a meeting (a sharing round, a check-in
sent by hand) finds none (`start_meeting`). A scheduled meeting about to start (within its
check-in lead time) is opened rather than a second, unscheduled one made beside it. It keeps its
scheduled start, which is how the schedule knows that occurrence is taken; ended before that time,
it is recorded as ending at its start (`bot.store.meetings.end`), never before it.

Kept apart from `commands.py`, which ends meetings by calling other features, so that those
features can open a meeting without importing each other in a circle.
"""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.effects import Effect
from bot.store import meetings
from bot.store.meeting_states import due_scheduled, starts_at_taken
from bot.store.meeting_states import open_scheduled as open_scheduled_row
from bot.store.meetings import Meeting

MANUAL = "manual"


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
