""" "Slow down", "too much jargon: <word>" and "I need a break", asked anonymously in a meeting.

Every route here is anonymous: the core never adds the person as a member for them, and nothing
here writes their id, name or member id, or logs anything. One keyed-hash token per person and
crowd (`anonymous_token`, purpose "signal", salted by the crowd) only stops one person counting
twice in a window; the crowd row holds the kind, the word, when the window opened and counts.

Facilitators are told at once, privately, but only in whole crowds: once `signal_crowd` people
(a group setting, 2 unless changed) asked for the same thing within `WINDOW_MINUTES`, and again
at each further whole crowd, each crowd claimed once so two presses never tell twice. The alert
says how many asked (a multiple of the crowd size, `crowd_rule.crowd`), never who, so no two
alerts differ by one person. With the setting at 1 a single signal is passed on: the group chose
that, and the alert still carries no name.

A jargon word goes into the group's glossary (which everyone reads) only with a crowd too: once
as many asked about it in one window as the alert needs and as the group's crowd size `k`
(`glossary_crowd`), in the folded spelling (nobody's own), with no time beside it. Until then one
person's signal leaves nothing anyone can see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot import limits
from bot.cards import Card
from bot.context import Context
from bot.effects import (
    Effect,
    FormErrors,
    MessageMember,
    OpenForm,
    PostToConversation,
    ReplyToActor,
)
from bot.errors import UserError
from bot.grammar import ParsedCommand, free_text, one_of
from bot.handlers.privacy.crowd_rule import crowd
from bot.handlers.signals.cards import (
    ASK_WORD,
    JARGON_FORM,
    SEND,
    WINDOW_MINUTES,
    crowd_words,
    jargon_form,
    signals_card,
)
from bot.identity import anonymous_token
from bot.replies import reply
from bot.routing import Routes
from bot.store import glossary, meetings, members
from bot.store import signals as store
from bot.store.signals import BREAK, JARGON, SLOW, TOKEN_PURPOSE
from bot.text_safety import TextRejected, clean_text, neutralise

routes = Routes()

NO_MEETING = (
    "There's no meeting under way just now, so there's nobody to tell. These are for during a "
    "meeting: once it has started, send `slow down`, `jargon <word>` or `break` again."
)
STALE = "That button no longer works. Type `signals` for a fresh card."
ASKED_WORDS = {
    SLOW: "asked to slow down",
    BREAK: "would like a break",
}


def _typed_in_the_open(what: str) -> str:
    return (
        "I haven't passed that on: everyone in the channel can see who typed it, so it could not "
        "stay anonymous. You may want to delete your message. Send "
        f"`{what}` to me in a direct message instead, or press a button on the `signals` card."
    )


def _clean_word(typed: str) -> str:
    """A word or short phrase, tidy and on one line (refused with `TextRejected`)."""
    word = " ".join(clean_text(typed, limit=limits.GLOSSARY_WORD, what="the word").split())
    if not glossary.key_of(word):
        raise TextRejected(
            "Please say which word was hard to follow.", original=typed, reason="empty"
        )
    return word


async def signal(ctx: Context, kind: str, word: str = "") -> list[Effect]:
    """Count one person's signal in its crowd, tell facilitators at a whole crowd, and thank
    the person, saying what happens next."""
    group = ctx.require_group()
    meeting = await meetings.current(ctx.conn, group.id)
    if meeting is None:
        raise UserError(NO_MEETING)
    effects: list[Effect] = []
    thanks = "Thank you. I've counted it, without your name."
    if kind == JARGON:
        thanks, word = await _look_up_word(ctx, word)
    key = glossary.key_of(word) if kind == JARGON else ""
    window = timedelta(minutes=WINDOW_MINUTES)
    found = await store.open_crowd(ctx.conn, meeting.id, kind, key, now=ctx.now, window=window)
    token = anonymous_token(ctx.services.secret, TOKEN_PURPOSE, found.id, ctx.require_who())
    asked = await store.count_once(ctx.conn, found.id, token)
    if asked is None:
        return [
            reply(
                f"You've asked for that already in the last {WINDOW_MINUTES} minutes. It's "
                "counted once, and nobody can see who asked."
            )
        ]
    shown = crowd(asked, group.signal_crowd)
    if shown and await store.claim_alert(ctx.conn, found.id, shown):
        effects.extend(await _alert(ctx, kind, word, shown, f"signal:{found.id}:{shown}"))
    if kind == JARGON and asked >= glossary_crowd(group.signal_crowd, group.k):
        await _into_the_glossary(ctx, word)
    effects.append(reply(f"{thanks} {crowd_words(group.signal_crowd)}"))
    return effects


def glossary_crowd(signal_crowd: int, k: int) -> int:
    """How many must ask about one word (in one window) before it goes into the glossary.

    The glossary is read by everyone, so a word there is a figure shown to the whole group: it
    waits for the facilitators' alert (`signal_crowd`) and for the group's crowd size `k`,
    whichever is larger, so one person's signal (or two, with `k` at 3) never shows there."""
    return max(signal_crowd, k, 1)


