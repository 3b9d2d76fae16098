"""Quiet hours: a daily stretch of the group's local time when the bot sends no nudges.

Quiet hours are stored as two "HH:MM" wall-clock strings in the group's time zone. A range may
cross midnight ("21:00-08:00" is quiet from nine in the evening until eight the next morning).
Everything here works on the wall clock, so a quiet night keeps the same local hours when the
clocks change; times given to and returned by `next_allowed` are aware datetimes, the result in
UTC because that is how the store and the scheduler count time.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.store.groups import Group

EXAMPLES = "for example `quiet-hours 21:00-08:00` or `quiet-hours 22:30-07:00`"
OFF_WORDS = frozenset({"off", "none", "no"})

# "21:00-08:00", "21:00 - 08:00", "9:30–17:00", "21:00 to 08:00".
_RANGE = re.compile(r"^\s*(\S+?)\s*(?:-|–|—|\bto\b)\s*(\S+)\s*$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_TWELVE_HOUR = re.compile(r"^\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)$")
_SAFE = re.compile(r"^[0-9:.apm]{1,8}$")


def parse_quiet_hours(text: str) -> tuple[str, str] | None:
    """Read quiet hours typed by a facilitator: ("21:00", "08:00"), or None for "off".

    Raises `UserError` (with the person's text) saying what was wrong and showing examples.
    """
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    if folded in OFF_WORDS:
        return None
    if not folded:
        raise UserError(f"Please give the quiet hours, {EXAMPLES}, or `quiet-hours off`.")
    match = _RANGE.match(folded)
    if match is None:
        raise UserError(
            "Please give quiet hours as a start and an end time with a dash between them, "
            f"{EXAMPLES}. To turn them off, type `quiet-hours off`.",
            original=text,
        )
    start = _parse_time(match.group(1), text)
    end = _parse_time(match.group(2), text)
    if start == end:
        raise UserError(
            f"Quiet hours need to start and end at different times, {EXAMPLES}. "
            "To turn them off, type `quiet-hours off`.",
            original=text,
        )
    return start, end


def _parse_time(word: str, original: str) -> str:
    """One "H:MM" or "HH:MM" time on the 24-hour clock, returned as "HH:MM"."""
    shown = f"“{word}”" if _SAFE.match(word) else "One of the times"
    if _TWELVE_HOUR.match(word):
        raise UserError(
            f"Please use the 24-hour clock rather than am/pm, {EXAMPLES}.", original=original
        )
    match = _TIME.match(word)
    if match is None:
        raise UserError(
            f"{shown} isn't a time I understand. Please write times like 21:00 or 7:30, "
            f"{EXAMPLES}.",
            original=original,
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise UserError(
            f"{shown} isn't a time of day: hours go from 00 to 23 and minutes from 00 to 59, "
            f"{EXAMPLES}.",
            original=original,
        )
    return f"{hour:02d}:{minute:02d}"


def describe(group: Group) -> str:
    """The group's quiet hours in words, for settings and confirmations."""
    if not group.quiet_start or not group.quiet_end:
        return "off"
    return f"{group.quiet_start} to {group.quiet_end} ({group.timezone} time)"


def _bounds(group: Group) -> tuple[time, time] | None:
    if not group.quiet_start or not group.quiet_end:
        return None
    start, end = time.fromisoformat(group.quiet_start), time.fromisoformat(group.quiet_end)
    return None if start == end else (start, end)


def _quiet_at(bounds: tuple[time, time], local: time) -> bool:
    start, end = bounds
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the range crosses midnight


def is_quiet(group: Group, when: datetime) -> bool:
    """Whether `when` (an aware datetime) falls in the group's quiet hours, on its wall clock."""
    bounds = _bounds(group)
    if bounds is None:
        return False
    local = when.astimezone(group.zone).time().replace(tzinfo=None)
    return _quiet_at(bounds, local)


def next_allowed(group: Group, when: datetime) -> datetime:
    """The first moment at or after `when` that is outside quiet hours.

    `when` itself if it is not quiet; otherwise the end of the current quiet period as aware
    UTC. The end is found on the wall clock of the day it falls on, so a clock change during the
    night is taken into account (eight o'clock is eight o'clock on either side of it).
    """
    bounds = _bounds(group)
    if bounds is None:
        return when
    zone = group.zone
    local = when.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if not _quiet_at(bounds, wall):
        return when
    start, end = bounds
    end_day = local.date()
    if start > end and wall >= start:
        end_day += timedelta(days=1)
    return _instant(end_day, end, zone, after=when)


def _instant(day: date, wall: time, zone: ZoneInfo, *, after: datetime) -> datetime:
    """The UTC instant the wall clock in `zone` first shows `wall` on `day`, later than `after`.

    In the spring-forward gap the time never shows, so the answer is the moment the clocks jump
    past it; in the autumn fold the time shows twice, and the first showing after `after` wins.
    """
    naive = datetime.combine(day, wall)
    for fold in (0, 1):
        candidate = naive.replace(tzinfo=zone, fold=fold)
        instant = candidate.astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) != naive:
            return _gap_end(naive, zone)
        if instant > after:
            return instant
    return naive.replace(tzinfo=zone, fold=1).astimezone(UTC)  # pragma: no cover - defensive


def _gap_end(naive: datetime, zone: ZoneInfo) -> datetime:
    """The instant the clocks jump forward over the non-existent local time `naive`."""
    early = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)  # the offset after the jump
    late = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)  # the offset before it
    after_offset = late.astimezone(zone).utcoffset()
    # The jump lies between the two readings; halve the interval down to the second.
    while late - early > timedelta(seconds=1):
        middle = early + (late - early) / 2
        if middle.astimezone(zone).utcoffset() == after_offset:
            late = middle
        else:
            early = middle
    return late.replace(microsecond=0)
