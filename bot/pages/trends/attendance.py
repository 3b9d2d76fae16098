"""Attendance and check-in moods, meeting by meeting.

Attendance counts everyone who checked in, passes included: passing is being there and an
answer. Moods are taken from the first whole crowd of `k` answers in the order they came (as the
summary takes them), and then each mood is a line of its own only when `k` or more chose it;
smaller ones are merged into one "mixed" line when together they reach `k`, else left out
(`crowd_rule.by_role`). So no mood is ever shown for fewer than `k` people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.handlers.privacy.crowd_rule import by_role, first_crowd
from bot.pages.trends.figure import Figure, Row, counted

MOODS = ("Great", "Good", "Okay", "Low", "Struggling")
MOOD_OF = {5: "Great", 4: "Good", 3: "Okay", 2: "Low", 1: "Struggling"}
MIXED = "Mixed moods (smaller answers together)"


@dataclass(frozen=True, slots=True)
class MeetingCheckins:
    """One meeting's check-ins: how many checked in, and the moods given, in arrival order."""

    label: str
    present: int
    moods: tuple[int, ...]
    month: date | None = None


def attendance_figure(meetings: Sequence[MeetingCheckins], k: int) -> Figure:
    rows = tuple(Row(m.label, (counted(m.present, k),), m.month) for m in meetings)
    return Figure(
        key="attendance",
        title="Attendance by meeting",
        description=("How many people checked in at each meeting. Passing counts as being there."),
        series=("Checked in",),
        rows=rows,
        kind="bar",
    )


def moods_figure(meetings: Sequence[MeetingCheckins], k: int) -> Figure:
    series = (*MOODS, MIXED)
    rows = []
    for m in meetings:
        lines = by_role([MOOD_OF[mood] for mood in first_crowd(m.moods, k)], k, other=MIXED) or {}
        cells = tuple(counted(lines.get(name, 0), k) for name in series)
        rows.append(Row(m.label, cells, m.month))
    return Figure(
        key="moods",
        title="How people arrived",
        description=(
            "The moods people gave at check-in, meeting by meeting. A mood shows only when "
            f"{k} or more people chose it; smaller ones are put together as mixed moods."
        ),
        series=series,
        rows=tuple(rows),
        kind="stacked",
    )
