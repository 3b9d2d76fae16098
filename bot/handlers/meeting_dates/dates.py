"""The dates ahead of one group, read from its rule and its rows, and said in plain words.

`schedule` shows the next three (with any skipped date among them, so a meeting on Christmas Day
is noticed before it happens), setting a schedule answers with them, and `settings` names the
next meeting. The reading is here; the laying side by side is `bot.scheduling.dates_ahead`.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.scheduling.dates_ahead import DateAhead, dates_ahead, next_dates
from bot.scheduling.spoken_dates import describe_day
from bot.scheduling.times import rule_of
from bot.store import meeting_dates
from bot.store.database import Connection
from bot.store.groups import Group


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
