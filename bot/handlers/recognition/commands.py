"""A member's own record of time and expenses, and their choice: claim, decline or give it.

Everything here answers only the person who asked (`ReplyToActor`), and nothing about one person
is ever posted in the channel: their record is theirs and the facilitators' (`claims`). Declining
is one word or one button, exactly like claiming, and no one else is told. The first time someone
claims or gives to a cause they are reminded, once, that payments can affect state benefits, and
pointed at the group's policy for advice.
"""

from __future__ import annotations

from bot import limits
from bot.cards import Button, Card
from bot.context import Context
from bot.effects import Effect, ReplyToActor
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, small_number, split
from bot.handlers.recognition.amounts import (
    AmountNotUnderstood,
    read_minutes,
    read_pence,
    say_minutes,
    say_pence,
)
from bot.replies import reply
from bot.routing import Routes, encode
from bot.store import recognition as store
from bot.store.groups import Group
from bot.store.recognition import CLAIM, DECLINE, DONATE, Claim, Entry
from bot.text_safety import clean_text, neutralise

routes = Routes()

CLAIM_BUTTON, DECLINE_BUTTON, DONATE_BUTTON = (
    "recognition.claim",
    "recognition.decline",
    "recognition.donate",
)
STALE = "That button no longer works. Type `my-time` to see your record as it is now."
IN_THE_OPEN = (
    "I haven't recorded that: everyone here can see what you typed, and your time and expenses "
    "are for you and the facilitators only. Please send it to me in a direct message."
)
CHOICE_WORDS = {CLAIM: "claimed", DECLINE: "declined", DONATE: "given to a cause"}
BENEFITS = (
    "Before anything is paid, please know: payments for your time can affect some state "
    "benefits (for example Universal Credit or Carer's Allowance). {advice} You can still "
    "change your mind before it's paid: `decline <number>` or `donate <number>`."
)
CHANGE_ACTIONS = {CLAIM: "claim.change", DECLINE: "decline.change", DONATE: "donate.change"}


def recognition_off(ctx: Context) -> UserError:
    """The plain answer when the group has not turned recognition on."""
    member = ctx.member
    if member is not None and member.is_facilitator:
        return UserError(
            "Recognition of time is off in this group. To turn it on, type "
            "`set recognition on`, then describe what the group offers with "
            "`set recognition-policy <your policy in plain words>`."
        )
    return UserError(
        "Recognition of time is off in this group, so I'm not keeping a record of time or "
        "expenses here. A facilitator can turn it on with `set recognition on`."
    )


def require_on(ctx: Context) -> Group:
    group = ctx.require_group()
    if not group.recognition:
        raise recognition_off(ctx)
    return group


def policy_words(group: Group) -> str:
    if group.recognition_policy:
        return f"The group's policy: “{neutralise(group.recognition_policy)}”"
    return (
        "The group hasn't written its policy here yet; a facilitator can tell you what's offered."
    )


def advice(group: Group) -> str:
    if group.recognition_policy:
        return (
            "The group's policy says what's offered and where to get advice: "
            f"“{neutralise(group.recognition_policy)}”"
            + ("" if group.recognition_policy.rstrip()[-1:] in ".!?" else ".")
        )
    return "Please ask a facilitator where to get advice before you claim."


def summary(meetings: int, minutes: int, pence: int) -> str:
    """ "2 meetings, 1 hour 30 minutes of preparation, £12.40 of expenses"; what is nought is
    left out ("1 hour of preparation", never "0 meetings, 1 hour…")."""
    parts = [f"{meetings} meeting" + ("" if meetings == 1 else "s")] if meetings else []
    if minutes:
        parts.append(f"{say_minutes(minutes)} of preparation")
    if pence:
        parts.append(f"{say_pence(pence)} of expenses")
    return ", ".join(parts) or "nothing recorded"


def _entry_line(number: int, entry: Entry) -> str:
    amount = (
        say_minutes(entry.minutes or 0) if entry.kind == "time" else say_pence(entry.pence or 0)
    )
    return f"{number}. {amount}: {neutralise(entry.note)}"


