"""The steps every way of answering a round shares: redraw the card, reveal once, auto-reveal.

Kept apart from the handlers so that commands, buttons, forms and the end of a meeting all reveal
and recount in exactly the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from bot.effects import Effect, PostToConversation, UpdatePost
from bot.errors import UserError
from bot.handlers.rounds.cards import card_key, reveal_card, round_card
from bot.handlers.rounds.reveal_rules import (
    Sharer,
    interleave,
    lock_met,
    opened_by,
    role_class,
    waiting_for,
)
from bot.store import meetings, members
from bot.store import rounds as store
from bot.store.groups import Group
from bot.store.rounds import Answer, Round

NO_ROUND = (
    "There's no round open right now. When a facilitator starts one with `round`, "
    "you can share or pass."
)
ROUND_ENDED = "That round has closed, so it no longer takes answers. Thank you all the same."
AUTO_REASON = "Everyone has answered, so here are the answers, together."


def sharers(answers: Sequence[Answer]) -> list[Sharer]:
    return [Sharer(a.member_id, a.role) for a in answers if a.kind == store.SHARE]


def before_reveal(answers: Sequence[Answer]) -> list[Answer]:
    """The answers given while the round was still held (those the reveal showed together)."""
    return [a for a in answers if not a.after_reveal]


async def redraw(ctx: Context, group: Group, round_id: int) -> UpdatePost:
    """The channel card as it is now: the count, the state, and what an unmet lock waits for."""
    round_ = await store.get(ctx.conn, round_id)
    assert round_ is not None
    answers = await store.answers(ctx.conn, round_.id)
    total = await store.member_count(ctx.conn, group.id)
    waiting = ""
    if round_.status == store.OPEN and group.reciprocity_lock and len(answers) >= total:
        waiting = waiting_for(sharers(answers))
    opened = ""
    if group.reciprocity_lock and round_.revealed_at is not None:
        opened = opened_by(sharers(before_reveal(answers)))
    card = round_card(
        round_,
        answered=len(answers),
        total=total,
        lock=group.reciprocity_lock,
        waiting=waiting,
        anyone_shared=bool(sharers(answers)),
        opened=opened,
    )
    return UpdatePost(group.where, card_key(round_.id), card)


async def adopt(ctx: Context, round_: Round) -> None:
    """A round carried past its meeting is reported with the meeting in which it finishes."""
    if round_.meeting_id is not None:
        origin = await meetings.get(ctx.conn, round_.meeting_id)
        if origin is not None and origin.status not in (meetings.ENDED, meetings.CANCELLED):
            return
    now_meeting = await meetings.current(ctx.conn, round_.group_id)
    if now_meeting is not None:
        await store.move_to_meeting(ctx.conn, round_.id, now_meeting.id)


async def reveal(
    ctx: Context, group: Group, round_: Round, reason: str, *, carry: bool = True
) -> list[Effect]:
    """Post every held answer in one message, interleaved by role. Once only."""
    if not await store.mark_revealed(ctx.conn, round_.id, ctx.now):
        return []
    if carry:
        await adopt(ctx, round_)
    answers = await store.answers(ctx.conn, round_.id)
    names = {m.id: m.display_name for m in await members.of_group(ctx.conn, group.id)}
    shares = [a for a in answers if a.kind == store.SHARE and a.text]
    pairs = [(names.get(a.member_id, "A member"), a.text or "") for a in shares]
    strands = {index: role_class(a.role) for index, a in enumerate(shares)}
    shown = interleave(pairs, strands, ctx.services.rng)
    passes = sum(1 for a in answers if a.kind == store.PASS)
    card = reveal_card(round_, shown, passes, reason=reason)
    post = PostToConversation(group.where, card, key=f"round-reveal:{round_.id}")
    return [post, await redraw(ctx, group, round_.id)]


async def after_answer(ctx: Context, group: Group, round_: Round) -> list[Effect]:
    """After a share or pass: reveal if everyone has answered and the lock allows; else recount."""
    if round_.status == store.OPEN:
        answers = await store.answers(ctx.conn, round_.id)
        total = await store.member_count(ctx.conn, group.id)
        allowed = not group.reciprocity_lock or lock_met(sharers(answers))
        if len(answers) >= total and allowed:
            revealed = await reveal(ctx, group, round_, AUTO_REASON)
            if revealed:
                return revealed
    return [await redraw(ctx, group, round_.id)]


async def current_round(ctx: Context, original: str = "") -> Round:
    round_ = await store.active(ctx.conn, ctx.require_group().id)
    if round_ is None:
        raise UserError(NO_ROUND, original=original)
    return round_


async def round_of_payload(ctx: Context, payload: str, original: str = "") -> Round:
    """The round a button or form belongs to; it must be this group's and still take answers."""
    group = ctx.require_group()
    round_ = await store.get(ctx.conn, int(payload)) if payload.isdigit() else None
    if round_ is None or round_.group_id != group.id or round_.status == store.CLOSED:
        raise UserError(ROUND_ENDED, original=original)
    return round_
