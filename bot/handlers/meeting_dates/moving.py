"""`meeting move`: one meeting to a new day and time, the schedule left as it is.

The meeting is the next one, or the one on the day typed before "to"; where it goes is a day, a
time, or both (`bot.handlers.meeting_dates.grammar`). Its old slot is skipped and the meeting
stored at its new time (`bot.store.meeting_dates`), so the scheduler plans its check-in, reminder
and summary there. Refused: a meeting under way, a time gone by, a time that overlaps another
meeting, and the exact time of a skipped date (bring that one back instead).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.context import Context
from bot.effects import Effect
from bot.errors import UserError
from bot.grammar import ParsedCommand
from bot.handlers.meeting_dates import grammar
from bot.handlers.meeting_dates.commands import tell
from bot.handlers.meeting_dates.dates import DEFAULT_LENGTH, GroupDates
from bot.replies import reply
from bot.routing import Routes
from bot.scheduling.dates_ahead import DateAhead
from bot.scheduling.spoken_times import TimeNotUnderstood, looks_like_time, read_time
from bot.scheduling.upcoming import ensure_next_meeting
from bot.store import meeting_dates
from bot.store.scheduled_meetings import MOVED

routes = Routes()


@routes.handles(grammar.MOVE)
async def move(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting move [<day> to] <new day> [<time>]`: one meeting to a new date and time."""
    dates = await GroupDates.load(ctx)
    target = await _meeting_to_move(dates, cmd.value)
    starts_at = _new_start(dates, target, cmd.arg)
    length = (target.ends_at - target.starts_at) if target.ends_at else DEFAULT_LENGTH
    ends_at = starts_at + length
    old = dates.say(target.starts_at)
    new = dates.say(starts_at)
    if starts_at == target.starts_at:
        return [reply(f"The meeting is already on {new}, so nothing has changed.")]
    if starts_at <= ctx.now:
        raise UserError(f"{new} has already gone by. Please pick a day and time still to come.")
    other = dates.clash(starts_at, ends_at, target)
    if other is not None:
        raise UserError(
            f"That would overlap the meeting on {dates.say(other.starts_at)}. Please pick another "
            "time, or skip that meeting first with `meeting skip`."
        )
    await _apply_move(dates, target, starts_at, ends_at)
    await ensure_next_meeting(ctx.conn, dates.group.id, ctx.now)
    lead = dates.group.checkin_lead_minutes
    checkin = f" The check-in goes out {lead} minutes before it." if lead else ""
    return await tell(
        ctx,
        dates.group,
        f"Done. The meeting on {old} is now on {new}.{checkin}",
        f"The meeting on {old} has moved to {new}.",
    )


async def _meeting_to_move(dates: GroupDates, typed: str) -> DateAhead:
    """The meeting on the typed day, or the next meeting when no day was typed."""
    if not typed:
        for item in dates.found:
            if not item.skipped and not item.under_way:
                return item
        raise UserError(
            "There's no meeting coming up to move. `schedule` sets when the group meets."
        )
    day = dates.day(typed, "move")
    held = dates.held_on(day)
    if not held:
        refusal = dates.under_way_refusal(day, "moved")
        if refusal is not None:
            raise refusal
        if dates.skipped_on(day):
            raise UserError(
                f"The meeting on {dates.say_day(day)} is skipped. To hold it at another time, "
                f"first bring it back with `meeting unskip {day.isoformat()}`."
            )
        raise dates.not_a_meeting_date(day, "meeting to move")
    if held[0].under_way:
        raise UserError(
            f"The meeting on {dates.say_day(day)} is already under way, so it can't be moved "
            "now. `meeting end` ends it."
        )
    return held[0]


def _new_start(dates: GroupDates, target: DateAhead, typed: str) -> datetime:
    """Where the meeting goes: the typed day (or its own) at the typed time (or its own)."""
    words = typed.split()
    time_words = 0
    if len(words) >= 2 and words[-1].lower().strip(".") in {"am", "pm", "a.m", "p.m"}:
        time_words = 2
    elif words and looks_like_time(words[-1]):
        time_words = 1
    day_text = " ".join(words[: len(words) - time_words])
    time_text = "".join(words[len(words) - time_words :])
    local = target.starts_at.astimezone(dates.zone)
    day = dates.day(day_text, "move") if day_text else local.date()
    at: time = local.time().replace(tzinfo=None)
    if time_text:
        try:
            at = read_time(time_text)
        except TimeNotUnderstood as exc:
            raise UserError(str(exc)) from None
    # fold=0: a time the clocks skip moves on by the gap, one they repeat is the first (PEP 495),
    # as for the schedule's own dates (`ScheduleRule.occurrences`).
    return datetime.combine(day, at).replace(tzinfo=dates.zone, fold=0).astimezone(UTC)


async def _apply_move(
    dates: GroupDates, target: DateAhead, starts_at: datetime, ends_at: datetime
) -> None:
    """Store the move: its old slot skipped, the meeting at its new time."""
    conn, group, now = dates.ctx.conn, dates.group, dates.ctx.now
    row = target.meeting
    if row is not None and row.source == MOVED:
        assert row.moved_from is not None
        if starts_at == row.moved_from:  # back where it was: the schedule's own date again
            await meeting_dates.drop_moved(conn, row.id, now)
            original = next(
                (
                    m
                    for m in await meeting_dates.ahead(conn, group.id, now)
                    if m.starts_at == starts_at
                ),
                None,
            )
            if original is not None:
                first = dates.first_schedule_row()
                keep = first is None or starts_at < first
                await meeting_dates.restore_schedule_date(conn, original.id, keep_row=keep)
            return
        await _refuse_taken(dates, starts_at)
        if not await meeting_dates.retime_moved(conn, row.id, starts_at, ends_at, now):
            raise UserError("That meeting has just begun, so it can't be moved now.")
        return
    await _refuse_taken(dates, starts_at)
    if row is None:
        assert target.ends_at is not None
        if not await meeting_dates.add_skip(conn, group.id, target.starts_at, target.ends_at, now):
            raise UserError("That meeting has just begun, so it can't be moved now.")
    elif not await meeting_dates.cancel_unbegun(conn, row.id, now):
        raise UserError("That meeting has just begun, so it can't be moved now.")
    await meeting_dates.add_moved(conn, group.id, starts_at, ends_at, target.starts_at)


async def _refuse_taken(dates: GroupDates, starts_at: datetime) -> None:
    """A skipped date (or a moved meeting's old slot) at exactly this start keeps it taken."""
    rows = await meeting_dates.ahead(dates.ctx.conn, dates.group.id, dates.ctx.now)
    if not any(row.starts_at == starts_at for row in rows):
        return
    shown = dates.say(starts_at)
    for row in rows:
        if row.moved_from == starts_at:  # the old slot of a meeting moved elsewhere
            now_on = row.starts_at.astimezone(dates.zone)
            raise UserError(
                f"{shown} is where the meeting now on {dates.say(row.starts_at)} used to be. "
                f"To meet then, move that one back: `meeting move {now_on.date().isoformat()} "
                f"to {starts_at.astimezone(dates.zone):%Y-%m-%d %H:%M}`."
            )
    day = starts_at.astimezone(dates.zone).date().isoformat()
    raise UserError(
        f"{shown} is the time of a skipped meeting. To meet then, bring it back with "
        f"`meeting unskip {day}` instead."
    )
