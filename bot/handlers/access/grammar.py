"""How `access …` and `plain-text …` are read: `access`, `access needs <words>`,
`access prefer <what> [on|off]`, `access share named|anonymous|no`, `access clear` and, for
facilitators, `access list`."""

from __future__ import annotations

from bot.grammar import (
    CommandError,
    CommandSpec,
    Grammar,
    ParsedCommand,
    closest,
    hyphenated,
    split,
)

PREFERENCES = ("plain-text", "fewer-messages", "earlier-reminders", "none")
SHARES = ("named", "anonymous", "no")
WORDS = ("needs", "prefer", "share", "clear", "list")
USAGE = (
    "access  /  access needs <your words>  /  access prefer plain-text|fewer-messages|"
    "earlier-reminders [off]  /  access share named|anonymous|no  /  access clear"
)
HOW = (
    "`access needs <your words>`, `access prefer plain-text`, `access prefer fewer-messages`, "
    "`access prefer earlier-reminders`, `access share named|anonymous|no` or `access clear`"
)


def _read(spec: CommandSpec, rest: str) -> ParsedCommand:
    word, more = split(rest)
    if not word:
        return ACCESS.parsed("access")
    if word == "needs":
        if not more:
            raise CommandError(
                "Please write your needs after `access needs`, in your own words, like "
                "`access needs large print, and a break every hour`."
            )
        return ACCESS.parsed("access.needs", arg=more)
    if word == "prefer":
        return _read_prefer(more)
    if word == "share":
        choice = hyphenated(more)
        if choice in ("without-name", "without-my-name", "without-names"):
            choice = "anonymous"
        if choice not in SHARES:
            raise CommandError(
                "Please say `access share named` (facilitators see your needs with your name), "
                "`access share anonymous` (without your name) or `access share no` (nobody sees "
                "them)."
            )
        return ACCESS.parsed("access.share", arg=choice)
    if word in ("clear", "list"):
        if more:
            raise CommandError(f"`access {word}` takes nothing after it.")
        return ACCESS.parsed("access.clear") if word == "clear" else LISTING.parsed("access.list")
    guess = closest(word, WORDS)
    hint = f" Did you mean `access {guess}`?" if guess else ""
    raise CommandError(f"I don't know `access {word[:30]}`. You can type {HOW}.{hint}")


def _read_prefer(more: str) -> ParsedCommand:
    words = more.split()
    state = "on"
    if words and words[-1].lower() in ("on", "off"):
        state = words.pop().lower()
    what = hyphenated(" ".join(words))
    if what not in PREFERENCES:
        guess = closest(what, PREFERENCES) if what else None
        hint = f" Did you mean `access prefer {guess}`?" if guess else ""
        raise CommandError(
            "Please say what you prefer: `access prefer plain-text`, `access prefer "
            "fewer-messages` or `access prefer earlier-reminders` (add `off` to stop one), or "
            f"`access prefer none`.{hint}"
        )
    return ACCESS.parsed("access.prefer", arg=what, value=state)


GRAMMAR = Grammar(
    ("access", "access.needs", "access.prefer", "access.share", "access.clear", "access.list"),
    _read,
)
ACCESS = CommandSpec(
    "access",
    "member",
    "group",
    USAGE,
    "your access needs and how you like to get messages (private; you choose who sees them)",
    GRAMMAR,
    rank=158,
)
LISTING = CommandSpec(
    "access-list",
    "facilitator",
    "group",
    "access list",
    "see the access needs members agreed to share (names only where they chose)",
    GRAMMAR,
    rank=159,
    typed=False,
)
PLAIN_TEXT = CommandSpec(
    "plain-text",
    "member",
    "group",
    "plain-text on|off",
    "get your private messages as plain text with numbered options to type, not buttons",
    Grammar((), lambda spec, rest: _read_plain(spec, rest)),
    rank=157,
)


def _read_plain(spec: CommandSpec, rest: str) -> ParsedCommand:
    word = hyphenated(rest)
    if word not in ("on", "off"):
        raise CommandError("Please say `plain-text on` or `plain-text off`.")
    return spec.parsed(arg=word)
