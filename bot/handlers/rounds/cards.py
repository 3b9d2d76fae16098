"""What people see of a sharing round: the channel card, the invitation, the form, the reveal.

Every piece of text a person typed (the prompt, a share, a display name) passes through
`neutralise` here, at the moment it is shown. The live count never lists who has not answered,
and passes appear only as a number, because passing is an answer and never needs explaining.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import limits
from bot.cards import Button, Card, Field, Form, FormInput, Option
from bot.routing import encode
from bot.store.rounds import CLOSED, OPEN, Round
from bot.text_safety import neutralise

SHARE_FORM = "round.share"
OPEN_FORM = "round.share-form"
PASS = "round.pass"
CONSENT = "round.consent"

HELD = (
    "Everyone is invited to share — professionals too. Answers are held: nobody sees them, "
    "not even facilitators, until the round is revealed. Then the group sees each answer with "
    "the name of the person who shared it. Passing is always fine."
)
LOCK_NOTE = (
    "This group's reciprocity lock is on: answers are revealed only once a professional and "
    "someone with lived experience have both shared."
)
CONSENT_YES = "Yes, my words may appear in the summary"
CONSENT_NO = "No, keep them out"


def card_key(round_id: int) -> str:
    return f"round:{round_id}"


def count_line(answered: int, total: int) -> str:
    """ "5 of 9 have answered": shares and passes alike, never who is missing."""
    verb = "has" if answered == 1 else "have"
    return f"{answered} of {total} {verb} answered"


def answer_buttons(group_id: int, round_id: int, *, with_pass: bool = True) -> tuple[Button, ...]:
    value = encode(group_id, str(round_id))
    share = Button("Share", OPEN_FORM, value, style="primary", typed="share <your answer>")
    if not with_pass:
        return (share,)
    return (share, Button("Pass", PASS, value, typed="pass"))


def round_card(
    round_: Round,
    *,
    answered: int,
    total: int,
    lock: bool,
    waiting: str = "",
    anyone_shared: bool = True,
    opened: str = "",
) -> Card:
    """The channel card; redrawn (same key) whenever the count or the round's state changes.

    `opened` says, by role, whose shares opened the reciprocity lock ("a professional and
    someone with lived experience"), so the room can see the lock did what it promises.
    """
    prompt = neutralise(round_.prompt)
    lock_line = f"\n\nThe reciprocity lock opened when {opened} had shared." if opened else ""
    fields = (Field("Answers", count_line(answered, total)),)
    if round_.status == OPEN:
        notes = [HELD]
        if lock:
            notes.append(LOCK_NOTE)
        if waiting:
            notes.append(f"Everyone has answered. The answers are held, {waiting}.")
        return Card(
            title="Sharing round",
            text=f"{prompt}\n\n" + "\n\n".join(notes),
            fields=fields,
            buttons=answer_buttons(round_.group_id, round_.id),
            footer="Type `share` or `pass` if you prefer typing.",
        )
    if round_.status == CLOSED and round_.revealed_at is None and not anyone_shared:
        return Card(
            title="Sharing round (closed)",
            text=f"{prompt}\n\nThis round is closed. Nobody shared this time — and that's fine.",
            fields=fields,
        )
    if round_.status == CLOSED and round_.revealed_at is None:
        return Card(
            title="Sharing round (closed)",
            text=f"{prompt}\n\nThis round was closed without being revealed. "
            "The answers stay private; only how many shared or passed is kept.",
            fields=fields,
        )
    if round_.status == CLOSED:
        return Card(
            title="Sharing round (closed)",
            text=f"{prompt}\n\nThe answers were revealed and the round is now closed. Thank you."
            + lock_line,
            fields=fields,
        )
    return Card(
        title="Sharing round (revealed)",
        text=f"{prompt}\n\nThe answers have been revealed. If you haven't shared yet, you still "
        "can until the round closes: your answer will be added for everyone to see." + lock_line,
        fields=fields,
        buttons=answer_buttons(round_.group_id, round_.id, with_pass=False),
    )


def invitation(round_: Round, group_name: str, *, lock: bool) -> Card:
    """The private message each member gets when a round opens."""
    text = f"{neutralise(round_.prompt)}\n\n{HELD}"
    if lock:
        text += f"\n\n{LOCK_NOTE}"
    return Card(
        title=f"A sharing round in {neutralise(group_name)}",
        text=text,
        buttons=answer_buttons(round_.group_id, round_.id),
    )


def share_form(round_: Round, *, text: str = "", consent: str = "") -> Form:
    """The form for sharing: the words, and whether they may appear in the meeting summary."""
    return Form(
        form_id=SHARE_FORM,
        typed="share <your answer>",
        title="Share with the group",
        intro=f"{neutralise(round_.prompt)}\n\nYour answer is held until the round is revealed. "
        "Then the group will see it with your name.",
        inputs=(
            FormInput(
                "text",
                "Your answer",
                kind="multiline",
                max_length=limits.SHARE,
                initial=text,
            ),
            FormInput(
                "consent",
                "May your words appear in the meeting summary?",
                kind="radio",
                options=(Option(CONSENT_YES, "yes"), Option(CONSENT_NO, "no")),
                initial=consent,
            ),
        ),
        submit_label="Share",
        context=encode(round_.group_id, str(round_.id)),
    )


def consent_buttons(group_id: int, round_id: int) -> tuple[Button, ...]:
    return (
        Button(CONSENT_YES, CONSENT, encode(group_id, f"{round_id}:yes"), typed="consent yes"),
        Button(CONSENT_NO, CONSENT, encode(group_id, f"{round_id}:no"), typed="consent no"),
    )


def reveal_card(
    round_: Round, shown: Sequence[tuple[str, str]], passes: int, *, reason: str
) -> Card:
    """All revealed answers in one post: name and words, already interleaved by role."""
    lines = [f"{neutralise(name)}: {neutralise(text)}" for name, text in shown]
    if not shown:
        lines.append("Nobody shared this time — and that's fine.")
    footer = ""
    if passes:
        who = "person" if passes == 1 else "people"
        footer = f"{passes} {who} passed — passing is always fine."
    return Card(
        title=f"Round revealed: {neutralise(round_.prompt)}",
        text=f"{reason}\n\n" + "\n\n".join(lines),
        footer=footer,
    )


def late_card(round_: Round, name: str, text: str) -> Card:
    """A share that arrived after the reveal, shown on its own."""
    return Card(
        title=f"A late answer: {neutralise(round_.prompt)}",
        text=f"{neutralise(name)}: {neutralise(text)}",
    )


def held_at_end_card(round_: Round, waiting: str) -> Card:
    """Posted when a meeting ends but the reciprocity lock still holds the answers."""
    return Card(
        title="Round answers still held",
        text=f"{neutralise(round_.prompt)}\n\nThe meeting has ended, but the answers stay held: "
        f"the group's reciprocity lock is {waiting}. The round stays open — anyone can still "
        "share, and the answers will be revealed together as soon as the lock is met. "
        "A facilitator can `round close` it instead; then the answers stay private.",
    )
