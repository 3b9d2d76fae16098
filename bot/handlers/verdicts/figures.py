"""What may be shown of the answers to "does this feel addressed?", and in which words.

Every figure comes from the one crowd rule (`bot.handlers.privacy.crowd_rule.by_role`, which
counts labelled contributions): an answer is shown on a line of its own only when `k` or more gave
it, smaller answers are merged into "mixed" when together they reach `k`, else left out, and
each line moves only in whole crowds of `k`. So nothing below `k` is ever shown, and two readings
(before and after someone answers, changes or takes back an answer) differ by nothing or by at
least `k` on a line.

The figures are worked out only by the sweep (`asking.redraw_due`) and kept as text in the
asking's `figures_shown`; the card, `elephants`, the summary and the export all read that, so
none of them moves at the moment someone presses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.handlers.privacy.crowd_rule import by_role, crowd
from bot.store.verdicts import ANSWERS, NOT_REALLY, PARTLY, REOPENED, YES

MIXED = "mixed"
WORDS = {YES: "yes", PARTLY: "partly", NOT_REALLY: "not really", MIXED: "mixed answers"}
ORDER = (*ANSWERS, MIXED)


def figures(answers: Sequence[str], k: int) -> dict[str, int]:
    """The crowd-ruled count of each answer line (empty when nothing may be shown)."""
    return by_role(list(answers), k, other=MIXED) or {}


def encode(shown: Mapping[str, int]) -> str:
    """Figures as the text kept in `verdicts.figures_shown`: `yes=3;partly=6`."""
    return ";".join(f"{line}={shown[line]}" for line in ORDER if shown.get(line))


def decode(text: str) -> dict[str, int]:
    """The figures kept by `encode` (anything not understood is left out)."""
    found: dict[str, int] = {}
    for part in text.split(";"):
        line, _, number = part.partition("=")
        if line in ORDER and number.isdigit() and int(number) > 0:
            found[line] = int(number)
    return found


def released(shown: str, k: int) -> dict[str, int]:
    """The kept figures under the group's `k` now: the rule again, line by line, so a figure
    kept under a smaller `k` is never shown below a larger one (as "I see it too" does)."""
    return {line: crowd(n, k) for line, n in decode(shown).items() if crowd(n, k)}


def group_view(shown: str, k: int) -> str:
    """How the group sees it, in plain words: `mostly "partly" (partly 6 · yes 3)`, or that there
    are not enough answers yet to show."""
    lines = released(shown, k)
    if not lines:
        return f"not enough answers yet to show (the counts show from {k})"
    ranked = sorted(lines, key=lambda line: (-lines[line], ORDER.index(line)))
    spread = " · ".join(f"{WORDS[line]} {lines[line]}" for line in ranked)
    top = ranked[0]
    if ranked == [MIXED]:
        return f"no one answer yet given by {k} or more ({spread})"
    clear_lead = len(ranked) == 1 or lines[top] > lines[ranked[1]]
    if top == MIXED or not clear_lead:
        return f"mixed ({spread})"
    if len(ranked) == 1:
        return f'"{WORDS[top]}" ({spread})'
    return f'mostly "{WORDS[top]}" ({spread})'


def feels_words(state: str, shown: str, k: int) -> str:
    """One line for lists and summaries: how the group answered, or that it was reopened."""
    if state == REOPENED:
        return f"Open again: {k} or more said it doesn't really feel addressed yet."
    return f"Does it feel addressed? The group: {group_view(shown, k)}."
