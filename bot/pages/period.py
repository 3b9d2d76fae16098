"""The period a facilitator looks back over, read from a page's query values.

A period is a span of whole days in the group's time zone, both ends included. It comes from
`from` and `to` (ISO dates, `2026-03-01`) or from a preset (`period=3m`, `12m`, `all`); with
nothing given it is the last twelve months, which covers a year of a group's life without being
slow to read. Bad input is never guessed at: `PeriodError` carries a plain sentence the page shows
above the form, with the facilitator's own values kept in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PRESETS: dict[str, str] = {
    "3m": "the last 3 months",
    "12m": "the last 12 months",
    "all": "everything so far",
}
"""Preset names as they appear in the query, and how the page says them."""
DEFAULT_PRESET = "12m"
EARLIEST = date(2000, 1, 1)
"""No group is older than this: an earlier `from` is a typing slip, not a wish."""
MAX_DATE_TEXT = 10


class PeriodError(ValueError):
    """The query asked for a period that cannot be; `str(error)` is the sentence to show."""


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days from `start` to `end`, both included, in the group's time zone."""

    start: date
    end: date
    label: str

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as UTC moments: its first instant and the first instant after it."""
        first = datetime.combine(self.start, time(), zone).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC)
        return first, after

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _months_back(today: date, months: int) -> date:
    """The day after the same date `months` months ago (clamped to the month's length)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day) + timedelta(days=1)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _day(value: str, name: str) -> date:
    text = value.strip()
    if len(text) > MAX_DATE_TEXT:
        raise PeriodError(f"The “{name}” date should look like 2026-03-01 (year-month-day).")
    try:
        found = date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            f"The “{name}” date should look like 2026-03-01 (year-month-day)."
        ) from None
    if found < EARLIEST:
        raise PeriodError(f"The “{name}” date is before {EARLIEST.year}. Please check the year.")
    return found


def describe(start: date, end: date) -> str:
    """ "1 March 2026 to 31 May 2026", as people say dates."""
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def read_period(query: Mapping[str, str], *, today: date, first_day: date | None = None) -> Period:
    """The period a query asks for. `today` is in the group's time zone; `first_day` is when
    the group began (for `all`, and as the earliest start worth reading).

    Raises `PeriodError` with a plain sentence when the values cannot make a period.
    """
    preset = query.get("period", "").strip().lower()
    start_text, end_text = query.get("from", "").strip(), query.get("to", "").strip()
    if start_text or end_text:
        if not (start_text and end_text):
            raise PeriodError(
                "Please give both a “from” and a “to” date, or choose one of the periods."
            )
        start, end = _day(start_text, "from"), _day(end_text, "to")
        if start > end:
            raise PeriodError("The “from” date is after the “to” date. Please swap them.")
        if start > today:
            raise PeriodError("The “from” date is in the future, so there is nothing to show yet.")
        # Nothing has happened after today, and a far "to" (9999-12-31) would make tens of
        # thousands of empty months: a period ends today at the latest, and starts no earlier
        # than the group did.
        end = min(end, today)
        start = max(start, first_day) if first_day and first_day <= end else start
        return Period(start, end, describe(start, end))
    preset = preset or DEFAULT_PRESET
    if preset not in PRESETS:
        choices = ", ".join(f"“{name}” ({words})" for name, words in PRESETS.items())
        raise PeriodError(f"I don't know that period. Please choose one of {choices}.")
    if preset == "all":
        start = first_day or EARLIEST
    else:
        start = _months_back(today, 3 if preset == "3m" else 12)
    start = min(start, today)
    return Period(start, today, PRESETS[preset])
