"""How one elephant reads in the `elephants` list and on its own (`elephant 3`).

Both show the same things, so that reading one elephant whole never tells more than the list:
its number, size and status, the "I see it too" count as the crowd rule released it, whether its
perspectives are still being gathered, what was done, and how the group feels about that. The
list shortens the words; the elephant on its own shows them whole.
"""

from __future__ import annotations

from bot.handlers.elephants.cards import STATUS_WORDS, marks_text
from bot.handlers.verdicts.figures import feels_words
from bot.store import verdicts
from bot.store.elephants import OUTCOME_STATUSES, Elephant
from bot.text_safety import neutralise, shortened

LIST_TEXT = 150
"""Characters of an elephant's words (and of what was done) in the list."""


def entry(elephant: Elephant, verdict: verdicts.Verdict | None, k: int, *, whole: bool) -> str:
    """The elephant's lines: one line and indented notes for the list, or its words `whole`."""
    head = f"#{elephant.number} ({elephant.size}, {STATUS_WORDS.get(elephant.status, '')})"
    marks = f"I see it too: {marks_text(elephant.marks_shown, k)}"
    gathering = elephant.is_big and elephant.perspectives_revealed_at is None
    waiting = f"perspectives: shown together once {k} have arrived"
    if whole:
        lines = [head, neutralise(elephant.text), marks]
        if gathering:
            lines.append(waiting.capitalize() + ".")
    else:
        lines = [f"{head}: {shortened(elephant.text, LIST_TEXT)}  · {marks}"]
        if gathering:
            lines[0] += f" · {waiting}"
    reopened = verdict is not None and verdict.state == verdicts.REOPENED
    if elephant.outcome and (elephant.status in OUTCOME_STATUSES or reopened):
        so_far = " so far" if elephant.status == "open" else ""
        done = neutralise(elephant.outcome) if whole else shortened(elephant.outcome, LIST_TEXT)
        lines.append(f"What was done{so_far}: {done}")
    if verdict is not None and verdict.title:
        lines.append(feels_words(verdict.state, verdict.figures_shown, k))
    return ("\n" if whole else "\n    ").join(lines)
