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

import difflib
import re
from collections.abc import Mapping
from datetime import date, timedelta

from bot import limits
from bot.cards import Button, Card
from bot.context import Context
from bot.effects import Effect, FormErrors, MessageMember, OpenForm, PostToConversation
from bot.errors import UserError
from bot.grammar import (
    TRAILING_MARKS,
    CommandError,
    CommandSpec,
    Grammar,
    ParsedCommand,
    free_text,
    mention,
    split,
)
from bot.handlers.actions.cards import (
    ACCEPT,
    DECLINE_FORM,
    DONE,
    DONE_FORM,
    NOT_ME,
    PICK_OWNER,
    ask_card,
    decline_form,
    done_form,
)
from bot.handlers.actions.lines import action_line, done_line, short
from bot.handlers.actions.reminders import reminder_time
from bot.replies import reply
from bot.routing import Routes, encode
from bot.scheduling.spoken_dates import EXAMPLES, DayNotUnderstood, describe_day, read_day
from bot.store import actions as store
from bot.store import decisions, meetings, members, pending_choices
from bot.store.actions import Action
from bot.store.groups import Group
from bot.store.members import Member
from bot.text_safety import TextRejected, clean_text, neutralise

routes = Routes()

USAGE = "action <what> @who [by <day>]"
EXAMPLE = "`action Write to the council about the bus @Sam by next tuesday`"
VERBS = ("accept", "decline", "done", "drop", "reassign")
VERB_WORDS = {
    **{verb: verb for verb in VERBS},
    "yes": "accept",
    "no": "decline",
    "not-me": "decline",
    "notme": "decline",
    "finished": "done",
    "complete": "done",
    "completed": "done",
    "give": "reassign",
}
"""What people type after an action's number, and what it means."""
NUMBER = re.compile(r"#?(\d{1,9})")
OWNER_MARK = re.compile(r"(?<!\S)(<@[A-Za-z0-9_:.\-]+(?:\|[^>]*)?>|@)")
AT_BY = re.compile(r"\s+by(?:\s+|$)", re.IGNORECASE)
BY_DAY = re.compile(r"by(?:\s+(.*))?", re.IGNORECASE | re.DOTALL)
RECENTLY_DONE = timedelta(days=30)
LIST_LIMIT = 30
PICK_LASTS = timedelta(hours=1)
STALE = "That button no longer works. Type `actions` to see the group's actions."

NO_OWNER = (
    f"Please say who will do it, with @ and their name, and by when if you like: {EXAMPLE}. "
    "If it's for you, put your own name."
)


# -- reading `action …` -----------------------------------------------------------------------


