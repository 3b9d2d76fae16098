"""Elephants named and closed, month by month, and how long they stayed open.

Elephants are counted by calendar month (in the group's time zone), whole months only: a month
belongs to a period when any of its days does. An elephant is "named" in the month it was posted
and "closed" in the month it was last marked discussed, addressed or parked. Hidden ones (taken
down by a facilitator) are never counted. The time open is the middle (median) number of days of
the first whole crowd of `k` closed that month, in the order they were closed, so it rests on `k`
or more elephants and moves only when `k` more close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median_low

from bot.handlers.privacy.crowd_rule import first_crowd
from bot.pages.trends.figure import WITHHELD, Cell, Figure, Row, counted, in_months

CLOSED = frozenset({"discussed", "addressed", "parked"})


@dataclass(frozen=True, slots=True)
class ElephantDates:
    """When an elephant was named and (if it was) closed, as days in the group's time zone."""

    named_on: date
    closed_on: date | None
    days_open: int | None


def month_label(month: date) -> str:
    return f"{month:%B %Y}"


def elephants_figure(
    months: Sequence[date], items: Sequence[ElephantDates], k: int
) -> tuple[Figure, Figure]:
    """(named and closed, time open), one row per month."""
    counts_rows, time_rows = [], []
    named_in = in_months(items, lambda e: e.named_on)
    closed_in = in_months(items, lambda e: e.closed_on)
    for month in months:
        named = named_in.get(month, [])
        closed = sorted(closed_in.get(month, []), key=lambda e: (e.closed_on, e.named_on))
        label = month_label(month)
        counts_rows.append(Row(label, (counted(len(named), k), counted(len(closed), k))))
        crowd_closed = first_crowd(closed, k)
        days: Cell = (
            median_low([e.days_open or 0 for e in crowd_closed]) if crowd_closed else WITHHELD
        )
        time_rows.append(Row(label, (days, counted(len(crowd_closed), k))))
    opened_closed = Figure(
        key="elephants",
        title="Elephants named and closed",
        description=(
            "How many elephants were named each month, and how many were closed (discussed, "
            f"addressed or parked). A month shows a count only when it is {k} or more."
        ),
        series=("Named", "Closed"),
        rows=tuple(counts_rows),
        kind="bar",
        unit="elephants",
        bucket="Month",
    )
    time_open = Figure(
        key="elephant-time",
        title="How long elephants stayed open",
        description=(
            "For the elephants closed each month, the middle number of days between naming and "
            f"closing. It shows only when {k} or more were closed that month."
        ),
        series=("Days open (middle)", "Elephants closed"),
        rows=tuple(time_rows),
        kind="line",
        unit="days",
        bucket="Month",
        summed=(1,),
        drawn=1,
    )
    return opened_closed, time_open