async def my_time_card(ctx: Context) -> Card:
    """The person's record since their last choice, their past choices, and the three buttons."""
    group, member = require_on(ctx), ctx.require_member()
    choices = await store.choices_of(ctx.conn, member.id)
    since = choices[-1].made_at if choices else None
    meetings = await store.meetings_since(ctx.conn, group.id, member.id, since)
    times = await store.open_entries(ctx.conn, member.id, "time")
    costs = await store.open_entries(ctx.conn, member.id, "expense")
    parts = [
        f"Meetings you took part in{' since your last choice' if since else ''}: {meetings} "
        "(from check-ins and sharing rounds).",
        "Preparation time:\n" + "\n".join(_entry_line(n, e) for n, e in enumerate(times, 1))
        if times
        else "Preparation time: none yet. Add some with `time add 1h reading papers`.",
        "Expenses:\n" + "\n".join(_entry_line(n, e) for n, e in enumerate(costs, 1))
        if costs
        else "Expenses: none yet. Add one with `expense add 12.40 bus fares`.",
    ]
    if choices:
        parts.append("Your earlier choices:\n" + "\n".join(_choice_line(c) for c in choices[-5:]))
    parts.append(policy_words(group))
    value = encode(group.id, str(member.id))
    return Card(
        title="Your time and expenses",
        text="\n\n".join(parts),
        buttons=(
            Button("Claim", CLAIM_BUTTON, value, style="primary", typed="claim"),
            Button("Decline", DECLINE_BUTTON, value, typed="decline"),
            Button("Give to a cause", DONATE_BUTTON, value, typed="donate"),
        ),
        footer="Only you and the facilitators see this. Or type `claim`, `decline` or `donate`; "
        "`time remove <number>` or `expense remove <number>` takes one off. To change an "
        "earlier choice before it's paid, type its number after the word: `decline 3`.",
    )


def _choice_line(claim: Claim) -> str:
    paid = ""
    if claim.choice != DECLINE:
        paid = f", paid {claim.paid_at:%d %b %Y}" if claim.paid_at else ", not paid yet"
    made = f"{claim.made_at:%d %b %Y}"
    amounts = summary(claim.meetings, claim.minutes, claim.pence)
    return f"- {claim.number}. {made}: {CHOICE_WORDS[claim.choice]} ({amounts}){paid}"


