"""The "You said, we did" card that asks the group "Does this feel addressed?".

The card is posted in the channel when something is marked addressed, and redrawn only by the
sweep (`asking.redraw_due`), never at a press. Its words come from the subject and the
facilitator, so they are neutralised here, at the last moment, like every card's.
"""

from __future__ import annotations

from bot import routing
from bot.cards import Button, Card, Field
from bot.handlers.verdicts.figures import group_view
from bot.handlers.verdicts.subjects import KINDS
from bot.store.verdicts import ASKING, NOT_REALLY, PARTLY, REOPENED, YES, Verdict
from bot.text_safety import neutralise, shortened

ANSWER = "verdict.answer"
BUTTONS = ((YES, "Yes"), (PARTLY, "Partly"), (NOT_REALLY, "Not really"))
QUESTION = "Does this feel addressed to you?"


def verdict_key(verdict_id: int) -> str:
    return f"verdict:{verdict_id}"


def typed_hint(verdict: Verdict) -> str:
    """The typed way to answer, for keyboards and screen readers."""
    kind = "" if verdict.kind == "elephant" else f"{verdict.kind} "
    return f"`addressed {kind}{verdict.number} yes`, `partly` or `not really`"


def label(verdict: Verdict) -> str:
    kind = KINDS.get(verdict.kind)
    return kind.label(verdict.number) if kind else f"#{verdict.number}"


def verdict_card(group_id: int, verdict: Verdict, k: int) -> Card:
    """The channel card: what was done, the question and its buttons while it is asked, and how
    the group sees it as the sweep last released it."""
    name = label(verdict)
    if not verdict.title:
        return Card(title="You said, we did", text=f"{name}: this question has closed.")
    fields = [Field("Status", "addressed" if verdict.state == ASKING else "open again")]
    if verdict.what_was_done:
        fields.append(Field("What was done", neutralise(verdict.what_was_done)))
    fields.append(Field("How the group sees it", group_view(verdict.figures_shown, k)))
    lines = [f"{name}: {shortened(verdict.title)}", ""]
    buttons: tuple[Button, ...] = ()
    if verdict.state == ASKING:
        lines.append(
            f"{QUESTION} Your answer is anonymous, and you can change it by pressing another "
            "button."
        )
        buttons = tuple(
            Button(
                text,
                ANSWER,
                routing.encode(group_id, f"{verdict.id}:{answer}"),
                typed=f"addressed {'' if verdict.kind == 'elephant' else verdict.kind + ' '}"
                f"{verdict.number} {text.lower()}",
            )
            for answer, text in BUTTONS
        )
    elif verdict.state == REOPENED:
        lines.append(
            f"{k} or more people said this doesn't really feel addressed yet, so it is open "
            "again. The facilitators have been asked to look at it again."
        )
    else:
        lines.append("This question has closed: the answers it had are kept below.")
    footer = (
        f"Nobody, not even the facilitators, can see who answered. The counts show from {k} "
        f"answers, {k} at a time, and are updated every little while."
    )
    if verdict.state == ASKING:
        footer += f" To answer by typing, send me {typed_hint(verdict)} in a direct message."
    return Card(
        title="You said, we did",
        text="\n".join(lines),
        fields=tuple(fields),
        buttons=buttons,
        footer=footer,
    )


def reopened_card(group_name: str, verdict: Verdict, k: int) -> Card:
    """The private note to each facilitator when the group says it does not feel addressed."""
    name = label(verdict)
    lines = [
        f"{name} in {neutralise(group_name)} is open again: when the group was asked whether it "
        f'feels addressed, {k} or more people said "not really".',
        f"It was: {shortened(verdict.title)}",
    ]
    if verdict.what_was_done:
        lines.append(f"What was done: {neutralise(verdict.what_was_done)}")
    lines.append(f"How the group sees it: {group_view(verdict.figures_shown, k)}")
    again = "mark it addressed again and I'll ask the group again"
    if verdict.kind == "elephant":
        again += f": `elephant {verdict.number} addressed <what was done>`"
    lines.append(
        "Nobody is being blamed: it may help to ask the group what is still missing. When more "
        f"has been done, {again}."
    )
    return Card(title="Open again", text="\n".join(lines))
