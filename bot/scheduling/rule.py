"""Meeting schedule rules, as facilitators type them: `weekly tue 10:00 90m`.

The rule is kept in the group's local wall-clock time, not in UTC, because that is how people
think about their meetings: "Tuesdays at ten" stays at ten when the clocks change. Turning the rule
into real instants happens only in `ScheduleRule.occurrences`, with the group's time zone.

Grammar (case-insensitive, any amount of space between words):

    weekly      <day> <time> <duration>
    fortnightly <day> <time> <duration> [from YYYY-MM-DD]
    monthly     <which> <day> <time> <duration>

- day: `monday` … `sunday`, or the first three letters (`tues`, `weds`, `thur`, `thurs` also work)
- which: `1st` `2nd` `3rd` `4th` `last`, or `first` `second` `third` `fourth`; there is no
  `5th`, because most months do not have a fifth of any weekday and a meeting that silently
  vanishes is worse than a clear refusal
- time: 24-hour `HH:MM` (`9:30` is fine)
- duration: `90m`, `1h`, `1h30m` (or `1h 30m`), from 5 minutes to 12 hours

Errors are `ScheduleRuleError`, whose message always ends with working examples, so whoever reads
it can copy one rather than guess (principle 7, "plain words, clear errors").
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.scheduling.day_words import DAY_NAMES, WEEKDAYS

Frequency = Literal["weekly", "fortnightly", "monthly"]

EXAMPLES: tuple[str, ...] = (
    "weekly tue 10:00 90m",
    "fortnightly mon 18:30 1h",
    "monthly 2nd wed 14:00 2h",
)
"""Rules that always parse; every error message lists them."""

MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(hours=12)
MAX_RULE_LENGTH = 120
"""Longer text cannot be a rule; refusing early keeps garbage out of the parser and the reply."""

_FREQUENCIES: tuple[Frequency, ...] = ("weekly", "fortnightly", "monthly")


_ORDINALS: dict[str, int] = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "last": -1,
}
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_ORDINAL_SHORT = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}
_LOOKS_ORDINAL = re.compile(r"\d+(st|nd|rd|th)|fifth")

_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_TIME_ISH = re.compile(r"\d{1,2}([:.]\d{1,2})?\s*(am|pm)?|\d{3,4}|\d+:\d+")
_HOURS = re.compile(r"(\d+)h")
_MINUTES = re.compile(r"(\d+)m")
_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SAFE_TOKEN = re.compile(r"[a-z0-9:.\-]{1,16}")


class ScheduleRuleError(ValueError):
    """A schedule the facilitator typed could not be understood.

    `problem` is the first, specific sentence; `str(error)` adds the working examples. `text`
    is what the person typed, so the reply can give it back to them to fix rather than retype.
    """

    def __init__(self, problem: str, text: str = "") -> None:
        self.problem = problem
        self.text = text
        examples = ", ".join(f"“{example}”" for example in EXAMPLES[:-1])
        super().__init__(
            f"{problem} A schedule looks like one of these: {examples} or “{EXAMPLES[-1]}”."
        )


@dataclass(frozen=True)
class ScheduleRule:
    """A repeating meeting, in the group's local wall-clock time.

    `weekday` counts from 0 for Monday, as `date.weekday()` does. `ordinal` is 1–4 or -1 for
    "last", and is set only for monthly rules. `anchor` is set only for fortnightly rules: the
    date of the first meeting, which also fixes which weeks are "on" (every 14 days from it).
    """

    frequency: Frequency
    weekday: int
    ordinal: int | None
    start: time
    duration: timedelta
    anchor: date | None = None

    def __post_init__(self) -> None:
        # A rule built by hand (or loaded from the database) must obey the same limits as a
        # parsed one, or `canonical()` could write text that `parse_rule` refuses.
        if self.frequency not in _FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0-6, not {self.weekday!r}")
        if self.frequency == "monthly":
            if self.ordinal not in _ORDINAL_WORDS:
                raise ValueError(f"monthly rules need an ordinal 1-4 or -1, not {self.ordinal!r}")
        elif self.ordinal is not None:
            raise ValueError("only monthly rules take an ordinal")
        if self.frequency == "fortnightly":
            if self.anchor is None:
                raise ValueError("fortnightly rules need an anchor date")
            if self.anchor.weekday() != self.weekday:
                raise ValueError("the anchor date must fall on the rule's weekday")
        elif self.anchor is not None:
            raise ValueError("only fortnightly rules take an anchor date")
        if self.start.tzinfo is not None or self.start.second or self.start.microsecond:
            raise ValueError("start must be a naive wall-clock time in whole minutes")
        if not MIN_DURATION <= self.duration <= MAX_DURATION or self.duration % timedelta(
            minutes=1
        ):
            raise ValueError("duration must be whole minutes between 5 minutes and 12 hours")

    def canonical(self) -> str:
        """The rule as text that `parse_rule` reads back to an equal rule; good for storing."""
        day = DAY_NAMES[self.weekday][:3].lower()
        when = f"{self.start:%H:%M} {_format_duration(self.duration)}"
        if self.frequency == "weekly":
            return f"weekly {day} {when}"
        if self.frequency == "fortnightly":
            assert self.anchor is not None  # checked in __post_init__
            return f"fortnightly {day} {when} from {self.anchor.isoformat()}"
        assert self.ordinal is not None  # checked in __post_init__
        return f"monthly {_ORDINAL_SHORT[self.ordinal]} {day} {when}"

    def describe(self) -> str:
        """The rule in plain English, for confirmations and the summary's "next meeting"."""
        day = DAY_NAMES[self.weekday]
        tail = f"at {self.start:%H:%M} for {_describe_duration(self.duration)}"
        if self.frequency == "weekly":
            return f"every {day} {tail}"
        if self.frequency == "fortnightly":
            return f"every other {day} {tail}"
        assert self.ordinal is not None  # checked in __post_init__
        return f"on the {_ORDINAL_WORDS[self.ordinal]} {day} of each month {tail}"

    def occurrences(self, after: datetime, tz: ZoneInfo) -> Iterator[tuple[datetime, datetime]]:
        """Yield (start, end) in UTC for each meeting starting strictly after `after`, in order.

        The wall-clock time is kept in `tz` across daylight-saving changes. A start time that
        does not exist that day (the spring-forward gap) moves forward by the length of the gap,
        and one that happens twice (the autumn fold) takes the first; both follow from resolving
        with `fold=0` (PEP 495). The end is the start plus the duration in elapsed time, so a
        meeting across a clock change still lasts as long as it says.

        The generator is lazy and endless (until the calendar runs out in year 9999), so take
        what you need with `itertools.islice` or a loop that breaks.
        """
        if after.tzinfo is None or after.utcoffset() is None:
            raise ValueError("'after' must be an aware datetime")
        # Begin two days early: a start resolved through a gap can land later than its date
        # suggests, and the strict comparison below drops anything not after `after` anyway.
        first_day = after.astimezone(tz).date() - timedelta(days=2)
        try:
            for day in self._dates_from(first_day):
                start = datetime.combine(day, self.start).replace(tzinfo=tz, fold=0)
                start_utc = start.astimezone(UTC)
                if start_utc > after:
                    yield start_utc, start_utc + self.duration
        except OverflowError:
            return

    def _dates_from(self, first_day: date) -> Iterator[date]:
        """Local dates of meetings on or after `first_day`, in order, forever."""
        if self.frequency == "monthly":
            assert self.ordinal is not None
            year, month = first_day.year, first_day.month
            while True:
                day = _nth_weekday(year, month, self.weekday, self.ordinal)
                if day >= first_day:
                    yield day
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        step = 7
        day = first_day + timedelta(days=(self.weekday - first_day.weekday()) % 7)
        if self.frequency == "fortnightly":
            # The anchor is the first meeting; from it on, every fourteenth day.
            assert self.anchor is not None
            step = 14
            day = max(first_day, self.anchor)
            day += timedelta(days=(self.anchor - day).days % 14)
        while True:
            yield day
            day += timedelta(days=step)


