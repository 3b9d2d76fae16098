"""The agenda around a meeting: the short agenda the check-in carries, and carrying on at the end.

`carry_over_at_end` runs inside `end_meeting`, which happens once per meeting, before the summary
is built, so the summary can say what was covered and what was carried over.
"""

from __future__ import annotations

from bot.context import Context
from bot.handlers.agenda.cards import checkin_section
from bot.store import actions
from bot.store import agenda as store
from bot.store.groups import Group
from bot.store.meetings import Meeting


async def carry_over_at_end(ctx: Context, meeting: Meeting) -> int:
    """Items the meeting did not reach go on to the next one, counted; returns how many."""
    return await store.carry_over(ctx.conn, meeting.group_id, meeting.id, ctx.now)


async def agenda_for_checkin(ctx: Context, group: Group) -> tuple[str, ...]:
    """The open actions and the first few items on the agenda, as lines for the check-in card
    (none when there are neither)."""
    still_open = await actions.open_of_group(ctx.conn, group.id)
    return checkin_section(await store.agenda(ctx.conn, group.id, ctx.now), len(still_open))
