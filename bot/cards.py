"""Cards: platform-neutral messages that adapters render (Block Kit, Adaptive Cards, text).

All text here is plain text. Anything a person typed has already been made safe by
`bot.text_safety` before it reaches a card; adapters still escape for their own markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ButtonStyle = Literal["default", "primary", "danger"]
InputKind = Literal["text", "multiline", "select", "radio"]


@dataclass(frozen=True, slots=True)
class Field:
    """A labelled value shown in a card, such as "Checked in: 7 of 12"."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Button:
    """A choice on a card; pressing it sends a `Choice(action, value)` event back to the core."""

    label: str
    action: str
    value: str = ""
    style: ButtonStyle = "default"
    typed: str = ""
    """What to type instead of pressing it (`checkin 3`): shown beside the option when a person
    reads their messages as plain text (`bot.plain_text`). Every button should say it."""


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a select or radio input."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class FormInput:
    """One input of a form. `max_length` is enforced by the core too, never only the platform."""

    name: str
    label: str
    kind: InputKind = "text"
    options: tuple[Option, ...] = ()
    optional: bool = False
    max_length: int | None = None
    initial: str = ""
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Card:
    """A message: a title, paragraphs of text, labelled fields, and buttons."""

    title: str = ""
    text: str = ""
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str = ""
    link_previews: bool = True
    """False for a message carrying a private link (`dashboard`): the platform must not fetch
    it to draw a preview (Slack's `unfurl_links`/`unfurl_media`)."""


@dataclass(frozen=True, slots=True)
class Form:
    """A form to fill in. `context` comes back untouched in `FormSubmitted.context`."""

    form_id: str
    title: str
    inputs: tuple[FormInput, ...]
    submit_label: str = "Send"
    intro: str = ""
    context: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    typed: str = ""
    """How to send the same by typing (`checkin <1-5> <your words>`), for plain-text readers."""
