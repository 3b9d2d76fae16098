"""The facilitators' trend figures read from a seeded history, on SQLite and PostgreSQL: each
figure says what the data says, under the crowd rule, and nothing below `k` ever shows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bench.history import (
    ROLES,
    START,
    elephant_closed,
    heard_answers,
    late_share,
    mood,
    passed,
    present,
    seed_history,
    shares,
)
from bot.handlers.privacy.crowd_rule import crowd
from bot.pages.period import Period
from bot.pages.trends import WITHHELD, GroupNotFound, Trends, Withheld, read_trends
from bot.pages.trends.figure import by_month
from bot.store.database import Database

WEEKS, PEOPLE = 12, 10
FIRST = START.date()
WHOLE = Period(FIRST, FIRST + timedelta(weeks=WEEKS), "the seeded weeks")


async def _trends(db: Database, k: int = 3, period: Period = WHOLE) -> Trends:
    history = await seed_history(db, weeks=WEEKS, people=PEOPLE)
    return await read_trends(db, history.group_id, period, k)


async def test_attendance_counts_passes_as_being_there_in_whole_crowds(db: Database) -> None:
    trends = await _trends(db)
    assert trends.meetings == WEEKS
    expected = [crowd(sum(present(n, w) for n in range(PEOPLE)), 3) for w in range(WEEKS)]
    assert [row.cells[0] for row in trends.attendance.rows] == expected
    assert trends.attendance.rows[0].label == "Tue 3 Jan 2023"


async def test_moods_show_only_moods_chosen_by_k_or_more(db: Database) -> None:
    trends = await _trends(db)
    for w, row in enumerate(trends.mood_spread.rows):
        given = [mood(n, w) for n in range(PEOPLE) if present(n, w) and not passed(n, w)]
        shown = [c for c in row.cells if not isinstance(c, Withheld)]
        assert all(isinstance(c, int) and c >= 3 and c % 3 == 0 for c in shown)
        assert sum(shown) <= len(given)  # type: ignore[arg-type]


async def test_sharing_by_role_matches_the_answers_under_the_crowd_rule(db: Database) -> None:
    trends = await _trends(db)
    series = trends.sharing.series
    assert "Lived experience" in series and "Professionals" in series
    lived = series.index("Lived experience")
    for w, row in enumerate(trends.sharing.rows):
        shared = sum(
            1
            for n in range(PEOPLE)
            if present(n, w) and shares(n, w) and ROLES[n % len(ROLES)] == "lived-experience"
        )
        assert row.cells[lived] == (crowd(shared, 3) or WITHHELD)
    # "both" has two people of ten: never a line of its own.
    assert not any("Both" in name for name in series)


async def test_the_running_balance_moves_only_by_shown_steps(db: Database) -> None:
    trends = await _trends(db)
    sharing, balance = trends.sharing, trends.balance
    lived = sharing.series.index("Lived experience")
    running = balance.series.index("Lived experience: shared, running total")
    so_far = 0
    for shown_row, balance_row in zip(sharing.rows, balance.rows, strict=True):
        cell = shown_row.cells[lived]
        so_far += cell if isinstance(cell, int) else 0
        assert balance_row.cells[running] == (so_far or WITHHELD)
    late = balance.series.index("Lived experience: shared after the reveal, running total")
    late_total = sum(
        crowd(
            sum(
                1
                for n in range(PEOPLE)
                if present(n, w)
                and shares(n, w)
                and late_share(n, w)
                and ROLES[n % len(ROLES)] == "lived-experience"
            ),
            3,
        )
        for w in range(WEEKS)
    )
    assert balance.rows[-1].cells[late] == (late_total or WITHHELD)


async def test_feeling_heard_shows_an_average_only_over_k_or_more(db: Database) -> None:
    trends = await _trends(db)
    for w, row in enumerate(trends.heard.rows):
        if heard_answers(w) == 0:
            assert row.cells == (WITHHELD, WITHHELD)
        else:
            scores = [1 + (w + i) % 5 for i in range(6)]
            assert row.cells == (round(sum(scores) / 6, 1), 6)


async def test_ladder_shows_both_sides_when_each_has_k(db: Database) -> None:
    history = await seed_history(db, weeks=WEEKS, people=PEOPLE)
    trends = await read_trends(db, history.group_id, WHOLE, 3)
    first = trends.ladder.rows[0].cells
    assert first[3] == 6
    assert all(isinstance(c, int) and 1 <= c <= 7 for c in first[:3])
    bigger = await read_trends(db, history.group_id, WHOLE, 4)  # three a side: below k=4 each
    assert all(row.cells[1] is WITHHELD for row in bigger.ladder.rows)


async def test_elephants_and_actions_count_whole_months(db: Database) -> None:
    history = await seed_history(db, weeks=WEEKS, people=PEOPLE)
    trends = await read_trends(db, history.group_id, WHOLE, 3)
    assert [row.label for row in trends.elephants.rows] == [
        "January 2023",
        "February 2023",
        "March 2023",
    ]
    named = {}
    for w in range(WEEKS):
        month = (START + timedelta(weeks=w)).date().replace(day=1)
        named[month] = named.get(month, 0) + 1
    assert [row.cells[0] for row in trends.elephants.rows] == [
        crowd(named.get(m, 0), 3) or WITHHELD for m in trends.months
    ]
    # Two elephants close each month: under k=3 nothing shows, under k=2 both do.
    assert trends.elephant_time.empty
    pairs = await read_trends(db, history.group_id, WHOLE, 2)
    assert [row.cells for row in pairs.elephant_time.rows] == [(14, 2)] * 3
    assert sum(elephant_closed(w) for w in range(WEEKS)) == WEEKS // 2
    due = [row.cells[0] for row in trends.actions.rows]
    assert all(c is WITHHELD or (isinstance(c, int) and c % 3 == 0) for c in due)


async def test_a_short_period_withholds_everything_below_k(db: Database) -> None:
    one_meeting = Period(FIRST, FIRST, "one day")
    trends = await _trends(db, k=9, period=one_meeting)
    assert trends.meetings == 1
    for figure in trends.figures:
        for row in figure.rows:
            for cell in row.cells:
                if figure.counts and isinstance(cell, int):
                    assert cell >= 9 and cell % 9 == 0


async def test_no_figure_anywhere_is_a_count_below_k(db: Database) -> None:
    history = await seed_history(db, weeks=WEEKS, people=PEOPLE)
    for k in (2, 3, 4, 5, 7):
        trends = await read_trends(db, history.group_id, WHOLE, k)
        for figure in trends.figures:
            if not figure.counts:
                continue
            for row in figure.rows:
                for cell in row.cells:
                    assert isinstance(cell, Withheld) or (cell >= k and cell % k == 0)


async def test_an_unknown_group_is_not_found(db: Database) -> None:
    with pytest.raises(GroupNotFound):
        await read_trends(db, 999, WHOLE, 3)


async def test_a_period_with_nothing_in_it_has_rows_of_withheld_only(db: Database) -> None:
    later = Period(date(2030, 1, 1), date(2030, 1, 31), "later")
    trends = await _trends(db, period=later)
    assert trends.meetings == 0
    assert not trends.attendance.rows
    assert trends.elephants.empty


async def test_overlapping_periods_share_whole_buckets_so_nothing_differences_out(
    db: Database,
) -> None:
    history = await seed_history(db, weeks=WEEKS, people=PEOPLE)
    wide = await read_trends(db, history.group_id, WHOLE, 3)
    # A day later at the start and before the last meeting at the end: same months, fewer meetings.
    narrow_period = Period(FIRST + timedelta(days=1), WHOLE.end - timedelta(days=8), "narrower")
    narrow = await read_trends(db, history.group_id, narrow_period, 3)
    assert narrow.elephants == wide.elephants
    assert narrow.elephant_time == wide.elephant_time
    assert narrow.actions == wide.actions
    # Meetings are whole too: the narrower period's rows are the wider one's, less its ends.
    assert narrow.attendance.rows == wide.attendance.rows[1:-1]
    assert narrow.mood_spread.rows == wide.mood_spread.rows[1:-1]
    assert narrow.sharing.rows == wide.sharing.rows[1:-1]
    assert narrow.heard.rows == wide.heard.rows[1:-1]


async def test_more_than_a_year_of_meetings_is_drawn_by_month(db: Database) -> None:
    history = await seed_history(db, weeks=60, people=PEOPLE)
    period = Period(FIRST, FIRST + timedelta(weeks=60), "sixty weeks")
    trends = await read_trends(db, history.group_id, period, 3)
    assert len(trends.attendance.rows) == 60
    monthly = by_month(trends.attendance)
    assert monthly.bucket == "Month" and monthly.rows[0].label == "January 2023"
    january = [row.cells[0] for row in trends.attendance.rows if row.month == date(2023, 1, 1)]
    assert monthly.rows[0].cells[0] == sum(c for c in january if isinstance(c, int))
    balance = by_month(trends.balance)
    last_of_january = [row for row in trends.balance.rows if row.month == date(2023, 1, 1)][-1]
    assert balance.rows[0].cells == last_of_january.cells
    assert by_month(trends.elephants) is trends.elephants  # months already
    short = await read_trends(db, history.group_id, WHOLE, 3)
    assert by_month(short.attendance) is short.attendance
