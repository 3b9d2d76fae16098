"""What is due when: the pure half of the scheduler, with no database and no timers.

Every meeting that still has work gets up to six jobs, each at a time worked out from the meeting
and its group's settings:

    checkin      starts_at - checkin_lead_minutes       (scheduled meetings only)
    start        starts_at                              (scheduled meetings only)
    reminder     max(starts_at, check-in sent) + reminder_after_minutes
    end          ends_at                                (when the meeting has an end time)
    reflection   ends_at + reflection_after_minutes     (once the meeting has ended or will)
    reciprocity  the same time as the reflection        (the facilitators' private note)

`plan_meeting` decides when each job should run, looking at what has already happened (the
meeting's state and the firings already claimed). `decide` is asked again at the moment a job
runs, inside its transaction, because the database may have changed since the plan was made: a
meeting cancelled, ended by hand, or its settings changed. Keeping both here, side by side, keeps
the two answers consistent and lets the rules be tested with plain values.

Catch-up after the bot was down: a job whose time has passed runs now, except that check-ins,
start and reminders of a meeting that is already over are skipped, an end missed by more than the
grace period only marks the meeting ended (no summary days late), and nudges more than the grace
period late are dropped. Nudges that fall in the group's quiet hours are deferred, never dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Literal
from zoneinfo import ZoneInfo

from bot.scheduling.rule import ScheduleRule, ScheduleRuleError, parse_rule
from bot.store.groups import Group
from bot.store.meetings import CANCELLED, ENDED, OPEN, SCHEDULED, Meeting
from bot.store.scheduled_meetings import MOVED

log = logging.getLogger(__name__)

CHECKIN, START, REMINDER, END = "checkin", "start", "reminder", "end"
REFLECTION, RECIPROCITY = "reflection", "reciprocity"
KINDS: tuple[str, ...] = (CHECKIN, START, REMINDER, END, REFLECTION, RECIPROCITY)
"""Every job kind, in the order they must run when several are due at once."""
NUDGES = frozenset({REMINDER, REFLECTION, RECIPROCITY})
"""Kinds that respect quiet hours (deferred to the next allowed time, never dropped)."""

SCHEDULE_SOURCE = "schedule"
PLANNED_SOURCES = frozenset({SCHEDULE_SOURCE, MOVED})
"""Meetings the clock checks in and starts on its own: the schedule's, and those moved off it."""
MAX_SKIPPED_OCCURRENCES = 60
"""How many cancelled occurrences in a row we step over before giving up on a rule."""

Defer = Callable[[Group, datetime], datetime]
"""`next_allowed(group, when)`: `when` itself, or the end of the quiet hours it falls in."""

Decision = Literal["run", "expire", "skip"]


def no_quiet_hours(group: Group, when: datetime) -> datetime:
    """A `Defer` for groups (and tests) without quiet hours."""
    return when


def job_id(meeting_id: int, kind: str) -> str:
    """The scheduler's id for one job: stable, so re-planning replaces rather than duplicates."""
    return f"meeting:{meeting_id}:{kind}"


def firing_key(meeting_id: int, kind: str) -> str:
    """The once-only key claimed with the job's work (distinct from handlers' own keys)."""
    return f"job:{kind}:{meeting_id}"


_RANK = {kind: number for number, kind in enumerate(KINDS)}


def firing_keys(meeting_id: int) -> list[str]:
    """Every key the clock may claim for a meeting."""
    return [firing_key(meeting_id, kind) for kind in KINDS]


def rank(kind: str) -> int:
    return _RANK[kind]


@dataclass(frozen=True, slots=True)
class PlannedJob:
    """One job of one meeting: when it was meant to happen and when it will actually run."""

    meeting_id: int
    group_id: int
    kind: str
    due: datetime
    run_at: datetime

    @property
    def job_id(self) -> str:
        return job_id(self.meeting_id, self.kind)

    @property
    def order(self) -> tuple[datetime, int, int]:
        """Sort key: by time, then by kind (a check-in before the start), then by meeting."""
        return (self.run_at, _RANK[self.kind], self.meeting_id)


# -- due times: one definition each, used by the plan and by the decision at run time --------


def checkin_due(meeting: Meeting, group: Group) -> datetime:
    return meeting.starts_at - timedelta(minutes=group.checkin_lead_minutes)


def reminder_due(meeting: Meeting, group: Group, checkin_at: datetime) -> datetime:
    """A reminder comes a while after the meeting starts, and never before the check-in did."""
    return max(meeting.starts_at, checkin_at) + timedelta(minutes=group.reminder_after_minutes)


def after_due(meeting: Meeting, group: Group) -> datetime | None:
    """When the reflection nudge and the reciprocity note are due (None while no end is known)."""
    if meeting.ends_at is None:
        return None
    return meeting.ends_at + timedelta(minutes=group.reflection_after_minutes)


def _is_active(meeting: Meeting) -> bool:
    return meeting.status in (SCHEDULED, OPEN)


def _over_at(meeting: Meeting, when: datetime) -> bool:
    return meeting.ends_at is not None and when >= meeting.ends_at


# -- the plan ---------------------------------------------------------------------------------


