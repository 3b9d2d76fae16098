"""`decision`, `action` and `actions`: the group's record of what it decided and who will do what.

Named, not anonymous: who noted a decision or an action, and who owns an action, is plain to the
group (it is how a group keeps its promises). Anyone in the group may note either. An action's
owner is asked privately whether they'll take it on (Accept / Not me, or typed: `action 4 accept`,
`action 4 decline [why]`); whoever noted it is told the answer. Someone noting an action for
themselves has said yes already. "Not me" leaves the action open and unassigned, for a facilitator
(or whoever noted it) to give to someone else (`action 4 reassign @name`) or drop (`action 4
drop`). The owner, or a facilitator, marks it done with a short note (`action 4 done …`, or the
Done button on the reminder).

Each new decision or action belongs to the meeting under way, else the most recent one, so the
summary can report it; the channel is told of each, so the group's record is never a secret.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import limits
from bot.cards import Button, Card
from bot.context import Context
from bot.effects import Effect, MessageMember, PostToConversation
from bot.errors import UserError
from bot.grammar import CommandSpec, ParsedCommand, free_text, small_number
from bot.handlers.actions.cards import PICK_OWNER, ask_card
from bot.handlers.actions.lines import action_line, done_line
from bot.handlers.actions.lookup import (
    due_day,
    local_today,
    resolve_person,
    unknown_person,
)
from bot.handlers.actions.reading import EXAMPLE, GRAMMAR, USAGE, split_action
from bot.handlers.actions.reminders import held_over, reminder_promise
from bot.handlers.summary.builder import day_words
from bot.replies import reply
from bot.routing import Routes, encode
from bot.scheduling.quiet_hours import is_quiet
from bot.store import actions as store
from bot.store import decisions, meetings, members, pending_choices
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.store.members import Member
from bot.text_safety import clean_text, neutralise, shortened

routes = Routes()

RECENTLY_DONE = timedelta(days=30)
LIST_LIMIT = 30
PICK_LASTS = timedelta(hours=1)

routes.declare(
    CommandSpec(
        "action-answer",
        "member",
        "group",
        "action <number> accept|decline|done [a short note]",
        "say yes or no to an action, or mark it done",
        GRAMMAR,
        rank=145,
        typed=False,
    )
)
routes.declare(
    CommandSpec(
        "action-steer",
        "facilitator",
        "group",
        "action <number> reassign @who|drop",
        "give an action to someone else, or drop it (whoever noted it can too)",
        GRAMMAR,
        rank=146,
        typed=False,
    )
)


# -- noting decisions and actions ---------------------------------------------------------------


async def _meeting(ctx: Context, group: Group) -> Meeting | None:
    """The meeting under way, else the most recent one (None before the first meeting)."""
    meeting = await meetings.current(ctx.conn, group.id)
    return meeting or await meetings.latest_ended(ctx.conn, group.id)


async def _meeting_id(ctx: Context, group: Group) -> int | None:
    meeting = await _meeting(ctx, group)
    return meeting.id if meeting else None


def _where_kept(meeting: Meeting | None, group: Group) -> str:
    """Where a decision will be found: the coming summary, or the meeting it was noted with."""
    if meeting is None:
        return "It's kept in the group's record (facilitators can `export` it)."
    if meeting.summary_posted_at is None:
        return "It will be in the meeting's summary."
    return f"It's kept with the meeting on {day_words(meeting.starts_at, group.zone)}."


@routes.command(
    "decision",
    "member",
    usage="decision <what the group decided>",
    summary="note a decision of the group",
    rank=143,
    grammar=free_text(),
    aliases=("decided",),
)
async def decision(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """Note a decision: numbered, named, told to the channel, and in the meeting's summary."""
    group, member = ctx.require_group(), ctx.require_member()
    if not cmd.arg.strip():
        raise UserError(
            "Please write the decision after the word, for example: "
            "`decision We'll meet at the library from May`."
        )
    text = clean_text(cmd.arg, limit=limits.DECISION, what="the decision")
    meeting = await _meeting(ctx, group)
    made = await decisions.create(
        ctx.conn,
        group.id,
        text=text,
        meeting_id=meeting.id if meeting else None,
        recorded_by=member.id,
        now=ctx.now,
    )
    post = Card(
        title=f"Decision #{made.number}",
        text=(
            f"“{shortened(made.text, limits.DECISION)}”\n"
            f"Noted by {neutralise(member.display_name)}."
        ),
    )
    return [
        PostToConversation(group.where, post),
        reply(f"Noted decision #{made.number}. {_where_kept(meeting, group)}"),
    ]


