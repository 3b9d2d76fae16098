"""Block Kit rendering of the core's plain-text cards and forms, and reading modal values back.

Every string the core gives us is plain text; Slack reads `&`, `<` and `>` as markup in mrkdwn, so
each one is escaped here before it is put in a block, after any Slack syntax someone typed is
written out as what it shows (`bot.adapters.slack.text`).

Slack's limits (`bot.adapters.slack.limits`) are kept without losing a word: long text is split
into sections at paragraph, line, sentence or word boundaries, and a card that does not fit one
message becomes several (`card_messages`). The first message holds the title, the start of the
text, the buttons and the footer, and says truthfully where the rest is: in the thread below (for
posts in a channel or a direct message) or in the next messages (for replies only the person
sees). Only labels the bot itself writes (a header, a button, a modal title) are shortened, and
then the full wording is put in the body as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.adapters.slack import limits
from bot.adapters.slack.text import mrkdwn, readable
from bot.cards import Button, Card, Form, FormInput, Option
from bot.identity import Who, signature, signature_matches

Block = dict[str, Any]
Continuation = Literal["thread", "following"]
"""Where the rest of a long card goes: replies in a thread under the first post, or the next
messages (ephemeral replies cannot have threads)."""

ACTION_SEPARATOR = "::"
"""Slack wants action ids unique within a message, but a card's buttons may share an action (the
check-in's 1-5 and Pass). The button's position is appended after this and dropped on the way in."""

NOTE_ROOM = 80
"""Characters kept free in a first message for the note saying where the rest is."""


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One message's `text` (the notification) and `blocks`."""

    text: str
    blocks: list[Block]


def text_length(blocks: Iterable[Block]) -> int:
    """Characters of text in these blocks, as Slack counts them for `msg_blocks_too_long`."""
    return sum(_text_in(block) for block in blocks)


def _text_in(node: Any) -> int:
    if isinstance(node, dict):
        total = 0
        for name, value in node.items():
            if name == "text" and isinstance(value, str):
                total += len(value)
            else:
                total += _text_in(value)
        return total
    if isinstance(node, list):
        return sum(_text_in(item) for item in node)
    return 0


# Splitting text at readable boundaries -------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_SPLITS: tuple[tuple[Callable[[str], list[str]], str], ...] = (
    (lambda t: t.split("\n\n"), "\n\n"),
    (lambda t: t.split("\n"), "\n"),
    (_SENTENCE_END.split, " "),
    (lambda t: t.split(" "), " "),
)


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """`text` in pieces of at most `limit` (as `measure` counts), split between paragraphs if it
    can, else between lines, sentences or words; mid-word only for a word longer than `limit`.
    Joined again at their boundaries the pieces give back every word, in order."""
    if not text.strip():
        return []
    if measure(text) <= limit:
        return [text]
    for splitter, joiner in _SPLITS:
        pieces = [p for p in splitter(text) if p.strip()]
        if len(pieces) > 1:
            return _pack(pieces, joiner, limit, measure)
    return _hard_cut(text, limit, measure)


