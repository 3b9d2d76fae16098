"""The period read from a page's query: presets, dates, a sensible default, and a plain sentence
for every bad input."""

from __future__ import annotations

from datetime import date

import pytest

from bot.pages.period import Period, PeriodError, read_period

TODAY = date(2026, 5, 31)


def test_nothing_given_is_the_last_twelve_months() -> None:
    assert read_period({}, today=TODAY) == Period(date(2025, 6, 1), TODAY, "the last 12 months")


def test_presets() -> None:
    assert read_period({"period": "3m"}, today=TODAY).start == date(2026, 3, 1)
    assert read_period({"period": "all"}, today=TODAY, first_day=date(2024, 2, 1)).start == date(
        2024, 2, 1
    )
    # The end of a long month, three months on from a short one.
    assert read_period({"period": "3m"}, today=date(2026, 5, 31)).days == 92


def test_own_dates_are_both_included() -> None:
    found = read_period({"from": "2026-03-01", "to": "2026-03-31"}, today=TODAY)
    assert (found.start, found.end, found.days) == (date(2026, 3, 1), date(2026, 3, 31), 31)
    assert found.label == "1 March 2026 to 31 March 2026"


def test_a_period_runs_from_the_group_s_first_day_to_today_at_most() -> None:
    """A far "to" date would otherwise make tens of thousands of empty months to draw."""
    found = read_period(
        {"from": "2000-01-01", "to": "9999-12-31"}, today=TODAY, first_day=date(2024, 2, 1)
    )
    assert (found.start, found.end) == (date(2024, 2, 1), TODAY)
    assert found.label == "1 February 2024 to 31 May 2026"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"from": "2026-03-01"}, "both a “from” and a “to” date"),
        ({"from": "1 March", "to": "2026-03-31"}, "should look like 2026-03-01"),
        ({"from": "2026-02-30", "to": "2026-03-31"}, "should look like 2026-03-01"),
        ({"from": "2026-04-01", "to": "2026-03-01"}, "after the “to” date"),
        ({"from": "2027-01-01", "to": "2027-02-01"}, "in the future"),
        ({"from": "1999-12-31", "to": "2026-01-01"}, "before 2000"),
        ({"from": "2026-03-01" * 50, "to": "2026-03-31"}, "should look like"),
        ({"period": "forever"}, "I don't know that period"),
    ],
)
def test_bad_input_gets_a_plain_sentence(query: dict[str, str], words: str) -> None:
    with pytest.raises(PeriodError) as refused:
        read_period(query, today=TODAY)
    assert words in str(refused.value)
