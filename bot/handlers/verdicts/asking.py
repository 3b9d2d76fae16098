"""Asking the group "does this feel addressed?", closing an asking, and the sweep.

`ask_the_group` is what a feature calls when a facilitator marks one of its things addressed: it
posts the card with the three buttons in the channel. `close_about` is called when that thing's
status changes some other way (its card keeps the answers it had, without buttons).

The sweep (`redraw_due`, run with the other anonymous items by the scheduler) is the only place
answers become figures: it redraws each card whose answers changed, so the moment a card changes
does not point at whoever pressed, and when `k` or more say "not really" it reopens the subject
and tells each facilitator privately, once.
"""

from __future__ import annotations

from dataclasses import replace

from bot.context import Context
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.handlers.privacy.crowd_rule import shown
from bot.handlers.verdicts import figures
from bot.handlers.verdicts.cards import reopened_card, verdict_card, verdict_key
from bot.handlers.verdicts.subjects import KINDS
from bot.store import groups, members
from bot.store import verdicts as store
from bot.store.groups import Group
from bot.store.verdicts import NOT_REALLY, Verdict


async def ask_the_group(
    ctx: Context, group: Group, kind: str, subject_id: int, title: str, what_was_done: str
) -> list[Effect]:
    """Ask everyone in `group` whether the subject (`kind`, `subject_id`) feels addressed.

    `title` is the subject's words as the group knows them and `what_was_done` the facilitator's
    note (empty when none). An earlier asking about the same subject still open is closed first:
    its answers were about what had been done then."""
    if kind not in KINDS:
        raise ValueError(f"no subject kind {kind!r}")
    effects = await close_about(ctx, group, kind, subject_id)
    number = await KINDS[kind].number_of(ctx, subject_id)
    verdict = await store.create(
        ctx.conn,
        group.id,
        kind=kind,
        subject_id=subject_id,
        number=number,
        title=title,
        what_was_done=what_was_done or None,
        now=ctx.now,
    )
    card = verdict_card(group.id, verdict, group.k)
    effects.append(PostToConversation(group.where, card, key=verdict_key(verdict.id)))
    return effects


async def close_about(
    ctx: Context, group: Group, kind: str, subject_id: int, *, hidden: bool = False
) -> list[Effect]:
    """Stop asking about a subject whose status changed; `hidden` also takes its words off the
    card and out of the asking (a hidden subject's words are never shown again)."""
    effects: list[Effect] = []
    for verdict in await store.about(ctx.conn, group.id, kind, subject_id):
        if not verdict.is_asking and not (hidden and verdict.title):
            continue
        closed = await store.close(ctx.conn, verdict.id, forget_words=hidden)
        card = verdict_card(group.id, closed, group.k)
        effects.append(UpdatePost(group.where, verdict_key(verdict.id), card))
    return effects


async def redraw_due(ctx: Context) -> list[Effect]:
    """Redraw every card whose answers changed since the last sweep, and reopen what `k` or more
    say does not really feel addressed (see the module's docstring)."""
    found: dict[int, Group | None] = {}
    effects: list[Effect] = []
    for verdict in await store.to_redraw(ctx.conn):
        if verdict.group_id not in found:
            found[verdict.group_id] = await groups.get(ctx.conn, verdict.group_id)
        group = found[verdict.group_id]
        if group is None:
            continue
        answers = await store.answers_given(ctx.conn, verdict.id)
        now_shown = figures.encode(figures.figures(answers, group.k))
        if not await store.set_shown(ctx.conn, verdict.id, now_shown):
            continue
        drawn = replace(verdict, figures_shown=now_shown)
        reopen = verdict.is_asking and shown(answers.count(NOT_REALLY), group.k)
        if reopen and await store.claim_reopen(ctx.conn, verdict.id, ctx.now):
            drawn = replace(drawn, state=store.REOPENED, reopened_at=ctx.now)
            effects.extend(await _reopen(ctx, group, drawn))
        if drawn != verdict:
            card = verdict_card(group.id, drawn, group.k)
            effects.append(UpdatePost(group.where, verdict_key(verdict.id), card))
    return effects


async def _reopen(ctx: Context, group: Group, verdict: Verdict) -> list[Effect]:
    """The subject goes back to open, and every facilitator is told privately."""
    effects = await KINDS[verdict.kind].reopen(ctx, group, verdict.subject_id)
    note = reopened_card(group.name, verdict, group.k)
    effects.extend(
        MessageMember(group.platform, group.workspace, member.user_id, note)
        for member in await members.of_group(ctx.conn, group.id)
        if member.is_facilitator
    )
    return effects
