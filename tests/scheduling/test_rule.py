"""Schedule rules: parsing what facilitators type, and turning rules into real meeting times.

Expected instants are written out by hand in UTC (not computed with the same zoneinfo calls the
code uses), so a mistake in the resolution logic cannot hide behind an identical mistake here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.rule import EXAMPLES, ScheduleRule, ScheduleRuleError, parse_rule

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2024, 3, 1)  # a Friday


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def starts(rule: ScheduleRule, after: datetime, tz: ZoneInfo, count: int) -> list[datetime]:
    return [start for start, _ in islice(rule.occurrences(after, tz), count)]


def local_starts(rule: ScheduleRule, after: datetime, tz: ZoneInfo, count: int) -> list[str]:
    return [s.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") for s in starts(rule, after, tz, count)]


# --- parsing -------------------------------------------------------------------------------------


def test_weekly() -> None:
    rule = parse_rule("weekly tue 10:00 90m", today=TODAY)
    assert rule == ScheduleRule("weekly", 1, None, time(10, 0), timedelta(minutes=90), None)


def test_fortnightly_anchor_defaults_to_first_matching_day_on_or_after_today() -> None:
    rule = parse_rule("fortnightly mon 18:30 1h", today=TODAY)
    assert rule == ScheduleRule(
        "fortnightly", 0, None, time(18, 30), timedelta(hours=1), date(2024, 3, 4)
    )
    # Today itself counts when it is the right day.
    assert parse_rule("fortnightly fri 18:30 1h", today=TODAY).anchor == TODAY


def test_fortnightly_with_explicit_from_date() -> None:
    rule = parse_rule("fortnightly mon 18:30 1h from 2024-03-11", today=TODAY)
    assert rule.anchor == date(2024, 3, 11)


def test_monthly() -> None:
    assert parse_rule("monthly 2nd wed 14:00 2h", today=TODAY) == ScheduleRule(
        "monthly", 2, 2, time(14, 0), timedelta(hours=2), None
    )
    assert parse_rule("monthly last fri 09:30 1h30m", today=TODAY) == ScheduleRule(
        "monthly", 4, -1, time(9, 30), timedelta(minutes=90), None
    )


@pytest.mark.parametrize(
    ("word", "ordinal"),
    [
        ("1st", 1),
        ("first", 1),
        ("2nd", 2),
        ("second", 2),
        ("3rd", 3),
        ("third", 3),
        ("4th", 4),
        ("fourth", 4),
        ("last", -1),
        ("LAST", -1),
    ],
)
def test_ordinal_words(word: str, ordinal: int) -> None:
    assert parse_rule(f"monthly {word} thu 10:00 1h", today=TODAY).ordinal == ordinal


@pytest.mark.parametrize(
    ("word", "weekday"),
    [
        ("mon", 0),
        ("Monday", 0),
        ("TUE", 1),
        ("tuesday", 1),
        ("tues", 1),
        ("wed", 2),
        ("WEDNESDAY", 2),
        ("weds", 2),
        ("thu", 3),
        ("thurs", 3),
        ("Thursday", 3),
        ("fri", 4),
        ("friday", 4),
        ("sat", 5),
        ("Saturday", 5),
        ("sun", 6),
        ("sunday", 6),
    ],
)
def test_weekday_names_full_or_short_any_case(word: str, weekday: int) -> None:
    assert parse_rule(f"weekly {word} 10:00 1h", today=TODAY).weekday == weekday


@pytest.mark.parametrize(
    ("text", "start", "duration"),
    [
        ("weekly mon 9:30 1h", time(9, 30), timedelta(hours=1)),
        ("weekly mon 09:30 1h", time(9, 30), timedelta(hours=1)),
        ("weekly mon 00:00 5m", time(0, 0), timedelta(minutes=5)),
        ("weekly mon 23:59 12h", time(23, 59), timedelta(hours=12)),
        ("weekly mon 10:00 1h30m", time(10, 0), timedelta(minutes=90)),
        ("weekly mon 10:00 1h 30m", time(10, 0), timedelta(minutes=90)),
        ("weekly mon 10:00 2h", time(10, 0), timedelta(hours=2)),
        ("weekly mon 10:00 720m", time(10, 0), timedelta(hours=12)),
        ("weekly mon 10:00 11h59m", time(10, 0), timedelta(hours=11, minutes=59)),
    ],
)
def test_times_and_durations(text: str, start: time, duration: timedelta) -> None:
    rule = parse_rule(text, today=TODAY)
    assert (rule.start, rule.duration) == (start, duration)


def test_case_spacing_and_full_width_characters_are_forgiven() -> None:
    expected = parse_rule("weekly tue 10:00 90m", today=TODAY)
    assert parse_rule("  WEEKLY   Tue\t10:00  90M ", today=TODAY) == expected
    assert parse_rule("ｗｅｅｋｌｙ ｔｕｅ １０：００ ９０ｍ", today=TODAY) == expected


def test_examples_in_error_messages_really_parse() -> None:
    for example in EXAMPLES:
        parse_rule(example, today=TODAY)


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "The schedule is empty."),
        ("   \n\t ", "The schedule is empty."),
        ("daily 10:00 1h", "“daily” isn't a frequency I know"),
        ("every tuesday 10:00 1h", "“every” isn't a frequency I know"),
        ("tue 10:00 1h", "Please start with how often"),
        ("weekly tus 10:00 1h", "“tus” isn't a day of the week"),
        ("weekly 10:00 1h", "“10:00” isn't a day of the week"),
        ("weekly tue 25:00 1h", "“25:00” isn't a time of day: hours go from 00 to 23"),
        ("weekly tue 24:00 1h", "hours go from 00 to 23"),
        ("weekly tue 10:60 1h", "“10:60” isn't a time of day: minutes go from 00 to 59"),
        ("weekly tue 10am 1h", "24-hour clock"),
        ("weekly tue 10.30 1h", "24-hour clock"),
        ("weekly tue noon 1h", "“noon” isn't a time I understand"),
        ("weekly tue 10:00 0m", "at least 5 minutes"),
        ("weekly tue 10:00 4m", "at least 5 minutes"),
        ("weekly tue 10:00 0h", "at least 5 minutes"),
        ("weekly tue 10:00 13h", "at most 12 hours"),
        ("weekly tue 10:00 12h1m", "at most 12 hours"),
        ("weekly tue 10:00 99999999999999999999h", "at most 12 hours"),
        ("weekly tue 10:00 abc", "“abc” isn't a length of time"),
        ("weekly tue 10:00 90", "“90” isn't a length of time"),
        ("weekly tue 10:00 1.5h", "“1.5h” isn't a length of time"),
        ("weekly tue 10:00", "missing how long the meeting lasts"),
        ("weekly tue", "missing the start time"),
        ("weekly", "missing the day of the week"),
        ("monthly", "missing which week of the month"),
        ("monthly 5th wed 14:00 2h", "Not every month has a fifth"),
        ("monthly fifth wed 14:00 2h", "Not every month has a fifth"),
        ("monthly 6th wed 14:00 2h", "“6th” isn't a week of the month"),
        ("monthly wed 14:00 2h", "need to say which week"),
        ("weekly 2nd wed 14:00 2h", "Weekly meetings don't take a week number like “2nd”"),
        ("weekly last fri 14:00 2h", "Weekly meetings don't take a week number"),
        ("fortnightly 1st mon 14:00 2h", "Fortnightly meetings don't take a week number"),
        ("weekly tue 10:00 1h please", "something extra at the end (“please”)"),
        ("weekly tue 10:00 1h from 2024-03-05", "Only fortnightly schedules take a “from” date"),
        ("monthly 1st tue 10:00 1h from 2024-03-05", "Only fortnightly"),
        ("fortnightly mon 18:30 1h from 2024-03-12", "12 March 2024 is a Tuesday, not a Monday."),
        ("fortnightly mon 18:30 1h from 2024-02-30", "“2024-02-30” isn't a date I understand"),
        ("fortnightly mon 18:30 1h from tomorrow", "“tomorrow” isn't a date I understand"),
        ("fortnightly mon 18:30 1h from", "missing the date of the first meeting"),
    ],
)
def test_bad_input_says_what_was_wrong_and_lists_examples(text: str, problem: str) -> None:
    with pytest.raises(ScheduleRuleError) as caught:
        parse_rule(text, today=TODAY)
    message = str(caught.value)
    assert problem in message
    assert message.startswith(caught.value.problem)
    for example in EXAMPLES:
        assert example in message
    assert caught.value.text == text


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "weekly tue 10:00 1h " + "z" * 200,
        "\x00\x01\x02",
        "🙂🙂🙂",
        "weekly <!channel> 10:00 1h",
        "weekly @everyone 10:00 1h",
        "weekly tue 10:00 <script>",
        "weekly *tue* 10:00 1h",
        "weekly tue 10:00 1h " + "\u202e",
        "DROP TABLE groups;",
    ],
)
def test_garbage_is_refused_without_echoing_anything_unsafe(text: str) -> None:
    with pytest.raises(ScheduleRuleError) as caught:
        parse_rule(text, today=TODAY)
    problem = caught.value.problem
    for dangerous in ("<", ">", "@", "*", "\u202e", "\x00", "🙂", "zzz"):
        assert dangerous not in problem
    for example in EXAMPLES:
        assert example in str(caught.value)


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="weekly tue 10:00 90m"):
        parse_rule("nonsense", today=TODAY)


def test_rules_built_by_hand_are_checked() -> None:
    with pytest.raises(ValueError):
        ScheduleRule("weekly", 7, None, time(10), timedelta(hours=1))
    with pytest.raises(ValueError):
        ScheduleRule("weekly", 1, 2, time(10), timedelta(hours=1))
    with pytest.raises(ValueError):
        ScheduleRule("monthly", 1, None, time(10), timedelta(hours=1))
    with pytest.raises(ValueError):
        ScheduleRule("monthly", 1, 5, time(10), timedelta(hours=1))
    with pytest.raises(ValueError):
        ScheduleRule("fortnightly", 0, None, time(10), timedelta(hours=1))
    with pytest.raises(ValueError):  # 2024-03-05 is a Tuesday
        ScheduleRule("fortnightly", 0, None, time(10), timedelta(hours=1), date(2024, 3, 5))
    with pytest.raises(ValueError):
        ScheduleRule("weekly", 0, None, time(10), timedelta(hours=1), date(2024, 3, 4))
    with pytest.raises(ValueError):
        ScheduleRule("weekly", 0, None, time(10, 0, 30), timedelta(hours=1))
    with pytest.raises(ValueError):
        ScheduleRule("weekly", 0, None, time(10, tzinfo=UTC), timedelta(hours=1))
    with pytest.raises(ValueError):
        ScheduleRule("weekly", 0, None, time(10), timedelta(minutes=4))
    with pytest.raises(ValueError):
        ScheduleRule("weekly", 0, None, time(10), timedelta(minutes=30, seconds=1))


# --- canonical text and description --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("weekly tue 10:00 90m", "weekly tue 10:00 1h30m"),
        ("Weekly Tuesday 9:05 45m", "weekly tue 09:05 45m"),
        ("fortnightly mon 18:30 1h", "fortnightly mon 18:30 1h from 2024-03-04"),
        ("fortnightly sunday 18:30 60m", "fortnightly sun 18:30 1h from 2024-03-03"),
        ("monthly 2nd wed 14:00 2h", "monthly 2nd wed 14:00 2h"),
        ("monthly second wed 14:00 120m", "monthly 2nd wed 14:00 2h"),
        ("monthly last fri 09:30 1h30m", "monthly last fri 09:30 1h30m"),
        ("monthly 4th sat 23:59 12h", "monthly 4th sat 23:59 12h"),
        ("monthly first thurs 07:00 5m", "monthly 1st thu 07:00 5m"),
    ],
)
def test_canonical_text_round_trips(text: str, canonical: str) -> None:
    rule = parse_rule(text, today=TODAY)
    assert rule.canonical() == canonical
    # Read back on a different day, so a fortnightly anchor must come from the text itself.
    assert parse_rule(canonical, today=date(2031, 7, 15)) == rule
    assert parse_rule(canonical, today=TODAY).canonical() == canonical


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("weekly tue 10:00 90m", "every Tuesday at 10:00 for 1 hour 30 minutes"),
        ("fortnightly mon 18:30 1h", "every other Monday at 18:30 for 1 hour"),
        ("monthly 2nd wed 14:00 2h", "on the second Wednesday of each month at 14:00 for 2 hours"),
        (
            "monthly last fri 09:30 1h30m",
            "on the last Friday of each month at 09:30 for 1 hour 30 minutes",
        ),
        ("weekly sun 9:05 45m", "every Sunday at 09:05 for 45 minutes"),
        ("weekly sat 20:00 1h1m", "every Saturday at 20:00 for 1 hour 1 minute"),
        ("monthly 1st thu 08:00 3h", "on the first Thursday of each month at 08:00 for 3 hours"),
    ],
)
def test_describe_in_plain_english(text: str, description: str) -> None:
    assert parse_rule(text, today=TODAY).describe() == description


# --- occurrences: the calendar -------------------------------------------------------------------


def test_weekly_occurrences_in_utc_with_end_times() -> None:
    rule = parse_rule("weekly tue 10:00 90m", today=TODAY)
    got = list(islice(rule.occurrences(utc(2024, 1, 1), LONDON), 3))
    assert got == [
        (utc(2024, 1, 2, 10, 0), utc(2024, 1, 2, 11, 30)),
        (utc(2024, 1, 9, 10, 0), utc(2024, 1, 9, 11, 30)),
        (utc(2024, 1, 16, 10, 0), utc(2024, 1, 16, 11, 30)),
    ]
    for start, end in got:
        assert start.tzinfo is UTC and end.tzinfo is UTC


def test_start_must_be_strictly_after() -> None:
    rule = parse_rule("weekly tue 10:00 1h", today=TODAY)
    exact = utc(2024, 1, 2, 10, 0)
    assert starts(rule, exact, LONDON, 1) == [utc(2024, 1, 9, 10, 0)]
    assert starts(rule, exact - timedelta(microseconds=1), LONDON, 1) == [exact]


def test_after_may_be_in_any_zone() -> None:
    rule = parse_rule("weekly tue 10:00 1h", today=TODAY)
    # 2024-01-02 06:00 in New York is 11:00 UTC, after that Tuesday's 10:00 London meeting.
    after = datetime(2024, 1, 2, 6, 0, tzinfo=NEW_YORK)
    assert starts(rule, after, LONDON, 1) == [utc(2024, 1, 9, 10, 0)]


def test_naive_after_is_refused() -> None:
    rule = parse_rule("weekly tue 10:00 1h", today=TODAY)
    with pytest.raises(ValueError):
        next(rule.occurrences(datetime(2024, 1, 1), LONDON))


def test_meetings_late_in_the_evening_land_on_the_local_day() -> None:
    # 23:30 in New York on a Monday is already Tuesday in UTC.
    rule = parse_rule("weekly mon 23:30 1h", today=TODAY)
    assert starts(rule, utc(2024, 1, 1), NEW_YORK, 2) == [
        utc(2024, 1, 2, 4, 30),
        utc(2024, 1, 9, 4, 30),
    ]
    # Asking from just after the first, stated in the group's own zone, gives the second.
    after = datetime(2024, 1, 1, 23, 31, tzinfo=NEW_YORK)
    assert starts(rule, after, NEW_YORK, 1) == [utc(2024, 1, 9, 4, 30)]


def test_fortnightly_keeps_to_the_anchor_weeks() -> None:
    rule = parse_rule("fortnightly mon 18:30 1h from 2024-01-08", today=TODAY)
    assert local_starts(rule, utc(2024, 1, 1), LONDON, 4) == [
        "2024-01-08 18:30 GMT",
        "2024-01-22 18:30 GMT",
        "2024-02-05 18:30 GMT",
        "2024-02-19 18:30 GMT",
    ]
    # Asking from the "off" week in between skips to the next "on" week, never the off one.
    assert local_starts(rule, utc(2024, 1, 14), LONDON, 2) == [
        "2024-01-22 18:30 GMT",
        "2024-02-05 18:30 GMT",
    ]
    # Long after the anchor, the weeks have not drifted: 2024-12-30 is 51 weeks later (odd),
    # so the meeting is on 2025-01-06, not 2024-12-30.
    assert local_starts(rule, utc(2024, 12, 28), LONDON, 1) == ["2025-01-06 18:30 GMT"]


def test_fortnightly_starts_no_earlier_than_its_anchor() -> None:
    rule = parse_rule("fortnightly mon 18:30 1h from 2024-06-03", today=TODAY)
    assert local_starts(rule, utc(2024, 1, 1), LONDON, 2) == [
        "2024-06-03 18:30 BST",
        "2024-06-17 18:30 BST",
    ]


def test_monthly_second_wednesday_when_the_month_starts_on_a_wednesday() -> None:
    # May 2024 and January 2025 both start on a Wednesday: the 2nd Wednesday is the 8th.
    assert date(2024, 5, 1).weekday() == 2 and date(2025, 1, 1).weekday() == 2
    rule = parse_rule("monthly 2nd wed 14:00 2h", today=TODAY)
    assert local_starts(rule, utc(2024, 4, 15), LONDON, 3) == [
        "2024-05-08 14:00 BST",
        "2024-06-12 14:00 BST",
        "2024-07-10 14:00 BST",
    ]
    assert local_starts(rule, utc(2024, 12, 20), LONDON, 2) == [
        "2025-01-08 14:00 GMT",
        "2025-02-12 14:00 GMT",
    ]


def test_monthly_last_friday_with_four_and_five_fridays() -> None:
    # February 2024 has four Fridays (2, 9, 16, 23); March 2024 has five (1 … 29);
    # May 2024 has five (3 … 31), so the last Friday is the last day of the month.
    rule = parse_rule("monthly last fri 09:30 1h30m", today=TODAY)
    assert local_starts(rule, utc(2024, 2, 1), LONDON, 4) == [
        "2024-02-23 09:30 GMT",
        "2024-03-29 09:30 GMT",
        "2024-04-26 09:30 BST",
        "2024-05-31 09:30 BST",
    ]


def test_monthly_fourth_and_first() -> None:
    fourth = parse_rule("monthly 4th fri 10:00 1h", today=TODAY)
    # In March 2024 (five Fridays) the 4th Friday is not the last one.
    assert local_starts(fourth, utc(2024, 3, 1), LONDON, 1) == ["2024-03-22 10:00 GMT"]
    first = parse_rule("monthly 1st fri 10:00 1h", today=TODAY)
    # 2024-03-01 is itself the first Friday; the month starting on the day counts.
    assert local_starts(first, utc(2024, 2, 29), LONDON, 2) == [
        "2024-03-01 10:00 GMT",
        "2024-04-05 10:00 BST",
    ]


def test_monthly_crosses_the_year_end() -> None:
    rule = parse_rule("monthly 3rd mon 10:00 1h", today=TODAY)
    assert local_starts(rule, utc(2024, 11, 30), LONDON, 3) == [
        "2024-12-16 10:00 GMT",
        "2025-01-20 10:00 GMT",
        "2025-02-17 10:00 GMT",
    ]


def test_occurrences_are_lazy_and_far_reaching() -> None:
    rule = parse_rule("weekly tue 10:00 1h", today=TODAY)
    generator = rule.occurrences(utc(2024, 1, 1), LONDON)
    hundredth = next(islice(generator, 99, None))
    assert hundredth == (utc(2025, 11, 25, 10), utc(2025, 11, 25, 11))


def test_the_calendar_running_out_ends_the_series_quietly() -> None:
    rule = parse_rule("weekly tue 10:00 1h", today=TODAY)
    last = list(rule.occurrences(utc(9999, 12, 1), LONDON))
    assert [start.date() for start, _ in last] == [
        date(9999, 12, 7),
        date(9999, 12, 14),
        date(9999, 12, 21),
        date(9999, 12, 28),
    ]


# --- occurrences: daylight saving ---------------------------------------------------------------


def test_london_wall_clock_kept_across_the_march_change() -> None:
    # The clocks go forward on Sunday 31 March 2024.
    rule = parse_rule("weekly tue 10:00 1h", today=TODAY)
    assert list(islice(rule.occurrences(utc(2024, 3, 20), LONDON), 3)) == [
        (utc(2024, 3, 26, 10, 0), utc(2024, 3, 26, 11, 0)),  # 10:00 GMT
        (utc(2024, 4, 2, 9, 0), utc(2024, 4, 2, 10, 0)),  # 10:00 BST
        (utc(2024, 4, 9, 9, 0), utc(2024, 4, 9, 10, 0)),
    ]


def test_london_wall_clock_kept_across_the_october_change() -> None:
    # The clocks go back on Sunday 27 October 2024.
    rule = parse_rule("weekly tue 10:00 1h", today=TODAY)
    assert starts(rule, utc(2024, 10, 20), LONDON, 2) == [
        utc(2024, 10, 22, 9, 0),  # 10:00 BST
        utc(2024, 10, 29, 10, 0),  # 10:00 GMT
    ]


def test_london_nonexistent_time_moves_forward_by_the_gap() -> None:
    # 01:30 on 31 March 2024 does not exist in London; the meeting is at 02:30 BST (01:30 UTC).
    rule = parse_rule("weekly sun 01:30 1h", today=TODAY)
    got = list(islice(rule.occurrences(utc(2024, 3, 20), LONDON), 3))
    assert got == [
        (utc(2024, 3, 24, 1, 30), utc(2024, 3, 24, 2, 30)),  # 01:30 GMT
        (utc(2024, 3, 31, 1, 30), utc(2024, 3, 31, 2, 30)),  # 02:30 BST, moved by the gap
        (utc(2024, 4, 7, 0, 30), utc(2024, 4, 7, 1, 30)),  # 01:30 BST
    ]
    assert got[1][0].astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"


def test_london_ambiguous_time_takes_the_first() -> None:
    # 01:30 on 27 October 2024 happens twice in London: first BST (00:30 UTC), then GMT.
    rule = parse_rule("weekly sun 01:30 2h", today=TODAY)
    got = list(islice(rule.occurrences(utc(2024, 10, 25), LONDON), 2))
    assert got == [
        (utc(2024, 10, 27, 0, 30), utc(2024, 10, 27, 2, 30)),
        (utc(2024, 11, 3, 1, 30), utc(2024, 11, 3, 3, 30)),
    ]
    # Duration is elapsed time: across the fold, two hours end at 02:30 GMT, not 03:30.
    assert got[0][1].astimezone(LONDON).strftime("%H:%M %Z") == "02:30 GMT"


def test_meeting_spanning_the_spring_gap_lasts_its_full_duration() -> None:
    # 00:30 to 02:30 by the clock would be only one hour on 31 March; the meeting lasts two.
    rule = parse_rule("weekly sun 00:30 2h", today=TODAY)
    start, end = next(rule.occurrences(utc(2024, 3, 30), LONDON))
    assert (start, end) == (utc(2024, 3, 31, 0, 30), utc(2024, 3, 31, 2, 30))
    assert end.astimezone(LONDON).strftime("%H:%M %Z") == "03:30 BST"


def test_new_york_wall_clock_across_the_march_and_november_changes() -> None:
    # New York changes on 10 March and 3 November 2024, weeks apart from London.
    rule = parse_rule("weekly tue 10:00 1h", today=TODAY)
    assert starts(rule, utc(2024, 3, 1), NEW_YORK, 2) == [
        utc(2024, 3, 5, 15, 0),  # 10:00 EST
        utc(2024, 3, 12, 14, 0),  # 10:00 EDT
    ]
    assert starts(rule, utc(2024, 10, 27), NEW_YORK, 2) == [
        utc(2024, 10, 29, 14, 0),  # 10:00 EDT
        utc(2024, 11, 5, 15, 0),  # 10:00 EST
    ]


def test_new_york_nonexistent_time_moves_forward_by_the_gap() -> None:
    # 02:30 on 10 March 2024 does not exist in New York: it becomes 03:30 EDT (07:30 UTC).
    rule = parse_rule("weekly sun 02:30 1h", today=TODAY)
    got = starts(rule, utc(2024, 3, 5), NEW_YORK, 2)
    assert got == [utc(2024, 3, 10, 7, 30), utc(2024, 3, 17, 6, 30)]
    assert got[0].astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:30 EDT"


def test_new_york_ambiguous_time_takes_the_first() -> None:
    # 01:30 on 3 November 2024 happens twice: first EDT (05:30 UTC), then EST (06:30 UTC).
    rule = parse_rule("monthly 1st sun 01:30 1h", today=TODAY)
    got = list(islice(rule.occurrences(utc(2024, 10, 15), NEW_YORK), 2))
    assert got == [
        (utc(2024, 11, 3, 5, 30), utc(2024, 11, 3, 6, 30)),
        (utc(2024, 12, 1, 6, 30), utc(2024, 12, 1, 7, 30)),
    ]


def test_fortnightly_across_a_change_keeps_both_weeks_and_clock() -> None:
    rule = parse_rule("fortnightly mon 18:30 1h from 2024-03-25", today=TODAY)
    assert starts(rule, utc(2024, 3, 1), LONDON, 3) == [
        utc(2024, 3, 25, 18, 30),  # GMT
        utc(2024, 4, 8, 17, 30),  # BST
        utc(2024, 4, 22, 17, 30),
    ]


def test_asking_from_inside_the_gap_or_fold_is_fine() -> None:
    rule = parse_rule("weekly sun 01:30 1h", today=TODAY)
    # 01:15 UTC on 31 March is just before the moved meeting at 01:30 UTC.
    assert starts(rule, utc(2024, 3, 31, 1, 15), LONDON, 1) == [utc(2024, 3, 31, 1, 30)]
    # Between the first and second 01:30 of 27 October: the next is a week later.
    assert starts(rule, utc(2024, 10, 27, 1, 0), LONDON, 1) == [utc(2024, 11, 3, 1, 30)]


def test_a_whole_missing_day_still_gives_a_meeting() -> None:
    # Samoa skipped 30 December 2011 entirely; the Friday meeting moves forward by that gap.
    apia = ZoneInfo("Pacific/Apia")
    rule = parse_rule("weekly fri 10:00 1h", today=TODAY)
    got = starts(rule, utc(2011, 12, 20), apia, 3)
    assert [s.astimezone(apia).strftime("%Y-%m-%d %H:%M") for s in got] == [
        "2011-12-23 10:00",
        "2011-12-31 10:00",
        "2012-01-06 10:00",
    ]
    assert got == sorted(got)
