"""What the nudges say: the check-in reminder, the reflection question and its form, and the
facilitators' note on sharing. Plain, short, and never a reproach."""

from __future__ import annotations

from bot import limits, routing
from bot.cards import Button, Card, Form, FormInput
from bot.handlers.checkin.cards import MOOD_QUESTION
from bot.handlers.ladder.cards import LADDER_INVITE, TYPED_LADDER, ladder_button

HEARD = "nudges.heard"
OPEN_CHANGE = "nudges.change"
REFLECTION_FORM = "nudges.reflection"

HEARD_LABELS: dict[int, str] = {
    1: "1 Not really",
    2: "2",
    3: "3",
    4: "4",
    5: "5 Completely",
}
OPT_OUT = "Type `nudges off` if you'd rather not get messages like this."


def reminder_card(question: str, checkin_buttons: tuple[Button, ...]) -> Card:
    """A gentle reminder to someone who has neither answered nor passed the check-in yet.

    The 1-5 buttons answer the mood question; `question` (from the library) invites words."""
    return Card(
        title="Check-in",
        text=(
            "The check-in for today's meeting is still open, if you'd like to answer.\n"
            f"{MOOD_QUESTION} Choose 1 to 5, or Pass. Passing is always fine.\n"
            f"If you like, add a few words too: {question}"
        ),
        buttons=checkin_buttons,
        footer=OPT_OUT,
    )


def anonymity_line(k: int) -> str:
    return (
        "Your answer is anonymous: I don't keep who gave it, and it's only shown added up "
        f"with others, once at least {k} people have answered."
    )


def reflection_card(group_id: int, meeting_id: int, when: str, k: int) -> Card:
    """The reflection question, and the ladder question beside it. `when` names the meeting ("at
    the meeting on Tuesday 3 March at 10:00", or "at today's meeting (…)"), so two questions
    arriving together never read alike."""
    buttons = tuple(
        Button(
            label, HEARD, routing.encode(group_id, f"{meeting_id}:{score}"), typed=f"heard {score}"
        )
        for score, label in HEARD_LABELS.items()
    )
    change = change_button(group_id, meeting_id)
    return Card(
        title="After the meeting",
        text=(
            f"Did you feel heard {when}? Choose from 1 (not really) to 5 (completely).\n"
            "If there's one thing you'd change about how we meet, you can tell me that too.\n"
            f"{LADDER_INVITE}\n"
            f"{anonymity_line(k)}"
        ),
        buttons=(*buttons, change, ladder_button(group_id, meeting_id)),
        footer=f"There's no need to answer. By typing: `heard 1` to `heard 5`, "
        f"`heard change <one thing>`, or {TYPED_LADDER}. {OPT_OUT}",
    )


def change_button(group_id: int, meeting_id: int) -> Button:
    return Button(
        "One thing to change",
        OPEN_CHANGE,
        routing.encode(group_id, str(meeting_id)),
        typed="heard change <one thing>",
    )


def change_form(group_id: int, meeting_id: int, k: int) -> Form:
    return Form(
        form_id=REFLECTION_FORM,
        typed="heard change <one thing>",
        title="One thing to change",
        intro="If you could change one thing about how we meet, what would it be?",
        inputs=(
            FormInput(
                "change",
                "One thing to change",
                kind="multiline",
                max_length=limits.REFLECTION,
            ),
        ),
        context=routing.encode(group_id, str(meeting_id)),
        notes=(
            "Anonymous: I don't keep who wrote it. The facilitators see these only once at "
            f"least {k} have come in, all together.",
        ),
    )


def reciprocity_card(meetings: int, rounds: int, lived: float, professional: float) -> Card:
    """The facilitators' note when professionals have shared much less. Counts, never blame."""
    return Card(
        title="A note on sharing",
        text=(
            f"Over the last {meetings} meeting{'s' if meetings != 1 else ''} "
            f"({rounds} sharing round{'s' if rounds != 1 else ''}), people with lived experience "
            f"shared {lived:.0%} of the time and professionals {professional:.0%}.\n"
            "That's common, and nobody is at fault: sharing can feel riskier from some seats "
            "than others. Co-production works best when everyone brings something of "
            "themselves.\n"
            "An idea for next time: open a round where professionals go first, or share "
            "something of your own to set the tone."
        ),
        footer="Only facilitators get this note. It comes from counts, not from anyone's words.",
    )
