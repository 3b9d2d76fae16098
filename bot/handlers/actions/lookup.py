"""Finding what a command names: an action by its number or button, a person by name or
mention, the group's day; and the checks every change of an action shares."""

from __future__ import annotations

from datetime import date

from bot.context import Context
from bot.errors import UserError
from bot.grammar import CommandSpec, ParsedCommand, mention, small_number
from bot.handlers.actions.reading import GRAMMAR, USAGE
from bot.scheduling.spoken_dates import EXAMPLES, DayNotUnderstood, describe_day, read_day
from bot.store import actions as store
from bot.store import members
from bot.store.actions import Action
from bot.store.groups import Group
from bot.store.members import Member
from bot.text_safety import neutralise

STALE = "That button no longer works. Type `actions` to see the group's actions."
USAGE_SPEC = CommandSpec(
    "action", "member", "group", USAGE, "note an action", GRAMMAR, rank=144, typed=False
)
"""What `grammar.mention` quotes back when no name follows an @."""


def local_today(ctx: Context, group: Group) -> date:
    """Today in the group's time zone: what "tomorrow" and "not done yet" are counted from."""
    return ctx.now.astimezone(group.zone).date()


def due_day(ctx: Context, group: Group, typed: str | None) -> date | None:
    """The action's day, read in the group's time zone; a day gone by is refused plainly."""
    if typed is None:
        return None
    today = ctx.now.astimezone(group.zone).date()
    try:
        day = read_day(typed, today)
    except DayNotUnderstood as exc:
        message = str(exc) if neutralise(typed) == typed else f"Try {EXAMPLES}."
        raise UserError(f"{message} Or leave out `by …` if there's no set day.") from None
    if day < today:
        raise UserError(
            f"{describe_day(day, today)} has already gone by. Please give today or a later "
            "day, for example `by next tuesday`, or leave out `by …`."
        )
    return day


async def resolve_person(ctx: Context, group: Group, token: str) -> list[Member]:
    """Members a typed `@name` or platform mention may mean: none, one, or several."""
    token = mention(token, USAGE_SPEC)
    return await members.find_by_mention(ctx.conn, group.id, token)


def unknown_person(group: Group, token: str) -> UserError:
    shown = "that person" if token.startswith("<@") else f"“{neutralise(token[:40])}”"
    return UserError(
        f"I can't find {shown} in "
        f"{neutralise(group.name)}. Name them with @ and pick them from the list your app "
        "offers, or use the name the group knows them by. They need to have joined the group "
        "(by typing `role` in the channel) first."
    )


async def numbered(ctx: Context, cmd: ParsedCommand) -> Action:
    group = ctx.require_group()
    number = cmd.number or 0
    action = await store.by_number(ctx.conn, group.id, number) if 0 < number < 2**31 else None
    if action is None:
        raise UserError(
            f"There's no action #{number} in {neutralise(group.name)}. "
            "Type `actions` to see the numbers."
        )
    return action


async def by_button(ctx: Context, payload: str) -> Action:
    row = small_number(payload)
    action = await store.get(ctx.conn, row) if row is not None else None
    if action is None or action.group_id != ctx.require_group().id:
        raise UserError(STALE)
    return action


def still_open(action: Action) -> None:
    if not action.is_open:
        said = "done" if action.status == store.DONE else "dropped"
        raise UserError(f"Action #{action.number} is already {said}, so there's nothing to change.")


def must_own(action: Action, member: Member, doing: str) -> None:
    if action.owner_id == member.id:
        return
    n = action.number
    if action.owner_id is None:
        raise UserError(
            f"Action #{n} has nobody at the moment, so there's nothing to {doing}. A facilitator "
            f"can give it to someone: `action {n} reassign @name`."
        )
    raise UserError(
        f"Action #{n} was given to {neutralise(action.owner_name or '')}, so only they can "
        f"{doing} it."
    )
