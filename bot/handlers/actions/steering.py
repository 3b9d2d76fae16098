"""Steering an action: `action 4 reassign @name` and `action 4 drop`, for facilitators and for
whoever noted it. The new owner is asked privately, as anyone is; the one before is told there is
nothing more to do, with thanks and no blame.
"""

from __future__ import annotations

from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, MessageMember
from bot.errors import UserError
from bot.grammar import ParsedCommand
from bot.handlers.actions.cards import ask_card
from bot.handlers.actions.lines import SHORT
from bot.handlers.actions.lookup import (
    local_today,
    numbered,
    resolve_person,
    still_open,
    unknown_person,
)
from bot.handlers.actions.reminders import held_over
from bot.replies import reply
from bot.routing import Routes
from bot.scheduling.quiet_hours import is_quiet
from bot.store import actions as store
from bot.store.actions import Action
from bot.store.members import Member
from bot.text_safety import neutralise, shortened

routes = Routes()


def _may_steer(action: Action, member: Member, doing: str) -> None:
    if member.is_facilitator or action.recorded_by == member.id:
        return
    raise UserError(
        f"Only a facilitator, or whoever noted action #{action.number}, can {doing} it. "
        "You could ask a facilitator."
    )


@routes.handles("action.reassign")
async def reassign(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`action 4 reassign @name`: someone new is asked; the one before is told."""
    group, member = ctx.require_group(), ctx.require_member()
    action = await numbered(ctx, cmd)
    still_open(action)
    _may_steer(action, member, "give away")
    token = cmd.value.removeprefix("to ").strip()
    if not token:
        raise UserError(f"Please say who: `action {action.number} reassign @name`.")
    found = await resolve_person(ctx, group, token)
    if not found:
        raise unknown_person(group, token)
    if len(found) > 1:
        raise UserError(
            f"{len(found)} people go by that name. Please name them with @ and pick them from "
            "the list your app offers."
        )
    owner = found[0]
    if owner.id == action.owner_id:
        return [reply(f"Action #{action.number} is already with {neutralise(owner.display_name)}.")]
    yours = ctx.now if owner.id == member.id else None
    asked = yours or (None if is_quiet(group, ctx.now) else ctx.now)
    await store.assign(ctx.conn, action.id, owner.id, accepted=yours, asked=asked)
    moved = await store.get(ctx.conn, action.id)
    assert moved is not None
    today, name, n = local_today(ctx, group), neutralise(owner.display_name), action.number
    effects: list[Effect] = []
    if action.owner_user_id and action.owner_id not in (member.id, owner.id):
        note = Card(
            title=f"Action #{n} has moved",
            text=f"Action #{n} (“{shortened(action.text, SHORT)}”) is now with {name}. "
            "Nothing more to do on it. Thank you.",
        )
        effects.append(MessageMember(group.platform, group.workspace, action.owner_user_id, note))
    if yours:
        return [*effects, reply(f"Action #{n} is yours now.")]
    if asked is None:
        return [*effects, reply(f"Action #{n} is with {name} now. {held_over(name, group)}")]
    card = ask_card(group.id, group.name, moved, member.display_name, today)
    effects.append(MessageMember(group.platform, group.workspace, owner.user_id, card))
    return [*effects, reply(f"I've asked {name} privately whether they'll take on action #{n}.")]


@routes.handles("action.drop")
async def drop(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`action 4 drop`: off the list, with no blame; the owner is told there's nothing to do."""
    group, member = ctx.require_group(), ctx.require_member()
    action = await numbered(ctx, cmd)
    still_open(action)
    _may_steer(action, member, "drop")
    await store.drop(ctx.conn, action.id, ctx.now)
    n = action.number
    effects: list[Effect] = []
    if action.owner_user_id and action.owner_id != member.id:
        note = Card(
            title=f"Action #{n} is dropped",
            text=f"Action #{n} (“{shortened(action.text, SHORT)}”) has been dropped, so "
            "there's nothing more to do on it. Thank you.",
        )
        effects.append(MessageMember(group.platform, group.workspace, action.owner_user_id, note))
    return [*effects, reply(f"Dropped action #{n}. It's off the list.")]
