"""Actions done on time, by the month they were due.

An action's owner is named to the group, so a small count could point at a person ("the one
action due in May was late"): every count here goes through the crowd rule like the others.
Dropped actions are left out; an action is on time when it was marked done on or before its due
day (in the group's time zone), late when done after it, and still open otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.pages.trends.elephants import month_label
from bot.pages.trends.figure import Figure, Row, counted, in_months


@dataclass(frozen=True, slots=True)
class ActionDates:
    due_on: date
    done_on: date | None


def actions_figure(months: Sequence[date], items: Sequence[ActionDates], k: int) -> Figure:
    rows = []
    due_in = in_months(items, lambda a: a.due_on)
    for month in months:
        due = due_in.get(month, [])
        on_time = [a for a in due if a.done_on is not None and a.done_on <= a.due_on]
        late = [a for a in due if a.done_on is not None and a.done_on > a.due_on]
        rows.append(
            Row(
                month_label(month),
                (counted(len(due), k), counted(len(on_time), k), counted(len(late), k)),
            )
        )
    return Figure(
        key="actions",
        title="Actions done on time",
        description=(
            "Actions due each month: how many there were, how many were done by their due day, "
            f"and how many were done later. A count shows only when it is {k} or more."
        ),
        series=("Due", "Done on time", "Done later"),
        rows=tuple(rows),
        kind="bar",
        unit="actions",
        bucket="Month",
    )
