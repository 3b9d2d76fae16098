"""How people type an answer to "does this feel addressed?", forgivingly.

    addressed 3 yes              addressed #3 partly          addressed 3 not really
    addressed elephant 3 no      addressed 3 feels "partly"   elephant 3 feels not really
    addressed 3 take back        (says why an answer can't be taken back)

The kind of subject may be named before its number (`elephant` when it is left out); the
answer may be said in the ways people say it (`yeah`, `sort of`, `nope`, `not-really`, quotes
and a full stop or two are fine). Anything else is refused with what would work.
"""

from __future__ import annotations

import re

from bot.grammar import TRAILING_MARKS, CommandError, CommandSpec, Grammar, ParsedCommand, split
from bot.handlers.verdicts.subjects import ELEPHANT, KINDS
from bot.store.verdicts import NOT_REALLY, PARTLY, YES

WITHDRAW = "withdraw"
ACTION = "verdict.answer"
SAYINGS = {
    YES: ("yes", "y", "yeah", "yep", "yup", "yes it does", "it does", "fully", "addressed"),
    PARTLY: (
        "partly",
        "partially",
        "part",
        "in part",
        "somewhat",
        "sort of",
        "kind of",
        "a bit",
        "a little",
        "some",
    ),
    NOT_REALLY: ("not really", "no", "nope", "not", "not yet", "not at all", "notreally", "nah"),
    WITHDRAW: (
        "withdraw",
        "take back",
        "take it back",
        "take back my answer",
        "undo",
        "clear",
        "remove",
        "remove my answer",
        "withdraw my answer",
    ),
}
ANSWER_WORDS = {saying: answer for answer, sayings in SAYINGS.items() for saying in sayings}
FEELS = ("feels", "feel", "is", "=", ":")
NUMBER = re.compile(r"#?(\d{1,9})")
EXAMPLES = "`addressed 3 yes`, `addressed 3 partly` or `addressed 3 not really`"


def answer_of(words: str) -> str | None:
    """`"Not-Really!"` as `not-really`; None when the words are not an answer we know."""
    plain = re.sub(r"[\"'“”‘’`]", "", words).lower().replace("-", " ").replace("_", " ")
    plain = " ".join(plain.split()).strip(TRAILING_MARKS + " ")
    return ANSWER_WORDS.get(plain)


def read_feeling(spec: CommandSpec, kind: str, number: int, words: str) -> ParsedCommand:
    """The answer in `words` about `kind` number `number`, or a message saying what would work."""
    first, rest = split(words)
    if first in FEELS:
        words = rest
    if not words:
        raise CommandError(
            f"Please say how {kind} {number} feels to you: `addressed {number} yes`, "
            f"`partly` or `not really`."
        )
    answer = answer_of(words)
    if answer is None:
        more = ""
        if len(words.split()) > 3:
            more = (
                " If you're a facilitator recording what was done, type "
                f"`{kind} {number} addressed <what was done>`."
            )
        raise CommandError(
            f"I didn't catch how it feels to you. Please answer yes, partly or not really, "
            f"like `addressed {number} partly`.{more}"
        )
    return spec.parsed(ACTION, arg=answer, number=number, value=kind)


def _read(spec: CommandSpec, rest: str) -> ParsedCommand:
    first, after = split(rest)
    kind = ELEPHANT
    if first in KINDS:
        kind, (first, after) = first, split(after)
    found = NUMBER.fullmatch(first)
    if found is None:
        raise CommandError(
            f"Please say which one and how it feels to you, for example {EXAMPLES}. "
            "Type `elephants` to see the numbers."
        )
    return read_feeling(spec, kind, int(found.group(1)), after)


ANSWER_SPEC = CommandSpec(
    "addressed",
    "member",
    "group",
    "addressed <number> yes|partly|not really",
    "say, anonymously, whether something marked addressed feels addressed to you",
    Grammar((ACTION,), _read),
    rank=94,
    anonymous=True,
)
"""`addressed …`, and the spec that `elephant 3 feels partly` is read as."""
