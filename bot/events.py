"""Inbound events: what an adapter hands to the core after verifying and unwrapping a request.

Every event carries who acted and where. Buttons and forms map to `Choice` and `FormSubmitted`;
the `action` and `form_id` strings are chosen by the core when it builds a card, so an adapter only
has to carry them through and never needs to understand them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.identity import Where, Who


@dataclass(frozen=True, slots=True)
class Command:
    """Text typed by a person, with the platform prefix (`/coprod`, the @mention) removed."""

    who: Who
    where: Where
    text: str
    seen_by_others: bool = False
    """Typed where the others in the conversation read it (a message in a channel), rather than
    privately to the bot (a slash command, a direct message)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A button pressed on a card the core built earlier."""

    who: Who
    where: Where
    action: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class FormSubmitted:
    """A form (Slack modal, Teams card or task module, console prompts) filled and sent."""

    who: Who
    where: Where
    form_id: str
    values: Mapping[str, str] = field(default_factory=dict)
    context: str = ""


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """Someone joined a conversation the bot is in."""

    who: Who
    where: Where


Event = Command | Choice | FormSubmitted | MemberJoined
