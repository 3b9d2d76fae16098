"""The owner's answer and the end of an action: accept, "not me" (with an optional reason), and
done (with an optional note), each by button or typed (`action 4 accept`, `action 4 decline
[why]`, `action 4 done <note>`).

Only the owner says yes or no; the owner or a facilitator marks it done. Whoever noted the action
is told the owner's answer privately (the facilitators, if that person has left). "Not me" leaves
the action open with nobody on it: nothing about it is shameful, and the group can pick it up.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import limits
from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, FormErrors, MessageMember, OpenForm, PostToConversation
from bot.errors import UserError
from bot.grammar import ParsedCommand
from bot.handlers.actions.cards import (
    ACCEPT,
    DECLINE_FORM,
    DONE,
    DONE_FORM,
    NOT_ME,
    decline_form,
    done_form,
)
from bot.handlers.actions.lines import SHORT, done_line
from bot.handlers.actions.lookup import (
    STALE,
    by_button,
    local_today,
    must_own,
    numbered,
    still_open,
)
from bot.handlers.actions.reminders import reminder_promise
from bot.replies import reply
from bot.routing import Routes
from bot.store import actions as store
from bot.store import members
from bot.store.actions import Action
from bot.store.groups import Group
from bot.text_safety import TextRejected, clean_text, neutralise, shortened

routes = Routes()


async def _tell_recorder(
    ctx: Context, group: Group, action: Action, card: Card, *, skip: int
) -> list[Effect]:
    """A private word to whoever noted the action; to the facilitators if they've gone."""
    if action.recorded_by is not None and action.recorder_user_id is not None:
        if action.recorded_by == skip:
            return []
        return [MessageMember(group.platform, group.workspace, action.recorder_user_id, card)]
    return [
        MessageMember(group.platform, group.workspace, m.user_id, card)
        for m in await members.of_group(ctx.conn, group.id)
        if m.is_facilitator and m.id != skip
    ]


async def _accept(ctx: Context, action: Action) -> list[Effect]:
    group, member = ctx.require_group(), ctx.require_member()
    still_open(action)
    must_own(action, member, "accept")
    if not await store.accept(ctx.conn, action.id, member.id, ctx.now):
        return [reply(f"You've already said yes to action #{action.number}. Thank you.")]
    later = reminder_promise(group, action, ctx, whom="You'll get")
    told = Card(
        title=f"Action #{action.number}: yes",
        text=f"{neutralise(member.display_name)} said yes to action #{action.number}:\n"
        f"“{shortened(action.text, SHORT)}”",
    )
    return [
        *await _tell_recorder(ctx, group, action, told, skip=member.id),
        reply(f"Thank you: action #{action.number} is yours.{later}"),
    ]


async def _decline(ctx: Context, action: Action, reason: str) -> list[Effect]:
    group, member = ctx.require_group(), ctx.require_member()
    still_open(action)
    must_own(action, member, "decline")
    why = clean_text(reason, limit=limits.ACTION_NOTE, what="your reason") if reason else ""
    if not await store.decline(ctx.conn, action.id, member.id):
        raise UserError(STALE)
    n = action.number
    lines = [
        f"{neutralise(member.display_name)} said “not me” to action #{n}:",
        f"“{shortened(action.text, SHORT)}”",
    ]
    if why:
        lines.append(f"Their reason: “{neutralise(why)}”")
    lines.append(
        f"It's open with nobody on it now. To give it to someone: `action {n} reassign @name`; "
        f"or to let it go: `action {n} drop`."
    )
    told = Card(title=f"Action #{n}: not me", text="\n".join(lines))
    effects = await _tell_recorder(ctx, group, action, told, skip=member.id)
    if action.recorded_by == member.id:
        after = "It stays on the list with nobody on it."
    elif action.recorder_name:
        after = f"I've let {neutralise(action.recorder_name)} know."
    else:
        after = "I've let the facilitators know."
    return [*effects, reply(f"All right: action #{n} is no longer yours. {after}")]


async def _done(ctx: Context, action: Action, note: str) -> list[Effect]:
    group, member = ctx.require_group(), ctx.require_member()
    still_open(action)
    if action.owner_id != member.id and not member.is_facilitator:
        owner = neutralise(action.owner_name) if action.owner_name else "whoever takes it on"
        raise UserError(
            f"Only {owner} or a facilitator can mark action #{action.number} done. If you know "
            "it's done, you could let them know."
        )
    text = clean_text(note, limit=limits.ACTION_NOTE, what="your note") if note else None
    if not await store.mark_done(ctx.conn, action.id, text, ctx.now):
        raise UserError(STALE)
    done = await store.get(ctx.conn, action.id)
    assert done is not None
    today = local_today(ctx, group)
    post = Card(title=f"Action #{action.number} is done", text=done_line(done, today))
    return [
        PostToConversation(group.where, post),
        reply(f"Marked action #{action.number} done. Thank you! I've told the channel."),
    ]


@routes.handles("action.accept")
async def accept_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    return await _accept(ctx, await numbered(ctx, cmd))


@routes.handles("action.decline")
async def decline_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    return await _decline(ctx, await numbered(ctx, cmd), cmd.value)


@routes.handles("action.done")
async def done_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    return await _done(ctx, await numbered(ctx, cmd), cmd.value)


@routes.choice(ACCEPT)
async def accept_pressed(ctx: Context, payload: str) -> list[Effect]:
    return await _accept(ctx, await by_button(ctx, payload))


@routes.choice(NOT_ME)
async def not_me_pressed(ctx: Context, payload: str) -> list[Effect]:
    action = await by_button(ctx, payload)
    still_open(action)
    must_own(action, ctx.require_member(), "decline")
    return [OpenForm(decline_form(ctx.require_group().id, action))]


@routes.choice(DONE)
async def done_pressed(ctx: Context, payload: str) -> list[Effect]:
    action = await by_button(ctx, payload)
    still_open(action)
    return [OpenForm(done_form(ctx.require_group().id, action))]


async def _with_words(
    ctx: Context, values: Mapping[str, str], field: str, what: str
) -> str | FormErrors:
    typed = (values.get(field) or "").strip()
    if not typed:
        return ""
    try:
        return clean_text(typed, limit=limits.ACTION_NOTE, what=what)
    except TextRejected as exc:
        return FormErrors({field: exc.in_form})


@routes.form(DECLINE_FORM)
async def decline_submitted(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    reason = await _with_words(ctx, values, "reason", "your reason")
    if isinstance(reason, FormErrors):
        return [reason]
    return await _decline(ctx, await by_button(ctx, payload), reason)


@routes.form(DONE_FORM)
async def done_submitted(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    note = await _with_words(ctx, values, "note", "your note")
    if isinstance(note, FormErrors):
        return [note]
    return await _done(ctx, await by_button(ctx, payload), note)
