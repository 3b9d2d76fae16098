"""Cards and forms as Adaptive Cards, and reading card submissions back.

Buttons become `Action.Submit` carrying `{"action": ..., "value": ...}`; a form becomes a card of
`Input.*` elements and one `Action.Submit` carrying `{"form_id": ..., "context": ...}`, so pressing
either arrives as a message whose `value` the adapter turns into `Choice` or `FormSubmitted`.
Inputs are named `in:<name>` so a person's input can never be mistaken for our own keys.

A form's layout also travels in its submit data (`"form"`): when the core rejects a submission,
the form is shown again with the errors and everything typed kept, without storing anything.

Text: user text reaching a card has already been through `neutralise`, so no Markdown can form
from it; Adaptive Card text blocks do not render HTML, so `<`, `>` and `&` stay plain characters.
A Teams mention someone typed as `<at>` markup is written out as what it shows
(`bot.adapters.teams.text`). The bot's own command names are written in backticks in the core;
Teams cards show no code style, so those become bold.

Size: a card whose activity would be over Teams' limit (`bot.adapters.teams.limits`) is not cut.
`card_parts` lays it out as as many consecutive cards as it needs, each within the limit, in the
order it reads: the first says how many more follow, the others say which part they are. A text
too long for one card is divided between words or lines; nothing is dropped.

Buttons: rows are laid out so each label fits a phone-width card (`row_sizes`), at most
`ACTIONS_PER_SET` to a row, within Teams' six.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.adapters.teams import limits
from bot.adapters.teams.limits import ACTIONS_PER_SET, CARD_VERSION
from bot.adapters.teams.text import readable
from bot.cards import Button, Card, Form, FormInput, Option

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = CARD_VERSION
INPUT_PREFIX = "in:"
STYLES = {"primary": "positive", "danger": "destructive"}
_BACKTICKS = re.compile(r"`([^`\n]+)`")

Json = dict[str, Any]


def teams_text(text: str) -> str:
    """Our backticked command names in bold, typed mentions as what they show; the rest as is."""
    return _BACKTICKS.sub(lambda m: f"**{m.group(1)}**", readable(text))


def _block(text: str, **extra: Any) -> Json:
    return {"type": "TextBlock", "text": teams_text(text), "wrap": True, **extra}


def _paragraphs(text: str, **extra: Any) -> list[Json]:
    """One text block per paragraph; single line breaks doubled, as Teams joins single ones."""
    parts = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [_block(p.replace("\n", "\n\n"), **extra) for p in parts]


def adaptive_card(body: list[Json], actions: list[Json] | None = None) -> Json:
    card: Json = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    return card


def attachment(content: Json) -> Json:
    return {"contentType": CONTENT_TYPE, "content": content}


def button_action(button: Button, *, dialog: bool = False) -> Json:
    """`dialog`: the press opens a task module (a dialog) in Teams instead of sending a message,
    which is how a channel card answers one person privately, right where they pressed."""
    data: Json = {"action": button.action, "value": button.value}
    if dialog:
        data["msteams"] = {"type": "task/fetch"}
    action: Json = {"type": "Action.Submit", "title": readable(button.label), "data": data}
    if button.style in STYLES:
        action["style"] = STYLES[button.style]
    return action


def row_sizes(labels: list[str]) -> list[int]:
    """How many buttons go in each row, in order: as many as fit (up to `ACTIONS_PER_SET`) while
    every label in the row fits its share of a phone-width card (`phone_fit`), so no label is cut
    to "1 Str…". A label too long even alone gets a row of its own (Teams wraps or cuts it)."""
    sizes: list[int] = []
    start = 0
    while start < len(labels):
        size = 1
        for n in range(min(ACTIONS_PER_SET, len(labels) - start), 1, -1):
            if all(len(label) <= phone_fit(n) for label in labels[start : start + n]):
                size = n
                break
        sizes.append(size)
        start += size
    return sizes


def phone_fit(per_row: int) -> int:
    """The characters a button label can have when `per_row` buttons share a row on a phone:
    Teams gives the buttons of a row equal widths of about 300 px, each with about 20 px of
    padding, at about 7.5 px a character."""
    return int((limits.PHONE_ROW_PX / per_row - limits.BUTTON_PADDING_PX) / limits.CHAR_PX)


def _body(card: Card, *, in_channel: bool) -> list[Json]:
    body: list[Json] = []
    body.extend(_paragraphs(card.text))
    if card.fields:
        facts = [{"title": readable(f.label), "value": teams_text(f.value)} for f in card.fields]
        body.append({"type": "FactSet", "facts": facts})
    buttons = [button_action(b, dialog=in_channel) for b in card.buttons]
    start = 0
    for size in row_sizes([str(b["title"]) for b in buttons]):
        body.append({"type": "ActionSet", "actions": buttons[start : start + size]})
        start += size
    if card.footer:
        body.extend(_paragraphs(card.footer, isSubtle=True, size="Small"))
    return body


def _title(card: Card) -> list[Json]:
    return [_block(card.title, weight="Bolder", size="Medium")] if card.title else []


def card_content(card: Card, *, in_channel: bool = False) -> Json:
    """An Adaptive Card showing a `Card` whole: title, paragraphs, facts, buttons, footer.
    Buttons on a card in a channel open a dialog (see `button_action`). Use `card_parts` for
    anything sent, so that a long card continues instead of being refused."""
    body = _title(card) + _body(card, in_channel=in_channel)
    return adaptive_card(body or [_block(" ")])


def card_parts(card: Card, *, in_channel: bool = False, budget: int | None = None) -> list[Json]:
    """The card as one or more Adaptive Cards, each of whose activities is within
    `limits.ACTIVITY_BUDGET`; several only when it does not fit in one. The first part says how
    many follow and carries the title; the others say which part they are. `budget` (less than
    the usual) is for a second try after Teams refused a card as too big."""
    budget = limits.ACTIVITY_BUDGET if budget is None else budget
    whole = card_content(card, in_channel=in_channel)
    if _activity_size(whole, card_summary(card)) <= budget:
        return [whole]
    room = budget - limits.CONTINUATION_ROOM
    head = _title(card)
    pieces: list[Json] = []
    for element in _body(card, in_channel=in_channel):
        pieces.extend(_fitting(element, room, card_summary(card)))
    groups: list[list[Json]] = [list(head)]
    for piece in pieces:
        started = len(groups[-1]) > (len(head) if len(groups) == 1 else 0)
        too_big = _activity_size(adaptive_card([*groups[-1], piece]), card_summary(card)) > room
        if started and too_big:
            groups.append([])
        groups[-1].append(piece)
    total = len(groups)
    parts: list[Json] = []
    for number, group in enumerate(groups, start=1):
        if number == 1:
            note = _block(continues(total - 1), isSubtle=True, spacing="Small")
            body = [*head, note, *group[len(head) :]]
        else:
            body = [_block(part_label(card.title, number, total), isSubtle=True), *group]
        parts.append(adaptive_card(body))
    return parts


def continues(more: int) -> str:
    """What the first of several parts says: truthfully, how many follow."""
    return f"This continues in the next {more} message{'s' if more != 1 else ''}."


def part_label(title: str, number: int, total: int) -> str:
    name = f"{title}, continued" if title else "Continued"
    return f"{name} (part {number} of {total})"


def _activity_size(content: Json, summary: str) -> int:
    """The measured size of the message activity carrying `content`, with room for what the
    connector adds (conversation, sender, recipient, service URL)."""
    activity = {"type": "message", "summary": summary, "attachments": [attachment(content)]}
    return limits.activity_size(activity) + limits.ENVELOPE_ROOM


def _fitting(element: Json, room: int, summary: str) -> list[Json]:
    """`element` as pieces that each fit a card on their own: a long text divided between
    lines or words, a long fact set divided between facts. Nothing is dropped."""
    if _activity_size(adaptive_card([element]), summary) <= room:
        return [element]
    halves: list[Json] = []
    if element.get("type") == "TextBlock" and len(str(element.get("text", ""))) > 1:
        first, second = _halve_text(str(element["text"]))
        halves = [{**element, "text": first}, {**element, "text": second}]
    elif element.get("type") == "FactSet" and len(element.get("facts", [])) > 1:
        facts = list(element["facts"])
        middle = len(facts) // 2
        halves = [{**element, "facts": facts[:middle]}, {**element, "facts": facts[middle:]}]
    elif element.get("type") == "FactSet":
        [fact] = element["facts"]
        title = {**_block(str(fact.get("title", ""))), "weight": "Bolder"}
        value = _block(str(fact["value"]))
        return [*_fitting(title, room, summary), *_fitting(value, room, summary)]
    if not halves:
        return [element]  # cannot be divided further; the refusal path reports it
    return [piece for half in halves for piece in _fitting(half, room, summary)]


def _halve_text(text: str) -> tuple[str, str]:
    """Two pieces of `text` near its middle, divided after a line break or a space if there is
    one nearby; the pieces joined again are the whole text (less the one divider)."""
    middle = len(text) // 2
    window = max(1, len(text) // 4)
    for divider in ("\n", " "):
        before = text.rfind(divider, middle - window, middle + 1)
        after = text.find(divider, middle, middle + window)
        found = [i for i in (before, after) if i > 0]
        if found:
            cut = min(found, key=lambda i: abs(i - middle))
            return text[:cut].rstrip(), text[cut + 1 :].lstrip("\n ")
    return text[:middle], text[middle:]


def card_summary(card: Card) -> str:
    """A short plain line for notifications and screen readers."""
    return readable(card.title or card.text.split("\n", 1)[0] or "Common Ground")[: limits.SUMMARY]


# -- forms -----------------------------------------------------------------------------------


def _input(spec: FormInput, value: str, error: str) -> list[Json]:
    element: Json = {
        "id": INPUT_PREFIX + spec.name,
        # Teams marks a required input itself (isRequired); adding " *" would show "* *".
        "label": readable(spec.label),
        "isRequired": not spec.optional,
        "errorMessage": error
        or ("Please choose one." if spec.kind in ("select", "radio") else "Please fill this in."),
    }
    if spec.kind in ("select", "radio"):
        element["type"] = "Input.ChoiceSet"
        element["style"] = "expanded" if spec.kind == "radio" else "compact"
        element["choices"] = [{"title": readable(o.label), "value": o.value} for o in spec.options]
    else:
        element["type"] = "Input.Text"
        element["isMultiline"] = spec.kind == "multiline"
        if spec.max_length:
            element["maxLength"] = spec.max_length
        if spec.hint:
            element["placeholder"] = spec.hint
    if value:
        element["value"] = value
    blocks = [element]
    if error:
        blocks.append(_block(error, color="Attention", spacing="None"))
    return blocks


def form_content(
    form: Form, values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None
) -> Json:
    """An Adaptive Card form; given `values` and `errors`, the same form shown again."""
    values = values or {}
    errors = errors or {}
    body: list[Json] = [_block(form.title, weight="Bolder", size="Medium")]
    if errors:
        body.append(
            _block("Please check the form: " + _error_summary(form, errors), color="Attention")
        )
    if form.intro:
        body.extend(_paragraphs(form.intro))
    for note in form.notes:
        body.extend(_paragraphs(note, isSubtle=True))
    for spec in form.inputs:
        body.extend(_input(spec, values.get(spec.name, spec.initial), errors.get(spec.name, "")))
    submit = {
        "type": "Action.Submit",
        "title": form.submit_label,
        "style": "positive",
        "data": {"form_id": form.form_id, "context": form.context, "form": pack_form(form)},
    }
    return adaptive_card(body, [submit])


def _error_summary(form: Form, errors: Mapping[str, str]) -> str:
    names = {spec.name: spec.label for spec in form.inputs}
    unknown = [message for name, message in errors.items() if name not in names]
    shown = [message for name, message in errors.items() if name in names]
    return " ".join(unknown + shown)


def pack_form(form: Form) -> Json:
    """The form's layout, small enough to travel in the submit data and come back."""
    return {
        "t": form.title,
        "s": form.submit_label,
        "n": form.intro,
        "o": list(form.notes),
        "i": [
            [
                i.name,
                i.label,
                i.kind,
                i.optional,
                i.max_length or 0,
                i.hint,
                [[o.label, o.value] for o in i.options],
                i.initial,
            ]
            for i in form.inputs
        ],
    }


