"""Times of day as people write them, and a plain message for each mistake."""

from __future__ import annotations

from datetime import time

import pytest

from bot.scheduling.spoken_times import TimeNotUnderstood, looks_like_time, read_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:30", time(18, 30)),
        ("18.30", time(18, 30)),
        ("9:05", time(9, 5)),
        ("6pm", time(18, 0)),
        ("6 pm", time(18, 0)),
        ("6.30pm", time(18, 30)),
        ("6:30 PM", time(18, 30)),
        ("6.30p.m.", time(18, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12.15am", time(0, 15)),
        ("noon", time(12, 0)),
        ("Midday", time(12, 0)),
        ("１８：３０", time(18, 30)),  # a phone's full-width digits and colon
        ("00:00", time(0, 0)),
    ],
)
def test_times_people_write(text: str, expected: time) -> None:
    assert read_time(text) == expected
    assert looks_like_time(text)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("6", "Is “6” in the morning or the evening?"),
        ("18", "Is “18” in the morning or the evening?"),
        ("25:00", "hours go from 00 to 23"),
        ("18:75", "minutes go from 00 to 59"),
        ("13pm", "with am or pm, hours go from 1 to 12"),
        ("0am", "with am or pm, hours go from 1 to 12"),
        ("teatime", "I couldn't read “teatime” as a time"),
        ("@here", "as a time"),
    ],
)
def test_mistakes_are_said_plainly(text: str, said: str) -> None:
    with pytest.raises(TimeNotUnderstood) as caught:
        read_time(text)
    assert said in str(caught.value)


def test_nothing_is_pinged_when_a_time_is_handed_back() -> None:
    with pytest.raises(TimeNotUnderstood) as caught:
        read_time("@channel")
    assert "@channel" not in str(caught.value)


@pytest.mark.parametrize("text", ["6", "25", "dec", "tuesday", "2026-12-25"])
def test_words_that_are_not_times(text: str) -> None:
    assert not looks_like_time(text)
