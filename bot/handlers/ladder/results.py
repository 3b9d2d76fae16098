"""What may be shown of a meeting's ladder answers: the crowd rule applied, overall and by side.

The store counts answers in whole crowds of `k` within each side (see `bot.store.ladder`), so the
counted answers already move only in steps of `k` of one side. Here the crowd rule decides what is
shown of them: nothing below `k` overall (`first_crowd`), and the by-side figures only when both
lived experience and professionals are lines of their own (`role_lines`, at least `k` each), so
that a gap between how the two sides saw the same meeting becomes visible without pointing at
anyone. The summary of the next meeting and the export read the same `LadderResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median_low
from typing import Any

from bot.handlers.ladder.cards import RUNGS, rung_name
from bot.handlers.privacy.crowd_rule import first_crowd, role_lines
from bot.store.ladder import SIDES, Counted

SIDE_WORDS = {"lived-experience": "people with lived experience", "professional": "professionals"}
GAP = 2
"""How many rungs apart the two sides' middle answers are before the summary points at the gap."""


@dataclass(frozen=True, slots=True)
class LadderResult:
    """The rungs that may be shown: all of them, and by side (None unless both sides show)."""

    rungs: tuple[int, ...]
    by_side: dict[str, tuple[int, ...]] | None


def result(answers: Sequence[Counted], k: int) -> LadderResult | None:
    """The crowd-ruled result of a meeting's counted answers, or None when nothing may show."""
    shown = first_crowd(answers, k)
    if not shown:
        return None
    sides = {side: tuple(a.rung for a in shown if a.side == side) for side in SIDES}
    lines = role_lines({side: len(rungs) for side, rungs in sides.items()}, k)
    both = all(lines.get(side) == side for side in SIDES)
    return LadderResult(tuple(a.rung for a in shown), sides if both else None)


def spread(rungs: Sequence[int]) -> str:
    """ "Co-design 3 · Consultation 2", from the top rung down, rungs nobody chose left out."""
    return " · ".join(f"{rung_name(r)} {rungs.count(r)}" for r in reversed(RUNGS) if rungs.count(r))


def middle(rungs: Sequence[int]) -> str:
    return rung_name(median_low(rungs))


def summary_section(found: LadderResult | None) -> str:
    """The summary's "Last meeting on the ladder" lines, or "" when nothing may show."""
    if found is None:
        return ""
    lines = [
        "Last meeting on the ladder",
        f"{len(found.rungs)} people said where it felt: {spread(found.rungs)}. "
        f"The middle answer: {middle(found.rungs)}.",
    ]
    if found.by_side is not None:
        lived, pros = found.by_side["lived-experience"], found.by_side["professional"]
        lines.append(
            f"By role: {SIDE_WORDS['lived-experience']}, {len(lived)} answers, the middle "
            f"answer {middle(lived)}; {SIDE_WORDS['professional']}, {len(pros)} answers, "
            f"{middle(pros)}."
        )
        if abs(median_low(lived) - median_low(pros)) >= GAP:
            lines.append(
                "The two sides saw the same meeting quite differently. That's worth talking "
                "about together, without looking for who said what."
            )
    return "\n".join(lines)


def for_export(found: LadderResult | None) -> dict[str, Any] | None:
    """The export's ladder figures for one meeting, or None when nothing may show."""
    if found is None:
        return None

    def counts(rungs: Sequence[int]) -> dict[str, int]:
        return {rung_name(r).lower(): rungs.count(r) for r in reversed(RUNGS) if rungs.count(r)}

    by_side = (
        {side: counts(rungs) for side, rungs in found.by_side.items()} if found.by_side else None
    )
    return {"answers": len(found.rungs), "rungs": counts(found.rungs), "by_role": by_side}
