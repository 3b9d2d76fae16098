"""What elephants look like: the channel card, the forms, the invitation and the reveal.

Every piece of text a person wrote goes through `neutralise` here, at the last moment, so stored
text stays as it was typed and nothing anyone typed can ping the channel or hide a link.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot import limits, routing
from bot.cards import Button, Card, Field, Form, FormInput, Option
from bot.handlers.agenda.cards import FROM_ELEPHANT
from bot.handlers.privacy.crowd_rule import crowd
from bot.store.elephants import BIG, LITTLE, Elephant, Perspective
from bot.text_safety import neutralise, shortened

FORM = "elephant.form"
SEE_TOO = "elephant.see-too"
PERSPECTIVE_OPEN = "elephant.perspective-form"
PERSPECTIVE_FORM = "elephant.perspective"
AS_OUTCOME = "elephant.as-outcome"
AS_NEW = "elephant.as-new"
NEW_ELEPHANT_LABEL = "Name a new elephant"
AGENDA_LABEL = "Put on the agenda (facilitators)"
"""`agenda add elephant <number>` as a button; the core refuses it to members."""
TAG, NO_TAG = "tag", "none"

WHAT_IS_STORED = (
    "We store the words and the time. We never store who sent it. "
    "It appears in the channel after a short random delay."
)
NO_DELAY_WARNING = (
    "This group has no anonymity delay, so it will appear within a minute or two. "
    "If few people are around, the timing could hint at who sent it."
)
SIZE_HELP = {
    LITTLE: "Little: something one person can name.",
    BIG: "Big: it needs everyone's view. I'll ask every member for their perspective, "
    "and show them together.",
}
HIDDEN_TEXT = "This elephant was hidden by a facilitator."
STATUS_WORDS = {
    "open": "open",
    "discussed": "discussed",
    "addressed": "addressed",
    "parked": "parked for now",
    "hidden": "hidden",
}
ROLE_WORDS = {
    "lived-experience": "lived experience",
    "professional": "professional",
    "both": "lived experience and professional",
}
"""Role tags a perspective can carry; "prefer-not-to-say" and no role cannot be tagged."""


def parse_id(text: str) -> int | None:
    """A row id from a button or form value, or None. Only plain ASCII digits, and few enough
    that the database can hold the number: a tampered value gets "no longer works", not a crash."""
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    return int(text)


def elephant_key(elephant_id: int) -> str:
    return f"elephant:{elephant_id}"


def elephant_form(group_id: int, delay_minutes: int) -> Form:
    """The form for naming an elephant, saying plainly what is and is not stored."""
    notes = [WHAT_IS_STORED, SIZE_HELP[LITTLE], SIZE_HELP[BIG]]
    if delay_minutes == 0:
        notes.append(NO_DELAY_WARNING)
    return Form(
        form_id=FORM,
        typed="elephant little: <what nobody says>  (or: elephant big: <…>)",
        title="Name an elephant",
        intro="Name the thing nobody is saying out loud. Nobody will know it was you.",
        inputs=(
            FormInput(
                "text",
                "What is the elephant?",
                kind="multiline",
                max_length=limits.ELEPHANT,
            ),
            FormInput(
                "size",
                "How big is it?",
                kind="radio",
                options=(
                    Option("Little: one person can name it", LITTLE),
                    Option("Big: it needs everyone's view", BIG),
                ),
                initial=LITTLE,
            ),
        ),
        submit_label="Name it",
        context=routing.encode(group_id),
        notes=tuple(notes),
    )


def marks_text(marks: int, k: int) -> str:
    """How many see it too, as the crowd rule releases it (`crowd_rule.crowd`): nothing below `k`
    (not even "nobody" against "a few", which would give away the first press), then whole
    crowds of `k`."""
    shown = crowd(marks, k)
    if not shown:
        return f"the number shows from {k}"
    return str(shown)


def _perspective_button(value: str, number: int) -> Button:
    return Button(
        "Add my perspective",
        PERSPECTIVE_OPEN,
        value,
        style="primary",
        typed=f"perspective {number} <your view>",
    )


def elephant_card(group_id: int, elephant: Elephant, marks: int, k: int) -> Card:
    """The channel post for an elephant; hidden ones show only that they were hidden."""
    title = f"Elephant #{elephant.number}"
    if elephant.is_hidden:
        return Card(title=title, text=HIDDEN_TEXT)
    value = routing.encode(group_id, str(elephant.id))
    number = elephant.number
    buttons = [Button("I see it too", SEE_TOO, value, typed=f"see {number}")]
    lines = [f"Someone has named an elephant (#{elephant.number}, {elephant.size})", ""]
    lines.append(neutralise(elephant.text))
    if elephant.is_big:
        if elephant.perspectives_revealed_at is None:
            buttons.append(_perspective_button(value, number))
            lines += [
                "",
                f"This one needs everyone's view. Perspectives are anonymous, and shown "
                f"together once {k} have arrived.",
            ]
        else:
            if elephant.status == "open":
                buttons.append(_perspective_button(value, number))
            lines += [
                "",
                "The perspectives on this elephant have been shared together in the channel. "
                f"Later ones are shown together too, {k} or more at a time.",
            ]
    if elephant.status == "open":
        buttons.append(
            Button(AGENDA_LABEL, FROM_ELEPHANT, value, typed=f"agenda add elephant {number}")
        )
    fields = [Field("I see it too", marks_text(marks, k))]
    if elephant.status != "open":
        fields.append(Field("Status", STATUS_WORDS.get(elephant.status, elephant.status)))
    if elephant.outcome and elephant.status != "open":
        fields.append(Field("What was done", neutralise(elephant.outcome)))
    return Card(
        title=title,
        text="\n".join(lines),
        fields=tuple(fields),
        buttons=tuple(buttons),
        footer="Named anonymously: nobody, not even the facilitators, can see who named it. "
        + typed_hint(elephant),
    )


def typed_hint(elephant: Elephant) -> str:
    """The typed equivalents of the card's buttons, for keyboards and screen readers."""
    n = elephant.number
    hint = f"By typing, in a direct message to me: `see {n}`"
    if elephant.is_big and (elephant.perspectives_revealed_at is None or elephant.status == "open"):
        hint += f", `perspective {n} <your view>`"
    return hint + "."


