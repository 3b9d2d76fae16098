"""Sharing by role, meeting by meeting, and the running balance across the period.

Each meeting's ledger comes from `bot.handlers.rounds.reciprocity_ledger` (the same ledger as the
summary and the home page), which shows only role lines of at least `k` people. Here each count on
a line goes through the crowd rule once more, so a count of shares is itself a whole crowd of `k`.
The running balance adds up what each meeting showed: it can only move by a shown step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.handlers.rounds.reciprocity_ledger import ROLE_LABELS, Ledger
from bot.pages.trends.figure import WITHHELD, Cell, Figure, Row, counted, running


@dataclass(frozen=True, slots=True)
class MeetingLedger:
    label: str
    ledger: Ledger | None
    month: date | None = None


def _labels(meetings: Sequence[MeetingLedger]) -> list[str]:
    seen = {t.label for m in meetings if m.ledger for t in m.ledger.roles}
    return [label for label in ROLE_LABELS.values() if label in seen]


def _cells(meeting: MeetingLedger, labels: Sequence[str], k: int, late: bool) -> list[Cell]:
    found: dict[str, Cell] = {}
    for tally in meeting.ledger.roles if meeting.ledger else ():
        found[tally.label] = counted(tally.after_reveal if late else tally.shared, k)
    return [found.get(label, WITHHELD) for label in labels]


def sharing_figure(meetings: Sequence[MeetingLedger], k: int) -> Figure:
    labels = _labels(meetings)
    with_rounds = [m for m in meetings if m.ledger is not None]
    rows = tuple(
        Row(m.label, tuple(_cells(m, labels, k, late=False)), m.month) for m in with_rounds
    )
    return Figure(
        key="sharing",
        title="Who shared, by role",
        description=(
            "How many people of each role shared in the sharing rounds of each meeting. A role "
            f"shows only when {k} or more of its people were there, and a count only when it is "
            f"{k} or more."
        ),
        series=tuple(labels),
        rows=rows,
        kind="bar",
        unit="shares",
    )


def balance_figure(meetings: Sequence[MeetingLedger], k: int) -> Figure:
    """Running totals of shares by role, and of shares given only after the reveal."""
    labels = _labels(meetings)
    with_rounds = [m for m in meetings if m.ledger is not None]
    columns: list[tuple[Cell, ...]] = []
    series: list[str] = []
    for index, label in enumerate(labels):
        shared = [_cells(m, labels, k, late=False)[index] for m in with_rounds]
        late = [_cells(m, labels, k, late=True)[index] for m in with_rounds]
        columns.append(running(shared))
        series.append(f"{label}: shared, running total")
        columns.append(running(late))
        series.append(f"{label}: shared after the reveal, running total")
    rows = tuple(
        Row(m.label, tuple(column[i] for column in columns), m.month)
        for i, m in enumerate(with_rounds)
    )
    return Figure(
        key="balance",
        title="The sharing balance over time",
        description=(
            "Shares added up meeting by meeting, for each role, and how many of them came only "
            "after the round's answers were shown (going first is the harder thing)."
        ),
        series=tuple(series),
        rows=rows,
        kind="line",
        unit="shares",
    )
