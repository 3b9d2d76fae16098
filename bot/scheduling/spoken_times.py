"""Times of day as people write them: `18:30`, `18.30`, `6.30pm`, `6pm`, `6 pm`, `noon`.

Schedule rules keep to the 24-hour clock with a colon (`bot.scheduling.rule`), because a rule is
copied and read back for years; moving one meeting is a one-off, typed quickly on a phone, so it
takes the time the way people say it. A bare number (`6`) is refused rather than guessed: six in
the morning and six in the evening are both meeting times somewhere.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time

from bot.text_safety import neutralise

EXAMPLES = "18:30, 6.30pm or 6pm"

_TIME = re.compile(r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?")
_WORDS = {"noon": time(12, 0), "midday": time(12, 0)}


class TimeNotUnderstood(ValueError):
    """A time of day that could not be read; its text is a plain message for people."""


def looks_like_time(text: str) -> bool:
    """Whether `text` is meant as a time (so a reader can tell a time from a date)."""
    folded = _fold(text)
    if folded in _WORDS:
        return True
    match = _TIME.fullmatch(folded)
    return match is not None and (match["minute"] is not None or match["half"] is not None)


def read_time(text: str) -> time:
    """The time of day in `text`; `TimeNotUnderstood` with a plain message if it is not one."""
    folded = _fold(text)
    if folded in _WORDS:
        return _WORDS[folded]
    match = _TIME.fullmatch(folded)
    shown = neutralise(text.strip()[:20])  # handed back in a reply: never a ping or markup
    if match is None:
        raise TimeNotUnderstood(
            f"I couldn't read “{shown}” as a time. Please write it like {EXAMPLES}."
        )
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), match["half"]
    if half is None and match["minute"] is None:
        raise TimeNotUnderstood(
            f"Is “{shown}” in the morning or the evening? Please write it like {EXAMPLES}."
        )
    if minute > 59:
        raise TimeNotUnderstood(f"“{shown}” isn't a time of day: minutes go from 00 to 59.")
    if half is not None:
        if not 1 <= hour <= 12:
            raise TimeNotUnderstood(
                f"“{shown}” isn't a time of day: with am or pm, hours go from 1 to 12."
            )
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    elif hour > 23:
        raise TimeNotUnderstood(f"“{shown}” isn't a time of day: hours go from 00 to 23.")
    return time(hour, minute)


def _fold(text: str) -> str:
    # NFKC folds full-width digits and colons from phone keyboards into plain ones.
    return unicodedata.normalize("NFKC", text).strip().casefold()
