"""What is due when: the scheduler's plan and its run-time decisions, with plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling import quiet_hours
from bot.scheduling.plan import (
    CHECKIN,
    END,
    KINDS,
    RECIPROCITY,
    REFLECTION,
    REMINDER,
    START,
    PlannedJob,
    decide,
    firing_key,
    job_id,
    keys_to_check,
    next_occurrence,
    occurrence_end,
    plan,
    plan_meeting,
    read_rule,
)
from bot.scheduling.rule import parse_rule
from bot.store.groups import Group
from bot.store.meetings import Meeting

LONDON = ZoneInfo("Europe/London")
GRACE = timedelta(hours=12)
START_AT = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # a Tuesday, GMT
END_AT = START_AT + timedelta(minutes=90)

GROUP = Group(
    id=7,
    platform="console",
    workspace="local",
    conversation_id="C-general",
    name="Parent carers and the council",
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
    schedule_rule="weekly tue 10:00 1h30m",
    timezone="Europe/London",
    quiet_start=None,
    quiet_end=None,
    k=3,
    anonymity_delay_minutes=5,
    reciprocity_lock=False,
    checkin_lead_minutes=15,
    reminder_after_minutes=10,
    reflection_after_minutes=60,
    retention_days=365,
)
MEETING = Meeting(
    id=42,
    group_id=7,
    starts_at=START_AT,
    ends_at=END_AT,
    status="scheduled",
    source="schedule",
    checkin_sent_at=None,
    summary_posted_at=None,
)


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def times(jobs: list[PlannedJob]) -> list[tuple[str, datetime]]:
    return [(job.kind, job.run_at) for job in jobs]


def test_job_ids_and_firing_keys_are_stable_and_distinct_from_handler_keys() -> None:
    assert job_id(42, CHECKIN) == "meeting:42:checkin"
    assert firing_key(42, CHECKIN) == "job:checkin:42"
    assert firing_key(42, CHECKIN) != "checkin:42"  # the check-in handler's own key


@pytest.mark.parametrize(
    ("lead", "reminder", "reflection", "expected"),
    [
        (
            15,
            10,
            60,
            [
                (CHECKIN, at(9, 45)),
                (START, at(10)),
                (REMINDER, at(10, 10)),
                (END, at(11, 30)),
                (REFLECTION, at(12, 30)),
                (RECIPROCITY, at(12, 30)),
            ],
        ),
        (
            30,
            20,
            120,
            [
                (CHECKIN, at(9, 30)),
                (START, at(10)),
                (REMINDER, at(10, 20)),
                (END, at(11, 30)),
                (REFLECTION, at(13, 30)),
                (RECIPROCITY, at(13, 30)),
            ],
        ),
        (
            0,
            0,
            0,
            [
                (CHECKIN, at(10)),
                (START, at(10)),
                (REMINDER, at(10)),
                (END, at(11, 30)),
                (REFLECTION, at(11, 30)),
                (RECIPROCITY, at(11, 30)),
            ],
        ),
    ],
)
def test_a_scheduled_meeting_gets_every_job_at_its_offset(
    lead: int, reminder: int, reflection: int, expected: list[tuple[str, datetime]]
) -> None:
    group = replace(
        GROUP,
        checkin_lead_minutes=lead,
        reminder_after_minutes=reminder,
        reflection_after_minutes=reflection,
    )
    jobs = plan_meeting(MEETING, group, at(8), grace=GRACE)
    assert times(jobs) == expected
    assert all(job.due == job.run_at for job in jobs)
    assert jobs[0].job_id == "meeting:42:checkin"


def test_claimed_kinds_and_what_already_happened_are_not_planned_again() -> None:
    sent = replace(MEETING, status="open", checkin_sent_at=at(9, 45))
    jobs = plan_meeting(sent, GROUP, at(10, 5), grace=GRACE, done={REMINDER})
    assert times(jobs) == [(END, at(11, 30)), (REFLECTION, at(12, 30)), (RECIPROCITY, at(12, 30))]


def test_plan_reads_claimed_firing_keys_per_meeting() -> None:
    other = replace(MEETING, id=43, starts_at=at(10, day=17), ends_at=at(11, 30, day=17))
    done = {firing_key(42, CHECKIN), firing_key(43, START)}
    jobs = plan([(MEETING, GROUP), (other, GROUP)], at(9, 50), grace=GRACE, done=done)
    assert (42, CHECKIN) not in [(j.meeting_id, j.kind) for j in jobs]
    assert (43, CHECKIN) in [(j.meeting_id, j.kind) for j in jobs]
    assert (43, START) not in [(j.meeting_id, j.kind) for j in jobs]
    assert jobs == sorted(jobs, key=lambda job: job.order)


def test_keys_are_only_looked_up_for_meetings_whose_first_job_has_come() -> None:
    assert keys_to_check(MEETING, GROUP, at(9)) == []
    assert keys_to_check(MEETING, GROUP, at(9, 45)) == [firing_key(42, kind) for kind in KINDS]


# -- catch-up ---------------------------------------------------------------------------------


def test_mid_meeting_after_downtime_the_checkin_goes_now_and_the_reminder_after_it() -> None:
    now = at(10, 30)
    jobs = plan_meeting(MEETING, GROUP, now, grace=GRACE)
    assert times(jobs) == [
        (CHECKIN, now),
        (START, now),
        (REMINDER, now + timedelta(minutes=10)),
        (END, at(11, 30)),
        (REFLECTION, at(12, 30)),
        (RECIPROCITY, at(12, 30)),
    ]
    assert jobs[0].due == at(9, 45)


def test_a_meeting_over_while_down_skips_checkin_start_and_reminder_and_ends_now() -> None:
    now = at(14, 30)  # ended three hours ago
    jobs = plan_meeting(MEETING, GROUP, now, grace=GRACE)
    assert times(jobs) == [(END, now), (REFLECTION, now), (RECIPROCITY, now)]


def test_beyond_grace_only_the_end_is_planned_and_no_nudges() -> None:
    now = at(11, 30) + timedelta(hours=13)
    assert times(plan_meeting(MEETING, GROUP, now, grace=GRACE)) == [(END, now)]
    assert decide(END, MEETING, GROUP, now, grace=GRACE) == "expire"


def test_a_missed_reflection_within_grace_is_sent_and_beyond_it_dropped() -> None:
    ended = replace(MEETING, status="ended", summary_posted_at=END_AT)
    late = at(12, 30) + timedelta(hours=11)
    assert times(plan_meeting(ended, GROUP, late, grace=GRACE)) == [
        (REFLECTION, late),
        (RECIPROCITY, late),
    ]
    assert plan_meeting(ended, GROUP, at(12, 30) + timedelta(hours=13), grace=GRACE) == []


def test_cancelled_meetings_have_no_jobs() -> None:
    assert plan_meeting(replace(MEETING, status="cancelled"), GROUP, at(8), grace=GRACE) == []


# -- manual meetings --------------------------------------------------------------------------


def test_a_manual_meeting_gets_its_reflection_once_ended() -> None:
    manual = replace(MEETING, source="manual", status="open", ends_at=None)
    assert plan_meeting(manual, GROUP, at(10, 5), grace=GRACE) == []
    ended = replace(manual, status="ended", ends_at=at(11))
    assert times(plan_meeting(ended, GROUP, at(11), grace=GRACE)) == [
        (REFLECTION, at(12)),
        (RECIPROCITY, at(12)),
    ]


def test_a_manual_meeting_with_a_checkin_gets_a_reminder_after_it() -> None:
    manual = replace(MEETING, source="manual", status="open", ends_at=None)
    sent = replace(manual, checkin_sent_at=at(10, 20))
    assert times(plan_meeting(sent, GROUP, at(10, 20), grace=GRACE)) == [(REMINDER, at(10, 30))]


# -- quiet hours ------------------------------------------------------------------------------


def test_nudges_in_quiet_hours_are_deferred_to_their_end_not_dropped() -> None:
    quiet = replace(GROUP, quiet_start="12:00", quiet_end="14:00")
    jobs = plan_meeting(MEETING, quiet, at(8), grace=GRACE, defer=quiet_hours.next_allowed)
    assert times(jobs)[-2:] == [(REFLECTION, at(14)), (RECIPROCITY, at(14))]
    assert jobs[-1].due == at(12, 30)
    # check-in, start and end are not nudges: quiet hours do not move them
    assert times(jobs)[:4] == [
        (CHECKIN, at(9, 45)),
        (START, at(10)),
        (REMINDER, at(10, 10)),
        (END, at(11, 30)),
    ]


def test_an_overnight_quiet_period_moves_the_reflection_to_the_morning() -> None:
    evening = replace(MEETING, starts_at=at(19), ends_at=at(20, 30))
    quiet = replace(GROUP, quiet_start="21:00", quiet_end="08:00")
    jobs = plan_meeting(evening, quiet, at(8), grace=GRACE, defer=quiet_hours.next_allowed)
    assert times(jobs)[-1] == (RECIPROCITY, at(8, day=11))


def test_a_reminder_deferred_past_the_end_of_the_meeting_is_dropped() -> None:
    quiet = replace(GROUP, quiet_start="10:05", quiet_end="12:00")
    jobs = plan_meeting(MEETING, quiet, at(8), grace=GRACE, defer=quiet_hours.next_allowed)
    assert REMINDER not in [job.kind for job in jobs]


def test_a_nudge_is_not_run_in_quiet_hours_and_its_key_is_left_for_later() -> None:
    quiet = replace(GROUP, quiet_start="12:00", quiet_end="14:00")
    ended = replace(MEETING, status="ended")
    defer = quiet_hours.next_allowed
    assert decide(REFLECTION, ended, quiet, at(12, 30), grace=GRACE, defer=defer) == "skip"
    assert decide(REFLECTION, ended, quiet, at(14), grace=GRACE, defer=defer) == "run"


# -- decisions when a job runs ----------------------------------------------------------------

SENT = replace(MEETING, checkin_sent_at=at(9, 45))
OPENED = replace(SENT, status="open")
ENDED_MEETING = replace(OPENED, status="ended")


@pytest.mark.parametrize(
    ("kind", "meeting", "now", "expected"),
    [
        (CHECKIN, MEETING, at(9, 44), "skip"),  # early: a stale timer
        (CHECKIN, MEETING, at(9, 45), "run"),
        (CHECKIN, SENT, at(9, 46), "skip"),  # sent already (say, by hand)
        (CHECKIN, MEETING, at(11, 30), "skip"),  # the meeting is over
        (START, SENT, at(10), "run"),
        (START, OPENED, at(10), "skip"),  # a facilitator opened it already
        (REMINDER, OPENED, at(10, 10), "run"),
        (REMINDER, MEETING, at(10, 10), "skip"),  # no check-in went out
        (REMINDER, OPENED, at(11, 31), "skip"),
        (END, OPENED, at(11, 29), "skip"),
        (END, OPENED, at(11, 30), "run"),
        (END, OPENED, at(23, 30), "run"),  # exactly twelve hours late: still within grace
        (END, OPENED, at(23, 31), "expire"),
        (END, ENDED_MEETING, at(11, 30), "skip"),  # ended by hand
        (REFLECTION, OPENED, at(12, 30), "skip"),  # not ended yet
        (REFLECTION, ENDED_MEETING, at(12, 29), "skip"),
        (REFLECTION, ENDED_MEETING, at(12, 30), "run"),
        (RECIPROCITY, ENDED_MEETING, at(12, 30), "run"),
        (REFLECTION, ENDED_MEETING, at(12, 30) + timedelta(hours=13), "skip"),
        (START, replace(MEETING, status="cancelled"), at(10), "skip"),
    ],
)
def test_decide(kind: str, meeting: Meeting, now: datetime, expected: str) -> None:
    assert decide(kind, meeting, GROUP, now, grace=GRACE) == expected


def test_decide_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown job kind"):
        decide("lunch", MEETING, GROUP, at(10), grace=GRACE)


# -- rules, across clock changes --------------------------------------------------------------


def occurrences_from_rule(text: str, after: datetime, count: int) -> list[tuple[datetime, ...]]:
    rule = parse_rule(text, today=after.date())
    return list(islice(rule.occurrences(after, LONDON), count))


def plan_for(text: str, after: datetime, count: int) -> list[list[tuple[str, datetime]]]:
    """Each occurrence materialised as a meeting and planned from well before it."""
    plans = []
    for number, (start, end) in enumerate(occurrences_from_rule(text, after, count)):
        meeting = replace(MEETING, id=number, starts_at=start, ends_at=end)
        plans.append(times(plan_meeting(meeting, GROUP, start - timedelta(days=1), grace=GRACE)))
    return plans


def test_weekly_meeting_keeps_ten_oclock_local_across_the_spring_change() -> None:
    first, second = plan_for("weekly sun 10:00 90m", datetime(2026, 3, 21, tzinfo=UTC), 2)
    # 22 March is GMT (UTC+0); 29 March is BST (UTC+1): ten o'clock is 09:00 UTC
    assert first[:2] == [(CHECKIN, at(9, 45, day=22)), (START, at(10, day=22))]
    assert second[:2] == [(CHECKIN, at(8, 45, day=29)), (START, at(9, day=29))]
    assert second[3:] == [
        (END, at(10, 30, day=29)),
        (REFLECTION, at(11, 30, day=29)),
        (RECIPROCITY, at(11, 30, day=29)),
    ]


def test_weekly_meeting_keeps_ten_oclock_local_across_the_autumn_change() -> None:
    first, second = plan_for("weekly sun 10:00 90m", datetime(2026, 10, 17, tzinfo=UTC), 2)
    oct18 = datetime(2026, 10, 18, 9, 0, tzinfo=UTC)
    oct25 = datetime(2026, 10, 25, 10, 0, tzinfo=UTC)
    assert first[1] == (START, oct18)  # BST: 10:00 local is 09:00 UTC
    assert second[1] == (START, oct25)  # GMT again: 10:00 UTC
    assert second[0] == (CHECKIN, oct25 - timedelta(minutes=15))
    for plan_ in (first, second):
        local = [when.astimezone(LONDON).strftime("%H:%M") for _, when in plan_]
        assert local == ["09:45", "10:00", "10:10", "11:30", "12:30", "12:30"]


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        (
            "fortnightly mon 18:30 1h from 2026-03-16",
            datetime(2026, 3, 10, tzinfo=UTC),
            # 16 and 30 March, 13 April: the last two are in summer time
            [(3, 16, 18, 30), (3, 30, 17, 30), (4, 13, 17, 30)],
        ),
        (
            "monthly 2nd wed 14:00 2h",
            datetime(2026, 3, 1, tzinfo=UTC),
            [(3, 11, 14, 0), (4, 8, 13, 0), (5, 13, 13, 0)],
        ),
        (
            "monthly last fri 09:30 1h",
            datetime(2026, 3, 1, tzinfo=UTC),
            [(3, 27, 9, 30), (4, 24, 8, 30), (5, 29, 8, 30)],
        ),
    ],
)
def test_fortnightly_and_monthly_rules_give_their_dates_in_utc(
    text: str, after: datetime, expected: list[tuple[int, int, int, int]]
) -> None:
    starts = [start for start, _ in occurrences_from_rule(text, after, 3)]
    assert starts == [datetime(2026, m, d, h, mi, tzinfo=UTC) for m, d, h, mi in expected]
    checkins = [
        times(
            plan_meeting(
                replace(MEETING, starts_at=s, ends_at=s + timedelta(hours=1)),
                GROUP,
                after,
                grace=GRACE,
            )
        )[0]
        for s in starts
    ]
    assert checkins == [(CHECKIN, s - timedelta(minutes=15)) for s in starts]


def test_next_occurrence_steps_over_cancelled_ones() -> None:
    rule = read_rule("weekly tue 10:00 1h30m", LONDON, at(8))
    assert rule is not None
    assert next_occurrence(rule, LONDON, at(8)) == (START_AT, END_AT)
    week = timedelta(days=7)
    assert next_occurrence(rule, LONDON, at(8), skip={START_AT}) == (
        START_AT + week,
        END_AT + week,
    )
    assert next_occurrence(rule, LONDON, at(10)) == (START_AT + week, END_AT + week)


def test_occurrence_end_tells_a_changed_length_from_a_changed_day() -> None:
    longer = read_rule("weekly tue 10:00 2h", LONDON, at(8))
    other_day = read_rule("weekly wed 10:00 1h30m", LONDON, at(8))
    assert longer is not None and other_day is not None
    assert occurrence_end(longer, LONDON, START_AT) == at(12)
    assert occurrence_end(other_day, LONDON, START_AT) is None


def test_an_unreadable_rule_gives_none() -> None:
    assert read_rule("every so often", LONDON, at(8)) is None
