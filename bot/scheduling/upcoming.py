"""Keeping each group's next meeting in the database, as its schedule rule says.

A group with a schedule always has its next occurrence stored as a `meetings` row (status
"scheduled", source "schedule"), so everything else (the summary's "next meeting", the check-in,
other processes) can read it rather than recompute it. The row is written with insert-or-ignore on
(group, start), so two clocks materialising at once make one row, and an occurrence that someone
cancelled stays cancelled: we step over it to the one after.

When a rule (or the group's time zone) changes, the stored upcoming meeting may no longer match.
If it has not begun (no check-in sent) it is re-timed when only its length changed, and otherwise
deleted (it was only a copy of the old rule) so the next one is taken from the new rule; the same
happens when a schedule is switched off. A meeting already under way is never touched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.scheduling.plan import firing_keys, next_occurrence, occurrence_end, read_rule
from bot.scheduling.rule import ScheduleRule
from bot.store import groups, meetings, scheduled_meetings
from bot.store.database import Connection, Database
from bot.store.groups import Group
from bot.store.meetings import Meeting

log = logging.getLogger(__name__)


def _rule_and_zone(text: str, timezone: str, now: datetime) -> tuple[ScheduleRule, ZoneInfo] | None:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    rule = read_rule(text, zone, now)
    return (rule, zone) if rule is not None else None


async def materialise(
    conn: Connection, lacking: Sequence[tuple[int, str, str]], now: datetime
) -> list[int]:
    """Store the next occurrence for each (group id, rule, zone); returns groups it could not."""
    cancelled = await scheduled_meetings.cancelled_starts(
        conn, [group_id for group_id, _, _ in lacking], now
    )
    rows: list[tuple[int, datetime, datetime]] = []
    unreadable: list[int] = []
    for group_id, text, timezone in lacking:
        found = _rule_and_zone(text, timezone, now)
        upcoming = None
        if found is not None:
            rule, zone = found
            upcoming = next_occurrence(rule, zone, now, cancelled.get(group_id, ()))
        if upcoming is None:
            unreadable.append(group_id)
            continue
        rows.append((group_id, *upcoming))
    await scheduled_meetings.add_scheduled(conn, rows)
    return unreadable


@dataclass
class Fixes:
    """Stored upcoming meetings that no longer match their rule: to drop, or to re-time."""

    drop: list[int] = field(default_factory=list)
    retime: list[tuple[int, datetime]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.drop or self.retime)

    def add(self, other: Fixes) -> None:
        self.drop.extend(other.drop)
        self.retime.extend(other.retime)

    async def apply(self, conn: Connection, now: datetime) -> None:
        if self.drop:
            count = await scheduled_meetings.drop_unbegun(conn, self.drop, now, keys_of=firing_keys)
            log.info("dropped %d upcoming meetings no longer on a schedule", count)
        for meeting_id, ends_at in self.retime:
            await scheduled_meetings.retime_unbegun(conn, meeting_id, ends_at, now)


def fix_for(meeting: Meeting, rule_text: str | None, timezone: str, now: datetime) -> Fixes:
    """What (if anything) to change about one stored meeting, given its group's current rule."""
    fixes = Fixes()
    unbegun = (
        meeting.source in (scheduled_meetings.SCHEDULE, scheduled_meetings.MOVED)
        and meeting.status == meetings.SCHEDULED
        and meeting.starts_at > now
        and meeting.checkin_sent_at is None
    )
    if not unbegun:
        return fixes
    if rule_text is None:
        fixes.drop.append(meeting.id)
        return fixes
    if meeting.source == scheduled_meetings.MOVED:
        return fixes  # moved on purpose: it keeps its new time whatever the rule now says
    found = _rule_and_zone(rule_text, timezone, now)
    if found is None:
        return fixes  # an unreadable rule is reported when materialising; keep what was planned
    ends_at = occurrence_end(found[0], found[1], meeting.starts_at)
    if ends_at is None:
        fixes.drop.append(meeting.id)
    elif ends_at != meeting.ends_at:
        fixes.retime.append((meeting.id, ends_at))
    return fixes


async def ensure_next_meeting(conn: Connection, group_id: int, now: datetime) -> None:
    """Materialise the group's next meeting now, inside the caller's transaction, if missing.

    The start and end jobs call this so the summary can name the next meeting.
    """
    lacking = await scheduled_meetings.lacking_next(conn, now, group_id=group_id)
    if lacking:
        await materialise(conn, lacking, now)


async def apply_schedule(conn: Connection, group_id: int, now: datetime) -> Meeting | None:
    """Bring one group's upcoming meeting in line with its rule, now; return the next meeting.

    For whoever changes a schedule or time zone: call it in the same transaction, after storing
    the new rule (or None for "schedule off"), instead of cancelling meetings. A meeting whose
    start is still on the schedule keeps its row (only its end moves); cancelling it would make
    it stay cancelled, and the group would skip that week.
    """
    group = await groups.get(conn, group_id)
    if group is None:
        return None
    fixes = Fixes()
    for meeting in await scheduled_meetings.upcoming_of(conn, [group_id], now):
        fixes.add(fix_for(meeting, group.schedule_rule, group.timezone, now))
    await fixes.apply(conn, now)
    await ensure_next_meeting(conn, group_id, now)
    return await meetings.next_scheduled(conn, group_id, now)


class ScheduleKeeper:
    """Brings the stored meetings in line with the groups' rules; run on every sync.

    `keep` materialises missing next meetings and drops those of groups without a schedule.
    `review` checks the stored meetings about to get jobs against their group's rule, once per
    meeting and rule, so a rule changed without moving its meetings is still obeyed in time.
    """

    def __init__(self) -> None:
        self._reviewed: set[tuple[int, datetime, datetime | None, str, str]] = set()
        self._unreadable: dict[int, tuple[str, str]] = {}

    def forget(self) -> None:
        """Review every meeting again on the next sync (a rebuild)."""
        self._reviewed.clear()

    async def keep(self, db: Database, now: datetime) -> None:
        async with db.read() as conn:
            orphans = await scheduled_meetings.orphaned(conn, now)
            lacking = [
                item
                for item in await scheduled_meetings.lacking_next(conn, now)
                if self._unreadable.get(item[0]) != item[1:]
            ]
        if not (orphans or lacking):
            return
        async with db.write() as conn:
            await scheduled_meetings.drop_unbegun(conn, orphans, now, keys_of=firing_keys)
            lacking = await scheduled_meetings.lacking_next(conn, now)
            by_group = {group_id: (text, zone) for group_id, text, zone in lacking}
            for group_id in await materialise(conn, lacking, now):
                if self._unreadable.get(group_id) != by_group[group_id]:
                    log.warning("group %d has a schedule I cannot turn into a date", group_id)
                    self._unreadable[group_id] = by_group[group_id]

    def review(self, pending: Iterable[tuple[Meeting, Group]], now: datetime) -> Fixes:
        """Fixes for stored meetings that no longer match their group's rule (usually none)."""
        fixes = Fixes()
        reviewed: set[tuple[int, datetime, datetime | None, str, str]] = set()
        for meeting, group in pending:
            if meeting.source != scheduled_meetings.SCHEDULE or group.schedule_rule is None:
                continue  # orphans are found by `keep`
            key = (
                meeting.id,
                meeting.starts_at,
                meeting.ends_at,
                group.schedule_rule,
                group.timezone,
            )
            if key not in self._reviewed:
                fixes.add(fix_for(meeting, group.schedule_rule, group.timezone, now))
            reviewed.add(key)
        self._reviewed = reviewed
        return fixes