def parse_rule(text: str, *, today: date) -> ScheduleRule:
    """Read a schedule rule typed by a facilitator; raise `ScheduleRuleError` if it is not one.

    `today` is the group's local date. A fortnightly rule without `from YYYY-MM-DD` starts on
    the first matching weekday on or after it, and that date becomes the rule's anchor so the
    "on" weeks never drift.
    """
    # NFKC folds full-width letters, digits and colons from phone keyboards into plain ones.
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = folded.split()
    if not words:
        raise ScheduleRuleError("The schedule is empty.", text)
    if len(folded) > MAX_RULE_LENGTH:
        raise ScheduleRuleError("That is too long to be a schedule.", text)
    return _Parser(words, text, today).rule()


class _Parser:
    """Reads the words of one rule left to right, with a specific complaint for each slot."""

    def __init__(self, words: list[str], text: str, today: date) -> None:
        self.words = words
        self.position = 0
        self.text = text
        self.today = today

    def fail(self, problem: str) -> ScheduleRuleError:
        return ScheduleRuleError(problem, self.text)

    def next_word(self, missing: str) -> str:
        if self.position >= len(self.words):
            raise self.fail(f"That is missing {missing}.")
        word = self.words[self.position]
        self.position += 1
        return word

    def rule(self) -> ScheduleRule:
        frequency = self.frequency()
        ordinal = self.ordinal() if frequency == "monthly" else None
        if frequency != "monthly" and self.position < len(self.words):
            maybe = self.words[self.position]
            if maybe in _ORDINALS or _LOOKS_ORDINAL.fullmatch(maybe):
                raise self.fail(
                    f"{frequency.capitalize()} meetings don't take a week number like "
                    f"{_show(maybe, 'that')}; that is only for monthly ones."
                )
        weekday = self.weekday()
        start = self.start_time()
        duration = self.duration()
        anchor = self.anchor(weekday) if frequency == "fortnightly" else None
        if self.position < len(self.words):
            extra = self.words[self.position]
            if extra == "from":
                raise self.fail("Only fortnightly schedules take a “from” date.")
            raise self.fail(
                f"There is something extra at the end ({_show(extra, 'an extra word')}) "
                "that I don't understand."
            )
        return ScheduleRule(frequency, weekday, ordinal, start, duration, anchor)

    def frequency(self) -> Frequency:
        word = self.next_word("how often the meeting happens")
        for frequency in _FREQUENCIES:
            if word == frequency:
                return frequency
        if word in WEEKDAYS:
            raise self.fail("Please start with how often: weekly, fortnightly or monthly.")
        raise self.fail(
            f"{_show(word, 'The first word').capitalize()} isn't a frequency I know; "
            "please use weekly, fortnightly or monthly."
        )

    def ordinal(self) -> int:
        word = self.next_word("which week of the month (1st, 2nd, 3rd, 4th or last)")
        if word in _ORDINALS:
            return _ORDINALS[word]
        if word in ("5th", "fifth"):
            raise self.fail(
                "Not every month has a fifth one of each day, so please use "
                "1st, 2nd, 3rd, 4th or last."
            )
        if word in WEEKDAYS:
            raise self.fail(
                "Monthly meetings need to say which week: 1st, 2nd, 3rd, 4th or last, "
                "as in “monthly 2nd wed 14:00 2h”."
            )
        raise self.fail(
            f"{_show(word, 'That').capitalize()} isn't a week of the month I know; "
            "please use 1st, 2nd, 3rd, 4th or last."
        )

    def weekday(self) -> int:
        word = self.next_word("the day of the week")
        if word in WEEKDAYS:
            return WEEKDAYS[word]
        raise self.fail(
            f"{_show(word, 'The day you gave').capitalize()} isn't a day of the week I know; "
            "please use a day such as mon, tue or wednesday."
        )

    def start_time(self) -> time:
        word = self.next_word("the start time (like 10:00)")
        match = _TIME.fullmatch(word)
        if match is None:
            if _TIME_ISH.fullmatch(word):
                raise self.fail(
                    "Please write the start time on the 24-hour clock with a colon, "
                    "like 09:30 or 18:00."
                )
            raise self.fail(
                f"{_show(word, 'The start time you gave').capitalize()} isn't a time I understand; "
                "please write it like 09:30 or 18:00."
            )
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23:
            raise self.fail(
                f"{_show(word, 'That')} isn't a time of day: hours go from 00 to 23 "
                "on the 24-hour clock."
            )
        if minute > 59:
            raise self.fail(f"{_show(word, 'That')} isn't a time of day: minutes go from 00 to 59.")
        return time(hour, minute)

    def duration(self) -> timedelta:
        word = self.next_word("how long the meeting lasts (like 90m or 1h30m)")
        # "1h 30m" arrives as two words; take the minutes along with the hours.
        if (
            _HOURS.fullmatch(word)
            and self.position < len(self.words)
            and _MINUTES.fullmatch(self.words[self.position])
        ):
            word += self.words[self.position]
            self.position += 1
        match = _DURATION.fullmatch(word)
        if match is None:
            raise self.fail(
                f"{_show(word, 'The length you gave').capitalize()} isn't a length of time "
                "I understand; please write it like 90m, 1h or 1h30m."
            )
        # Count in plain integers first: a huge number would overflow `timedelta`.
        minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
        if minutes < MIN_DURATION // timedelta(minutes=1):
            raise self.fail("A meeting needs to last at least 5 minutes.")
        if minutes > MAX_DURATION // timedelta(minutes=1):
            raise self.fail("A meeting can last at most 12 hours.")
        return timedelta(minutes=minutes)

    def anchor(self, weekday: int) -> date:
        if self.position >= len(self.words) or self.words[self.position] != "from":
            return self.today + timedelta(days=(weekday - self.today.weekday()) % 7)
        self.position += 1
        word = self.next_word("the date of the first meeting after “from” (like 2025-03-04)")
        match = _DATE.fullmatch(word)
        problem = (
            f"{_show(word, 'The date you gave').capitalize()} isn't a date I understand; "
            "please write it as year-month-day, like 2025-03-04."
        )
        if match is None:
            raise self.fail(problem)
        try:
            anchor = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise self.fail(problem) from None
        if anchor.weekday() != weekday:
            raise self.fail(
                f"{anchor.day} {calendar.month_name[anchor.month]} {anchor.year} is a "
                f"{DAY_NAMES[anchor.weekday()]}, not a {DAY_NAMES[weekday]}."
            )
        return anchor


def _show(word: str, fallback: str) -> str:
    """Quote the person's word back only if it is short and plainly harmless.

    Error messages are posted by the bot, so echoing arbitrary text could carry a mention or
    markup; anything unusual is referred to by a neutral phrase instead.
    """
    if _SAFE_TOKEN.fullmatch(word):
        return f"“{word}”"
    return fallback


def _nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date:
    """The `ordinal`-th (or, for -1, the last) `weekday` of a month."""
    if ordinal == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))


def _split_duration(duration: timedelta) -> tuple[int, int]:
    minutes = int(duration.total_seconds()) // 60
    return divmod(minutes, 60)


def _format_duration(duration: timedelta) -> str:
    hours, minutes = _split_duration(duration)
    if not hours:
        return f"{minutes}m"
    return f"{hours}h{minutes}m" if minutes else f"{hours}h"


def _describe_duration(duration: timedelta) -> str:
    hours, minutes = _split_duration(duration)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