def unpack_form(data: object, form_id: str, context: str) -> Form | None:
    """The form described by `pack_form`, or None when the data is not one (never trusted for
    anything but showing the person their own form again)."""
    if not isinstance(data, dict):
        return None
    try:
        inputs = tuple(
            FormInput(
                name=str(name),
                label=str(label),
                kind=kind if kind in ("text", "multiline", "select", "radio") else "text",
                optional=bool(optional),
                max_length=int(max_length) or None,
                hint=str(hint),
                options=tuple(Option(str(a), str(b)) for a, b in options),
                initial=str(initial),
            )
            for name, label, kind, optional, max_length, hint, options, initial in data["i"]
        )
        return Form(
            form_id=form_id,
            title=str(data["t"]),
            inputs=inputs,
            submit_label=str(data.get("s") or "Send"),
            intro=str(data.get("n") or ""),
            context=context,
            notes=tuple(str(n) for n in data.get("o") or ()),
        )
    except (KeyError, TypeError, ValueError):
        return None


def errors_content(form: Form | None, values: Mapping[str, str], errors: Mapping[str, str]) -> Json:
    """The reply to a rejected form: the form again with its errors, or the errors alone."""
    if form is not None:
        return form_content(form, values, errors)
    lines = "\n".join(f"- {message}" for message in errors.values())
    kept = "\n".join(f"- {name}: {value}" for name, value in values.items() if value)
    body = [_block("That form needs another look", weight="Bolder"), *_paragraphs(lines)]
    if kept:
        body.extend(_paragraphs("What you wrote:\n" + kept, isSubtle=True))
    return adaptive_card(body)


# -- submissions -----------------------------------------------------------------------------


def submitted_values(value: Mapping[str, Any]) -> dict[str, str]:
    """The inputs of a submitted form, by input name."""
    return {
        key[len(INPUT_PREFIX) :]: "" if item is None else str(item)
        for key, item in value.items()
        if isinstance(key, str) and key.startswith(INPUT_PREFIX)
    }
