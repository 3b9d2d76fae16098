"""Quiet hours: reading what facilitators type, and deciding when a nudge may go out."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.scheduling.quiet_hours import describe, is_quiet, next_allowed, parse_quiet_hours
from bot.store.groups import Group

LONDON = ZoneInfo("Europe/London")


def group(start: str | None = "21:00", end: str | None = "08:00", zone: str = "Europe/London"):
    return Group(
        id=1,
        platform="console",
        workspace="local",
        conversation_id="C-general",
        name="Parents Forum",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        schedule_rule=None,
        timezone=zone,
        quiet_start=start,
        quiet_end=end,
        k=3,
        anonymity_delay_minutes=5,
        reciprocity_lock=False,
        checkin_lead_minutes=15,
        reminder_after_minutes=10,
        reflection_after_minutes=60,
        retention_days=365,
    )


def local(text: str, zone: ZoneInfo = LONDON, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:00-08:00", ("21:00", "08:00")),
        ("21:00 - 08:00", ("21:00", "08:00")),
        ("9:30-17:00", ("09:30", "17:00")),
        ("22:30–07:00", ("22:30", "07:00")),
        ("22:00 to 7:00", ("22:00", "07:00")),
        ("２１:００-０８:００", ("21:00", "08:00")),
        ("00:00-06:00", ("00:00", "06:00")),
        ("off", None),
        ("OFF", None),
        (" none ", None),
    ],
)
def test_parse_accepts(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_quiet_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("", "Please give the quiet hours"),
        ("tonight", "start and an end time with a dash"),
        ("21:00", "start and an end time with a dash"),
        ("9pm-8am", "24-hour clock rather than am/pm"),
        ("25:00-08:00", "“25:00” isn't a time of day"),
        ("21:00-08:61", "“08:61” isn't a time of day"),
        ("21-08", "“21” isn't a time I understand"),
        ("<@U1>-08:00", "One of the times isn't a time I understand"),
        ("08:00-08:00", "start and end at different times"),
        ("8:00-08:00", "start and end at different times"),
    ],
)
def test_parse_refuses_with_examples_and_their_text(text: str, phrase: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_quiet_hours(text)
    assert phrase in caught.value.message
    assert "quiet-hours 21:00-08:00" in caught.value.message
    assert caught.value.original == text


@pytest.mark.parametrize(
    ("start", "end", "when", "quiet"),
    [
        # Crossing midnight: 21:00-08:00.
        ("21:00", "08:00", "2026-03-03 20:59", False),
        ("21:00", "08:00", "2026-03-03 21:00", True),
        ("21:00", "08:00", "2026-03-03 22:00", True),
        ("21:00", "08:00", "2026-03-04 00:00", True),
        ("21:00", "08:00", "2026-03-04 07:59", True),
        ("21:00", "08:00", "2026-03-04 08:00", False),
        ("21:00", "08:00", "2026-03-04 12:00", False),
        # Within one day: 12:00-14:00.
        ("12:00", "14:00", "2026-03-03 11:59", False),
        ("12:00", "14:00", "2026-03-03 12:00", True),
        ("12:00", "14:00", "2026-03-03 13:59", True),
        ("12:00", "14:00", "2026-03-03 14:00", False),
        # Summer time: the wall clock still decides (22:00 BST is 21:00 UTC).
        ("21:00", "08:00", "2026-07-01 21:30", True),
        ("21:00", "08:00", "2026-07-01 20:30", False),
        # No quiet hours set.
        (None, None, "2026-03-03 23:00", False),
    ],
)
def test_is_quiet_on_the_groups_wall_clock(
    start: str | None, end: str | None, when: str, quiet: bool
) -> None:
    assert is_quiet(group(start, end), local(when)) is quiet


def test_is_quiet_uses_the_groups_zone_not_utc() -> None:
    tokyo = group("21:00", "08:00", zone="Asia/Tokyo")
    noon_utc = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)  # 21:00 in Tokyo
    assert is_quiet(tokyo, noon_utc)
    assert not is_quiet(group("21:00", "08:00"), noon_utc)


@pytest.mark.parametrize(
    ("start", "end", "when", "expected_utc"),
    [
        # Not quiet: the same moment back.
        ("21:00", "08:00", "2026-03-03 12:00", "2026-03-03 12:00"),
        # Evening: the end is tomorrow morning.
        ("21:00", "08:00", "2026-03-03 22:00", "2026-03-04 08:00"),
        # After midnight: the end is this morning.
        ("21:00", "08:00", "2026-03-04 02:00", "2026-03-04 08:00"),
        # Same-day range.
        ("12:00", "14:00", "2026-03-03 12:30", "2026-03-03 14:00"),
        # Spring forward (29 March 2026, 01:00 GMT -> 02:00 BST): 08:00 BST is 07:00 UTC.
        ("21:00", "08:00", "2026-03-28 22:00", "2026-03-29 07:00"),
        # Autumn back (25 October 2026, 02:00 BST -> 01:00 GMT): 08:00 GMT is 08:00 UTC.
        ("21:00", "08:00", "2026-10-24 22:00", "2026-10-25 08:00"),
        # A summer night, for contrast: 08:00 BST is 07:00 UTC.
        ("21:00", "08:00", "2026-07-01 23:00", "2026-07-02 07:00"),
    ],
)
def test_next_allowed(start: str, end: str, when: str, expected_utc: str) -> None:
    at = local(when)
    result = next_allowed(group(start, end), at)
    expected = datetime.fromisoformat(expected_utc).replace(tzinfo=UTC)
    assert result == expected
    if result != at:
        assert result.tzinfo is UTC
        assert not is_quiet(group(start, end), result)
        assert is_quiet(group(start, end), result - timedelta(minutes=1))


def test_next_allowed_when_the_end_falls_in_the_spring_gap() -> None:
    """Quiet until 01:30, but on 29 March London jumps from 01:00 to 02:00: it ends at the jump."""
    g = group("23:00", "01:30")
    result = next_allowed(g, local("2026-03-29 00:30"))
    assert result == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert not is_quiet(g, result)
    assert is_quiet(g, result - timedelta(seconds=1))


def test_next_allowed_in_the_second_pass_of_the_autumn_fold() -> None:
    """01:10 happens twice on 25 October; in the second pass, quiet until 01:30 GMT (01:30 UTC)."""
    g = group("23:00", "01:30")
    first = next_allowed(g, local("2026-10-25 01:10", fold=0))  # 00:10 UTC
    second = next_allowed(g, local("2026-10-25 01:10", fold=1))  # 01:10 UTC
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_next_allowed_without_quiet_hours_is_the_same_moment() -> None:
    at = local("2026-03-03 23:00")
    assert next_allowed(group(None, None), at) == at


def test_describe() -> None:
    assert describe(group("21:00", "08:00")) == "21:00 to 08:00 (Europe/London time)"
    assert describe(group(None, None)) == "off"


def test_stored_group_is_unchanged_by_checks() -> None:
    g = group()
    copy = dataclasses.replace(g)
    is_quiet(g, local("2026-03-03 22:00"))
    next_allowed(g, local("2026-03-03 22:00"))
    assert g == copy
