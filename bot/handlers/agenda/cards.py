"""What the agenda looks like: the numbered list, its short form in the check-in, and the forms.

Every piece of text a person wrote goes through `neutralise` here, at the last moment. Numbers are
places on the agenda as shown (1, 2, 3 …), the ones people type; buttons and forms carry the
items' ids instead, so a press still means the item it was pressed for after the list changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot import limits, routing
from bot.cards import Button, Card, Form, FormInput, Option
from bot.store.agenda import ADDRESSED, DISCUSSED, Item
from bot.text_safety import neutralise, shortened

ADD_OPEN = "agenda.add-open"
ADD_FORM = "agenda.add"
CHANGE_OPEN = "agenda.change-open"
CHANGE_FORM = "agenda.change"
FROM_ELEPHANT = "agenda.from-elephant"
NAMED, ANONYMOUS = "named", "anonymous"
MOVE, MERGE, DEFER, REMOVE, DONE = "move", "merge", "defer", "remove", "done"
CHANGES: dict[str, tuple[str, str]] = {
    MOVE: ("Move an item", "agenda move <number> <place>|up"),
    MERGE: ("Merge two items", "agenda merge <number> <number>"),
    DEFER: ("Defer an item", "agenda defer <number>"),
    REMOVE: ("Remove an item", "agenda remove <number>"),
    DONE: ("Mark an item done", "agenda <number> done|addressed [what was done]"),
}
"""The facilitators' buttons: each opens a small form, and each has its typed command."""
UP = "up"
CHECKIN_ITEMS = 5
"""Items the check-in shows; the rest are a count and `agenda`."""
OPTION_TEXT = 60
"""Characters of an item's words in a form's list (Slack cuts an option at 75)."""
STATUS_WORDS = {DISCUSSED: "discussed", ADDRESSED: "addressed"}
ANONYMOUS_NOTE = (
    "We store the words, and never who added them. It joins the agenda after a short random "
    "delay, so the moment it appears doesn't point at you."
)


