"""Block Kit rendering of the core's plain-text cards and forms, and reading modal values back.

Every string the core gives us is plain text; Slack reads `&`, `<` and `>` as markup in mrkdwn, so
each one is escaped here before it is put in a block, after any Slack syntax someone typed is
written out as what it shows (`bot.adapters.slack.text`). Slack's own size limits (header 150,
button 75, modal title 24 characters, ...) are respected by cutting, never by failing the whole
message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.adapters.slack.text import mrkdwn, readable
from bot.cards import Button, Card, Form, FormInput, Option
from bot.identity import Who, signature, signature_matches

Block = dict[str, Any]

ACTION_SEPARATOR = "::"
"""Slack wants action ids unique within a message, but a card's buttons may share an action (the
check-in's 1-5 and Pass). The button's position is appended after this and dropped on the way in."""

MAX_SECTION = 3000
MAX_BLOCKS = 50
SHORTENED = "This message was too long for Slack, so it was shortened. Type `summary` or `export`."
MAX_FIELDS = 10
MAX_BUTTONS = 25
MAX_FALLBACK = 3000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(readable(text), limit) or " ", "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _cut(mrkdwn(text), MAX_SECTION)}


def _paragraph_chunks(text: str) -> list[str]:
    """Split long text into section-sized pieces at paragraph boundaries where possible."""
    chunks: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(mrkdwn(candidate)) <= MAX_SECTION:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = paragraph
    if current:
        chunks.append(current)
    return chunks


def action_id(button: Button, index: int) -> str:
    return f"{button.action}{ACTION_SEPARATOR}{index}"


def our_action(slack_action_id: str) -> str:
    """The core's action from a Slack action id made by `action_id`."""
    return slack_action_id.split(ACTION_SEPARATOR, 1)[0]


def _button(button: Button, index: int) -> Block:
    element: Block = {
        "type": "button",
        "text": _plain(button.label, 75),
        "action_id": action_id(button, index),
        "value": button.value or " ",
    }
    if button.style != "default":
        element["style"] = button.style
    return element


def card_blocks(card: Card) -> list[Block]:
    """The blocks of a message showing `card`."""
    blocks: list[Block] = []
    if card.title:
        blocks.append({"type": "header", "text": _plain(card.title, 150)})
    for chunk in _paragraph_chunks(card.text):
        blocks.append({"type": "section", "text": _mrkdwn(chunk)})
    for start in range(0, len(card.fields), MAX_FIELDS):
        batch = card.fields[start : start + MAX_FIELDS]
        fields = [
            {"type": "mrkdwn", "text": _cut(f"*{mrkdwn(f.label)}*\n{mrkdwn(f.value)}", 2000)}
            for f in batch
        ]
        blocks.append({"type": "section", "fields": fields})
    buttons = card.buttons[:MAX_BUTTONS]
    if buttons:
        blocks.append(
            {"type": "actions", "elements": [_button(b, i) for i, b in enumerate(buttons)]}
        )
    if card.footer:
        blocks.append({"type": "context", "elements": [_mrkdwn(card.footer)]})
    return _within_message_limit(blocks)


