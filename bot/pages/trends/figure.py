"""The shape every trend figure takes: a table of buckets (meetings or months) by series.

A chart and its data table are drawn from the same `Figure`, so what the picture shows and what
the table says can never disagree. A cell is a number, or `WITHHELD`: the crowd rule did not let
that figure show, and the page says "fewer than k" in words instead (never 0, which would itself
be a figure).

Figures are built from whole buckets only: a meeting is in a period or not, and a month is in it
when any of its days is. So whatever two periods a facilitator compares, each differs from the
other only by whole buckets, each of which is shown (under the crowd rule) on its own row; and a
running total is a sum of the shown rows, so it only ever moves by a step that was itself allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from statistics import median_low
from typing import Final, Literal, TypeVar

from bot.handlers.privacy.crowd_rule import crowd

T = TypeVar("T")


class Withheld:
    """The crowd rule kept this figure back: fewer than `k` contributions."""

    _instance: Withheld | None = None

    def __new__(cls) -> Withheld:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "WITHHELD"


WITHHELD: Final = Withheld()
Cell = int | float | Withheld
ChartKind = Literal["bar", "stacked", "line"]
COUNT_UNITS = frozenset({"people", "elephants", "actions", "shares"})

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def in_months(items: Iterable[T], day_of: Callable[[T], date | None]) -> dict[date, list[T]]:
    """Items by the first day of the month of their day (those without one left out), each
    month's in the order given: one pass, where filtering the items again for every month of
    three years made a figure's cost grow with months times items."""
    found: dict[date, list[T]] = {}
    for item in items:
        day = day_of(item)
        if day is not None:
            found.setdefault(day.replace(day=1), []).append(item)
    return found


def fewer_than(k: int) -> str:
    """ "fewer than three": how a withheld figure is said, with `k` (a setting, not a count)."""
    return f"fewer than {NUMBER_WORDS[k] if 0 <= k < len(NUMBER_WORDS) else k}"


def counted(n: int, k: int) -> Cell:
    """A count as it may be shown: a whole crowd of `k`, or withheld (nothing, too, is withheld:
    telling none from one or two would itself be a figure below `k`)."""
    shown = crowd(n, k)
    return shown if shown else WITHHELD


@dataclass(frozen=True, slots=True)
class Row:
    """One bucket: a meeting ("Tue 3 Mar 2026") or a month ("March 2026")."""

    label: str
    cells: tuple[Cell, ...]
    month: date | None = None
    """The first day of the bucket's month (a meeting's, in the group's time zone)."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A titled table of buckets by series, with plain words about it."""

    key: str
    title: str
    description: str
    series: tuple[str, ...]
    rows: tuple[Row, ...]
    kind: ChartKind = "bar"
    unit: str = "people"
    notes: tuple[str, ...] = field(default=())
    """Plain sentences shown under the chart (what a withheld cell means, what counts)."""
    bucket: str = "Meeting"
    """What one row is: a meeting or a month (the table's first heading)."""
    summed: tuple[int, ...] = ()
    """In a figure of averages or days, the columns that are counts (added up by month)."""
    drawn: int = 0
    """How many of the first series the chart draws (0: all); the rest are in the table only,
    such as how many answers an average was taken over."""

    @property
    def counts(self) -> bool:
        """Whether the drawn cells are counts of people or things (so each is a whole crowd)."""
        return self.unit in COUNT_UNITS

    @property
    def drawn_series(self) -> tuple[str, ...]:
        return self.series[: self.drawn] if self.drawn else self.series

    def column(self, index: int) -> list[Cell]:
        return [row.cells[index] for row in self.rows]

    @property
    def empty(self) -> bool:
        """Nothing in it may be shown at all (every cell withheld, or no buckets)."""
        return all(isinstance(cell, Withheld) for row in self.rows for cell in row.cells)


def total(cells: Sequence[Cell]) -> Cell:
    """The sum of the shown counts (a withheld cell adds nothing: it was never released)."""
    found = sum(cell for cell in cells if isinstance(cell, int))
    return found if found else WITHHELD


def running(cells: Sequence[Cell]) -> tuple[Cell, ...]:
    """Running totals of shown counts: each step is a shown cell, so it was itself allowed."""
    sums: list[Cell] = []
    so_far = 0
    for cell in cells:
        if isinstance(cell, int):
            so_far += cell
        sums.append(so_far if so_far else WITHHELD)
    return tuple(sums)


MONTHLY_AFTER = 53
"""More meetings than a year of weekly ones are drawn and tabled by month: 150 bars in a chart
read as a smear, and drawing them is slow."""


def _merged(cells: Sequence[Cell], how: str) -> Cell:
    shown = [cell for cell in cells if not isinstance(cell, Withheld)]
    if how == "sum":
        return total(cells)
    if not shown:
        return WITHHELD
    if how == "last":
        return cells[-1]
    if all(isinstance(cell, int) for cell in shown):
        return median_low(shown)
    return round(sum(shown) / len(shown), 1)


def by_month(figure: Figure) -> Figure:
    """A meeting figure regrouped by month, from its shown cells only: counts added up, running
    totals as they stood at the month's last meeting, averages and middle answers as the middle
    of the month's meetings. Nothing new is worked out from what the crowd rule held back."""
    if len(figure.rows) <= MONTHLY_AFTER or any(row.month is None for row in figure.rows):
        return figure
    months: dict[date, list[Row]] = {}
    for row in figure.rows:
        assert row.month is not None
        months.setdefault(row.month, []).append(row)
    rows = []
    for month, members in months.items():
        cells = []
        for index in range(len(figure.series)):
            column = [row.cells[index] for row in members]
            if figure.key == "balance":
                how = "last"
            elif figure.counts or index in figure.summed:
                how = "sum"
            else:
                how = "middle"
            cells.append(_merged(column, how))
        rows.append(Row(f"{month:%B %Y}", tuple(cells), month))
    note = (
        "Over a long period each row is a month: counts are added up from the meetings, and "
        "averages and middle answers are the middle of the month's meetings."
    )
    return replace(figure, rows=tuple(rows), bucket="Month", notes=(*figure.notes, note))
