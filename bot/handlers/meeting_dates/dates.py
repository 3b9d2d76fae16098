"""The dates ahead of one group, read from its rule and its rows, and said in plain words.

`schedule` shows the next three (with any skipped date among them, so a meeting on Christmas Day
is noticed before it happens), setting a schedule answers with them, and `settings` names the
next meeting. `GroupDates` is what the date commands share: which meeting a typed day means, and
the refusals. The reading is here; the laying side by side is `bot.scheduling.dates_ahead`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.errors import UserError
from bot.scheduling.dates_ahead import DateAhead, dates_ahead, nearest, next_dates, on_day
from bot.scheduling.spoken_dates import DayNotUnderstood, describe_day, read_day
from bot.scheduling.times import rule_of
from bot.store import meeting_dates, meetings
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.store.scheduled_meetings import MOVED, SCHEDULE

NEXT_WORDS = frozenset({"next", "next meeting", "the next meeting", "the next one"})
"""What people type for "the next meeting" instead of its date."""
DEFAULT_LENGTH = timedelta(hours=1)
"""The length of a meeting whose row has no end (a manual one; the schedule's all have one)."""


async def dates_of(conn: Connection, group: Group, now: datetime) -> list[DateAhead]:
    """Every meeting date of the group ahead of `now`, skipped ones included, in order."""
    rule = rule_of(group, today_from=now)
    rows = await meeting_dates.ahead(conn, group.id, now)
    return dates_ahead(rule, group.zone, now, rows)


def when(moment: datetime, zone: ZoneInfo, today: date) -> str:
    """ "Tuesday 22 December at 18:30" in the group's time zone (with the year if not this one)."""
    local = moment.astimezone(zone)
    return f"{describe_day(local.date(), today)} at {local:%H:%M}"


def line(item: DateAhead, zone: ZoneInfo, today: date) -> str:
    """One date as the schedule lists it, marked skipped, moved or under way."""
    text = when(item.starts_at, zone, today)
    if item.skipped:
        text += ": skipped"
    if item.moved_from is not None:
        text += f" (moved from {when(item.moved_from, zone, today)})"
    if item.under_way:
        text += " (under way now)"
    return text


async def next_three(conn: Connection, group: Group, now: datetime) -> str:
    """ "Next meetings:" and the next three dates, one a line; "" when there are none."""
    shown = next_dates(await dates_of(conn, group, now))
    if not shown:
        return ""
    today = now.astimezone(group.zone).date()
    lines = [f"• {line(item, group.zone, today)}" for item in shown]
    return "Next meetings:\n" + "\n".join(lines)


async def next_meeting(conn: Connection, group: Group, now: datetime) -> str:
    """The next meeting that will happen, in words ("" when there is none)."""
    for item in await dates_of(conn, group, now):
        if not item.skipped and not item.under_way:
            return line(item, group.zone, now.astimezone(group.zone).date())
    return ""


async def follow_zone(
    conn: Connection, group_id: int, old: ZoneInfo, new: ZoneInfo, now: datetime
) -> None:
    """Skipped dates and moved meetings keep their local time when the group's time zone
    changes, as the schedule's own dates do; call before `apply_schedule`, so the next meeting
    written down still steps over the skips."""
    for row in await meeting_dates.ahead(conn, group_id, now):
        skip_or_moved = row.status == meetings.CANCELLED or row.source == MOVED
        if row.checkin_sent_at is not None or not skip_or_moved:
            continue
        starts_at = _same_wall_clock(row.starts_at, old, new)
        if starts_at == row.starts_at:
            continue
        ends_at = starts_at + (row.ends_at - row.starts_at) if row.ends_at else None
        moved_from = _same_wall_clock(row.moved_from, old, new) if row.moved_from else None
        await meeting_dates.shift(conn, row.id, starts_at, ends_at, moved_from)


async def follow_rule(conn: Connection, group: Group, now: datetime) -> None:
    """A skipped date (or the old slot of a moved meeting) stays skipped when the schedule's time
    changes: it moves to the new rule's meeting on the same day, if there is one. Call after
    storing the new rule and before `apply_schedule`."""
    rule = rule_of(group, today_from=now)
    if rule is None:
        return
    rows = await meeting_dates.ahead(conn, group.id, now)
    for row in rows:
        if row.status != meetings.CANCELLED or row.source != SCHEDULE or row.checkin_sent_at:
            continue
        day = row.starts_at.astimezone(group.zone).date()
        midnight = datetime.combine(day, datetime.min.time()).replace(tzinfo=group.zone)
        found = next(rule.occurrences(midnight - timedelta(microseconds=1), group.zone), None)
        if found is None or found[0].astimezone(group.zone).date() != day:
            continue
        if found[0] == row.starts_at:
            continue
        await meeting_dates.shift(conn, row.id, found[0], found[1], None)
        for moved in rows:
            if moved.moved_from == row.starts_at:
                await meeting_dates.shift(conn, moved.id, moved.starts_at, moved.ends_at, found[0])


def _same_wall_clock(moment: datetime, old: ZoneInfo, new: ZoneInfo) -> datetime:
    local = moment.astimezone(old).replace(tzinfo=None)
    return local.replace(tzinfo=new, fold=0).astimezone(UTC)


class GroupDates:
    """What a date command needs: the group, its local today and every date ahead, with the
    refusals they share (a day gone by, a day without a meeting, a meeting under way)."""

    def __init__(
        self, ctx: Context, group: Group, found: list[DateAhead], current: Meeting | None
    ) -> None:
        self.ctx = ctx
        self.group = group
        self.zone = group.zone
        self.today = ctx.now.astimezone(group.zone).date()
        self.found = found
        self.current = current
        """The meeting under way, if any (it may have begun before now)."""

    @classmethod
    async def load(cls, ctx: Context) -> GroupDates:
        group = ctx.require_group()
        found = await dates_of(ctx.conn, group, ctx.now)
        return cls(ctx, group, found, await meetings.current(ctx.conn, group.id))

    def day(self, text: str, doing: str) -> date:
        """The day typed, not in the past; `doing` ("skip") says what for, in refusals.
        `next` (or `next meeting`) is the day of the next meeting still to come."""
        if " ".join(text.lower().split()) in NEXT_WORDS:
            for item in self.found:
                if not item.skipped and not item.under_way:
                    return item.local_day(self.zone)
            raise UserError("There's no meeting coming up. `schedule` shows when the group meets.")
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

    def under_way_refusal(self, day: date, doing: str) -> UserError | None:
        """A refusal if the meeting of that day is already under way, else None."""
        current = self.current
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
        """Another meeting that the time from `starts_at` to `ends_at` would overlap (the one
        under way included, when its end is known)."""
        under_way = []
        if self.current is not None and self.current.ends_at is not None:
            under_way = [DateAhead(self.current.starts_at, self.current.ends_at, self.current)]
        for item in [*under_way, *self.found]:
            if item.skipped or item is moving:
                continue
            other_end = item.ends_at or item.starts_at + DEFAULT_LENGTH
            if item.starts_at < ends_at and starts_at < other_end:
                return item
        return None