@routes.command(
    "action",
    "member",
    usage=USAGE,
    summary="note who will do what (they're asked privately to say yes)",
    rank=144,
    grammar=GRAMMAR,
    action="action.new",
)
async def action_new(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """Note an action for someone (or yourself), with an optional day."""
    group, member = ctx.require_group(), ctx.require_member()
    if not cmd.arg.strip():
        raise UserError(f"Please say what needs doing and who will do it: {EXAMPLE}.")
    words, token, typed_day = split_action(cmd.arg)
    if not words:
        raise UserError(f"Please say what needs doing, as well as who: {EXAMPLE}.")
    text = clean_text(words, limit=limits.ACTION, what="the action")
    due = due_day(ctx, group, typed_day)
    found = await resolve_person(ctx, group, token)
    if not found:
        raise unknown_person(group, token)
    if len(found) > 1:
        return [await _ask_which(ctx, group, cmd.arg, found)]
    return await _note(ctx, group, member, text, found[0], due)


async def _ask_which(ctx: Context, group: Group, typed: str, found: list[Member]) -> Effect:
    """Two people share the name: a button for each (the words wait server-side), or type it
    again with a mention."""
    held = await pending_choices.hold(ctx.conn, typed, ctx.now, PICK_LASTS)
    buttons = tuple(
        Button(_who_label(person, group), PICK_OWNER, encode(group.id, f"{held}:{person.id}"))
        for person in found[:5]
    )
    return reply(
        f"{len(found)} people in {neutralise(group.name)} go by that name. Which one did you "
        "mean? Or type the action again, naming them with @ and picking them from the list "
        "your app offers.",
        buttons=buttons,
    )


def _who_label(person: Member, group: Group) -> str:
    joined = person.joined_at.astimezone(group.zone)
    role = " facilitator," if person.is_facilitator else ""
    return f"{neutralise(person.display_name)[:40]} ({role} joined {joined.day} {joined:%b %Y})"


@routes.choice(PICK_OWNER)
async def owner_picked(ctx: Context, payload: str) -> list[Effect]:
    group, member = ctx.require_group(), ctx.require_member()
    held, _, person_id = payload.partition(":")
    pending = await pending_choices.take(ctx.conn, held, ctx.now)
    if pending is None or pending.expired or small_number(person_id) is None:
        raise UserError(
            "That choice has expired. Please type the action again.",
            original=pending.text if pending else "",
        )
    owner = await members.by_id(ctx.conn, int(person_id))
    if owner is None or owner.group_id != group.id:
        raise UserError("That person is no longer in the group.", original=pending.text)
    words, _, typed_day = split_action(pending.text)
    text = clean_text(words, limit=limits.ACTION, what="the action")
    return await _note(ctx, group, member, text, owner, due_day(ctx, group, typed_day))


async def _note(
    ctx: Context, group: Group, member: Member, text: str, owner: Member, due: date | None
) -> list[Effect]:
    asked = not is_quiet(group, ctx.now)
    action = await store.create(
        ctx.conn,
        group.id,
        text=text,
        owner_id=owner.id,
        recorded_by=member.id,
        due_on=due,
        meeting_id=await _meeting_id(ctx, group),
        now=ctx.now,
        asked=asked,
    )
    today = local_today(ctx, group)
    n, name = action.number, neutralise(owner.display_name)
    post = Card(
        title=f"Action #{n}",
        text=f"{action_line(action, today)}\nNoted by {neutralise(member.display_name)}.",
    )
    effects: list[Effect] = [PostToConversation(group.where, post)]
    later = reminder_promise(group, action, ctx)
    if owner.id == member.id:
        yours = reminder_promise(group, action, ctx, whom="You'll get")
        effects.append(reply(f"Noted action #{n}, yours.{yours}"))
        return effects
    if not asked:
        effects.append(reply(f"Noted action #{n}. {held_over(name, group)}{later}"))
        return effects
    card = ask_card(group.id, group.name, action, member.display_name, today)
    effects.append(MessageMember(group.platform, group.workspace, owner.user_id, card))
    effects.append(
        reply(
            f"Noted action #{n}. I've asked {name} privately whether they'll take it on, and "
            f"I'll tell you what they say.{later}"
        )
    )
    return effects


# -- the list -----------------------------------------------------------------------------------


@routes.command(
    "actions",
    "member",
    usage="actions",
    summary="the group's open actions, and those done lately",
    rank=147,
    aliases=("action-list",),
)
async def actions_list(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    group = ctx.require_group()
    today = local_today(ctx, group)
    still_open = await store.open_of_group(ctx.conn, group.id)
    done = await store.done_since(ctx.conn, group.id, ctx.now - RECENTLY_DONE)
    if not still_open and not done:
        return [
            reply(f"There are no open actions in {neutralise(group.name)}. To note one: `{USAGE}`.")
        ]
    parts: list[str] = []
    if still_open:
        lines = [action_line(a, today) for a in still_open[:LIST_LIMIT]]
        if len(still_open) > LIST_LIMIT:
            lines.append(f"…and {len(still_open) - LIST_LIMIT} more.")
        parts.append("Open:\n" + "\n".join(lines))
    else:
        parts.append("Nothing open right now.")
    if done:
        parts.append("Done lately:\n" + "\n".join(done_line(a, today) for a in done[-10:]))
    return [
        reply(
            "\n\n".join(parts),
            title=f"Actions in {neutralise(group.name)}",
        )
    ]
