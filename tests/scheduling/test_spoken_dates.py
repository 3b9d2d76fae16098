"""Days as people write them, read against the group's local today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scheduling.spoken_dates import (
    DAY_NAMES,
    MONTH_NAMES,
    DayNotUnderstood,
    describe_day,
    read_day,
)

MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-12-25", date(2026, 12, 25)),
        ("25 Dec", date(2026, 12, 25)),
        ("25 december", date(2026, 12, 25)),
        ("Dec 25th", date(2026, 12, 25)),
        ("25th of December 2027", date(2027, 12, 25)),
        ("on 1 Jan", date(2027, 1, 1)),
        ("Sept 3", date(2027, 9, 3)),
        ("25/12", date(2026, 12, 25)),
        ("25/12/27", date(2027, 12, 25)),
        ("7 December.", date(2026, 12, 7)),
        ("6 Dec", date(2027, 12, 6)),
        ("29 Feb", date(2028, 2, 29)),
        ("today", MONDAY),
        ("Tomorrow", date(2026, 12, 8)),
        ("in 2 weeks", date(2026, 12, 21)),
        ("in a day", date(2026, 12, 8)),
        ("tuesday", date(2026, 12, 8)),
        ("next Tues", date(2026, 12, 8)),
        ("Friday,", date(2026, 12, 11)),
        ("monday", date(2026, 12, 14)),
        ("next monday", date(2026, 12, 14)),
        ("this monday", MONDAY),
    ],
)
def test_days_people_write(typed: str, day: date) -> None:
    assert read_day(typed, MONDAY) == day


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Please say which day"),
        ("soon", "I couldn't read “soon” as a day"),
        ("31 Feb", "February has no 31st"),
        ("29 Feb 2027", "February 2027 has no 29th"),
        ("2026-02-30", "February has no 30th"),
        ("13/13", "There is no month 13"),
        ("25 Decembre", "Did you mean December?"),
        ("12/25", "There is no month 25"),
    ],
)
def test_mistakes_are_explained(typed: str, message: str) -> None:
    with pytest.raises(DayNotUnderstood, match=message):
        read_day(typed, MONDAY)


def test_a_long_mistake_is_shortened_in_the_reply() -> None:
    with pytest.raises(DayNotUnderstood) as caught:
        read_day("x" * 500, MONDAY)
    assert len(str(caught.value)) < 200


def test_describing_a_day_adds_the_year_only_when_it_is_not_this_year() -> None:
    assert describe_day(date(2026, 12, 25), MONDAY) == "Friday 25 December"
    assert describe_day(date(2027, 1, 1), MONDAY) == "Friday 1 January 2027"


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(day=days, today=days)
def test_every_written_form_with_a_year_reads_back_as_the_same_day(day: date, today: date) -> None:
    month = MONTH_NAMES[day.month - 1]
    for typed in (
        day.isoformat(),
        f"{day.day} {month} {day.year}",
        f"{day.day} {month[:3]} {day.year}",
        f"{month} {day.day} {day.year}",
        f"{day.day}/{day.month}/{day.year}",
    ):
        assert read_day(typed, today) == day


@given(day=days, today=days)
def test_a_day_without_a_year_is_the_next_such_day_and_never_in_the_past(
    day: date, today: date
) -> None:
    found = read_day(f"{day.day} {MONTH_NAMES[day.month - 1]}", today)
    assert (found.month, found.day) == (day.month, day.day)
    assert today <= found
    # and it is the first one: no such day between today and the one found
    earlier = [
        year for year in range(today.year, found.year) if _exists(year, day.month, day.day)
    ]
    assert all(date(year, day.month, day.day) < today for year in earlier)


@given(today=days, weekday=st.integers(0, 6))
def test_a_weekday_is_within_the_coming_week(today: date, weekday: int) -> None:
    name = DAY_NAMES[weekday]
    found = read_day(name, today)
    assert found.weekday() == weekday
    assert today < found <= today + timedelta(days=7)
    assert read_day(f"next {name}", today) == found
    assert today <= read_day(f"this {name}", today) < today + timedelta(days=7)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
