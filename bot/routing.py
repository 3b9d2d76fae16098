"""The routing table: which handler answers which command, button and form, and on what terms.

Each handler module declares `COMMANDS`, `CHOICES` and `FORMS`; `bot.handlers.ROUTES` gathers
them. Buttons and forms that belong to a group carry the group id in their value (`encode`), so a
press in a direct message still reaches the right group, and the core checks that the person may
act on that group before any handler runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from bot.context import Context
from bot.effects import Effect
from bot.grammar import Audience, ParsedCommand

CommandHandler = Callable[[Context, ParsedCommand], Awaitable[list[Effect]]]
ChoiceHandler = Callable[[Context, str], Awaitable[list[Effect]]]
FormHandler = Callable[[Context, Mapping[str, str], str], Awaitable[list[Effect]]]
JoinHandler = Callable[[Context], Awaitable[list[Effect]]]


@dataclass(frozen=True)
class ChoiceRoute:
    """A button. `anonymous` routes never add the presser as a member or touch their rows."""

    handler: ChoiceHandler
    audience: Audience = "member"
    anonymous: bool = False


@dataclass(frozen=True)
class FormRoute:
    """A form. The handler gets the values and the payload part of the form's context."""

    handler: FormHandler
    audience: Audience = "member"
    anonymous: bool = False


@dataclass
class Routes:
    commands: dict[str, CommandHandler] = field(default_factory=dict)
    choices: dict[str, ChoiceRoute] = field(default_factory=dict)
    forms: dict[str, FormRoute] = field(default_factory=dict)
    on_join: list[JoinHandler] = field(default_factory=list)

    def include(
        self,
        commands: Mapping[str, CommandHandler] | None = None,
        choices: Mapping[str, ChoiceRoute] | None = None,
        forms: Mapping[str, FormRoute] | None = None,
    ) -> None:
        _merge(self.commands, commands or {})
        _merge(self.choices, choices or {})
        _merge(self.forms, forms or {})


V = TypeVar("V")


def _merge(table: dict[str, V], new: Mapping[str, V]) -> None:
    for key, value in new.items():
        if key in table:
            raise ValueError(f"route {key!r} registered twice")
        table[key] = value


SEPARATOR = "|"


def encode(group_id: int, payload: str = "") -> str:
    """The value of a group's button or the context of its form: `"<group id>|<payload>"`."""
    return f"{group_id}{SEPARATOR}{payload}"


def decode(value: str) -> tuple[int, str] | None:
    """The group id and payload of an encoded value, or None when it is not one of ours."""
    head, sep, payload = value.partition(SEPARATOR)
    if not sep or not head.isdigit():
        return None
    return int(head), payload