async def _look_up_word(ctx: Context, word: str) -> tuple[str, str]:
    """The thanks to say, and the word as alerts and the glossary spell it: the glossary's own
    spelling, or the folded word (no capitals, no accents). Never the asker's own spelling,
    which could be as telling as a name."""
    entry = await glossary.find(ctx.conn, ctx.require_group().id, word)
    if entry is not None and entry.meaning:
        return (
            f"Thank you. The glossary says: {neutralise(entry.word)}: "
            f"{neutralise(entry.meaning)}. I've counted it too, without your name."
        ), entry.word
    return "Thank you. I've counted it, without your name.", (
        entry.word if entry else glossary.key_of(word)
    )


async def _into_the_glossary(ctx: Context, word: str) -> None:
    """Put a word a whole crowd asked about into the glossary as asked, not yet explained (with
    no time: nothing dates anyone's signal), unless it is there or the glossary is full."""
    group = ctx.require_group()
    if await glossary.find(ctx.conn, group.id, word) is not None:
        return
    if await glossary.size(ctx.conn, group.id) >= limits.GLOSSARY_ENTRIES:
        return
    await glossary.add(ctx.conn, group.id, word, None, now=ctx.now, meeting_id=None)


async def _alert(ctx: Context, kind: str, word: str, shown: int, key: str) -> list[Effect]:
    """The private message to each facilitator: how many asked, in whole crowds, never who."""
    group = ctx.require_group()
    people = "1 person" if shown == 1 else f"{shown} people"
    if kind == JARGON:
        text = (
            f"{people} found a word hard to follow: “{neutralise(word)}”. Could someone say "
            f"what it means in plain words? To keep it: `glossary add {neutralise(word)} "
            "<plain meaning>`."
        )
    else:
        text = f"{people} {ASKED_WORDS[kind]}, in the last few minutes."
    card = Card(
        title=f"From the meeting in {neutralise(group.name)}",
        text=text,
        footer="Nobody's name is kept. Only whole groups of people asking are passed on.",
    )
    return [
        MessageMember(group.platform, group.workspace, m.user_id, card, key=f"{key}:{m.id}")
        for m in await members.of_group(ctx.conn, group.id)
        if m.is_facilitator
    ]


# -- typed ----------------------------------------------------------------------------------------


@routes.command(
    "slow",
    "member",
    usage="slow down",
    summary="ask, without your name, for the meeting to slow down",
    rank=98,
    grammar=one_of(("down",), "Type `slow down` to ask the meeting to slow down.", optional=True),
    anonymous=True,
)
async def slow_down(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    if ctx.seen_by_others:
        raise UserError(_typed_in_the_open("slow down"), original="slow down")
    return await signal(ctx, SLOW)


@routes.command(
    "break",
    "member",
    usage="break",
    summary="say, without your name, that you need a break",
    rank=100,
    anonymous=True,
)
async def need_a_break(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    if ctx.seen_by_others:
        raise UserError(_typed_in_the_open("break"), original="break")
    return await signal(ctx, BREAK)


@routes.command(
    "jargon",
    "member",
    usage="jargon <word>",
    summary="say, without your name, that a word was hard to follow",
    rank=99,
    grammar=free_text(),
    anonymous=True,
)
async def jargon(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`jargon EHCP`; `jargon` alone opens the form (private wherever it is typed)."""
    group = ctx.require_group()
    typed = cmd.arg.strip()
    if not typed:
        return [OpenForm(jargon_form(group.id))]
    if ctx.seen_by_others:
        raise UserError(_typed_in_the_open(f"jargon {typed}"), original=f"jargon {typed}")
    return await signal(ctx, JARGON, _clean_word(typed))


@routes.command(
    "signals",
    "member",
    usage="signals",
    summary="a card with buttons for “slow down”, “too much jargon” and “I need a break”",
    rank=101,
)
async def signals(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """In the channel the card goes to everyone; in a direct message, to the person only."""
    group = ctx.require_group()
    card = signals_card(group.id, group.signal_crowd)
    if ctx.where is not None and not ctx.where.is_direct:
        return [PostToConversation(group.where, card)]
    return [ReplyToActor(card)]


# -- pressed --------------------------------------------------------------------------------------


@routes.choice(SEND, anonymous=True)
async def pressed(ctx: Context, payload: str) -> list[Effect]:
    """ "Slow down" or "I need a break" on the card."""
    if payload not in (SLOW, BREAK):
        raise UserError(STALE)
    return await signal(ctx, payload)


@routes.choice(ASK_WORD, anonymous=True)
async def ask_word(ctx: Context, payload: str) -> list[Effect]:
    """ "Too much jargon": ask which word, in a private form."""
    return [OpenForm(jargon_form(ctx.require_group().id))]


@routes.form(JARGON_FORM, anonymous=True)
async def word_given(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """The jargon form. A refused word stores nothing and keeps what was typed."""
    try:
        word = _clean_word(values.get("word") or "")
    except TextRejected as exc:
        return [FormErrors({"word": exc.in_form})]
    return await signal(ctx, JARGON, word)
