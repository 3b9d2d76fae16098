"""Meeting times as people read them: the group's time zone, its schedule rule, the next meeting.

The schedule rule is kept in the group's local wall-clock time ("Tuesdays at ten"), so changing
the rule or the time zone moves every future meeting; `bot.scheduling.upcoming.apply_schedule`
brings
the stored meetings in line.
"""

from __future__ import annotations

import difflib
import zoneinfo
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.scheduling.rule import ScheduleRule, ScheduleRuleError, parse_rule
from bot.store import meetings
from bot.store.database import Connection
from bot.store.groups import Group

ZONE_EXAMPLES = "Europe/London, Europe/Dublin, America/New_York or Australia/Sydney"


@cache
def _zones() -> dict[str, str]:
    """Every known IANA zone name, keyed by its case-folded spelling."""
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def resolve_zone(text: str) -> str:
    """The IANA name for what was typed (any letter case), or a UserError with examples."""
    typed = text.strip()
    found = _zones().get(typed.casefold())
    if found is not None:
        return found
    guesses = difflib.get_close_matches(typed.casefold(), list(_zones()), n=1, cutoff=0.75)
    hint = f" Did you mean {_zones()[guesses[0]]}?" if guesses else ""
    shown = typed if len(typed) <= 40 else typed[:40] + "…"
    raise UserError(
        f"I don't know the time zone “{shown}”.{hint} Time zones are written as a region and "
        f"a city, for example {ZONE_EXAMPLES}.",
        original=text,
    )


def when_local(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as the group reads it: "Tuesday 10 March at 10:00"."""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def rule_of(group: Group, *, today_from: datetime) -> ScheduleRule | None:
    """The group's stored rule, or None when it has none (or, defensively, an unreadable one)."""
    if not group.schedule_rule:
        return None
    try:
        return parse_rule(group.schedule_rule, today=today_from.astimezone(group.zone).date())
    except ScheduleRuleError:
        return None


def next_meeting(group: Group, now: datetime) -> datetime | None:
    """When the group's rule next has a meeting start (UTC); None if it has no schedule."""
    rule = rule_of(group, today_from=now)
    if rule is None:
        return None
    for start, _end in rule.occurrences(now, group.zone):
        return start
    return None


async def upcoming_meeting(conn: Connection, group: Group, now: datetime) -> datetime | None:
    """When the group's next scheduled meeting starts (UTC); None if it has no schedule.

    The stored meeting wins (it knows about an occurrence someone cancelled); the rule is the
    fallback for the moment between a rule change and the scheduler writing the meeting down.
    """
    rule = rule_of(group, today_from=now)
    if rule is None:
        return None
    stored = await meetings.next_unbegun_start(conn, group.id, now)
    return stored if stored is not None else next_meeting(group, now)
