"""The command grammar, shared by every platform: text in, a `ParsedCommand` or a helpful error.

Adapters strip their own prefix (`/coprod`, an @mention of the bot) and turn platform mentions of
people into the neutral form `<@USER_ID>`; everything else is parsed here, once. Each mistake gets a
message that says what was wrong and what would work.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Audience = Literal["anyone", "member", "facilitator"]
# "none": works anywhere without a group; "group": needs a group (from the channel, or asked for
# in a direct message); "channel": must be typed in the channel itself.
Scope = Literal["none", "group", "channel"]

ROLE_WORDS = ("lived-experience", "professional", "both", "prefer-not-to-say")
ELEPHANT_STATUSES = ("discussed", "addressed", "parked", "hidden", "open")
NO_ARGUMENTS = frozenset(
    {
        "help",
        "privacy",
        "summary",
        "settings",
        "my-data",
        "forget-me",
        "export",
        "elephants",
        "pass",
        "checkin",
    }
)
MENTION = re.compile(r"^<@([A-Za-z0-9_:.\-]+)(?:\|[^>]*)?>$")


class CommandError(ValueError):
    """A command that could not be understood; the message is shown to the person as it is."""


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One line of the command table: who may use it, where, and how it is written."""

    name: str
    audience: Audience
    scope: Scope
    usage: str
    summary: str
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A parsed command. `action` names the precise thing asked, such as `round.reveal`."""

    action: str
    arg: str = ""
    number: int | None = None
    mention: str | None = None
    value: str = ""
    spec: CommandSpec | None = None


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("help", "anyone", "none", "help", "the commands open to you"),
    CommandSpec(
        "setup",
        "anyone",
        "channel",
        "setup [group name]",
        "make this channel a co-production group",
    ),
    CommandSpec(
        "role",
        "anyone",
        "group",
        "role [lived-experience|professional|both|prefer-not-to-say]",
        "say how you take part",
    ),
    CommandSpec(
        "facilitator",
        "facilitator",
        "group",
        "facilitator @member  /  facilitator remove @member",
        "share or hand over facilitation",
    ),
    CommandSpec(
        "schedule",
        "facilitator",
        "group",
        "schedule weekly tue 10:00 90m  /  schedule off",
        "set when the group meets",
    ),
    CommandSpec(
        "timezone", "facilitator", "group", "timezone Europe/London", "set the group's time zone"
    ),
    CommandSpec(
        "meeting",
        "facilitator",
        "group",
        "meeting start  /  meeting end",
        "start or end a meeting now",
    ),
    CommandSpec(
        "checkin",
        "member",
        "group",
        "checkin",
        "answer the check-in (facilitators: send it now)",
    ),
    CommandSpec(
        "elephant",
        "member",
        "group",
        "elephant [what nobody is saying]",
        "name an elephant anonymously",
        anonymous=True,
    ),
    CommandSpec("elephants", "member", "group", "elephants", "list the open elephants"),
    CommandSpec(
        "round",
        "facilitator",
        "group",
        "round [prompt]  /  round reveal  /  round close",
        "run a sharing round",
    ),
    CommandSpec("share", "member", "group", "share [your answer]", "answer the open round"),
    CommandSpec("pass", "member", "group", "pass", "pass on the open round (passing is fine)"),
    CommandSpec("summary", "facilitator", "group", "summary", "post the meeting summary now"),
    CommandSpec("nudges", "member", "group", "nudges on|off", "turn your reminders on or off"),
    CommandSpec(
        "quiet-hours",
        "facilitator",
        "group",
        "quiet-hours 21:00-08:00  /  quiet-hours off",
        "no nudges during these hours",
    ),
    CommandSpec("settings", "facilitator", "group", "settings", "show the group's settings"),
    CommandSpec("set", "facilitator", "group", "set <setting> <value>", "change a setting"),
    CommandSpec("privacy", "anyone", "none", "privacy", "what is stored and who sees what"),
    CommandSpec("my-data", "member", "group", "my-data", "see everything held about you"),
    CommandSpec("forget-me", "member", "group", "forget-me", "erase everything held about you"),
    CommandSpec("export", "facilitator", "group", "export", "the group's record as a file"),
)
ELEPHANT_OUTCOME = CommandSpec(
    "elephant-outcome",
    "facilitator",
    "group",
    "elephant <number> discussed|addressed|parked|hidden [what was done]",
    "record what was done about an elephant, or hide it",
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
# What `help` lists, in order (the outcome form of `elephant` is a facilitator line of its own).
HELP_SPECS = (*SPECS[:10], ELEPHANT_OUTCOME, *SPECS[10:])
ALIASES = {
    "check-in": "checkin",
    "quiethours": "quiet-hours",
    "mydata": "my-data",
    "forgetme": "forget-me",
    "forget": "forget-me",
    "facilitators": "facilitator",
    "elephant-list": "elephants",
    "tz": "timezone",
    "?": "help",
}


def _closest(word: str) -> str | None:
    names = [spec.name for spec in SPECS]
    matches = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown_command_message(word: str) -> str:
    """The reply to a word that is not a command: the closest one, and `help`."""
    guess = _closest(word)
    shown = word if len(word) <= 30 else word[:30] + "…"
    hint = f" Did you mean `{guess}`?" if guess else ""
    return f"I don't know the command “{shown}”.{hint} Type `help` to see what you can do."


def _split(text: str) -> tuple[str, str]:
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0].lower(), (parts[1].strip() if len(parts) > 1 else "")


def _parse_mention(token: str, spec: CommandSpec) -> str:
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


def parse(text: str) -> ParsedCommand:
    """Parse one command. Raises `CommandError` with a helpful message for every mistake."""
    word, rest = _split(text)
    if not word:
        return ParsedCommand("help", spec=SPEC_BY_NAME["help"])
    name = ALIASES.get(word, word)
    spec = SPEC_BY_NAME.get(name)
    if spec is None:
        raise CommandError(unknown_command_message(word))
    sub, tail = _split(rest)

    if name in NO_ARGUMENTS:
        if rest and name != "help":
            raise CommandError(f"`{name}` takes nothing after it. Just type `{name}`.")
        return ParsedCommand(name, arg=rest, spec=spec)
    if name in {"setup", "share"}:
        return ParsedCommand(name, arg=rest, spec=spec)
    if name == "role":
        if rest and rest.lower() not in ROLE_WORDS:
            choices = ", ".join(f"`{r}`" for r in ROLE_WORDS)
            raise CommandError(f"“{rest[:40]}” is not one of the roles. Choose {choices}.")
        return ParsedCommand("role", arg=rest.lower(), spec=spec)
    if name == "facilitator":
        if sub == "remove":
            return ParsedCommand(
                "facilitator.remove", mention=_parse_mention(tail, spec), spec=spec
            )
        if sub == "add":
            return ParsedCommand("facilitator.add", mention=_parse_mention(tail, spec), spec=spec)
        return ParsedCommand("facilitator.add", mention=_parse_mention(rest, spec), spec=spec)
    if name == "schedule":
        if not rest:
            raise CommandError(
                "Please give the schedule, for example `schedule weekly tue 10:00 90m`, "
                "`schedule fortnightly mon 18:30 1h` or `schedule monthly 2nd wed 14:00 2h`. "
                "`schedule off` stops scheduled meetings."
            )
        if sub == "off" and not tail:
            return ParsedCommand("schedule.off", spec=spec)
        return ParsedCommand("schedule.set", arg=rest, spec=spec)
    if name == "timezone":
        if not rest or " " in rest:
            raise CommandError(
                "Please give one time zone name, for example `timezone Europe/London` "
                "or `timezone America/New_York`."
            )
        return ParsedCommand("timezone", arg=rest, spec=spec)
    if name == "meeting":
        if sub in {"start", "end"} and not tail:
            return ParsedCommand(f"meeting.{sub}", spec=spec)
        raise CommandError("Please say `meeting start` or `meeting end`.")
    if name == "elephant":
        number, after = _split(rest)
        status, note = _split(after)
        # "elephant 3 addressed …" is a facilitator's outcome; "elephant 3" or "elephant 3 fixed"
        # is most likely a mistyped one; "elephant 2021 was a hard year" is a new elephant.
        if number.isdigit() and (status in ELEPHANT_STATUSES or len(after.split()) <= 1):
            if status not in ELEPHANT_STATUSES:
                options = "|".join(ELEPHANT_STATUSES[:4])
                raise CommandError(
                    f"Please say what happened to elephant {number}: "
                    f"`elephant {number} {options} [what was done]`."
                )
            return ParsedCommand(
                "elephant.status", arg=status, number=int(number), value=note, spec=ELEPHANT_OUTCOME
            )
        return ParsedCommand("elephant.new", arg=rest, spec=spec)
    if name == "round":
        if sub in {"reveal", "close"} and not tail:
            return ParsedCommand(f"round.{sub}", spec=spec)
        return ParsedCommand("round.open", arg=rest, spec=spec)
    if name == "nudges":
        if rest.lower() in {"on", "off"}:
            return ParsedCommand("nudges", arg=rest.lower(), spec=spec)
        raise CommandError("Please say `nudges on` or `nudges off`.")
    if name == "quiet-hours":
        if not rest:
            raise CommandError(
                "Please give the hours, for example `quiet-hours 21:00-08:00`, "
                "or `quiet-hours off`."
            )
        return ParsedCommand("quiet-hours", arg=rest, spec=spec)
    if name == "set":
        if not sub or not tail:
            raise CommandError(
                "Please give a setting and a value, for example `set k 4` or "
                "`set reciprocity-lock on`. Type `settings` to see them all."
            )
        return ParsedCommand("set", arg=sub, value=tail, spec=spec)
    raise CommandError(unknown_command_message(word))  # pragma: no cover - table and code agree
