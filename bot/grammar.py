"""The command grammar, shared by every platform: text in, a `ParsedCommand` or a helpful error.

Adapters strip their own prefix (`/coprod`, an @mention of the bot) and turn platform mentions of
people into the neutral form `<@USER_ID>`; everything else is read here, once. A command is
declared beside its handler (`bot.routing.Routes.command`) with a `CommandSpec`: who may use it,
where, its help line and its `Grammar`, the reader of the words after its name. This module holds
what every command shares: the spec, the readers most commands use, and `parse`, which finds the
command and hands it the rest. Each mistake gets a message that says what was wrong and what
would work.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Audience = Literal["anyone", "member", "facilitator"]
# "none": works anywhere without a group; "group": needs a group (from the channel, or asked for
# in a direct message); "channel": must be typed in the channel itself.
Scope = Literal["none", "group", "channel"]

TRAILING_MARKS = "!?.,;:"
"""Marks people add after a word out of habit (`help!`, `HELP?`); never part of a command."""

MENTION = re.compile(r"^<@([A-Za-z0-9_:.\-]+)(?:\|[^>]*)?>$")


class CommandError(ValueError):
    """A command that could not be understood; the message is shown to the person as it is.

    `original` is their text when the reply should hand it back; the core fills it in from what
    they typed when the reader did not, so a misread command never loses their words."""

    def __init__(self, message: str, *, original: str = "") -> None:
        super().__init__(message)
        self.original = original


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A parsed command. `action` names the precise thing asked, such as `round.reveal`."""

    action: str
    arg: str = ""
    number: int | None = None
    mention: str | None = None
    value: str = ""
    spec: CommandSpec | None = None


Reader = Callable[["CommandSpec", str], ParsedCommand]


@dataclass(frozen=True, slots=True)
class Grammar:
    """How the words after a command's name are read, and every action that reading can give.

    The actions are listed so that a test can check each one has a handler, and each handler a
    command that leads to it."""

    actions: tuple[str, ...]
    """Empty when the only action is the command's own name."""
    read: Reader


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command: its name, who may use it, where, its help line and how it is read.

    `rank` orders the help list. `typed` is False for a line of help that another command's
    reader leads to (`elephant 3 addressed` is `elephant` typed, but a facilitator's command).
    `joins` is False for commands that must never make the person a member (`forget-me`)."""

    name: str
    audience: Audience
    scope: Scope
    usage: str
    summary: str
    grammar: Grammar
    rank: int
    anonymous: bool = False
    joins: bool = True
    aliases: tuple[str, ...] = ()
    typed: bool = True

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action typing this command can lead to."""
        return self.grammar.actions or (self.name,)

    def parsed(
        self,
        action: str = "",
        *,
        arg: str = "",
        number: int | None = None,
        mention: str | None = None,
        value: str = "",
    ) -> ParsedCommand:
        """This command, read as `action` (its own name unless said) with the given fields."""
        return ParsedCommand(action or self.name, arg, number, mention, value, self)


# -- readers most commands use ------------------------------------------------------------------


def split(text: str) -> tuple[str, str]:
    """The first word (lower case) and the rest, both stripped."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0].lower(), (parts[1].strip() if len(parts) > 1 else "")


def small_number(text: str) -> int | None:
    """A number someone typed (`claims paid 3`), or None: plain ASCII digits only, and few
    enough for the database (`"²".isdigit()` is true, and a long string of digits overflows)."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def no_arguments() -> Grammar:
    """A command that takes nothing after it (`summary`, `pass`)."""

    def read(spec: CommandSpec, rest: str) -> ParsedCommand:
        if rest:
            raise CommandError(f"`{spec.name}` takes nothing after it. Just type `{spec.name}`.")
        return spec.parsed()

    return Grammar((), read)


def free_text() -> Grammar:
    """A command whose words are all its argument (`share <your answer>`, `setup <name>`)."""

    def read(spec: CommandSpec, rest: str) -> ParsedCommand:
        return spec.parsed(arg=rest)

    return Grammar((), read)


def hyphenated(text: str) -> str:
    """`Lived Experience.` as `lived-experience`: lower case, spaces and underscores as hyphens,
    no full stop or other mark at the end. People type a choice the way its button says it."""
    return re.sub(r"[\s_]+", "-", text.strip().lower().rstrip(TRAILING_MARKS).strip())


def one_of(words: Iterable[str], problem: str, *, optional: bool = False) -> Grammar:
    """A command followed by one of a few words (`nudges on|off`), read in lower case, with
    spaces read as hyphens (`role lived experience`, as its button says it).

    The start of one word, three letters or more, is that word when no other starts the same
    way (`role lived`, `role pro`): people shorten the long ones.

    `problem` is the reply to anything else; `{given}` in it is what they typed."""
    allowed = tuple(words)

    def read(spec: CommandSpec, rest: str) -> ParsedCommand:
        word = hyphenated(rest)
        if (optional and not word) or word in allowed:
            return spec.parsed(arg=word)
        starting = [known for known in allowed if len(word) >= 3 and known.startswith(word)]
        if len(starting) == 1:
            return spec.parsed(arg=starting[0])
        guess = closest(word, allowed) if word else None
        hint = f" Did you mean `{spec.name} {guess}`?" if guess else ""
        raise CommandError(problem.replace("{given}", rest[:40]) + hint)

    return Grammar((), read)


def mention(token: str, spec: CommandSpec) -> str:
    """A person named in a command: `<@ID>` as adapters write mentions, else the typed name."""
    token = token.strip()
    if not token:
        raise CommandError(f"Please say who. For example: `{spec.usage}`.")
    if " " in token and not MENTION.match(token):
        # display names may have spaces ("@Sam Jones"); keep them whole
        return token.lstrip("@")
    match = MENTION.match(token)
    if match:
        return "<@" + match.group(1) + ">"
    return token.lstrip("@")


# -- finding the command ------------------------------------------------------------------------


def closest(word: str, names: Iterable[str]) -> str | None:
    """The known name a typo most likely meant, if one is close enough: `sumary` is `summary`,
    but `join` is not `jargon` (a guess that far off sends a tired reader somewhere odd)."""
    matches = difflib.get_close_matches(word, list(names), n=1, cutoff=0.7)
    return matches[0] if matches else None


def unknown_command_message(word: str, names: Iterable[str]) -> str:
    """The reply to a word that is not a command: the closest one, and `help`."""
    guess = closest(word, names)
    shown = word if len(word) <= 30 else word[:30] + "…"
    hint = f" Did you mean `{guess}`?" if guess else ""
    return f"I don't know the command “{shown}”.{hint} Type `help` to see what you can do."


def parse(text: str, words: Mapping[str, CommandSpec]) -> ParsedCommand:
    """Parse one command, given every typed command by name and alias (`Routes.words`).

    Empty text is `help`; marks after the command's name are forgiven (`help!`). Raises
    `CommandError` with a helpful message for every mistake."""
    word, rest = split(text)
    spec = words.get(word or "help") or words.get(word.rstrip(TRAILING_MARKS) or "help")
    if spec is None:
        names = {found.name for found in words.values()}
        raise CommandError(unknown_command_message(word, sorted(names)))
    return spec.grammar.read(spec, rest)
