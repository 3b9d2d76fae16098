"""Days as people write them: `2026-12-25`, `25 Dec`, `Dec 25th`, `25/12`, `next tuesday`.

Facilitators skip a meeting on `25 Dec` and members set an action `by next tuesday`; nobody should
have to think in ISO dates. Everything here is read against `today`, the group's local date (the
caller works it out from the group's time zone), so "tomorrow" means the same day to everyone in
the group wherever the server is.

The rules, so every command reads a day the same way:
- `YYYY-MM-DD` is always accepted.
- A day and month without a year (`25 Dec`, `25/12`) is the next such day: this year's if it has
  not gone by, otherwise next year's. Numbers with slashes are day first (`25/12`), as in Britain
  and Ireland, where our groups are.
- A weekday on its own (`tuesday`) and `next tuesday` are the first such day after today;
  `this tuesday` may be today itself.
- `today`, `tomorrow`, `in 3 days`, `in 2 weeks`.

Hand-written rather than a date-parsing library: the forms above are all we accept, each mistake
gets a message in plain words (a general parser would guess), and the well-known parsers add
about half a second to start-up, which hosts that start the bot on the first request feel.
"""

from __future__ import annotations

import calendar
import difflib
import re
from datetime import date, timedelta

from bot.scheduling.day_words import DAY_NAMES, MONTH_NAMES, WEEKDAYS

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    _MONTHS[_name.lower()] = _number
    _MONTHS[_name.lower()[:3]] = _number
_MONTHS["sept"] = 9

EXAMPLES = "`2026-12-25`, `25 Dec`, `25/12`, `tomorrow` or `next tuesday`"

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?(?: of)? ([a-z]+)(?: (\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+) (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?$")
_IN = re.compile(r"^in (\d{1,3}|a|one) (day|days|week|weeks)$")


class DayNotUnderstood(ValueError):
    """What was typed is not a day we can read; the message says why in plain words."""


def read_day(text: str, today: date) -> date:
    """The day `text` names, read against the group's local `today`; raises `DayNotUnderstood`.

    A day in the past is returned as it is (only `YYYY-MM-DD` and `25/12/2026` can name one):
    whether that is allowed is the caller's decision, and its message is the clearer one."""
    words = " ".join(text.strip().lower().rstrip(".,;:!?").replace(",", " ").split())
    words = words.removeprefix("on ").strip()
    if not words:
        raise DayNotUnderstood(f"Please say which day, for example {EXAMPLES}.")
    for reader in (_relative, _weekday, _iso, _slashed, _named_month):
        found = reader(words, today)
        if found is not None:
            return found
    shown = text.strip() if len(text.strip()) <= 30 else text.strip()[:30] + "…"
    raise DayNotUnderstood(f"I couldn't read “{shown}” as a day. Try {EXAMPLES}.")


def describe_day(day: date, today: date) -> str:
    """A day as people say it: "Friday 25 December", with the year when it is not this year."""
    said = f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    return said if day.year == today.year else f"{said} {day.year}"


# -- the readers, each returning None when the text is not its form ---------------------------


def _relative(words: str, today: date) -> date | None:
    if words == "today":
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    match = _IN.match(words)
    if match is None:
        return None
    count = 1 if match.group(1) in {"a", "one"} else int(match.group(1))
    weeks = match.group(2).startswith("week")
    return today + (timedelta(weeks=count) if weeks else timedelta(days=count))


def _weekday(words: str, today: date) -> date | None:
    first, _, rest = words.partition(" ")
    this = first == "this"
    name = rest if first in {"this", "next"} else words
    if name not in WEEKDAYS:
        return None
    ahead = (WEEKDAYS[name] - today.weekday()) % 7
    if ahead == 0 and not this:
        ahead = 7
    return today + timedelta(days=ahead)


def _iso(words: str, today: date) -> date | None:
    match = _ISO.match(words)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    return _made(year, month, day)


def _slashed(words: str, today: date) -> date | None:
    match = _SLASHED.match(words)
    if match is None:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    if match.group(3) is None:
        return _next_of(day, month, today)
    year = int(match.group(3))
    return _made(year + 2000 if year < 100 else year, month, day)


def _named_month(words: str, today: date) -> date | None:
    match = _DAY_MONTH.match(words)
    if match is not None:
        day_text, month_text, year_text = match.groups()
    else:
        match = _MONTH_DAY.match(words)
        if match is None:
            return None
        month_text, day_text, year_text = match.groups()
    month = _MONTHS.get(month_text)
    if month is None:
        guess = difflib.get_close_matches(month_text, list(_MONTHS), n=1, cutoff=0.6)
        hint = f" Did you mean {MONTH_NAMES[_MONTHS[guess[0]] - 1]}?" if guess else ""
        raise DayNotUnderstood(
            f"I don't know the month “{month_text[:20]}”.{hint} Write it as a word (`Dec` or "
            f"`December`) or try {EXAMPLES}."
        )
    if year_text is None:
        return _next_of(int(day_text), month, today)
    return _made(int(year_text), month, int(day_text))


def _next_of(day: int, month: int, today: date) -> date:
    """The next `day` of `month` from today: this year's unless it has gone by (29 February:
    the next leap year's)."""
    year = today.year
    while True:
        found = _in_year(year, month, day)
        if found is not None and found >= today:
            return found
        year += 1


def _in_year(year: int, month: int, day: int) -> date | None:
    """`_made`, except that 29 February in a year without one is None, to look further ahead."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return None
    return _made(year, month, day)


def _made(year: int, month: int, day: int) -> date:
    """The date, or a plain message about what is wrong with it."""
    if not 1 <= month <= 12:
        raise DayNotUnderstood(
            f"There is no month {month}. Dates are written day first (`25/12`), or as {EXAMPLES}."
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise DayNotUnderstood(
            f"{_month_said(year, month, day)} has no {_ordinal(day)}. Please check the day."
        ) from None


def _month_said(year: int, month: int, day: int) -> str:
    """The month, with its year only where the year is the problem (29 February)."""
    name = MONTH_NAMES[month - 1]
    return f"{name} {year}" if (month, day) == (2, 29) else name


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return str(number) + {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
