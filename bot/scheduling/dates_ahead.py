"""The group's meeting dates ahead, as people see them: the rule's dates, with skips and moves.

The schedule rule says when the group meets; the `meetings` table says what was decided about
single dates. A skipped date is a cancelled row at the rule's start (the scheduler steps over
it); a moved meeting is a row of its own (source "moved") that remembers the start it had, while
its old slot is a cancelled row, so the rule does not bring it back. This module lays the two
side by side, in order, with no database: `bot.handlers.meeting_dates` reads the rows and asks it
which meeting a date means, and what the next three dates are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from bot.scheduling.rule import ScheduleRule
from bot.store.meetings import CANCELLED, ENDED, OPEN, Meeting

LOOK_AHEAD = timedelta(days=800)
"""How far ahead a date may be skipped or moved: a little over two years."""
MAX_OCCURRENCES = 400
"""Rule dates considered at most (weekly for more than the look-ahead)."""


@dataclass(frozen=True, slots=True)
class DateAhead:
    """One meeting date ahead. `meeting` is its stored row, if the date has one yet."""

    starts_at: datetime
    ends_at: datetime | None
    meeting: Meeting | None = None
    skipped: bool = False
    moved_from: datetime | None = None

    @property
    def under_way(self) -> bool:
        """Its check-in has gone out, or it has been opened: too late to skip or move it."""
        found = self.meeting
        return found is not None and (found.status == OPEN or found.checkin_sent_at is not None)

    def local_day(self, zone: ZoneInfo) -> date:
        return self.starts_at.astimezone(zone).date()


def dates_ahead(
    rule: ScheduleRule | None,
    zone: ZoneInfo,
    now: datetime,
    stored: Iterable[Meeting],
    *,
    until: datetime | None = None,
) -> list[DateAhead]:
    """Every meeting date starting after `now` (up to `until`), in order, skipped ones included.

    `stored` is the group's meetings starting after `now` (any status). A cancelled row at a
    rule date is a skip, unless a moved meeting came from it: then the moved meeting stands for
    it, at its new time.
    """
    until = until or now + LOOK_AHEAD
    rows = [row for row in stored if now < row.starts_at <= until and row.status != ENDED]
    by_start = {row.starts_at: row for row in rows}
    moved_away = {row.moved_from for row in rows if row.moved_from is not None}
    found: list[DateAhead] = []
    if rule is not None:
        for start, end in islice(rule.occurrences(now, zone), MAX_OCCURRENCES):
            if start > until:
                break
            row = by_start.pop(start, None)
            if row is None:
                found.append(DateAhead(start, end))
            elif row.status != CANCELLED:
                found.append(_entry(row))
            elif start not in moved_away:
                found.append(DateAhead(start, row.ends_at, row, skipped=True))
    for row in by_start.values():  # moved meetings, and rows no longer on the rule
        if row.moved_from is not None or row.status != CANCELLED:
            found.append(_entry(row))
    found.sort(key=lambda item: item.starts_at)
    return found


def _entry(row: Meeting) -> DateAhead:
    return DateAhead(
        row.starts_at,
        row.ends_at,
        row,
        skipped=row.status == CANCELLED,
        moved_from=row.moved_from,
    )


def next_dates(found: Sequence[DateAhead], count: int = 3) -> list[DateAhead]:
    """The next `count` meetings, with any skipped dates among them (so they are noticed)."""
    shown: list[DateAhead] = []
    held = 0
    for item in found:
        if held == count:
            break
        shown.append(item)
        held += not item.skipped
    return shown


def on_day(found: Sequence[DateAhead], day: date, zone: ZoneInfo) -> list[DateAhead]:
    """The dates (skipped ones too) that fall on this local day."""
    return [item for item in found if item.local_day(zone) == day]


def nearest(found: Sequence[DateAhead], day: date, zone: ZoneInfo) -> list[DateAhead]:
    """The meeting dates closest to `day`, one before and one after where there are any."""
    held = [item for item in found if not item.skipped]
    before = [item for item in held if item.local_day(zone) < day]
    after = [item for item in held if item.local_day(zone) > day]
    return [*before[-1:], *after[:1]]
