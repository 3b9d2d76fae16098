"""How `meeting skip`, `meeting unskip` and `meeting move` are read (the `meeting` command's
reader hands them here).

    meeting skip <day>                         no meeting that day
    meeting unskip <day>  /  meeting restore <day>
    meeting move <new day> [<time>]            the next meeting, to a new day (and time)
    meeting move <time>                        the next meeting, same day, new time
    meeting move <day> to <new day> [<time>]   the meeting on <day>, to a new day (and time)
    meeting move <day> to <time>               the meeting on <day>, same day, new time

Days are read later, against the group's local date (`bot.scheduling.spoken_dates`), and times
by `bot.scheduling.spoken_times`; here the words are only sorted into their places, so a mistake
in the shape of the command gets its own message before anything is looked up.
"""

from __future__ import annotations

import re

from bot.grammar import CommandError, CommandSpec, ParsedCommand

SKIP, UNSKIP, MOVE = "meeting.skip", "meeting.unskip", "meeting.move"
ACTIONS: tuple[str, ...] = (SKIP, UNSKIP, MOVE)
WORDS: dict[str, str] = {"skip": SKIP, "unskip": UNSKIP, "restore": UNSKIP, "move": MOVE}
"""The word after `meeting` for each action."""

SKIP_EXAMPLE = "`meeting skip 2026-12-25` or `meeting skip 25 Dec`"
UNSKIP_EXAMPLE = "`meeting unskip 25 Dec`"
MOVE_EXAMPLES = (
    "`meeting move 23 Dec 18:30` (the next meeting) or "
    "`meeting move 22 Dec to 23 Dec 6.30pm` (the meeting on 22 December)"
)
_TO = re.compile(r"\s+to(?:\s+|$)|^to\s+", re.IGNORECASE)


def read(spec: CommandSpec, word: str, rest: str) -> ParsedCommand:
    """`meeting <word> <rest>` where `word` is one of `WORDS`."""
    action = WORDS[word]
    if action == MOVE:
        return _read_move(spec, rest)
    if not rest:
        example = SKIP_EXAMPLE if action == SKIP else UNSKIP_EXAMPLE
        raise CommandError(f"Please say which date, for example {example}.")
    return spec.parsed(action, arg=rest)


def _read_move(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`value` holds the meeting's day ("" for the next meeting), `arg` where it goes."""
    if not rest:
        raise CommandError(f"Please say where the meeting goes, for example {MOVE_EXAMPLES}.")
    parts = _TO.split(rest, maxsplit=1)
    if len(parts) == 1:
        return spec.parsed(MOVE, arg=rest.strip())
    source, target = parts[0].strip(), parts[1].strip()
    if not target:
        raise CommandError(
            f"Please say where the meeting goes after “to”, for example {MOVE_EXAMPLES}."
        )
    if _TO.search(" " + target):
        raise CommandError(f"Please use “to” once, for example {MOVE_EXAMPLES}.")
    return spec.parsed(MOVE, arg=target, value=source)
