"""What may be shown of a meeting's ladder answers: the crowd rule applied, overall and by side.

The store counts answers in whole crowds of `k` within each side (see `bot.store.ladder`). Here
the crowd rule decides what is shown of them, and when:

- only once the question has closed (`closing.question_closed`: a week after the meeting, or
  as soon as the group's next meeting starts), so every reading of one meeting is the same
  reading and no two of them can be compared to find one more answer;
- the number of answers only in whole crowds of `k` (`crowd`);
- each rung on a line of its own only when `k` or more chose it, in whole crowds of `k`; rungs
  chosen by fewer are folded into one line ("other rungs") when together they reach `k`, else
  left out (`by_role`), so no rung chosen by one or two people is ever shown;
- by side (lived experience, professionals) only the number of answers and the middle answer,
  and only when each side has at least `k` answers, so a gap between how the two sides saw the
  same meeting becomes visible without pointing at anyone.

The summary of the next meeting and the export read the same `LadderResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median_low
from typing import Any

from bot.handlers.ladder.cards import RUNGS, rung_name
from bot.handlers.privacy.crowd_rule import by_role, crowd
from bot.store.ladder import SIDES, Counted

SIDE_WORDS = {"lived-experience": "people with lived experience", "professional": "professionals"}
GAP = 2
"""How many rungs apart the two sides' middle answers are before the summary points at the gap."""
OTHER_RUNGS = "other rungs"
"""The line rungs chosen by fewer than `k` are folded into (when together they reach `k`)."""
ORDER = [*(rung_name(r) for r in reversed(RUNGS)), OTHER_RUNGS]


@dataclass(frozen=True, slots=True)
class SideResult:
    answers: int
    middle: int


@dataclass(frozen=True, slots=True)
class LadderResult:
    """What may be shown: how many answered, each rung line (at least `k`, whole crowds of
    `k`, from the top rung down), the middle answer, and by side (None unless both show)."""

    answers: int
    lines: dict[str, int]
    middle: int
    by_side: dict[str, SideResult] | None


def result(answers: Sequence[Counted], k: int, *, closed: bool) -> LadderResult | None:
    """The crowd-ruled result of a meeting's counted answers, or None when nothing may show
    (the question still open, or fewer than `k` answers)."""
    total = crowd(len(answers), k)
    if not closed or not total:
        return None
    counted = by_role([rung_name(a.rung) for a in answers], k, other=OTHER_RUNGS) or {}
    lines = {line: counted[line] for line in ORDER if line in counted}
    sides = {side: [a.rung for a in answers if a.side == side] for side in SIDES}
    both = all(crowd(len(rungs), k) for rungs in sides.values())
    by_side = (
        {side: SideResult(crowd(len(r), k), median_low(r)) for side, r in sides.items()}
        if both
        else None
    )
    return LadderResult(total, lines, median_low([a.rung for a in answers]), by_side)


def spread(found: LadderResult) -> str:
    """ "Co-design 3 · other rungs 3", from the top rung down."""
    return " · ".join(f"{line} {n}" for line, n in found.lines.items())


def summary_section(found: LadderResult | None) -> str:
    """The summary's "Last meeting on the ladder" lines, or "" when nothing may show."""
    if found is None:
        return ""
    said = f": {spread(found)}" if found.lines else ""
    lines = [
        "Last meeting on the ladder",
        f"{found.answers} people said where it felt{said}. "
        f"The middle answer: {rung_name(found.middle)}.",
    ]
    if found.by_side is not None:
        lived, pros = found.by_side["lived-experience"], found.by_side["professional"]
        lines.append(
            f"By role: {SIDE_WORDS['lived-experience']}, {lived.answers} answers, the middle "
            f"answer {rung_name(lived.middle)}; {SIDE_WORDS['professional']}, {pros.answers} "
            f"answers, {rung_name(pros.middle)}."
        )
        if abs(lived.middle - pros.middle) >= GAP:
            lines.append(
                "The two sides saw the same meeting quite differently. That's worth talking "
                "about together, without looking for who said what."
            )
    return "\n".join(lines)


def for_export(found: LadderResult | None) -> dict[str, Any] | None:
    """The export's ladder figures for one meeting, or None when nothing may show."""
    if found is None:
        return None
    by_side = (
        {
            side: {"answers": s.answers, "middle": rung_name(s.middle).lower()}
            for side, s in found.by_side.items()
        }
        if found.by_side
        else None
    )
    return {
        "answers": found.answers,
        "rungs": {line.lower(): n for line, n in found.lines.items()},
        "middle": rung_name(found.middle).lower(),
        "by_role": by_side,
    }
