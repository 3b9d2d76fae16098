"""The day before a scheduled meeting, a note for members who asked for earlier reminders.

Everyone gets the check-in when it goes out (the group's lead time before the start) and, if
they have not answered, the reminder during the meeting. Someone who asked for reminders earlier
(`access prefer earlier-reminders`) also gets, the day before, a short private note of when the
meeting starts and when the check-in will come, so they can arrange travel, care or their
papers. It is a sweep of the meeting clock (`bot.scheduling.sweeps`), like the owners' action
reminders.

When: at `REMINDER_AT` on the group's wall clock the day before the meeting's day, or, if that
falls in quiet hours, as soon as they end; never once the check-in is due (it would say nothing
new), so a note the bot was down for is simply not sent. Who: members with earlier reminders who
have not turned `nudges off`.

Once: the note is claimed per meeting (`meeting-ahead:<meeting id>` in `firings`) before it is
sent, inside the sweep's transaction, so two clocks never send it twice. Quiet hours do not
claim: the first sweep after them sends it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, MessageMember
from bot.handlers.actions.reminders import REMINDER_AT
from bot.handlers.summary.builder import when_words
from bot.scheduling.quiet_hours import is_quiet
from bot.store import access, groups, meetings, members
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.text_safety import neutralise

LOOK_AHEAD = timedelta(days=2)
"""Meetings starting within this long are looked at: every group's "tomorrow" fits in it."""


def note_time(group: Group, meeting: Meeting) -> datetime:
    """The moment (UTC) the note falls due: `REMINDER_AT` the day before, on the group's clock."""
    day = meeting.starts_at.astimezone(group.zone).date() - timedelta(days=1)
    return datetime.combine(day, REMINDER_AT).replace(tzinfo=group.zone).astimezone(UTC)


def checkin_time(group: Group, meeting: Meeting) -> datetime:
    return meeting.starts_at - timedelta(minutes=group.checkin_lead_minutes)


def meeting_ahead_card(group: Group, meeting: Meeting) -> Card:
    starts = when_words(meeting.starts_at, group.zone)
    checkin = f"{checkin_time(group, meeting).astimezone(group.zone):%H:%M}"
    return Card(
        title=f"Tomorrow: {neutralise(group.name)}",
        text=(
            f"A reminder, a day early as you asked: {neutralise(group.name)} meets {starts}. "
            f"The check-in will come at {checkin}, as usual."
        ),
        footer="You get this because you asked for earlier reminders (`access`). To stop all "
        "reminders: `nudges off`.",
    )


async def send_meeting_ahead_notes(ctx: Context) -> list[Effect]:
    """Send the note for every scheduled meeting whose day-before moment has come."""
    effects: list[Effect] = []
    for meeting in await meetings.scheduled_between(ctx.conn, ctx.now, ctx.now + LOOK_AHEAD):
        group = await groups.get(ctx.conn, meeting.group_id)
        if group is None or meeting.checkin_sent_at is not None:
            continue
        if not note_time(group, meeting) <= ctx.now < checkin_time(group, meeting):
            continue
        if is_quiet(group, ctx.now):
            continue  # not claimed: the first sweep after quiet hours sends it
        if not await meetings.claim_firing(ctx.conn, f"meeting-ahead:{meeting.id}", ctx.now):
            continue
        earlier = await access.earlier_reminder_members(ctx.conn, group.id)
        card = meeting_ahead_card(group, meeting)
        effects.extend(
            MessageMember(group.platform, group.workspace, member.user_id, card)
            for member in await members.of_group(ctx.conn, group.id)
            if member.nudges and member.id in earlier
        )
    return effects
