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
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.adapters.teams.text import readable
from bot.cards import Button, Card, Form, FormInput, Option

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"
INPUT_PREFIX = "in:"
MAX_ACTIONS_PER_ROW = 5
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


def card_content(card: Card, *, in_channel: bool = False) -> Json:
    """An Adaptive Card showing a `Card`: title, paragraphs, facts, buttons, footer. Buttons on
    a card in a channel open a dialog (see `button_action`)."""
    body: list[Json] = []
    if card.title:
        body.append(_block(card.title, weight="Bolder", size="Medium"))
    body.extend(_paragraphs(card.text))
    if card.fields:
        facts = [{"title": readable(f.label), "value": teams_text(f.value)} for f in card.fields]
        body.append({"type": "FactSet", "facts": facts})
    buttons = [button_action(b, dialog=in_channel) for b in card.buttons]
    for start in range(0, len(buttons), MAX_ACTIONS_PER_ROW):
        body.append({"type": "ActionSet", "actions": buttons[start : start + MAX_ACTIONS_PER_ROW]})
    if card.footer:
        body.extend(_paragraphs(card.footer, isSubtle=True, size="Small"))
    if not body:
        body.append(_block(" "))
    return adaptive_card(body)


def card_summary(card: Card) -> str:
    """A short plain line for notifications and screen readers."""
    return readable(card.title or card.text.split("\n", 1)[0] or "Common Ground")[:200]


# -- forms -----------------------------------------------------------------------------------


def _input(spec: FormInput, value: str, error: str) -> list[Json]:
    element: Json = {
        "id": INPUT_PREFIX + spec.name,
        "label": readable(spec.label) + ("" if spec.optional else " *"),
        "isRequired": not spec.optional,
        "errorMessage": error or f"Please fill in {spec.label.lower()}.",
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
