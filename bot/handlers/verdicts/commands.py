"""Answering "does this feel addressed?": the card's buttons and the typed `addressed …`.

Both are anonymous routes: the core never adds the person as a member for them, and nothing here
writes their id, name or member id, or logs anything. Once per person and asking is kept by a
keyed-hash token salted with the asking (`anonymous_token`, purpose "verdict"), which says only
"has answered": nothing beside it says which answer, so an answer is given once and neither
changed nor taken back (see `bot.store.verdicts`). The answer rows hold no author and no token.
Nothing is redrawn here: the sweep (`asking.redraw_due`) does that, in whole crowds of `k`.
"""

from __future__ import annotations

from bot.context import Context
from bot.effects import Effect
from bot.errors import UserError
from bot.grammar import ParsedCommand
from bot.handlers.elephants.cards import parse_id
from bot.handlers.privacy.rejoined import ALREADY_LEFT, left_since
from bot.handlers.verdicts.cards import ANSWER, label
from bot.handlers.verdicts.figures import WORDS
from bot.handlers.verdicts.grammar import ACTION, ANSWER_SPEC, WITHDRAW
from bot.handlers.verdicts.subjects import ELEPHANT, KINDS
from bot.identity import anonymous_token
from bot.replies import reply
from bot.routing import Routes
from bot.store import elephants
from bot.store import verdicts as store
from bot.store.verdicts import ANSWERS, Verdict
from bot.text_safety import neutralise

routes = Routes()
routes.declare(ANSWER_SPEC)

PURPOSE = "verdict"
STALE = "That button no longer works. Type `elephants` to see where things stand."
TYPED_IN_THE_OPEN = (
    "I haven't counted that: everyone in the channel can see what you typed, so it could not "
    "stay anonymous. Press a button on the “You said, we did” card instead, or send your answer "
    "to me in a direct message."
)


async def record(ctx: Context, verdict: Verdict, answer: str) -> list[Effect]:
    """Count one person's one answer, and say so to them alone."""
    name, k = label(verdict), ctx.require_group().k
    if not verdict.is_asking:
        return [
            reply(
                f"The question about {name} has closed, so I can't take answers to it any more. "
                "If it's marked addressed again, I'll ask again."
            )
        ]
    if answer != WITHDRAW and await left_since(ctx, verdict.asked_at):
        return [reply(ALREADY_LEFT)]
    token = anonymous_token(ctx.services.secret, PURPOSE, verdict.id, ctx.require_who())
    kept = (
        "I keep nothing that could find your answer again, not even for you, so it can't be "
        "changed or taken back."
    )
    answered = await store.has_answered(ctx.conn, verdict.id, token)
    if answer == WITHDRAW:
        if not answered:
            return [reply(f"There's nothing from you about {name} to take back.")]
        return [reply(f"Your answer about {name} is counted, without your name. {kept}")]
    if answered or not await store.answer(
        ctx.conn, verdict.id, token=token, new=answer, rng=ctx.services.rng
    ):
        return [
            reply(
                f"You've already answered about {name}. It's counted once, and nobody can see "
                f"who gave it. {kept}"
            )
        ]
    return [
        reply(
            f"Thank you. I've counted your answer about {name}: “{WORDS[answer]}”, without your "
            f"name. The counts on the card are updated every little while, {k} people at a "
            "time. It's counted once and can't be changed: I keep nothing that could find it "
            "again."
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