def _pack(pieces: list[str], joiner: str, limit: int, measure: Callable[[str], int]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if measure(piece) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.extend(split_text(piece, limit, measure))
            continue
        candidate = f"{current}{joiner}{piece}" if current else piece
        if measure(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _hard_cut(text: str, limit: int, measure: Callable[[str], int]) -> list[str]:
    """One unbroken word longer than `limit`: cut where it must be, as late as fits."""
    chunks: list[str] = []
    while text:
        low, high = 1, len(text)
        while low < high:  # the longest prefix that fits
            middle = (low + high + 1) // 2
            if measure(text[:middle]) <= limit:
                low = middle
            else:
                high = middle - 1
        chunks.append(text[:low])
        text = text[low:]
    return chunks


def shorten(text: str, limit: int) -> str:
    """A label the bot wrote, shortened to `limit` at a word boundary where it can."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


_FILLER = ("Your ", "The ", "A ", "An ")
_SMALL_WORDS = frozenset({"a", "an", "the", "on", "of", "to", "for", "with", "in", "your"})


def short_title(title: str, limit: int = limits.VIEW_TITLE) -> str:
    """A modal title that fits, keeping what matters: "Your view on elephant #10" becomes
    "View on elephant #10" rather than "Your view on elephant #…"."""
    if len(title) <= limit:
        return title
    for filler in _FILLER:
        if title.startswith(filler):
            rest = title[len(filler) :]
            title = rest[:1].upper() + rest[1:]
            break
    if len(title) <= limit:
        return title
    words = title.split(" ")
    kept = [words[0], *(w for w in words[1:] if w.lower() not in _SMALL_WORDS)]
    fewer = " ".join(kept)
    if len(fewer) <= limit:
        return fewer
    # Keep the end (a number, a name) and shorten the start.
    last = kept[-1]
    if len(last) < limit - 2:
        return shorten(" ".join(kept[:-1]), limit - len(last) - 1) + " " + last
    return shorten(fewer, limit)


# Text objects and blocks ---------------------------------------------------------------------


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(readable(text), limit) or " ", "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": mrkdwn(text)}


def _measured(text: str) -> int:
    return len(mrkdwn(text))


def _sections(text: str) -> list[Block]:
    return [
        {"type": "section", "text": _mrkdwn(chunk)}
        for chunk in split_text(text, limits.SECTION_TEXT, _measured)
    ]


def _context(text: str) -> list[Block]:
    return [
        {"type": "context", "elements": [_mrkdwn(chunk)]}
        for chunk in split_text(text, limits.CONTEXT_TEXT, _measured)
    ]


def action_id(button: Button, index: int) -> str:
    return f"{button.action}{ACTION_SEPARATOR}{index}"


def our_action(slack_action_id: str) -> str:
    """The core's action from a Slack action id made by `action_id`."""
    return slack_action_id.split(ACTION_SEPARATOR, 1)[0]


def _button(button: Button, index: int) -> Block:
    element: Block = {
        "type": "button",
        "text": _plain(button.label, limits.BUTTON_TEXT),
        "action_id": action_id(button, index),
        "value": button.value or " ",
    }
    if button.style != "default":
        element["style"] = button.style
    return element


def _title(card: Card) -> tuple[list[Block], str]:
    """The header, and the full title to put before the text when the header had to shorten it."""
    if not card.title.strip():
        return [], ""
    shown = readable(card.title)
    header = [{"type": "header", "text": _plain(card.title, limits.HEADER_TEXT)}]
    return header, ("" if len(shown) <= limits.HEADER_TEXT else card.title)


def _body(card: Card, full_title: str) -> list[Block]:
    """The card's text and fields as blocks, each within Slack's limits for its kind."""
    blocks: list[Block] = []
    if full_title:
        blocks.extend(_sections(full_title))
    blocks.extend(_sections(card.text))
    batch: list[dict[str, Any]] = []
    for item in card.fields:
        text = f"*{mrkdwn(item.label)}*\n{mrkdwn(item.value)}"
        if len(text) > limits.FIELD_TEXT:  # too long for a field: shown whole as text instead
            if batch:
                blocks.append({"type": "section", "fields": batch})
                batch = []
            blocks.extend(_sections(f"{item.label}\n{item.value}"))
            continue
        batch.append({"type": "mrkdwn", "text": text})
        if len(batch) == limits.SECTION_FIELDS:
            blocks.append({"type": "section", "fields": batch})
            batch = []
    if batch:
        blocks.append({"type": "section", "fields": batch})
    return blocks


def _ending(card: Card) -> list[Block]:
    """Buttons and footer: they stay with the first message, where people act."""
    blocks: list[Block] = []
    step = limits.ACTIONS_ELEMENTS
    for start in range(0, len(card.buttons), step):
        batch = card.buttons[start : start + step]
        elements = [_button(b, start + i) for i, b in enumerate(batch)]
        blocks.append({"type": "actions", "elements": elements})
    if card.footer:
        blocks.extend(_context(card.footer))
    return blocks


def card_blocks(card: Card) -> list[Block]:
    """Every block of `card`, in order, each within its own limits but with no regard for the
    limits of one message: for the App Home, and for `card_messages` to share out."""
    header, full_title = _title(card)
    return [*header, *_body(card, full_title), *_ending(card)]


def card_fallback(card: Card) -> str:
    """The notification text of a message (what a phone or screen reader shows): a summary of
    the blocks, which carry every word."""
    text = card.title.strip() or card.text.strip().split("\n", 1)[0] or "Common Ground"
    return shorten(mrkdwn(text), limits.FALLBACK_KEPT)


def _fits(blocks: list[Block], extra_blocks: int = 0, extra_text: int = 0) -> bool:
    return (
        len(blocks) + extra_blocks <= limits.BLOCKS_PER_MESSAGE
        and text_length(blocks) + extra_text <= limits.MESSAGE_TEXT
    )


def continuation_note(more: int, continuation: Continuation) -> str:
    """What the first message says about the rest, truthfully."""
    parts = "1 more part" if more == 1 else f"{more} more parts"
    if continuation == "thread":
        return f"Continued in the thread below ({parts})."
    return f"Continued in the next {'message' if more == 1 else f'{more} messages'} ({parts})."


def part_label(number: int, total: int, title: str) -> str:
    what = f"{title.strip()}, part" if title.strip() else "Part"
    return f"{what} {number} of {total}"


def card_messages(card: Card, continuation: Continuation = "thread") -> list[SlackMessage]:
    """`card` as one message if it fits Slack's limits, else as several, none losing a word.

    The first message keeps the header, the start of the text, the buttons and the footer, and
    ends with a note saying how many parts follow and where (`continuation`); each later part
    starts with "<title>, part 2 of 4" so it reads on its own in a thread or a list of replies."""
    header, full_title = _title(card)
    body = _body(card, full_title)
    ending = _ending(card)
    whole = [*header, *body, *ending]
    fallback = card_fallback(card)
    if _fits(whole):
        return [SlackMessage(fallback, whole or _sections("Common Ground"))]
    head = list(header)
    rest = list(body)
    while rest and _fits([*head, rest[0], *ending], extra_blocks=1, extra_text=NOTE_ROOM):
        head.append(rest.pop(0))
    parts: list[list[Block]] = []
    label_room = NOTE_ROOM + len(mrkdwn(shorten(readable(card.title), limits.HEADER_TEXT)))
    for block in rest:
        if parts and _fits([*parts[-1], block], extra_blocks=1, extra_text=label_room):
            parts[-1].append(block)
        else:
            parts.append([block])
    total = len(parts) + 1
    title = shorten(readable(card.title), limits.HEADER_TEXT)
    messages = [
        SlackMessage(
            fallback, [*head, *ending, *_context(continuation_note(total - 1, continuation))]
        )
    ]
    for number, blocks in enumerate(parts, start=2):
        label = part_label(number, total, title)
        messages.append(
            SlackMessage(shorten(mrkdwn(label), limits.FALLBACK_KEPT), [*_context(label), *blocks])
        )
    return messages


PLAIN_PART = 3_000
"""Characters in one plain-text part: what Slack shows in full without a "show more"."""


def plain_messages(card: Card, continuation: Continuation = "thread") -> list[SlackMessage]:
    """`card` as plain-text messages without blocks: what is sent once more when Slack refused
    the blocks. Buttons cannot be kept, so their labels are listed as words to type instead."""
    lines = [card.title, card.text, *(f"{f.label}: {f.value}" for f in card.fields)]
    if card.buttons:
        lines.append("Choices: " + ", ".join(b.label for b in card.buttons))
    lines.append(card.footer)
    text = "\n\n".join(line for line in lines if line)
    chunks = split_text(text, PLAIN_PART, _measured) or ["Common Ground"]
    if len(chunks) == 1:
        return [SlackMessage(mrkdwn(chunks[0]), [])]
    total = len(chunks)
    first = f"{mrkdwn(chunks[0])}\n\n_{continuation_note(total - 1, continuation)}_"
    messages = [SlackMessage(first, [])]
    for number, chunk in enumerate(chunks[1:], start=2):
        label = part_label(number, total, shorten(readable(card.title), limits.HEADER_TEXT))
        messages.append(SlackMessage(f"_{mrkdwn(label)}_\n{mrkdwn(chunk)}", []))
    return messages


def _option(option: Option) -> Block:
    return {"text": _plain(option.label, limits.OPTION_TEXT), "value": option.value}


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
        element["max_length"] = min(field.max_length, limits.TEXT_INPUT)
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
    submission (form context, conversation).

    A title longer than Slack's 24 characters is shortened with sense (`short_title`), and the
    full title opens the body, so nothing the form says is lost."""
    blocks: list[Block] = []
    title = short_title(readable(form.title))
    if title != readable(form.title):
        blocks.extend(_sections(f"*{form.title}*"))
    if form.intro:
        blocks.extend(_sections(form.intro))
    for field in form.inputs:
        block: Block = {
            "type": "input",
            "block_id": field.name,
            "label": _plain(field.label, limits.INPUT_LABEL),
            "element": _element(field),
            "optional": field.optional,
        }
        if field.hint:
            block["hint"] = _plain(field.hint, limits.INPUT_HINT)
        blocks.append(block)
    for note in form.notes:
        blocks.extend(_context(note))
    return {
        "type": "modal",
        "callback_id": form.form_id,
        "title": {"type": "plain_text", "text": title, "emoji": True},
        "submit": _plain(form.submit_label, limits.VIEW_BUTTON),
        "close": _plain("Cancel", limits.VIEW_BUTTON),
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