def times(n: int) -> str:
    """ "once", "twice", "3 times"."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _who(item: Item) -> str:
    if item.elephant_number is not None:
        return f"from elephant #{item.elephant_number}"
    if item.author:
        return f"added by {neutralise(item.author)}"
    return "added anonymously"


def item_line(number: int, item: Item, merged: Sequence[Item] = ()) -> str:
    """One numbered item: its words, who added it (or that nobody can tell), how often it was
    carried over, what was merged into it, and its papers on a line of their own."""
    notes = [_who(item)]
    if item.carried:
        notes.append(f"carried over {times(item.carried)}")
    lines = [f"{number}. {neutralise(item.text)} ({', '.join(notes)})"]
    for other in merged:
        lines.append(f"    With: {shortened(other.text, 150)} ({_who(other)})")
    if item.papers:
        lines.append(f"    Papers: {item.papers}")
    return "\n".join(lines)


def agenda_card(
    group_id: int,
    title: str,
    items: Sequence[Item],
    merged: Mapping[int, Sequence[Item]],
    *,
    facilitator: bool,
    open_actions: Sequence[str] = (),
) -> Card:
    """The agenda, numbered. `open_actions` (lines about actions still open from earlier
    meetings) come first, under "Open actions from last time"; deferred items come last, still
    numbered, so a facilitator can bring one back (`agenda move <number> 1`)."""
    sections: list[str] = []
    if open_actions:
        sections.append(
            "Open actions from last time\n" + "\n".join(neutralise(a) for a in open_actions)
        )
    now = [item for item in items if not item.deferred]
    later = [item for item in items if item.deferred]
    lines = [item_line(n, item, merged.get(item.id, ())) for n, item in enumerate(now, start=1)]
    sections.append("\n".join(lines) if lines else "Nothing on the agenda yet.")
    if later:
        start = len(now) + 1
        deferred = [
            item_line(n, item, merged.get(item.id, ())) for n, item in enumerate(later, start)
        ]
        sections.append("Deferred to the meeting after\n" + "\n".join(deferred))
    buttons = [
        Button(
            "Add an item",
            ADD_OPEN,
            routing.encode(group_id),
            style="primary",
            typed="agenda add <what to talk about>",
        )
    ]
    footer = "Anyone can add an item: `agenda add <what to talk about>`, or anonymously."
    if facilitator and items:
        buttons.extend(
            Button(label, CHANGE_OPEN, routing.encode(group_id, change), typed=typed)
            for change, (label, typed) in CHANGES.items()
        )
        footer += " Facilitators: " + "; ".join(f"`{typed}`" for _, typed in CHANGES.values())
    return Card(title=title, text="\n\n".join(sections), buttons=tuple(buttons), footer=footer)


def checkin_section(
    items: Sequence[Item], open_actions: int = 0, limit: int = CHECKIN_ITEMS
) -> tuple[str, ...]:
    """The short agenda the check-in carries: the open actions first (a count, so the card stays
    short), then the first few items and how many more."""
    now = [item for item in items if not item.deferred]
    lines: list[str] = []
    if open_actions:
        some = "1 action is" if open_actions == 1 else f"{open_actions} actions are"
        lines.append(f"From last time: {some} still open. Type `actions` to see them.")
    if now:
        lines.append("On the agenda:")
        lines.extend(
            f"{n}. {shortened(item.text, 100)}" for n, item in enumerate(now[:limit], start=1)
        )
    if len(now) > limit:
        lines.append(f"…and {len(now) - limit} more. Type `agenda` for all of it.")
    return tuple(lines)


def add_form(group_id: int, delay_minutes: int, *, anonymous: bool = False) -> Form:
    """Adding an item: the words, an optional link to papers, and whether to put a name on it."""
    notes = [ANONYMOUS_NOTE]
    if delay_minutes <= 0:
        notes.append(
            "This group has no anonymity delay, so an anonymous item appears at once. If few "
            "people are around, the timing could hint at who added it."
        )
    return Form(
        form_id=ADD_FORM,
        typed="agenda add <what to talk about>  (or: agenda add anonymously <what>)",
        title="Add to the agenda",
        intro="What would you like the next meeting to talk about?",
        inputs=(
            FormInput(
                "text", "What to talk about", kind="multiline", max_length=limits.AGENDA_ITEM
            ),
            FormInput(
                "papers",
                "Link to papers",
                optional=True,
                max_length=limits.PAPERS_LINK,
                hint="A web address starting with https://",
            ),
            FormInput(
                "name",
                "Put your name on it?",
                kind="radio",
                options=(
                    Option("Put my name on it", NAMED),
                    Option("Keep it anonymous", ANONYMOUS),
                ),
                initial=ANONYMOUS if anonymous else NAMED,
            ),
        ),
        submit_label="Add it",
        context=routing.encode(group_id),
        notes=tuple(notes),
    )


def _item_options(items: Sequence[Item]) -> tuple[Option, ...]:
    return tuple(
        Option(f"{n}. {shortened(item.text, OPTION_TEXT)}", str(item.id))
        for n, item in enumerate(items, start=1)
    )


def change_form(group_id: int, change: str, items: Sequence[Item]) -> Form:
    """A facilitator's change to the agenda, chosen from lists rather than typed numbers."""
    label, typed = CHANGES[change]
    options = _item_options(items)
    inputs = [FormInput("item", "Which item?", kind="select", options=options)]
    if change == MOVE:
        places = [Option("Up one place", UP)]
        places.extend(Option(f"Place {n}", str(n)) for n in range(1, len(items) + 1))
        inputs.append(FormInput("place", "Where to?", kind="select", options=tuple(places)))
    elif change == MERGE:
        inputs[0] = FormInput("item", "Keep this item", kind="select", options=options)
        inputs.append(
            FormInput("other", "and merge this one into it", kind="select", options=options)
        )
    elif change == DONE:
        inputs.append(
            FormInput(
                "status",
                "What happened?",
                kind="radio",
                options=(Option("Discussed", DISCUSSED), Option("Addressed", ADDRESSED)),
                initial=DISCUSSED,
            )
        )
        inputs.append(
            FormInput(
                "outcome",
                "What was done (optional)",
                kind="multiline",
                optional=True,
                max_length=limits.OUTCOME,
            )
        )
    return Form(
        form_id=CHANGE_FORM,
        title=label,
        inputs=tuple(inputs),
        submit_label=label.split()[0],
        context=routing.encode(group_id, change),
        notes=(f"Or type `{typed}`.",),
    )
