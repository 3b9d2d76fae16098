"""`meeting skip`, `meeting unskip` and `meeting move`: changing one date, not the schedule.

Each change is told to the channel as well as to the facilitator, because everyone needs to know
when the group meets. What the change does to the stored meetings is in `bot.store.meeting_dates`;
the scheduler then plans from the rows, so the check-in, the reminder and the summary follow a
moved meeting and nothing goes out for a skipped one. A meeting whose check-in has gone out is
under way and is never skipped or moved; a date in the past is refused, as is a move onto a time
that overlaps another meeting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, PostToConversation
from bot.errors import UserError
from bot.grammar import CommandSpec, Grammar, ParsedCommand
from bot.handlers.meeting_dates import grammar
from bot.handlers.meeting_dates.dates import dates_of, next_meeting, when
from bot.replies import reply
from bot.routing import Routes
from bot.scheduling.dates_ahead import DateAhead, nearest, on_day
from bot.scheduling.spoken_dates import DayNotUnderstood, describe_day, read_day
from bot.scheduling.spoken_times import TimeNotUnderstood, looks_like_time, read_time
from bot.scheduling.upcoming import ensure_next_meeting
from bot.store import meeting_dates, meetings
from bot.store.groups import Group
from bot.store.scheduled_meetings import MOVED, SCHEDULE

routes = Routes()

DEFAULT_LENGTH = timedelta(hours=1)
"""The length of a moved meeting whose row had no end (none of the schedule's do)."""


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


class _Dates:
    """What one command needs: the group, its local today and every date ahead."""

    def __init__(self, ctx: Context, group: Group, found: list[DateAhead]) -> None:
        self.ctx = ctx
        self.group = group
        self.zone = group.zone
        self.today = ctx.now.astimezone(group.zone).date()
        self.found = found

    @classmethod
    async def load(cls, ctx: Context) -> _Dates:
        group = ctx.require_group()
        return cls(ctx, group, await dates_of(ctx.conn, group, ctx.now))

    def day(self, text: str, doing: str) -> date:
        """The day typed, not in the past; `doing` ("skip") says what for, in refusals."""
        try:
            day = read_day(text, self.today)
        except DayNotUnderstood as exc:
            raise UserError(str(exc)) from None
        if day < self.today:
            raise UserError(
                f"{self.say_day(day)} has already gone by, so there's no meeting to {doing}. "
                "Please give a date still to come."
            )
        return day

    def say_day(self, day: date) -> str:
        return describe_day(day, self.today)

    def say(self, moment: datetime) -> str:
        return when(moment, self.zone, self.today)

    def held_on(self, day: date) -> list[DateAhead]:
        return [item for item in on_day(self.found, day, self.zone) if not item.skipped]

    def skipped_on(self, day: date) -> list[DateAhead]:
        return [item for item in on_day(self.found, day, self.zone) if item.skipped]

    def not_a_meeting_date(self, day: date, what: str) -> UserError:
        """No meeting that day: say which dates near it are meeting dates."""
        close = [self.say(item.starts_at) for item in nearest(self.found, day, self.zone)]
        if not close:
            hint = " There are no meetings planned: `schedule` shows how to set them."
        elif len(close) == 1:
            hint = f" The nearest meeting is {close[0]}."
        else:
            hint = f" The nearest meetings are {close[0]} and {close[1]}."
        return UserError(f"There's no {what} on {self.say_day(day)}.{hint}")

    async def under_way_refusal(self, day: date, doing: str) -> UserError | None:
        """A refusal if the meeting of that day is already under way, else None."""
        current = await meetings.current(self.ctx.conn, self.group.id)
        if current is None or current.starts_at.astimezone(self.zone).date() != day:
            return None
        return UserError(
            f"The meeting on {self.say_day(day)} is already under way, so it can't be "
            f"{doing} now. `meeting end` ends it."
        )

    def first_schedule_row(self) -> datetime | None:
        """The start of the next meeting the schedule has written down, if any."""
        for item in self.found:
            row = item.meeting
            if row and row.source == SCHEDULE and row.status == meetings.SCHEDULED:
                return item.starts_at
        return None

    def clash(self, starts_at: datetime, ends_at: datetime, moving: DateAhead) -> DateAhead | None:
        """Another meeting that the time from `starts_at` to `ends_at` would overlap."""
        for item in self.found:
            if item.skipped or item is moving:
                continue
            other_end = item.ends_at or item.starts_at + DEFAULT_LENGTH
            if item.starts_at < ends_at and starts_at < other_end:
                return item
        return None


async def _tell(ctx: Context, group: Group, to_facilitator: str, to_group: str) -> list[Effect]:
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
    dates = await _Dates.load(ctx)
    day = dates.day(cmd.arg, "skip")
    held = dates.held_on(day)
    if not held:
        refusal = await dates.under_way_refusal(day, "skipped")
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
    return await _tell(
        ctx,
        group,
        f"Done. The meeting on {shown} is skipped: no check-in or summary for it. "
        f"To bring it back: `meeting unskip {day.isoformat()}`.",
        f"There's no meeting on {shown}: it has been skipped.",
    )


@routes.handles(grammar.UNSKIP)
async def unskip(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting unskip <day>`: the skipped meeting of that day is on again."""
    dates = await _Dates.load(ctx)
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
    return await _tell(
        ctx,
        dates.group,
        f"Done. The meeting on {shown} is back on.",
        f"The meeting on {shown} is back on.",
    )


@routes.handles(grammar.MOVE)
async def move(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting move [<day> to] <new day> [<time>]`: one meeting to a new date and time."""
    dates = await _Dates.load(ctx)
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
    return await _tell(
        ctx,
        dates.group,
        f"Done. The meeting on {old} is now on {new}.{checkin}",
        f"The meeting on {old} has moved to {new}.",
    )


async def _meeting_to_move(dates: _Dates, typed: str) -> DateAhead:
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
        refusal = await dates.under_way_refusal(day, "moved")
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


def _new_start(dates: _Dates, target: DateAhead, typed: str) -> datetime:
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
    dates: _Dates, target: DateAhead, starts_at: datetime, ends_at: datetime
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


async def _refuse_taken(dates: _Dates, starts_at: datetime) -> None:
    """A skipped date (or a moved meeting's old slot) at exactly this start keeps it taken."""
    for row in await meeting_dates.ahead(dates.ctx.conn, dates.group.id, dates.ctx.now):
        if row.starts_at == starts_at:
            shown = dates.say(starts_at)
            day = starts_at.astimezone(dates.zone).date().isoformat()
            raise UserError(
                f"{shown} is the time of a skipped meeting. To meet then, bring it back with "
                f"`meeting unskip {day}` instead."
            )
