"""`glossary`, `glossary add`, and the facilitators' `glossary fix` and `glossary remove`.

The glossary is the group's shared reference, so anyone may read it and add to it; changing or
removing what someone wrote is the facilitators'. No entry records who wrote it. A word is typed
first (`glossary add EHCP Education, Health and Care Plan`, a colon after it is fine); a phrase
goes in quotes (`glossary add "care plan" what support a person gets`), or without them when it
is in the glossary already (asked about with `jargon care plan`). Words match without case or
accents. A colon inside a meaning stays part of the meaning.
"""

from __future__ import annotations

from dataclasses import replace

from bot import limits
from bot.context import Context
from bot.effects import Effect, ReplyToActor
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, split
from bot.handlers.glossary.cards import glossary_card
from bot.replies import reply
from bot.routing import Routes
from bot.store import glossary as store
from bot.store import meetings
from bot.text_safety import clean_text, neutralise

routes = Routes()

ADD, FIX, REMOVE, LIST = "glossary.add", "glossary.fix", "glossary.remove", "glossary"
LOOKUP = "glossary.lookup"


OPENING, CLOSING = "\"“‘'", "\"”’'"


def _word_and_rest(rest: str) -> tuple[str, str]:
    """The word and the meaning after it: `EHCP Education…` or `EHCP: Education…` as ("EHCP",
    "Education…"); a phrase in quotes, `"care plan" what support…`, as ("care plan", "what
    support…"). (A phrase someone asked about is also found unquoted, by `_known_phrase`.)"""
    text = rest.strip()
    if text[:1] in OPENING:
        end = next((at for at, char in enumerate(text[1:], 1) if char in CLOSING), -1)
        if end > 1:
            return text[1:end].strip(), text[end + 1 :].lstrip(" :").strip()
    parts = text.split(None, 1)
    if not parts:
        return "", ""
    return parts[0].rstrip(":"), (parts[1].strip() if len(parts) > 1 else "")


def _known_phrase(entries: list[store.Entry], word: str, meaning: str) -> tuple[str, str]:
    """`care plan what support…` typed without quotes, when "care plan" is in the glossary:
    the longest phrase of the glossary the words start with, and the rest as the meaning."""
    words = f"{word} {meaning}".split()
    best = (word, meaning)
    longest = 1
    for entry in entries:
        size = len(entry.word.split())
        if size > longest and store.key_of(" ".join(words[:size])) == entry.word_key:
            best = (" ".join(words[:size]), " ".join(words[size:]).lstrip(":").strip())
            longest = size
    return best


