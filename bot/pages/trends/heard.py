"""Feeling heard ("did you feel heard?", 1 to 5) and the ladder ("where did today feel?").

Reflections are counted by the store in whole crowds of `k` (only counted answers are read), and
here only the first whole crowd is averaged, so an average always rests on `k` or more answers
and changes only when `k` more come in. The ladder uses the summary's own `ladder.results.result`:
nothing below `k`, and the two sides' middle answers only when both sides have `k` each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median_low

from bot.handlers.ladder.cards import RUNGS, rung_name
from bot.handlers.ladder.results import LadderResult
from bot.handlers.privacy.crowd_rule import first_crowd
from bot.pages.trends.figure import WITHHELD, Cell, Figure, Row, counted


@dataclass(frozen=True, slots=True)
class MeetingFeelings:
    label: str
    heard: tuple[int, ...]
    """Counted "did you feel heard?" scores, in a fixed order."""
    ladder: LadderResult | None
    month: date | None = None


def heard_figure(meetings: Sequence[MeetingFeelings], k: int) -> Figure:
    rows = []
    for m in meetings:
        scores = first_crowd(m.heard, k)
        average: Cell = round(sum(scores) / len(scores), 1) if scores else WITHHELD
        rows.append(Row(m.label, (average, counted(len(scores), k)), m.month))
    return Figure(
        key="heard",
        title="Did people feel heard?",
        description=(
            "The average answer to “did you feel heard?” after each meeting, from 1 (not at "
            f"all) to 5 (fully). It shows only when {k} or more answered."
        ),
        series=("Average (1 to 5)", "Answers"),
        rows=tuple(rows),
        kind="line",
        unit="score",
        summed=(1,),
        drawn=1,
    )


def ladder_figure(meetings: Sequence[MeetingFeelings], k: int) -> Figure:
    rows = []
    for m in meetings:
        found = m.ladder
        if found is None:
            rows.append(Row(m.label, (WITHHELD, WITHHELD, WITHHELD, WITHHELD), m.month))
            continue
        sides = found.by_side or {}
        lived, pros = sides.get("lived-experience"), sides.get("professional")
        rows.append(
            Row(
                m.label,
                (
                    median_low(found.rungs),
                    median_low(lived) if lived else WITHHELD,
                    median_low(pros) if pros else WITHHELD,
                    counted(len(found.rungs), k),
                ),
                m.month,
            )
        )
    scale = "; ".join(f"{rung} {rung_name(rung)}" for rung in RUNGS)
    return Figure(
        key="ladder",
        title="Where meetings felt on the ladder",
        description=(
            "The middle answer to “where on the ladder did today feel?”, from 1 (coercion) to 7 "
            "(co-production), for everyone and, when both have enough answers, for people with "
            "lived experience and for professionals."
        ),
        series=("Everyone", "Lived experience", "Professionals", "Answers"),
        rows=tuple(rows),
        kind="line",
        unit="rung",
        summed=(3,),
        drawn=3,
        notes=(f"The rungs: {scale}.",),
    )
