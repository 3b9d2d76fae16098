"""`meeting skip` and `meeting unskip`: one date off, and on again (moving one: `moving.py`).

Each change is told to the channel as well as to the facilitator, because everyone needs to know
when the group meets. What the change does to the stored meetings is in `bot.store.meeting_dates`;
the scheduler then plans from the rows, so the check-in, the reminder and the summary follow a
moved meeting and nothing goes out for a skipped one. A meeting whose check-in has gone out is
under way and is never skipped or moved; a date in the past is refused, as is a move onto a time
that overlaps another meeting.
"""

from __future__ import annotations

from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, PostToConversation
from bot.errors import UserError
from bot.grammar import CommandSpec, Grammar, ParsedCommand
from bot.handlers.meeting_dates import grammar
from bot.handlers.meeting_dates.dates import DEFAULT_LENGTH, GroupDates, next_meeting
from bot.replies import reply
from bot.routing import Routes
from bot.scheduling.upcoming import ensure_next_meeting
from bot.store import meeting_dates
from bot.store.groups import Group
from bot.store.scheduled_meetings import MOVED

routes = Routes()

SKIP_HELP = routes.declare(
    CommandSpec(
        "meeting-skip",
        "facilitator",
        "group",
        "meeting skip 2026-12-25  /  meeting unskip 2026-12-25",
        "no meeting on that date (or bring it back); dates like `25 Dec` work too",
        Grammar(grammar.ACTIONS, lambda spec, rest: spec.parsed(grammar.SKIP, arg=rest)),
        rank=71,
        typed=False,
    )
)
MOVE_HELP = routes.declare(
    CommandSpec(
        "meeting-move",
        "facilitator",
        "group",
        "meeting move 23 Dec 18:30  /  meeting move 22 Dec to 23 Dec 6.30pm",
        "move the next meeting, or the meeting on a date, to a new day and time",
        Grammar(grammar.ACTIONS, lambda spec, rest: spec.parsed(grammar.MOVE, arg=rest)),
        rank=72,
        typed=False,
    )
)
"""Lines of their own in `help`: typed as `meeting …`, whose reader leads here."""


async def tell(ctx: Context, group: Group, to_facilitator: str, to_group: str) -> list[Effect]:
    """The facilitator's answer and the channel's news, both with the next meeting."""
    following = await next_meeting(ctx.conn, group, ctx.now)
    tail = f" The next meeting is {following}." if following else ""
    return [
        reply(f"{to_facilitator}{tail} `schedule` shows the next three dates."),
        PostToConversation(group.where, Card(text=f"{to_group}{tail}")),
    ]


@routes.handles(grammar.SKIP)
async def skip(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting skip <day>`: no meeting that day; the scheduler steps over it."""
    dates = await GroupDates.load(ctx)
    day = dates.day(cmd.arg, "skip")
    held = dates.held_on(day)
    if not held:
        refusal = dates.under_way_refusal(day, "skipped")
        if refusal is not None:
            raise refusal
        if dates.skipped_on(day):
            shown = dates.say_day(day)
            return [
                reply(
                    f"The meeting on {shown} is already skipped. To bring it back: "
                    f"`meeting unskip {day.isoformat()}`."
                )
            ]
        raise dates.not_a_meeting_date(day, "meeting to skip")
    target = held[0]
    refused = UserError(
        f"The meeting on {dates.say_day(day)} is already under way, so it can't be skipped now. "
        "`meeting end` ends it."
    )
    if target.under_way:
        raise refused
    group = dates.group
    if target.meeting is None:
        assert target.ends_at is not None  # rule dates always have an end
        start, end = target.starts_at, target.ends_at
        if not await meeting_dates.add_skip(ctx.conn, group.id, start, end, ctx.now):
            raise refused
    elif not await meeting_dates.cancel_unbegun(ctx.conn, target.meeting.id, ctx.now):
        raise refused
    await ensure_next_meeting(ctx.conn, group.id, ctx.now)
    shown = dates.say(target.starts_at)
    return await tell(
        ctx,
        group,
        f"Done. The meeting on {shown} is skipped: no check-in or summary for it. "
        f"To bring it back: `meeting unskip {day.isoformat()}`.",
        f"There's no meeting on {shown}: it has been skipped.",
    )


@routes.handles(grammar.UNSKIP)
async def unskip(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting unskip <day>`: the skipped meeting of that day is on again."""
    dates = await GroupDates.load(ctx)
    day = dates.day(cmd.arg, "bring back")
    skipped = dates.skipped_on(day)
    if not skipped:
        held = dates.held_on(day)
        if held:
            return [
                reply(
                    f"The meeting on {dates.say(held[0].starts_at)} isn't skipped, so there's "
                    "nothing to bring back."
                )
            ]
        raise dates.not_a_meeting_date(day, "skipped meeting")
    target = skipped[0]
    row = target.meeting
    assert row is not None  # a skip is always a row
    ends_at = target.ends_at or target.starts_at + DEFAULT_LENGTH
    other = dates.clash(target.starts_at, ends_at, target)
    if other is not None:
        raise UserError(
            f"The meeting on {dates.say(target.starts_at)} would overlap the one on "
            f"{dates.say(other.starts_at)}. Move that one first with `meeting move`."
        )
    if row.source == MOVED:
        restored = await meeting_dates.restore_moved(ctx.conn, row.id)
    else:
        first = dates.first_schedule_row()
        keep = first is None or target.starts_at < first
        restored = await meeting_dates.restore_schedule_date(ctx.conn, row.id, keep_row=keep)
    if not restored:
        raise UserError("That meeting changed just now. Please look at `schedule` and try again.")
    await ensure_next_meeting(ctx.conn, dates.group.id, ctx.now)
    shown = dates.say(target.starts_at)
    return await tell(
        ctx,
        dates.group,
        f"Done. The meeting on {shown} is back on.",
        f"The meeting on {shown} is back on.",
    )
