"""The seven rungs in plain words, the "Where on the ladder?" button and its form.

The reflection card already carries six buttons (1 to 5 and "One thing to change"); seven more
would not fit on a phone nor within Teams' actions per set, so the rungs are a radio list in a
form opened by one button, and typed as `ladder 1` to `ladder 7` or by name."""

from __future__ import annotations

from bot import routing
from bot.cards import Button, Form, FormInput, Option

OPEN_LADDER = "ladder.open"
LADDER_FORM = "ladder.answer"
QUESTION = "Where on the ladder did today feel?"

RUNGS: dict[int, tuple[str, str]] = {
    1: ("Coercion", "things were done to us, not with us"),
    2: ("Educating", "we were told what is good for us"),
    3: ("Informing", "we were told what had been decided"),
    4: ("Consultation", "we were asked our views, but others decided"),
    5: ("Engagement", "we had a real say, but others kept the power to decide"),
    6: ("Co-design", "we shaped the plans together, but not the final decisions"),
    7: ("Co-production", "we shared power and decided together"),
}
"""Think Local Act Personal's ladder of co-production, from the bottom rung to the top."""


def rung_name(rung: int) -> str:
    return RUNGS[rung][0]


def rung_line(rung: int) -> str:
    """ "7 Co-production: we shared power and decided together"."""
    name, meaning = RUNGS[rung]
    return f"{rung} {name}: {meaning}"


def ladder_button(group_id: int, meeting_id: int) -> Button:
    return Button(
        "Where on the ladder?",
        OPEN_LADDER,
        routing.encode(group_id, str(meeting_id)),
        typed="ladder <1 to 7>",
    )


LADDER_INVITE = (
    "And if you like, one more: where on the ladder of co-production did it feel, from "
    "“things were done to us” to “we shared power and decided together”?"
)
TYPED_LADDER = "`ladder 1` (coercion) to `ladder 7` (co-production)"


def ladder_form(group_id: int, meeting_id: int, k: int) -> Form:
    return Form(
        form_id=LADDER_FORM,
        title="Where on the ladder?",
        intro=f"{QUESTION} Choose the rung that fits best. There's no right answer.",
        inputs=(
            FormInput(
                "rung",
                "The rung that fits best",
                kind="radio",
                # 1 to 7, so that an option's place, its number and `ladder <n>` always agree
                # (the console and plain-text modes answer a list by its numbers).
                options=tuple(Option(rung_line(r), str(r)) for r in RUNGS),
            ),
        ),
        context=routing.encode(group_id, str(meeting_id)),
        typed="ladder <1-7>",
        notes=(
            "Anonymous: I don't keep who answered. Answers are shown only added up, once at "
            f"least {k} have come in, and by role only when each side has {k} or more.",
        ),
    )


def ladder_steps_text() -> str:
    """The ladder as plain text, for typing an answer (`ladder` on its own)."""
    lines = [f"{QUESTION} The seven rungs, from the top:"]
    lines.extend(f"  {rung_line(r)}" for r in reversed(RUNGS))
    lines.append(
        "Answer in a direct message with the number or the name, for example `ladder 6` or "
        "`ladder co-design`. It's anonymous, and there's no need to answer."
    )
    return "\n".join(lines)