def invitation_card(group_id: int, group_name: str, elephant: Elephant, k: int) -> Card:
    """The private invitation every member gets when a big elephant is posted."""
    return Card(
        title="A big elephant needs your view",
        text=(
            f"Someone in {group_name} has named a big elephant (#{elephant.number}):\n"
            f"{neutralise(elephant.text)}\n\n"
            "Would you add your perspective? It is anonymous: we store your words, never who "
            f"wrote them. Perspectives are shown together once {k} have arrived."
        ),
        buttons=(_perspective_button(routing.encode(group_id, str(elephant.id)), elephant.number),),
        footer="Nothing is expected of you: it's fine not to answer. Or type "
        f"`perspective {elephant.number} <your view>` (`tag:` before your view adds your role).",
    )


def perspective_form(group_id: int, elephant: Elephant, role: str | None, k: int) -> Form:
    """The perspective form; the role tag choice appears only if the person has a taggable role."""
    inputs = [
        FormInput(
            "text",
            "Your perspective",
            kind="multiline",
            max_length=limits.PERSPECTIVE,
        )
    ]
    notes = [
        "We store your words, never who wrote them. You can add one perspective to each elephant, "
        "and it can't be changed afterwards, because nothing links it to you.",
        f"Perspectives are shown together once {k} have arrived.",
    ]
    if role in ROLE_WORDS:
        inputs.append(
            FormInput(
                "role_tag",
                "Tag it with your role?",
                kind="radio",
                options=(
                    Option(f"Tag with my role ({ROLE_WORDS[role]})", TAG),
                    Option("Don't tag", NO_TAG),
                ),
                initial=NO_TAG,
                hint="Tags are shown only when enough perspectives share each role "
                "that nobody stands out.",
            )
        )
    return Form(
        form_id=PERSPECTIVE_FORM,
        typed=f"perspective {elephant.number} <your view>",
        title=f"Your view on elephant #{elephant.number}",
        intro=neutralise(elephant.text),
        inputs=tuple(inputs),
        context=routing.encode(group_id, str(elephant.id)),
        notes=tuple(notes),
    )


def show_tags(perspectives: Sequence[Perspective], k: int) -> bool:
    """Whether role tags may be shown: only if every role that appears is carried by at least `k`
    perspectives. Otherwise a lone "professional" among lived-experience tags would stand out,
    so then no tag is shown at all (showing some would let the missing ones be guessed)."""
    tags = Counter(p.role_tag for p in perspectives if p.role_tag)
    return bool(tags) and all(n >= k for n in tags.values())


def reveal_card(
    elephant: Elephant, perspectives: Sequence[Perspective], k: int, *, more: bool = False
) -> Card:
    """A crowd of perspectives on a big elephant, in one post, in the order given (shuffled);
    `more` for a later crowd after the first reveal."""
    tagged = show_tags(perspectives, k)
    lines = [shortened(elephant.text), ""]
    for p in perspectives:
        tag = f" ({ROLE_WORDS.get(p.role_tag, p.role_tag)})" if tagged and p.role_tag else ""
        lines.append(f"• {neutralise(p.text)}{tag}")
    footer = "Shared anonymously, in no particular order."
    if not tagged and any(p.role_tag for p in perspectives):
        footer += f" Role tags are shown only when at least {k} share each role, so none are shown."
    return Card(
        title=f"{'More perspectives' if more else 'Perspectives'} on elephant #{elephant.number}",
        text="\n".join(lines),
        footer=footer,
    )


def outcome_card(elephant: Elephant) -> Card:
    """ "You said, we did": what happened to an elephant, posted for everyone."""
    fields = [Field("Status", STATUS_WORDS.get(elephant.status, elephant.status))]
    if elephant.outcome:
        fields.append(Field("What was done", neutralise(elephant.outcome)))
    return Card(
        title="You said, we did",
        text=f"Elephant #{elephant.number}: {shortened(elephant.text)}",
        fields=tuple(fields),
    )


def outcome_or_new_card(
    group_id: int, number: int, status: str, typed: str, *, lead: str, record: bool, name: bool
) -> Card:
    """Ask whether `elephant <n> <status> <words>` was an outcome or a new elephant. Each button
    carries the typed words, so nothing is stored until one is pressed and nothing is lost.

    `lead` says what is being asked; `record` and `name` say which of the two buttons the person
    may use (only facilitators record outcomes; a new elephant must be able to stay anonymous)."""
    buttons: list[Button] = []
    value = routing.encode(group_id, typed)
    if record:
        buttons.append(Button(f"Elephant #{number}: {status}", AS_OUTCOME, value))
    if name:
        new = f"elephant little: {neutralise(typed)}"
        buttons.append(Button(NEW_ELEPHANT_LABEL, AS_NEW, value, typed=new))
    return Card(
        text=f"{lead}\nNothing is stored until you choose.",
        buttons=tuple(buttons),
        footer=f"Your text:\nelephant {neutralise(typed)}",
    )
