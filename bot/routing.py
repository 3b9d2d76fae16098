"""Routing: which handler answers which command, button and form, and on what terms.

A feature declares each thing it answers where it answers it, with the decorators of its module's
`Routes` table: `@routes.command(...)` holds a command's name, who may use it, where, its help line,
how its words are read and its handler, all in one place; `@routes.choice` a button,
`@routes.form` a form, `@routes.joined` what happens when someone joins. `bot.handlers.ROUTES`
gathers every feature's table; the core reads commands through it (`Routes.parse`), and `help`
lists what it holds, so a new command is one edit.

Buttons and forms that belong to a group carry the group id in their value (`encode`), so a
press in a direct message still reaches the right group, and the core checks that the person may
act on that group before any handler runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from bot.context import Context
from bot.effects import Effect
from bot.grammar import Audience, CommandSpec, Grammar, ParsedCommand, Scope, no_arguments, parse

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


V = TypeVar("V")


@dataclass
class Routes:
    """A routing table: one feature module's, or every feature's gathered (`gather`)."""

    specs: dict[str, CommandSpec] = field(default_factory=dict)
    """Every command by name, including lines of help no one types (`CommandSpec.typed`)."""
    words: dict[str, CommandSpec] = field(default_factory=dict)
    """Every typed command by its name and by each of its aliases."""
    commands: dict[str, CommandHandler] = field(default_factory=dict)
    """The handler of each action (`round.reveal`)."""
    choices: dict[str, ChoiceRoute] = field(default_factory=dict)
    forms: dict[str, FormRoute] = field(default_factory=dict)
    on_join: list[JoinHandler] = field(default_factory=list)

    # -- declaring ------------------------------------------------------------------------------

    def command(
        self,
        name: str,
        audience: Audience,
        *,
        usage: str,
        summary: str,
        rank: int,
        scope: Scope = "group",
        grammar: Grammar | None = None,
        anonymous: bool = False,
        joins: bool = True,
        aliases: tuple[str, ...] = (),
        action: str = "",
    ) -> Callable[[CommandHandler], CommandHandler]:
        """Declare a command and its handler (of `action`, the command's name unless said).

        `grammar` reads what follows the name (default: nothing may follow); `rank` places it
        in `help`. Other actions its grammar leads to are handled with `handles`."""
        spec = CommandSpec(
            name,
            audience,
            scope,
            usage,
            summary,
            grammar or no_arguments(),
            rank,
            anonymous=anonymous,
            joins=joins,
            aliases=aliases,
        )

        def register(handler: CommandHandler) -> CommandHandler:
            self.declare(spec)
            _add(self.commands, action or name, handler)
            return handler

        return register

    def declare(self, spec: CommandSpec) -> CommandSpec:
        """Add a command made by hand (one that another command's grammar refers to)."""
        _add(self.specs, spec.name, spec)
        if spec.typed:
            for word in (spec.name, *spec.aliases):
                _add(self.words, word, spec)
        return spec

    def handles(self, action: str) -> Callable[[CommandHandler], CommandHandler]:
        """The handler of another action of a command declared here (`round.reveal`)."""

        def register(handler: CommandHandler) -> CommandHandler:
            _add(self.commands, action, handler)
            return handler

        return register

    def choice(
        self, action: str, *, audience: Audience = "member", anonymous: bool = False
    ) -> Callable[[ChoiceHandler], ChoiceHandler]:
        """The handler of a button whose `Button.action` is `action`."""

        def register(handler: ChoiceHandler) -> ChoiceHandler:
            _add(self.choices, action, ChoiceRoute(handler, audience, anonymous))
            return handler

        return register

    def form(
        self, form_id: str, *, audience: Audience = "member", anonymous: bool = False
    ) -> Callable[[FormHandler], FormHandler]:
        """The handler of a form whose `Form.form_id` is `form_id`."""

        def register(handler: FormHandler) -> FormHandler:
            _add(self.forms, form_id, FormRoute(handler, audience, anonymous))
            return handler

        return register

    def joined(self, handler: JoinHandler) -> JoinHandler:
        """Run `handler` when someone joins the group's channel."""
        self.on_join.append(handler)
        return handler

    # -- gathering and reading ----------------------------------------------------------------

    def include(self, other: Routes) -> None:
        """Add every route of `other`; a name already taken is a mistake, found at start."""
        for spec in other.specs.values():
            self.declare(spec)
        _merge(self.commands, other.commands)
        _merge(self.choices, other.choices)
        _merge(self.forms, other.forms)
        self.on_join.extend(other.on_join)

    @classmethod
    def gather(cls, tables: Iterable[Routes]) -> Routes:
        gathered = cls()
        for table in tables:
            gathered.include(table)
        return gathered

    def parse(self, text: str) -> ParsedCommand:
        """One typed command, read with these commands' grammars."""
        return parse(text, self.words)

    def find(self, word: str) -> CommandSpec | None:
        """The command typed as `word` (a name or an alias)."""
        return self.words.get(word)

    def listed(self) -> list[CommandSpec]:
        """Every command and line of help, in the order `help` shows them."""
        return sorted(self.specs.values(), key=lambda spec: spec.rank)


def _add(table: dict[str, V], key: str, value: V) -> None:
    if key in table:
        raise ValueError(f"route {key!r} registered twice")
    table[key] = value


def _merge(table: dict[str, V], new: Mapping[str, V]) -> None:
    for key, value in new.items():
        _add(table, key, value)


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