def _within_message_limit(blocks: list[Block]) -> list[Block]:
    """Slack refuses a message of more than 50 blocks: shorten the body, keep buttons and footer."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    tail = [b for b in blocks if b["type"] in ("actions", "context")]
    body = [b for b in blocks if b["type"] not in ("actions", "context")]
    note = {"type": "context", "elements": [_mrkdwn(SHORTENED)]}
    return [*body[: MAX_BLOCKS - len(tail) - 1], note, *tail]


def card_fallback(card: Card) -> str:
    """The notification text of a message (what a phone or screen reader shows)."""
    text = card.title or card.text.split("\n", 1)[0] or "Common Ground"
    return _cut(mrkdwn(text), MAX_FALLBACK)


def _option(option: Option) -> Block:
    return {"text": _plain(option.label, 75), "value": option.value}


def _element(field: FormInput) -> Block:
    if field.kind in ("select", "radio"):
        options = [_option(o) for o in field.options]
        element: Block = {
            "type": "static_select" if field.kind == "select" else "radio_buttons",
            "action_id": field.name,
            "options": options,
        }
        chosen = [o for o in field.options if o.value == field.initial]
        if chosen:
            element["initial_option"] = _option(chosen[0])
        return element
    element = {
        "type": "plain_text_input",
        "action_id": field.name,
        "multiline": field.kind == "multiline",
    }
    if field.max_length is not None:
        element["max_length"] = min(field.max_length, 3000)
    if field.initial:
        element["initial_value"] = field.initial
    return element


VIEW_PURPOSE = "slack-view"
SIGNATURE_KEY = "s"


def _canonical(metadata: Mapping[str, Any]) -> str:
    return json.dumps(dict(metadata), separators=(",", ":"), sort_keys=True)


def sealed_metadata(secret: bytes, who: Who, metadata: Mapping[str, Any]) -> str:
    """`metadata` as a modal's `private_metadata`, signed with our key for the person it is
    opened for: it names the conversation the answer belongs to, so it must come back unchanged
    and from them."""
    mac = signature(secret, VIEW_PURPOSE, who.workspace, who.user_id, _canonical(metadata))
    return _canonical({**metadata, SIGNATURE_KEY: mac})


def form_view(form: Form, private_metadata: str) -> Block:
    """A modal for `form`; `private_metadata` (from `sealed_metadata`) comes back in the
    submission (form context, conversation)."""
    blocks: list[Block] = []
    if form.intro:
        blocks.append({"type": "section", "text": _mrkdwn(form.intro)})
    for field in form.inputs:
        block: Block = {
            "type": "input",
            "block_id": field.name,
            "label": _plain(field.label, 2000),
            "element": _element(field),
            "optional": field.optional,
        }
        if field.hint:
            block["hint"] = _plain(field.hint, 2000)
        blocks.append(block)
    for note in form.notes:
        blocks.append({"type": "context", "elements": [_mrkdwn(note)]})
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "title": _plain(form.title, 24),
        "submit": _plain(form.submit_label, 24),
        "close": _plain("Cancel", 24),
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def view_values(view: Mapping[str, Any]) -> dict[str, str]:
    """Input name -> value from a submitted modal's `state.values` (empty when left blank)."""
    found: dict[str, str] = {}
    state = view.get("state", {}).get("values", {})
    for block_id, actions in state.items():
        for element in actions.values():
            selected = element.get("selected_option")
            if selected:
                found[block_id] = str(selected.get("value", ""))
            else:
                found[block_id] = str(element.get("value") or "")
    return found


def view_metadata(view: Mapping[str, Any], secret: bytes, who: Who) -> dict[str, Any] | None:
    """The metadata `sealed_metadata` signed for `who`, or None when it is unreadable, unsigned
    or signed for anything else (changed, or opened for someone else)."""
    try:
        data = json.loads(str(view.get("private_metadata") or ""))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    given = data.pop(SIGNATURE_KEY, None)
    if not isinstance(given, str):
        return None
    parts = (who.workspace, who.user_id, _canonical(data))
    return data if signature_matches(secret, given, VIEW_PURPOSE, *parts) else None


FORM_NOT_OURS = (
    "Sorry, this form could not be checked, so nothing was saved. Please open it again from "
    "Common Ground."
)


def forged_view_answer(view: Mapping[str, Any]) -> dict[str, Any]:
    """The acknowledgement of a submitted modal whose metadata is not ours: the form is replaced
    by a plain sentence saying nothing was saved."""
    shown = view.get("title")
    title = str(shown.get("text") or "") if isinstance(shown, dict) else ""
    return {
        "response_action": "update",
        "view": {
            "type": "modal",
            "title": _plain(title or "Common Ground", 24),
            "close": _plain("Close", 24),
            "blocks": [{"type": "section", "text": _mrkdwn(FORM_NOT_OURS)}],
        },
    }
