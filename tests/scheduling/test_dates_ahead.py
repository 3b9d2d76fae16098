"""The dates ahead laid out from a rule and a group's rows, with no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.scheduling.dates_ahead import dates_ahead, nearest, next_dates, on_day
from bot.scheduling.rule import parse_rule
from bot.store.meetings import Meeting

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 10, 19, 9, 0, tzinfo=UTC)  # a Monday; the clocks go back on the 25th
RULE = parse_rule("weekly tue 18:30 1h", today=NOW.date())
HOUR = timedelta(hours=1)


def tue(day: int, month: int = 10, hour: int = 18, minute: int = 30) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def row(
    meeting_id: int,
    starts_at: datetime,
    status: str = "scheduled",
    source: str = "schedule",
    moved_from: datetime | None = None,
) -> Meeting:
    return Meeting(
        meeting_id,
        1,
        starts_at,
        starts_at + HOUR,
        status,
        source,
        None,
        None,
        moved_from=moved_from,
    )


def test_the_rule_alone_keeps_its_local_time_across_the_change() -> None:
    found = next_dates(dates_ahead(RULE, LONDON, NOW, []))
    assert [item.starts_at for item in found] == [tue(20, hour=17), tue(27), tue(3, 11)]
    assert {item.starts_at.astimezone(LONDON).strftime("%H:%M") for item in found} == {"18:30"}


def test_a_skip_is_shown_among_the_next_three_without_taking_a_place() -> None:
    found = next_dates(dates_ahead(RULE, LONDON, NOW, [row(1, tue(27), "cancelled")]))
    assert [(item.starts_at, item.skipped) for item in found] == [
        (tue(20, hour=17), False),
        (tue(27), True),
        (tue(3, 11), False),
        (tue(10, 11), False),
    ]


def test_a_moved_meeting_stands_for_its_old_date() -> None:
    moved = row(2, tue(28, hour=9), source="moved", moved_from=tue(27))
    found = dates_ahead(RULE, LONDON, NOW, [row(1, tue(27), "cancelled"), moved])
    shown = next_dates(found)
    assert [(item.starts_at, item.moved_from) for item in shown] == [
        (tue(20, hour=17), None),
        (tue(28, hour=9), tue(27)),
        (tue(3, 11), None),
    ]
    assert on_day(found, date(2026, 10, 27), LONDON) == []
    near = nearest(found, date(2026, 10, 27), LONDON)
    assert [item.starts_at for item in near] == [tue(20, hour=17), tue(28, hour=9)]


def test_ended_rows_and_rows_before_now_are_left_out() -> None:
    found = dates_ahead(RULE, LONDON, NOW, [row(1, tue(20, hour=17), "ended")])
    assert found[0].starts_at == tue(20, hour=17)
    assert found[0].meeting is None


def test_without_a_rule_only_rows_count() -> None:
    moved = row(2, tue(28, hour=9), source="moved", moved_from=tue(27))
    assert [item.starts_at for item in dates_ahead(None, LONDON, NOW, [moved])] == [tue(28, hour=9)]
