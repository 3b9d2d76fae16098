"""Answering "does this feel addressed?": the card's buttons and the typed `addressed …`.

Both are anonymous routes: the core never adds the person as a member for them, and nothing here
writes their id, name or member id, or logs anything. Once per person and asking is kept by a
keyed-hash token salted with the asking (`anonymous_token`, purpose "verdict"); beside it only a
keyed seal of their answer, which lets a later press find and move their one answer row. The
answer rows themselves hold no author and no token (`bot.store.verdicts`). Nothing is redrawn
here: the sweep (`asking.redraw_due`) does that, in whole crowds of `k`.
"""

from __future__ import annotations

from bot.context import Context
from bot.effects import Effect
from bot.errors import UserError
from bot.grammar import ParsedCommand
from bot.handlers.elephants.cards import parse_id
from bot.handlers.verdicts.cards import ANSWER, label, typed_hint
from bot.handlers.verdicts.figures import WORDS
from bot.handlers.verdicts.grammar import ACTION, ANSWER_SPEC, WITHDRAW
from bot.handlers.verdicts.subjects import ELEPHANT, KINDS
from bot.identity import anonymous_token, signature
from bot.replies import reply
from bot.routing import Routes
from bot.store import elephants
from bot.store import verdicts as store
from bot.store.verdicts import ANSWERS, Verdict
from bot.text_safety import neutralise

routes = Routes()
routes.declare(ANSWER_SPEC)

PURPOSE = "verdict"
SEAL = "verdict-answer"
STALE = "That button no longer works. Type `elephants` to see where things stand."
TYPED_IN_THE_OPEN = (
    "I haven't counted that: everyone in the channel can see what you typed, so it could not "
    "stay anonymous. Press a button on the “You said, we did” card instead, or send your answer "
    "to me in a direct message."
)


def _seal(secret: bytes, token: str, answer: str) -> str:
    return signature(secret, SEAL, token, answer)


def _earlier(secret: bytes, token: str, seal: str | None) -> str | None:
    """Which answer this token gave before, found by testing the seal (None: no answer yet)."""
    if seal is None:
        return None
    return next((a for a in ANSWERS if seal == _seal(secret, token, a)), None)


async def record(ctx: Context, verdict: Verdict, answer: str) -> list[Effect]:
    """Count, change or take back one person's answer, and say so to them alone."""
    name, k = label(verdict), ctx.require_group().k
    if not verdict.is_asking:
        return [
            reply(
                f"The question about {name} has closed, so I can't take answers to it any more. "
                "If it's marked addressed again, I'll ask again."
            )
        ]
    secret = ctx.services.secret
    token = anonymous_token(secret, PURPOSE, verdict.id, ctx.require_who())
    old = _earlier(secret, token, await store.seal_of(ctx.conn, verdict.id, token))
    later = f"The counts on the card are updated every little while, {k} people at a time."
    if answer == WITHDRAW:
        if old is None:
            return [reply(f"There's nothing from you about {name} to take back.")]
        await store.withdraw(ctx.conn, verdict.id, token=token, old=old)
        return [reply(f"I've taken back your answer about {name}. {later}")]
    if answer == old:
        return [
            reply(
                f"Your answer about {name} is already “{WORDS[answer]}”. It's counted once, and "
                "nobody can see who gave it."
            )
        ]
    await store.answer(
        ctx.conn,
        verdict.id,
        token=token,
        seal=_seal(secret, token, answer),
        new=answer,
        old=old,
        rng=ctx.services.rng,
    )
    done = "changed your answer" if old else "counted your answer"
    return [
        reply(
            f"Thank you. I've {done} about {name}: “{WORDS[answer]}”, without your name. {later} "
            f"To change it, press another button or type {typed_hint(verdict)}."
        )
    ]


@routes.choice(ANSWER, anonymous=True)
async def answer_pressed(ctx: Context, payload: str) -> list[Effect]:
    """Yes, Partly or Not really on the card."""
    group = ctx.require_group()
    raw_id, _, answer = payload.partition(":")
    verdict_id = parse_id(raw_id)
    verdict = await store.of_group(ctx.conn, group.id, verdict_id) if verdict_id else None
    if verdict is None or answer not in ANSWERS:
        raise UserError(STALE)
    return await record(ctx, verdict, answer)


@routes.handles(ACTION)
async def answer_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`addressed 3 partly`, `elephant 3 feels not really`, `addressed 3 take back`."""
    if ctx.seen_by_others:
        raise UserError(TYPED_IN_THE_OPEN)
    group = ctx.require_group()
    kind, number = cmd.value, cmd.number or 0
    subject = KINDS[kind]
    where_numbers = (
        f"Type `{subject.listing}` to see the numbers."
        if subject.listing
        else "The number is on the “You said, we did” card in the channel."
    )
    verdict = await store.latest_by_number(ctx.conn, group.id, kind, number)
    if verdict is None and kind == ELEPHANT:
        elephant = await elephants.by_number(ctx.conn, group.id, number)
        if elephant is None or elephant.is_hidden:
            raise UserError(
                f"There's no elephant #{number} in {neutralise(group.name)}. {where_numbers}"
            )
    if verdict is None:
        raise UserError(
            f"{subject.label(number)} hasn't been marked addressed, so there's no question to "
            f"answer about it yet. {where_numbers}"
        )
    return await record(ctx, verdict, cmd.arg)
