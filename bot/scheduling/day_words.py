"""The names of days and months, and the ways people write a weekday, in one place.

Meeting rules (`rule.py`) and dates typed in chat (`spoken_dates.py`) both read weekdays, so they
share this table: a short form that works in one (`weds`) works in the other. The names are
spelled out rather than taken from `calendar.day_name`, which follows the process's locale and
would change the bot's English replies on a server set to another language.
"""

from __future__ import annotations

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

WEEKDAYS: dict[str, int] = {}
"""Every written form of a weekday, lower case, to its number (0 is Monday, as `date.weekday()`)."""
for _number, _name in enumerate(DAY_NAMES):
    WEEKDAYS[_name.lower()] = _number
    WEEKDAYS[_name.lower()[:3]] = _number
WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
