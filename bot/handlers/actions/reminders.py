"""The owner's reminder before an action's day, and the owner's question held over quiet hours:
sweeps the meeting clock runs every little while (`bot.scheduling.sweeps`).

The question ("will you take it on?") goes out at once, unless the group's quiet hours are on:
then nobody is messaged in the night about someone else's action; `send_held_questions` asks the
owner when quiet hours end, claiming the question (`asked_at`) so it goes out once.

When: the day before the due day at `REMINDER_AT` on the group's wall clock (so a change of the
clocks moves nothing), or, if that falls in the group's quiet hours, as soon as they end. Only for
an open action with an owner, and only if they were asked before that moment (a reminder straight
after being asked is noise; someone given it later only gets the question). Someone who turned
`nudges off` gets none. A reminder that could not go out before the due day had ended (the bot
was down, quiet hours ran on) is not sent at all.

Earlier, for an owner who asked for it (`access prefer earlier-reminders`): `EARLIER_DAYS_BEFORE`
days before the due day at the same hour, or, if they were only asked after that moment, at the
usual time, so asking for earlier never means getting none. Quiet hours and `nudges off` apply
as for everyone, and it is the same one reminder, claimed the same way.

Once: each reminder is claimed with a conditional update of the action's `reminded_at` before
anything is sent, inside the sweep's transaction, so two clocks never send it twice. Skipping one
(nudges off, too late) claims it as well, so the sweep does not look at it again. Quiet hours do
not claim: the next sweep after they end sends it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.context import Context
from bot.effects import Effect, MessageMember
from bot.handlers.actions.cards import ask_card, reminder_card
from bot.scheduling.quiet_hours import describe, is_quiet
from bot.store import access, groups, members
from bot.store import actions as store
from bot.store.actions import Action
from bot.store.groups import Group

REMINDER_AT = time(10, 0)
"""A sensible local hour: after the school run, well before the evening."""
DAYS_BEFORE = 1
EARLIER_DAYS_BEFORE = 2
"""For owners who asked for earlier reminders: two days before, a day more to plan around."""


def reminder_time(group: Group, due_on: date, *, days_before: int = DAYS_BEFORE) -> datetime:
    """The moment (UTC) the reminder for an action due on `due_on` falls due."""
    day = due_on - timedelta(days=days_before)
    return datetime.combine(day, REMINDER_AT).replace(tzinfo=group.zone).astimezone(UTC)


def owner_reminder_time(group: Group, action: Action, earlier: bool) -> datetime:
    """When this owner's reminder falls due: earlier if they asked and were asked about the
    action before that moment, else the usual day before."""
    assert action.due_on is not None
    usual = reminder_time(group, action.due_on)
    if not earlier:
        return usual
    early = reminder_time(group, action.due_on, days_before=EARLIER_DAYS_BEFORE)
    return early if action.asked_at is not None and action.asked_at < early else usual


def reminder_promise(
    group: Group,
    action: Action,
    ctx: Context,
    *,
    whom: str = "The owner gets",
    earlier: bool = False,
) -> str:
    """A sentence promising the reminder, when one will come; else nothing. `earlier` only for
    the owner's own eyes: whether someone asked for earlier reminders is theirs to share."""
    if action.due_on is None:
        return ""
    usual = reminder_time(group, action.due_on)
    at = owner_reminder_time(group, action, earlier)
    if at <= ctx.now:
        return ""
    when = "the day" if at == usual else "two days"
    return f" {whom} a reminder {when} before it's due (unless nudges are turned off)."


def held_over(name: str, group: Group) -> str:
    """What the person who noted an action is told when the question waits for quiet hours."""
    hours = describe(group)
    return (
        f"It's the group's quiet hours ({hours}), so I'll ask {name} privately once they end, "
        "and tell you what they say."
    )


async def send_held_questions(ctx: Context) -> list[Effect]:
    """Ask every owner whose question waited for their group's quiet hours to end."""
    found: dict[int, Group | None] = {}
    effects: list[Effect] = []
    for action in await store.questions_waiting(ctx.conn):
        if action.group_id not in found:
            found[action.group_id] = await groups.get(ctx.conn, action.group_id)
        group = found[action.group_id]
        if group is None or action.owner_user_id is None or is_quiet(group, ctx.now):
            continue
        if not await store.claim_question(ctx.conn, action.id, ctx.now):
            continue
        today = ctx.now.astimezone(group.zone).date()
        asker = action.recorder_name or "Someone in the group"
        card = ask_card(group.id, group.name, action, asker, today)
        effects.append(MessageMember(group.platform, group.workspace, action.owner_user_id, card))
    return effects


async def send_due_reminders(ctx: Context) -> list[Effect]:
    """Remind every owner, of any group, whose reminder is due now (see the module note)."""
    # The widest time zones are 14 hours ahead of UTC: a day more than the earliest reminder
    # covers every group's day after tomorrow.
    ahead = timedelta(days=EARLIER_DAYS_BEFORE + 1)
    candidates = await store.reminder_candidates(ctx.conn, ctx.now.date() + ahead)
    found: dict[int, Group | None] = {}
    effects: list[Effect] = []
    for action in candidates:
        if action.group_id not in found:
            found[action.group_id] = await groups.get(ctx.conn, action.group_id)
        group = found[action.group_id]
        if group is None or action.due_on is None or action.owner_id is None:
            continue
        if ctx.now < reminder_time(group, action.due_on, days_before=EARLIER_DAYS_BEFORE):
            continue  # not due for anyone yet: no need to read the owner's profile
        earlier = (await access.get(ctx.conn, action.owner_id)).earlier_reminders
        due_at = owner_reminder_time(group, action, earlier)
        if ctx.now < due_at:
            continue
        today = ctx.now.astimezone(group.zone).date()
        if action.asked_at is None:
            continue  # the owner has not even been asked yet (quiet hours): the question first
        too_late = action.due_on < today or action.asked_at >= due_at
        if not too_late and is_quiet(group, ctx.now):
            continue  # not claimed: the first sweep after quiet hours sends it
        if not await store.claim_reminder(ctx.conn, action.id, ctx.now) or too_late:
            continue
        owner = await members.by_id(ctx.conn, action.owner_id)
        if owner is None or not owner.nudges:
            continue
        card = reminder_card(group.id, group.name, action, today)
        effects.append(MessageMember(group.platform, group.workspace, owner.user_id, card))
    return effects