def plan_meeting(
    meeting: Meeting,
    group: Group,
    now: datetime,
    *,
    grace: timedelta,
    done: Collection[str] = (),
    defer: Defer = no_quiet_hours,
) -> list[PlannedJob]:
    """The jobs this meeting still needs, in run order. `done` holds kinds already claimed."""
    if meeting.status == CANCELLED:
        return []
    active = _is_active(meeting)
    scheduled = meeting.source in PLANNED_SOURCES
    jobs: list[PlannedJob] = []

    def add(kind: str, due: datetime, run_at: datetime) -> None:
        jobs.append(PlannedJob(meeting.id, group.id, kind, due, run_at))

    checkin_at = meeting.checkin_sent_at
    if active and scheduled and checkin_at is None and CHECKIN not in done:
        due = checkin_due(meeting, group)
        run_at = max(due, now)
        if not _over_at(meeting, run_at):
            add(CHECKIN, due, run_at)
            checkin_at = run_at
    if meeting.status == SCHEDULED and scheduled and START not in done:
        run_at = max(meeting.starts_at, now)
        if not _over_at(meeting, run_at):
            add(START, meeting.starts_at, run_at)
    if active and checkin_at is not None and REMINDER not in done:
        due = reminder_due(meeting, group, checkin_at)
        run_at = defer(group, max(due, now))
        if not _over_at(meeting, run_at):
            add(REMINDER, due, run_at)
    expiring = False
    if active and meeting.ends_at is not None and END not in done:
        add(END, meeting.ends_at, max(meeting.ends_at, now))
        expiring = now - meeting.ends_at > grace
    after = after_due(meeting, group)
    if after is not None and not expiring and (active or meeting.status == ENDED):
        allowed = defer(group, after)
        if now - allowed <= grace:
            run_at = defer(group, max(allowed, now))
            for kind in (REFLECTION, RECIPROCITY):
                if kind not in done:
                    add(kind, after, run_at)
    return jobs  # already in run order: each kind is added no earlier than the one before


def plan(
    pending: Iterable[tuple[Meeting, Group]],
    now: datetime,
    *,
    grace: timedelta,
    done: Collection[str] = (),
    defer: Defer = no_quiet_hours,
) -> list[PlannedJob]:
    """Plan many meetings; `done` holds claimed firing keys (`firing_key(id, kind)`)."""
    jobs: list[PlannedJob] = []
    for meeting, group in pending:
        claimed = {kind for kind in KINDS if firing_key(meeting.id, kind) in done}
        jobs.extend(plan_meeting(meeting, group, now, grace=grace, done=claimed, defer=defer))
    jobs.sort(key=lambda job: job.order)
    return jobs


def keys_to_check(meeting: Meeting, group: Group, now: datetime) -> list[str]:
    """Firing keys that could already be claimed: none for a meeting whose first job is ahead."""
    if meeting.status == SCHEDULED and checkin_due(meeting, group) > now:
        return []
    return firing_keys(meeting.id)


# -- the decision when a job runs -------------------------------------------------------------


def decide(
    kind: str,
    meeting: Meeting,
    group: Group,
    now: datetime,
    *,
    grace: timedelta,
    defer: Defer = no_quiet_hours,
) -> Decision:
    """Whether a job should do its work now, given the meeting as it is in the database.

    "skip" leaves the firing unclaimed, so a job that is merely early or in quiet hours is
    planned again by the next sync; "expire" ends a meeting found too late for a summary.
    """
    if meeting.status == CANCELLED:
        return "skip"
    if kind in NUDGES and defer(group, now) > now:
        return "skip"
    active = _is_active(meeting)
    if kind == CHECKIN:
        ok = active and meeting.checkin_sent_at is None and now >= checkin_due(meeting, group)
        return "run" if ok and not _over_at(meeting, now) else "skip"
    if kind == START:
        ok = meeting.status == SCHEDULED and now >= meeting.starts_at
        return "run" if ok and not _over_at(meeting, now) else "skip"
    if kind == REMINDER:
        sent = meeting.checkin_sent_at
        ok = active and sent is not None and now >= reminder_due(meeting, group, sent)
        return "run" if ok and not _over_at(meeting, now) else "skip"
    if kind == END:
        if not active or meeting.ends_at is None or now < meeting.ends_at:
            return "skip"
        return "expire" if now - meeting.ends_at > grace else "run"
    if kind in (REFLECTION, RECIPROCITY):
        after = after_due(meeting, group)
        if meeting.status != ENDED or after is None or now < after:
            return "skip"
        return "run" if now - defer(group, after) <= grace else "skip"
    raise ValueError(f"unknown job kind {kind!r}")


# -- schedule rules ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _parsed(text: str, today: date) -> ScheduleRule | None:
    try:
        return parse_rule(text, today=today)
    except ScheduleRuleError:
        return None


def read_rule(text: str, zone: ZoneInfo, now: datetime) -> ScheduleRule | None:
    """A stored rule, or None if it cannot be read (the caller logs the group, never the text)."""
    return _parsed(text, now.astimezone(zone).date())


def next_occurrence(
    rule: ScheduleRule, zone: ZoneInfo, now: datetime, skip: Collection[datetime] = ()
) -> tuple[datetime, datetime] | None:
    """The first occurrence starting after `now` whose start is not in `skip` (cancelled ones)."""
    for start, end in islice(rule.occurrences(now, zone), MAX_SKIPPED_OCCURRENCES):
        if start not in skip:
            return start, end
    return None


def occurrence_end(rule: ScheduleRule, zone: ZoneInfo, starts_at: datetime) -> datetime | None:
    """If `starts_at` is an occurrence of the rule, when that occurrence ends; else None.

    Lets a stored meeting be checked against a rule that may have changed since: a new length
    only moves the end, a new day or time means the stored meeting is no longer on the schedule.
    """
    first = next(rule.occurrences(starts_at - timedelta(microseconds=1), zone), None)
    if first is None or first[0] != starts_at:
        return None
    return first[1]