def _read(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`glossary`, `glossary <word>`, `glossary add|fix <word> <meaning>`,
    `glossary remove <word>`. Any other first word is a word to look up."""
    word, after = split(rest)
    if not word:
        return spec.parsed(LIST)
    if word in ("add", "fix"):
        term, meaning = _word_and_rest(after)
        if not term:
            raise CommandError(
                f"Please say the word and its meaning: `glossary {word} <word> <plain meaning>`."
            )
        target = spec if word == "add" else FIX_SPEC
        return target.parsed(ADD if word == "add" else FIX, arg=term, value=meaning)
    if word == "remove":
        if not after:
            raise CommandError("Please say which word: `glossary remove <word>`.")
        return REMOVE_SPEC.parsed(REMOVE, arg=after.rstrip(":").strip())
    looked_up = rest.strip().strip(OPENING + CLOSING + "?:").strip()
    return spec.parsed(LOOKUP, arg=looked_up)


GRAMMAR = Grammar((LIST, LOOKUP, ADD, FIX, REMOVE), _read)
FIX_SPEC = routes.declare(
    CommandSpec(
        "glossary-fix",
        "facilitator",
        "group",
        "glossary fix <word> <new meaning>  /  glossary remove <word>",
        "correct or remove a glossary entry",
        GRAMMAR,
        rank=111,
        typed=False,
    )
)
REMOVE_SPEC = FIX_SPEC
"""Both facilitators' forms of `glossary` share one line of help."""


@routes.command(
    "glossary",
    "member",
    usage="glossary  /  glossary <word>  /  glossary add <word> <plain meaning>",
    summary="the group's words and what they mean; look one up; add one",
    rank=102,
    grammar=GRAMMAR,
    action=LIST,
)
async def show(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    group = ctx.require_group()
    return [ReplyToActor(glossary_card(group.name, await store.all_of(ctx.conn, group.id)))]


@routes.handles(LOOKUP)
async def look_up(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """One word's meaning, found whatever its case or accents (`glossary ehcp` finds "EHCP")."""
    group = ctx.require_group()
    word = " ".join(cmd.arg.split())
    entry = await store.find(ctx.conn, group.id, word) if store.key_of(word) else None
    if entry is not None and entry.meaning:
        return [reply(f"{neutralise(entry.word)}: {neutralise(entry.meaning)}")]
    shown = neutralise(word[: limits.GLOSSARY_WORD])
    typed = f'"{shown}"' if " " in shown else shown
    if entry is not None:
        return [
            reply(
                f"People asked what “{neutralise(entry.word)}” means, and nobody has explained "
                f"it yet. If you know what it means, you can add it: `glossary add {typed} "
                "<plain meaning>`."
            )
        ]
    return [
        reply(
            f"“{shown}” isn't in the glossary yet, sorry. If you know what it means, you can "
            f"add it for everyone: `glossary add {typed} <plain meaning>`. Type `glossary` to "
            "see all the words."
        )
    ]


def _typed(cmd: ParsedCommand, verb: str) -> str:
    return f"glossary {verb} {cmd.arg} {cmd.value}".strip()


def _word(cmd: ParsedCommand, verb: str) -> str:
    word = " ".join(clean_text(cmd.arg, limit=limits.GLOSSARY_WORD, what="the word").split())
    if not store.key_of(word):
        raise UserError("Please say which word.", original=_typed(cmd, verb))
    return word


def _meaning(cmd: ParsedCommand, verb: str, word: str) -> str:
    if not cmd.value.strip():
        raise UserError(
            f"Please add what “{neutralise(word)}” means, in plain words: "
            f"`glossary {verb} {neutralise(word)} <plain meaning>`.",
            original=_typed(cmd, verb),
        )
    meaning = clean_text(cmd.value, limit=limits.GLOSSARY_MEANING, what="the meaning")
    return " ".join(meaning.split())


async def _with_phrase(ctx: Context, cmd: ParsedCommand) -> ParsedCommand:
    """The command with its word widened to a phrase of the glossary it starts with."""
    entries = await store.all_of(ctx.conn, ctx.require_group().id)
    word, meaning = _known_phrase(entries, cmd.arg, cmd.value)
    return replace(cmd, arg=word, value=meaning)


async def _meeting_id(ctx: Context) -> int | None:
    meeting = await meetings.current(ctx.conn, ctx.require_group().id)
    return meeting.id if meeting else None


@routes.handles(ADD)
async def add(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """Add a word with its meaning, or explain a word someone asked about."""
    group = ctx.require_group()
    cmd = await _with_phrase(ctx, cmd)
    word = _word(cmd, "add")
    meaning = _meaning(cmd, "add", word)
    entry = await store.find(ctx.conn, group.id, word)
    shown = neutralise(word)
    if entry is not None and entry.meaning:
        raise UserError(
            f"“{neutralise(entry.word)}” is in the glossary already: {neutralise(entry.meaning)}\n"
            "A facilitator can change it with `glossary fix <word> <new meaning>`.",
            original=_typed(cmd, "add"),
        )
    meeting_id = await _meeting_id(ctx)
    if entry is not None:
        await store.explain(
            ctx.conn, entry.id, meaning, now=ctx.now, meeting_id=meeting_id, word=word
        )
        return [reply(f"Thank you. “{shown}” is explained now: {neutralise(meaning)}")]
    if await store.size(ctx.conn, group.id) >= limits.GLOSSARY_ENTRIES:
        raise UserError(
            f"The glossary is full ({limits.GLOSSARY_ENTRIES} words). A facilitator can make "
            "room with `glossary remove <word>`.",
            original=_typed(cmd, "add"),
        )
    await store.add(ctx.conn, group.id, word, meaning, now=ctx.now, meeting_id=meeting_id)
    return [reply(f"Thank you. “{shown}” is in the glossary now: {neutralise(meaning)}")]


def _not_there(word: str, cmd: ParsedCommand, verb: str) -> UserError:
    return UserError(
        f"“{neutralise(word)}” isn't in the glossary. Type `glossary` to see the words.",
        original=_typed(cmd, verb),
    )


@routes.handles(FIX)
async def fix(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """A facilitator corrects a meaning (or gives one to a word asked about)."""
    group = ctx.require_group()
    cmd = await _with_phrase(ctx, cmd)
    word = _word(cmd, "fix")
    meaning = _meaning(cmd, "fix", word)
    entry = await store.find(ctx.conn, group.id, word)
    if entry is None:
        raise _not_there(word, cmd, "fix")
    await store.explain(ctx.conn, entry.id, meaning, now=ctx.now, meeting_id=await _meeting_id(ctx))
    return [reply(f"Done. “{neutralise(entry.word)}” now means: {neutralise(meaning)}")]


@routes.handles(REMOVE)
async def remove(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    group = ctx.require_group()
    word = _word(cmd, "remove")
    entry = await store.find(ctx.conn, group.id, word)
    if entry is None:
        raise _not_there(word, cmd, "remove")
    await store.remove(ctx.conn, entry.id)
    return [reply(f"Done. “{neutralise(entry.word)}” is no longer in the glossary.")]