@routes.command(
    "my-time",
    "member",
    usage="my-time",
    summary="your time and expenses, and claim, decline or give them",
    rank=150,
    aliases=("mytime",),
)
async def my_time(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """`my-time`: the person's own record, to them alone."""
    return [ReplyToActor(await my_time_card(ctx))]


def _read_entry(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`time add 1h30 reading papers`, `time remove 2` (and the same for `expense`)."""
    verb, tail = split(rest)
    example = "time add 1h reading papers" if spec.name == "time" else "expense add 12.40 bus fares"
    if verb == "add":
        amount, note = split(tail)
        if not amount:
            raise CommandError(f"Please say how much, for example `{example}`.")
        return spec.parsed(f"{spec.name}.add", arg=amount, value=note)
    if verb in ("remove", "delete"):
        number = small_number(tail)
        if number is None:
            raise CommandError(
                f"Please give the number from `my-time`, for example `{spec.name} remove 1`."
            )
        return spec.parsed(f"{spec.name}.remove", number=number)
    raise CommandError(
        f"Type `{example}` to add one, or `{spec.name} remove <number>` to take one off "
        "(the numbers are in `my-time`)."
    )


TIME_GRAMMAR = Grammar(("time.add", "time.remove"), _read_entry)
EXPENSE_GRAMMAR = Grammar(("expense.add", "expense.remove"), _read_entry)


def _private(ctx: Context) -> None:
    if ctx.seen_by_others:
        raise UserError(IN_THE_OPEN)


async def _add(ctx: Context, command: ParsedCommand, kind: str) -> list[Effect]:
    group, member = require_on(ctx), ctx.require_member()
    _private(ctx)
    original = f"{kind} add {command.arg} {command.value}".strip()
    try:
        minutes = read_minutes(command.arg) if kind == "time" else None
        pence = read_pence(command.arg) if kind == "expense" else None
    except AmountNotUnderstood as problem:
        raise UserError(str(problem), original=original) from None
    if not command.value:
        raise UserError(
            f"Please add a few words on what it was for, for example `{original} "
            f"{'reading papers' if kind == 'time' else 'bus fares'}`.",
            original=original,
        )
    note = clean_text(command.value, limit=limits.RECOGNITION_NOTE, what="what it was for")
    await store.add_entry(
        ctx.conn,
        group.id,
        member.id,
        kind=kind,
        minutes=minutes,
        pence=pence,
        note=note,
        now=ctx.now,
    )
    amount = say_minutes(minutes) if minutes is not None else say_pence(pence or 0)
    what = "preparation time" if kind == "time" else "expense"
    return [
        reply(
            f"Added {amount} of {what}: {neutralise(note)}. Type `my-time` to see your record; "
            "only you and the facilitators can see it."
        )
    ]


async def _remove(ctx: Context, command: ParsedCommand, kind: str) -> list[Effect]:
    require_on(ctx)
    _private(ctx)
    entries = await store.open_entries(ctx.conn, ctx.require_member().id, kind)
    number = command.number or 0
    if not 1 <= number <= len(entries):
        have = f"1 to {len(entries)}" if entries else "none open just now"
        raise UserError(
            f"There's no {kind} {number} in your record (the numbers are {have}). "
            "Type `my-time` to see them. Ones you've already claimed, declined or given can't "
            "be changed here: ask a facilitator."
        )
    entry = entries[number - 1]
    await store.remove_entry(ctx.conn, entry.id)
    return [reply(f"Taken off: {_entry_line(number, entry)[3:]}. Type `my-time` to see the rest.")]


@routes.command(
    "time",
    "member",
    usage="time add <how long> <what for>  (or: time remove <number>)",
    summary="add preparation time, like `time add 1h30 reading papers`",
    rank=151,
    grammar=TIME_GRAMMAR,
    action="time.add",
)
async def time_add(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await _add(ctx, command, "time")


@routes.handles("time.remove")
async def time_remove(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await _remove(ctx, command, "time")


@routes.command(
    "expense",
    "member",
    usage="expense add <pounds> <what for>  (or: expense remove <number>)",
    summary="add an expense, like `expense add 12.40 bus fares`",
    rank=152,
    grammar=EXPENSE_GRAMMAR,
    action="expense.add",
    aliases=("expenses",),
)
async def expense_add(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await _add(ctx, command, "expense")


@routes.handles("expense.remove")
async def expense_remove(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await _remove(ctx, command, "expense")


async def choose(ctx: Context, choice: str) -> list[Effect]:
    """Record the person's choice for everything open; reminded about benefits the first time."""
    group, member = require_on(ctx), ctx.require_member()
    _private(ctx)
    earlier = await store.choices_of(ctx.conn, member.id)
    since = earlier[-1].made_at if earlier else None
    meetings = await store.meetings_since(ctx.conn, group.id, member.id, since)
    if not meetings and not await store.open_entries(ctx.conn, member.id):
        return [
            reply(
                "There's nothing waiting for a choice just now: no meetings, time or expenses "
                "since your last choice. Type `my-time` to see your record."
            )
        ]
    made = await store.choose(
        ctx.conn, group.id, member.id, choice=choice, meetings_taken_part=meetings, now=ctx.now
    )
    amounts = summary(made.meetings, made.minutes, made.pence)
    if choice == DECLINE:
        text = (
            f"Done: you've declined payment for {amounts}. Thank you for your time all the same. "
            "Nobody else is told; the facilitators' claims list won't show it."
        )
    elif choice == CLAIM:
        text = (
            f"Done: your claim for {amounts} is with the facilitators (it's number "
            f"{made.number}). I'll tell you privately when it's paid."
        )
    else:
        text = (
            f"Done: you've chosen to give the payment for {amounts} to a cause (claim "
            f"{made.number}). The facilitators will arrange it; I'll tell you when it's done."
        )
    paying = [c for c in earlier if c.choice != DECLINE]
    if choice != DECLINE and not paying:
        text += "\n\n" + BENEFITS.format(advice=advice(group))
    return [reply(text, title="Your choice")]


def _read_choice(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`claim` chooses for everything open; `claim 3` changes earlier choice 3 to a claim."""
    if not rest.strip():
        return spec.parsed()
    number = small_number(rest.lstrip("#"))
    if number is None:
        raise CommandError(
            f"Type `{spec.name}` for everything in your record, or `{spec.name} <number>` to "
            "change an earlier choice (the numbers are in `my-time`)."
        )
    return spec.parsed(CHANGE_ACTIONS[spec.name], number=number)


CHOICE_GRAMMARS = {
    choice: Grammar((choice, CHANGE_ACTIONS[choice]), _read_choice)
    for choice in (CLAIM, DECLINE, DONATE)
}


@routes.command(
    "claim",
    "member",
    usage="claim  /  claim <number>",
    summary="claim payment for your time (or change an earlier choice to a claim)",
    rank=153,
    grammar=CHOICE_GRAMMARS[CLAIM],
)
async def claim(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await choose(ctx, CLAIM)


@routes.command(
    "decline",
    "member",
    usage="decline  /  decline <number>",
    summary="say no thanks to payment, privately (or change an earlier choice)",
    rank=154,
    grammar=CHOICE_GRAMMARS[DECLINE],
)
async def decline(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await choose(ctx, DECLINE)


@routes.command(
    "donate",
    "member",
    usage="donate  /  donate <number>",
    summary="give your payment to a cause (or change an earlier choice)",
    rank=155,
    grammar=CHOICE_GRAMMARS[DONATE],
)
async def donate(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await choose(ctx, DONATE)


async def change(ctx: Context, command: ParsedCommand, choice: str) -> list[Effect]:
    """Change one of the person's own earlier choices, while it is not paid yet."""
    group, member = require_on(ctx), ctx.require_member()
    _private(ctx)
    number = command.number or 0
    mine = {c.number: c for c in await store.choices_of(ctx.conn, member.id)}
    found = mine.get(number)
    if found is None:
        have = ", ".join(str(n) for n in sorted(mine)) if mine else "none yet"
        raise UserError(
            f"You have no earlier choice {number} (yours are: {have}). Type `my-time` to see "
            f"them, or type `{choice}` on its own for what's in your record now."
        )
    if found.paid_at is not None:
        raise UserError(
            f"Choice {number} was paid on {found.paid_at:%d %b %Y}, so it can't be changed "
            "here. Please talk to a facilitator if something isn't right."
        )
    amounts = summary(found.meetings, found.minutes, found.pence)
    if found.choice == choice:
        return [reply(f"Choice {number} ({amounts}) is {CHOICE_WORDS[choice]} already.")]
    paying_before = any(c.choice != DECLINE for c in mine.values())
    await store.change_choice(ctx.conn, found.id, choice)
    text = (
        f"Done: choice {number} ({amounts}) is {CHOICE_WORDS[choice]} now, instead of "
        f"{CHOICE_WORDS[found.choice]}."
    )
    if choice == DECLINE:
        text += " Nobody else is told; the facilitators' claims list won't show it."
    else:
        text += " It's with the facilitators; I'll tell you privately when it's paid."
        if not paying_before:
            text += "\n\n" + BENEFITS.format(advice=advice(group))
    return [reply(text, title="Your choice")]


@routes.handles(CHANGE_ACTIONS[CLAIM])
async def change_to_claim(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await change(ctx, command, CLAIM)


@routes.handles(CHANGE_ACTIONS[DECLINE])
async def change_to_decline(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await change(ctx, command, DECLINE)


@routes.handles(CHANGE_ACTIONS[DONATE])
async def change_to_donate(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await change(ctx, command, DONATE)


def _own_button(ctx: Context, payload: str) -> None:
    if payload != str(ctx.require_member().id):
        raise UserError(STALE)


@routes.choice(CLAIM_BUTTON)
async def claim_pressed(ctx: Context, payload: str) -> list[Effect]:
    _own_button(ctx, payload)
    return await choose(ctx, CLAIM)


@routes.choice(DECLINE_BUTTON)
async def decline_pressed(ctx: Context, payload: str) -> list[Effect]:
    _own_button(ctx, payload)
    return await choose(ctx, DECLINE)


@routes.choice(DONATE_BUTTON)
async def donate_pressed(ctx: Context, payload: str) -> list[Effect]:
    _own_button(ctx, payload)
    return await choose(ctx, DONATE)
