"""Reading the amounts people type (`1h30`, `90m`, `1.5h`, `12.40`, `£12`) and saying them back.

Pure functions, so the rules are tested on their own; each refusal is a plain sentence that says
what to type instead.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot import limits

_HOURS = re.compile(
    r"^(?P<h>\d{1,3}(?:\.\d{1,2})?)\s*(?:h|hr|hrs|hour|hours)"
    r"(?:\s*(?P<m>\d{1,2})\s*(?:m|min|mins|minute|minutes)?)?$"
)
_MINUTES = re.compile(r"^(?P<m>\d{1,4})\s*(?:m|min|mins|minute|minutes)$")
TIME_EXAMPLE = "for example `1h`, `90m`, `1h30` or `1.5h`"


class AmountNotUnderstood(ValueError):
    """An amount that could not be read; its str is the plain message for the person."""


def read_minutes(text: str) -> int:
    """Minutes from `1h`, `90m`, `1h30`, `1h 30m`, `1.5h`; refused if none or over a day."""
    word = text.strip().lower()
    hours = _HOURS.match(word)
    minutes = _MINUTES.match(word)
    if hours:
        total = Decimal(hours["h"]) * 60 + int(hours["m"] or 0)
    elif minutes:
        total = Decimal(minutes["m"])
    else:
        raise AmountNotUnderstood(
            f"I couldn't read “{text[:20]}” as a length of time: {TIME_EXAMPLE}."
        )
    if total != total.to_integral_value():
        raise AmountNotUnderstood("Please give the time in whole minutes, " + TIME_EXAMPLE + ".")
    if total <= 0:
        raise AmountNotUnderstood("The time needs to be more than nothing, " + TIME_EXAMPLE + ".")
    if total > limits.RECOGNITION_MINUTES:
        raise AmountNotUnderstood(
            "That's more than a day in one go. Please add it a day at a time, or check the "
            "number: " + TIME_EXAMPLE + "."
        )
    return int(total)


def read_pence(text: str) -> int:
    """Pence from `12.40`, `£12.40`, `12,40` or `12`; refused if negative, zero, finer than a
    penny or absurdly large."""
    word = text.strip().lstrip("£").strip()
    # `12,40` is how much of Europe writes £12.40; `1,240` is a thousands separator.
    word = word.replace(",", ".") if re.fullmatch(r"\d+,\d{2}", word) else word.replace(",", "")
    if word.startswith("-"):
        raise AmountNotUnderstood(
            "An expense can't be less than nothing. Type what you spent, for example "
            "`expense add 12.40 bus fares`; to take one off, use `expense remove <number>`."
        )
    try:
        amount = Decimal(word)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or not re.fullmatch(r"\d+(?:\.\d+)?", word):
        raise AmountNotUnderstood(
            f"I couldn't read “{text[:20]}” as an amount in pounds. For example: "
            "`expense add 12.40 bus fares`."
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise AmountNotUnderstood(
            "Pounds and pence take at most two numbers after the point, like `12.40`."
        )
    if amount <= 0:
        raise AmountNotUnderstood("The amount needs to be more than £0, like `12.40`.")
    pence = int(amount * 100)
    if pence > limits.RECOGNITION_PENCE:
        raise AmountNotUnderstood(
            f"That's more than {say_pence(limits.RECOGNITION_PENCE)} in one expense. Please check "
            "the number; for a bigger sum, talk to a facilitator."
        )
    return pence


def say_minutes(minutes: int) -> str:
    """`90` as "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("" if hours == 1 else "s"))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("" if rest == 1 else "s"))
    return " ".join(parts)


def say_pence(pence: int) -> str:
    """`1240` as "£12.40"."""
    return f"£{pence // 100:,}.{pence % 100:02d}"
