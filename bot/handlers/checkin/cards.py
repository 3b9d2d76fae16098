"""What the check-in looks like: the card with its live count, the answer form, the thank-yous.

The count on the channel card says how many have checked in, passes included, and never who has
not: a list of the missing would shame people who are having a hard day.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import limits, routing
from bot.cards import Button, Card, Field, Form, FormInput, Option
from bot.store.checkins import Checkin

MOOD_QUESTION = "How are you arriving today?"
DEFAULT_QUESTION = "Is there anything you'd like to say as you arrive?"
"""The words question when the library has none; library questions invite words, not moods."""
MOODS: dict[int, str] = {1: "Struggling", 2: "Low", 3: "Okay", 4: "Good", 5: "Great"}
PASS = "pass"

ANSWER = "checkin.answer"
OPEN_FORM = "checkin.words"
FORM = "checkin.form"

VISIBILITY_LABELS: dict[str, str] = {
    "group": "Everyone in the group (they may appear in the meeting summary)",
    "facilitators": "Only the facilitators",
    "nobody": "Nobody: just for me",
}

THANKS: dict[int | None, str] = {
    1: "Thank you for telling us. Arriving when things are hard takes something; go gently today.",
    2: "Thank you for letting us know. Low days count too; take what you need today.",
    3: "Thanks for checking in.",
    4: "Thanks for checking in. Good to have you here.",
    5: "Thanks for checking in. Lovely to hear it.",
    None: "Thanks — passing is always fine.",
}


def parse_id(text: str) -> int | None:
    """A row id from a button or form value, or None. Only plain ASCII digits, and few enough
    that the database can hold the number: a tampered value gets "no longer works", not a crash."""
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    return int(text)


def count_line(answered: int, members: int) -> Field:
    """The live count. Passes are in `answered`: passing is being present."""
    return Field("Checked in", f"{answered} of {members}")


def checkin_card(
    group_id: int,
    meeting_id: int,
    question: str,
    answered: int,
    members: int,
    agenda: Sequence[str] = (),
) -> Card:
    """The check-in, as posted in the channel and sent to each member; `agenda` is the short
    agenda it carries (lines from `bot.handlers.agenda.cards.checkin_section`)."""

    def value(choice: str) -> str:
        return routing.encode(group_id, f"{meeting_id}:{choice}")

    buttons = [
        Button(f"{n} {label}", ANSWER, value(str(n)), typed=f"checkin {n}")
        for n, label in MOODS.items()
    ]
    buttons.append(Button("Pass", ANSWER, value(PASS), typed="checkin pass"))
    buttons.append(
        Button(
            "Add words",
            OPEN_FORM,
            routing.encode(group_id, str(meeting_id)),
            typed="checkin <1-5> <your words>",
        )
    )
    return Card(
        title="Check-in",
        text=(
            f"{MOOD_QUESTION} Choose 1 to 5, or Pass. Passing is always fine.\n"
            f"If you'd like to add a few words: {question}\n"
            "You choose who sees your words; the facilitators see how you're arriving."
            + "".join("\n" + line if n else "\n\n" + line for n, line in enumerate(agenda))
        ),
        fields=(count_line(answered, members),),
        buttons=tuple(buttons),
        footer="You can change your answer until the meeting ends. Or type `checkin 1` to "
        "`checkin 5`, `checkin pass`, or `checkin` for the form.",
    )


def answer_form(group_id: int, meeting_id: int, question: str, current: Checkin | None) -> Form:
    """The full answer: mood or pass, optional words (prompted by `question`), and who may read
    the words."""
    moods = tuple(Option(f"{n} {label}", str(n)) for n, label in MOODS.items())
    mood_initial = ""
    if current is not None:
        mood_initial = PASS if current.passed else str(current.mood or "")
    visibility = tuple(Option(label, value) for value, label in VISIBILITY_LABELS.items())
    return Form(
        form_id=FORM,
        typed="checkin <1-5 or pass> [facilitators|nobody|group:] <your words>",
        title="Check-in",
        inputs=(
            FormInput(
                "mood",
                MOOD_QUESTION,
                kind="radio",
                options=(*moods, Option("Pass (always fine)", PASS)),
                initial=mood_initial,
            ),
            FormInput(
                "words",
                question,
                kind="multiline",
                optional=True,
                max_length=limits.CHECKIN_WORDS,
                initial=(current.words or "") if current else "",
            ),
            FormInput(
                "visibility",
                "Who may read your words?",
                kind="radio",
                options=visibility,
                optional=True,
                initial=current.visibility if current and current.words else "",
                hint="Only needed if you write something.",
            ),
        ),
        context=routing.encode(group_id, str(meeting_id)),
        notes=(
            "The facilitators see how you're arriving (or that you passed), to look out for "
            "anyone having a hard day. The group sees moods only added up, once enough people "
            "answer.",
        ),
    )


def thanks(mood: int | None, *, replaced: bool, visibility: str | None) -> str:
    """The private thank-you. Never a judgement; passing is thanked like any answer."""
    lines = [THANKS[mood]]
    if visibility == "facilitators":
        lines.append("Only the facilitators will see your words.")
    elif visibility == "nobody":
        lines.append("Your words are kept just for you (see `my-data`).")
    elif visibility == "group":
        lines.append("Your words may appear in the meeting summary.")
    if replaced:
        lines.append("I've updated your check-in.")
    return "\n".join(lines)
