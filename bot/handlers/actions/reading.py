"""Reading `action …`: a new action's words, owner and day, or what to do with a numbered one.

`action Write to the council @Sam Jones by next tuesday`: the owner is the last `@name` or
platform mention (adapters turn Slack's and Teams' mentions into `<@ID>`), and `by <day>` may
follow, read as people write days (`bot.scheduling.spoken_dates`) in the group's time zone.
`action <number> <verb> [words]` acts on an action; a number and a word close to a verb is a
typo, answered with what would work. `action pick <n>` answers "which of the people with that
name?" by typing (the n-th person listed).
"""

from __future__ import annotations

import difflib
import re

from bot.errors import UserError
from bot.grammar import TRAILING_MARKS, CommandError, CommandSpec, Grammar, ParsedCommand, split

USAGE = "action <what> @who [by <day>]"
EXAMPLE = "`action Write to the council about the bus @Sam by next tuesday`"
VERBS = ("accept", "decline", "done", "drop", "reassign")
VERB_WORDS = {
    **{verb: verb for verb in VERBS},
    "yes": "accept",
    "no": "decline",
    "not-me": "decline",
    "notme": "decline",
    "finished": "done",
    "complete": "done",
    "completed": "done",
    "give": "reassign",
}
"""What people type after an action's number, and what it means."""
NUMBER = re.compile(r"#?(\d{1,9})")
OWNER_MARK = re.compile(r"(?<!\S)(<@[A-Za-z0-9_:.\-]+(?:\|[^>]*)?>|@)")
AT_BY = re.compile(r"\s+by(?:\s+|$)", re.IGNORECASE)
BY_DAY = re.compile(r"by(?:\s+(.*))?", re.IGNORECASE | re.DOTALL)
NO_OWNER = (
    f"Please say who will do it, with @ and their name, and by when if you like: {EXAMPLE}. "
    "If it's for you, put your own name."
)


def read_action(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`action <number> <verb> [words]` acts on an action; anything else notes a new one.

    `action 3 people to review the leaflet @Sam` is a new action: its second word is no verb.
    A number followed by a word close to a verb (`action 4 acept`) is a typo, refused with
    what would work; a number alone asks what to do."""
    first, after = split(rest)
    found = NUMBER.fullmatch(first)
    picked = NUMBER.fullmatch(after.strip()) if first.lower() == "pick" else None
    if picked is not None:
        return spec.parsed("action.pick", number=int(picked.group(1)))
    if found is None:
        return spec.parsed("action.new", arg=rest)
    number = int(found.group(1))
    word, more = split(after)
    word = word.rstrip(TRAILING_MARKS)
    if word == "not" and split(more)[0].rstrip(TRAILING_MARKS) == "me":
        word, more = "not-me", split(more)[1]
    verb = VERB_WORDS.get(word)
    if verb is not None:
        return spec.parsed(f"action.{verb}", number=number, value=more)
    guess = difflib.get_close_matches(word, VERBS, n=1, cutoff=0.7) if word else []
    if guess:
        raise CommandError(f"Did you mean `action {number} {guess[0]}`?")
    if not word:
        raise CommandError(
            f"Please say what to do with action {number}: `action {number} accept`, "
            f"`action {number} decline`, `action {number} done <a short note>`, or, for "
            f"facilitators, `action {number} reassign @name` or `action {number} drop`."
        )
    return spec.parsed("action.new", arg=rest)


GRAMMAR = Grammar(
    ("action.new", "action.pick", *(f"action.{verb}" for verb in VERBS)),
    read_action,
)


def split_action(words: str) -> tuple[str, str, str | None]:
    """`Write to the council @Sam Jones by friday` as ("Write to the council", "Sam Jones",
    "friday"). The owner is the last `@name` or mention; `by <day>` may follow. An owner named
    first (`@Sam write to the council by friday`) is read too, with one word for the name.
    Raises `UserError` when there is no owner."""
    marks = list(OWNER_MARK.finditer(words))
    if not marks:
        raise UserError(NO_OWNER)
    last = marks[-1]
    before, rest = words[: last.start()].strip(), words[last.start() :].strip()
    if rest.startswith("<@"):
        end = rest.index(">") + 1
        token, after = rest[:end], rest[end:].strip()
    elif before:  # `… @Sam Jones by friday`: the name runs to `by`
        found = AT_BY.search(rest[1:])
        if found is None:
            return before, rest[1:].strip(), None
        return before, rest[1 : 1 + found.start()].strip(), rest[1 + found.end() :].strip()
    else:  # `@Sam write the letter by friday`: a one-word name first
        token = (rest[1:].split(None, 1) or [""])[0]
        after = rest[1 + len(token) :].strip()
    if not before:
        before, due = _words_and_day(after)
        return before, token, due
    if not after:
        return before, token, None
    day = BY_DAY.fullmatch(after)
    if day is None:
        raise UserError(
            f"Please put the person last, then the day if there is one: `{USAGE}`, for "
            f"example {EXAMPLE}."
        )
    return before, token, (day.group(1) or "").strip()


def _words_and_day(text: str) -> tuple[str, str | None]:
    """The words of an action and its day, from `write the letter by friday`: the last `by`."""
    parts = re.split(r"\s+by\s+", text, flags=re.IGNORECASE)
    if len(parts) < 2:
        return text.strip(), None
    return " by ".join(parts[:-1]).strip(), parts[-1].strip()
