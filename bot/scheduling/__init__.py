"""Time: when meetings happen and when the bot acts on its own.

`rule.py` reads a schedule rule (`weekly tue 10:00 90m`); `times.py` shows meeting times in the
group's time zone; `upcoming.py` keeps each group's next meeting stored as its rule says; `plan.py`
decides what is due for a meeting and when (check-in, reminder, end, reflection); `quiet_hours.py`
moves nudges out of quiet hours; `clock.py` is the scheduler that runs it all, once per job, from
the database; `retention.py` is the daily sweep that erases old free text. `dates_ahead.py` lays
a group's rule beside its skipped and moved dates; `spoken_dates.py` and `spoken_times.py` read
days and times as people write them (`25 Dec`, `6.30pm`).
"""