def _read_action(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`action <number> <verb> [words]` acts on an action; anything else notes a new one.

    `action 3 people to review the leaflet @Sam` is a new action: its second word is no verb.
    A number followed by a word close to a verb (`action 4 acept`) is a typo, refused with
    what would work; a number alone asks what to do."""
    first, after = split(rest)
    found = NUMBER.fullmatch(first)
    if found is None:
        return spec.parsed("action.new", arg=rest)
    number = int(found.group(1))
    word, more = split(after)
    word = word.rstrip(TRAILING_MARKS)
    if word == "not" and split(more)[0].rstrip(TRAILING_MARKS) == "me":
        word, more = "not-me", split(more)[1]
    verb = VERB_WORDS.get(word)
    if verb is not None:
        return spec.parsed(f"action.{verb}", number=number, value=more)
    guess = difflib.get_close_matches(word, VERBS, n=1, cutoff=0.7) if word else []
    if guess:
        raise CommandError(f"Did you mean `action {number} {guess[0]}`?")
    if not word:
        raise CommandError(
            f"Please say what to do with action {number}: `action {number} accept`, "
            f"`action {number} decline`, `action {number} done <a short note>`, or, for "
            f"facilitators, `action {number} reassign @name` or `action {number} drop`."
        )
    return spec.parsed("action.new", arg=rest)


GRAMMAR = Grammar(
    ("action.new", *(f"action.{verb}" for verb in VERBS)),
    _read_action,
)
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


def split_action(words: str) -> tuple[str, str, str | None]:
    """`Write to the council @Sam Jones by friday` as ("Write to the council", "Sam Jones",
    "friday"). The owner is the last `@name` or mention; `by <day>` may follow. An owner named
    first (`@Sam write to the council by friday`) is read too, with one word for the name.
    Raises `UserError` when there is no owner."""
    marks = list(OWNER_MARK.finditer(words))
    if not marks:
        raise UserError(NO_OWNER)
    last = marks[-1]
    before, rest = words[: last.start()].strip(), words[last.start() :].strip()
    if rest.startswith("<@"):
        end = rest.index(">") + 1
        token, after = rest[:end], rest[end:].strip()
    elif before:  # `… @Sam Jones by friday`: the name runs to `by`
        found = AT_BY.search(rest[1:])
        if found is None:
            return before, rest[1:].strip(), None
        return before, rest[1 : 1 + found.start()].strip(), rest[1 + found.end() :].strip()
    else:  # `@Sam write the letter by friday`: a one-word name first
        token = (rest[1:].split(None, 1) or [""])[0]
        after = rest[1 + len(token) :].strip()
    if not before:
        before, due = _words_and_day(after)
        return before, token, due
    if not after:
        return before, token, None
    day = BY_DAY.fullmatch(after)
    if day is None:
        raise UserError(
            f"Please put the person last, then the day if there is one: `{USAGE}`, for "
            f"example {EXAMPLE}."
        )
    return before, token, (day.group(1) or "").strip()


def _words_and_day(text: str) -> tuple[str, str | None]:
    """The words of an action and its day, from `write the letter by friday`: the last `by`."""
    parts = re.split(r"\s+by\s+", text, flags=re.IGNORECASE)
    if len(parts) < 2:
        return text.strip(), None
    return " by ".join(parts[:-1]).strip(), parts[-1].strip()


def _due(ctx: Context, group: Group, typed: str | None) -> date | None:
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


async def _resolve(ctx: Context, group: Group, token: str) -> list[Member]:
    token = mention(token, USAGE_SPEC)
    return await members.find_by_mention(ctx.conn, group.id, token)


def _unknown(group: Group, token: str) -> UserError:
    shown = neutralise(token[:40]) if not token.startswith("<@") else "that person"
    return UserError(
        f"I can't find {shown if shown == 'that person' else '“' + shown + '”'} in "
        f"{neutralise(group.name)}. Name them with @ and pick them from the list your app "
        "offers, or use the name the group knows them by. They need to have joined the group "
        "(by typing `role` in the channel) first."
    )


# -- noting decisions and actions ---------------------------------------------------------------


async def _meeting_id(ctx: Context, group: Group) -> int | None:
    """The meeting under way, else the most recent one (None before the first meeting)."""
    meeting = await meetings.current(ctx.conn, group.id)
    meeting = meeting or await meetings.latest_ended(ctx.conn, group.id)
    return meeting.id if meeting else None


def _today(ctx: Context, group: Group) -> date:
    return ctx.now.astimezone(group.zone).date()


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
    made = await decisions.create(
        ctx.conn,
        group.id,
        text=text,
        meeting_id=await _meeting_id(ctx, group),
        recorded_by=member.id,
        now=ctx.now,
    )
    post = Card(
        title=f"Decision #{made.number}",
        text=f"“{short(made.text, limits.DECISION)}”\nNoted by {neutralise(member.display_name)}.",
    )
    return [
        PostToConversation(group.where, post),
        reply(f"Noted decision #{made.number}. It will be in the meeting's summary."),
    ]


USAGE_SPEC = CommandSpec(
    "action", "member", "group", USAGE, "note an action", GRAMMAR, rank=144, typed=False
)
"""What `grammar.mention` quotes back when no name follows an @."""


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
    due = _due(ctx, group, typed_day)
    found = await _resolve(ctx, group, token)
    if not found:
        raise _unknown(group, token)
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
    if pending is None or pending.expired or not person_id.isdigit():
        raise UserError(
            "That choice has expired. Please type the action again.",
            original=pending.text if pending else "",
        )
    owner = await members.by_id(ctx.conn, int(person_id))
    if owner is None or owner.group_id != group.id:
        raise UserError("That person is no longer in the group.", original=pending.text)
    words, _, typed_day = split_action(pending.text)
    text = clean_text(words, limit=limits.ACTION, what="the action")
    return await _note(ctx, group, member, text, owner, _due(ctx, group, typed_day))


async def _note(
    ctx: Context, group: Group, member: Member, text: str, owner: Member, due: date | None
) -> list[Effect]:
    action = await store.create(
        ctx.conn,
        group.id,
        text=text,
        owner_id=owner.id,
        recorded_by=member.id,
        due_on=due,
        meeting_id=await _meeting_id(ctx, group),
        now=ctx.now,
    )
    today = _today(ctx, group)
    n, name = action.number, neutralise(owner.display_name)
    post = Card(
        title=f"Action #{n}",
        text=f"{action_line(action, today)}\nNoted by {neutralise(member.display_name)}.",
    )
    effects: list[Effect] = [PostToConversation(group.where, post)]
    later = _reminder_promise(group, action, ctx)
    if owner.id == member.id:
        effects.append(reply(f"Noted action #{n}, yours.{later}"))
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


def _reminder_promise(group: Group, action: Action, ctx: Context) -> str:
    if action.due_on is None or reminder_time(group, action.due_on) <= ctx.now:
        return ""
    return " The owner gets a reminder the day before it's due (unless they've turned nudges off)."


# -- the owner's answer -------------------------------------------------------------------------


async def _numbered(ctx: Context, cmd: ParsedCommand) -> Action:
    group = ctx.require_group()
    number = cmd.number or 0
    action = await store.by_number(ctx.conn, group.id, number) if 0 < number < 2**31 else None
    if action is None:
        raise UserError(
            f"There's no action #{number} in {neutralise(group.name)}. "
            "Type `actions` to see the numbers."
        )
    return action


async def _by_button(ctx: Context, payload: str) -> Action:
    action = await store.get(ctx.conn, int(payload)) if payload.isdigit() else None
    if action is None or action.group_id != ctx.require_group().id:
        raise UserError(STALE)
    return action


def _still_open(action: Action) -> None:
    if not action.is_open:
        said = "done" if action.status == store.DONE else "dropped"
        raise UserError(f"Action #{action.number} is already {said}, so there's nothing to change.")


def _must_own(action: Action, member: Member, doing: str) -> None:
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
    _still_open(action)
    _must_own(action, member, "accept")
    if not await store.accept(ctx.conn, action.id, member.id, ctx.now):
        return [reply(f"You've already said yes to action #{action.number}. Thank you.")]
    later = _reminder_promise(group, action, ctx).replace("The owner gets", "You'll get")
    told = Card(
        title=f"Action #{action.number}: yes",
        text=f"{neutralise(member.display_name)} said yes to action #{action.number}:\n"
        f"“{short(action.text)}”",
    )
    return [
        *await _tell_recorder(ctx, group, action, told, skip=member.id),
        reply(f"Thank you: action #{action.number} is yours.{later}"),
    ]


async def _decline(ctx: Context, action: Action, reason: str) -> list[Effect]:
    group, member = ctx.require_group(), ctx.require_member()
    _still_open(action)
    _must_own(action, member, "decline")
    why = clean_text(reason, limit=limits.ACTION_NOTE, what="your reason") if reason else ""
    if not await store.decline(ctx.conn, action.id, member.id):
        raise UserError(STALE)
    n = action.number
    lines = [
        f"{neutralise(member.display_name)} said “not me” to action #{n}:",
        f"“{short(action.text)}”",
    ]
    if why:
        lines.append(f"Their reason: “{neutralise(why)}”")
    lines.append(
        f"It's open with nobody on it now. To give it to someone: `action {n} reassign @name`; "
        f"or to let it go: `action {n} drop`."
    )
    told = Card(title=f"Action #{n}: not me", text="\n".join(lines))
    effects = await _tell_recorder(ctx, group, action, told, skip=member.id)
    who = (
        f"I've let {neutralise(action.recorder_name)} know"
        if action.recorder_name and action.recorded_by != member.id
        else "I've let the facilitators know"
    )
    if action.recorded_by == member.id:
        who = "It stays on the list with nobody on it"
    return [*effects, reply(f"All right: action #{n} is no longer yours. {who}.")]


async def _done(ctx: Context, action: Action, note: str) -> list[Effect]:
    group, member = ctx.require_group(), ctx.require_member()
    _still_open(action)
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
    today = _today(ctx, group)
    post = Card(title=f"Action #{action.number} is done", text=done_line(done, today))
    return [
        PostToConversation(group.where, post),
        reply(f"Marked action #{action.number} done. Thank you! I've told the channel."),
    ]


@routes.handles("action.accept")
async def accept_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    return await _accept(ctx, await _numbered(ctx, cmd))


@routes.handles("action.decline")
async def decline_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    return await _decline(ctx, await _numbered(ctx, cmd), cmd.value)


@routes.handles("action.done")
async def done_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    return await _done(ctx, await _numbered(ctx, cmd), cmd.value)


@routes.choice(ACCEPT)
async def accept_pressed(ctx: Context, payload: str) -> list[Effect]:
    return await _accept(ctx, await _by_button(ctx, payload))


@routes.choice(NOT_ME)
async def not_me_pressed(ctx: Context, payload: str) -> list[Effect]:
    action = await _by_button(ctx, payload)
    _still_open(action)
    _must_own(action, ctx.require_member(), "decline")
    return [OpenForm(decline_form(ctx.require_group().id, action))]


@routes.choice(DONE)
async def done_pressed(ctx: Context, payload: str) -> list[Effect]:
    action = await _by_button(ctx, payload)
    _still_open(action)
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
    return await _decline(ctx, await _by_button(ctx, payload), reason)


@routes.form(DONE_FORM)
async def done_submitted(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    note = await _with_words(ctx, values, "note", "your note")
    if isinstance(note, FormErrors):
        return [note]
    return await _done(ctx, await _by_button(ctx, payload), note)


# -- steering: reassign and drop -----------------------------------------------------------------


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
    action = await _numbered(ctx, cmd)
    _still_open(action)
    _may_steer(action, member, "give away")
    token = cmd.value.removeprefix("to ").strip()
    if not token:
        raise UserError(f"Please say who: `action {action.number} reassign @name`.")
    found = await _resolve(ctx, group, token)
    if not found:
        raise _unknown(group, token)
    if len(found) > 1:
        raise UserError(
            f"{len(found)} people go by that name. Please name them with @ and pick them from "
            "the list your app offers."
        )
    owner = found[0]
    if owner.id == action.owner_id:
        return [reply(f"Action #{action.number} is already with {neutralise(owner.display_name)}.")]
    yours = ctx.now if owner.id == member.id else None
    await store.assign(ctx.conn, action.id, owner.id, accepted=yours)
    moved = await store.get(ctx.conn, action.id)
    assert moved is not None
    today, name, n = _today(ctx, group), neutralise(owner.display_name), action.number
    effects: list[Effect] = []
    if action.owner_user_id and action.owner_id not in (member.id, owner.id):
        note = Card(
            title=f"Action #{n} has moved",
            text=f"Action #{n} (“{short(action.text)}”) is now with {name}. "
            "Nothing more to do on it. Thank you.",
        )
        effects.append(MessageMember(group.platform, group.workspace, action.owner_user_id, note))
    if yours:
        return [*effects, reply(f"Action #{n} is yours now.")]
    card = ask_card(group.id, group.name, moved, member.display_name, today)
    effects.append(MessageMember(group.platform, group.workspace, owner.user_id, card))
    return [*effects, reply(f"I've asked {name} privately whether they'll take on action #{n}.")]


@routes.handles("action.drop")
async def drop(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`action 4 drop`: off the list, with no blame; the owner is told there's nothing to do."""
    group, member = ctx.require_group(), ctx.require_member()
    action = await _numbered(ctx, cmd)
    _still_open(action)
    _may_steer(action, member, "drop")
    await store.drop(ctx.conn, action.id, ctx.now)
    n = action.number
    effects: list[Effect] = []
    if action.owner_user_id and action.owner_id != member.id:
        note = Card(
            title=f"Action #{n} is dropped",
            text=f"Action #{n} (“{short(action.text)}”) has been dropped, so there's nothing "
            "more to do on it. Thank you.",
        )
        effects.append(MessageMember(group.platform, group.workspace, action.owner_user_id, note))
    return [*effects, reply(f"Dropped action #{n}. It's off the list.")]


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
    today = _today(ctx, group)
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
