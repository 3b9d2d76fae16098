"""Group set-up and membership: `setup`, `role`, `facilitator`, and greeting newcomers.

Roles are self-declared and used only for counts, so the bot asks for them openly and never
checks or questions them.
"""

from __future__ import annotations

from bot import limits
from bot.cards import Button, Card
from bot.context import Context
from bot.effects import Effect, MessageMember, PostToConversation
from bot.errors import UserError
from bot.grammar import CommandSpec, Grammar, ParsedCommand, free_text, mention, one_of, split
from bot.handlers.privacy.personal_data import ROLE_WORDS
from bot.handlers.privacy.statement import short_statement
from bot.person_names import fold
from bot.replies import reply
from bot.routing import Routes, encode
from bot.store import groups, members
from bot.store.groups import Group
from bot.store.members import ROLES, Member
from bot.text_safety import clean_text, neutralise

routes = Routes()

DEFAULT_NAME = "Co-production group"
ROLE_CHOICE = "setup.role"
ROLE_BUTTONS = (
    ("Lived experience", "lived-experience"),
    ("Professional", "professional"),
    ("Both", "both"),
    ("Prefer not to say", "prefer-not-to-say"),
)
ROLE_QUESTION = (
    "How do you take part? With lived experience (for example as a parent carer, a disabled "
    "person or someone who uses services), as a professional, or both?"
)
ROLES_EXPLAINED = (
    "Roles are self-declared: nobody checks them, and you can change yours any time by typing "
    "`role`. I use them only for counts, such as “lived experience: 4 of 5 shared”, so the "
    "group can see whether sharing is balanced."
)
WELCOME = (
    "This channel is now a co-production group: people with lived experience and professionals "
    "designing things together, as equals. I'm Common Ground. I'll help with a check-in before "
    "each meeting, naming the elephant in the room (anonymously), sharing rounds where everyone "
    "shares, professionals too, and a short summary after each meeting. Passing is always fine."
)


def role_buttons(group: Group) -> tuple[Button, ...]:
    return tuple(
        Button(label, ROLE_CHOICE, encode(group.id, role), typed=f"role {role}")
        for label, role in ROLE_BUTTONS
    )


def role_picker(group: Group) -> Card:
    return Card(
        title="How do you take part?",
        text=f"{ROLE_QUESTION}\n\n{ROLES_EXPLAINED}",
        buttons=role_buttons(group),
    )


def name_of(member: Member) -> str:
    return neutralise(member.display_name)


async def facilitator_names(ctx: Context, group: Group) -> str:
    names = [name_of(m) for m in await members.of_group(ctx.conn, group.id) if m.is_facilitator]
    if not names:
        return "nobody yet"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# -- setup ------------------------------------------------------------------------------------


@routes.command(
    "setup",
    "anyone",
    scope="channel",
    usage="setup [group name]",
    summary="make this channel a co-production group",
    rank=20,
    grammar=free_text(),
)
async def setup(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Make this channel a group with the actor as its first facilitator, and welcome everyone."""
    who, where = ctx.require_who(), ctx.where
    assert where is not None
    if ctx.group is not None:
        return await _already_a_group(ctx, ctx.group)
    if (who.platform, who.workspace) != (where.platform, where.workspace):
        raise UserError(
            "Only someone from this channel's own workspace can set it up as a group, so that "
            "its members can reach it. Please ask one of them to type `setup`."
        )
    name = DEFAULT_NAME
    if command.arg.strip():
        name = clean_text(command.arg, limit=limits.GROUP_NAME, what="the group name")
    settings = ctx.services.settings
    group = await groups.create(
        ctx.conn, where, name, now=ctx.now, timezone=settings.default_timezone, k=settings.default_k
    )
    member = await members.add(
        ctx.conn,
        group.id,
        who.user_id,
        who.display_name[:200] or who.user_id,
        now=ctx.now,
        is_facilitator=True,
    )
    shown = neutralise(group.name)
    welcome = Card(
        title=f"Welcome to {shown}",
        text=f"{WELCOME}\n\n{short_statement(group)}",
        footer=f"{name_of(member)} is the facilitator. Type `help` to see what you can do.",
    )
    next_steps = (
        f"{shown} is set up and you're its first facilitator. Next, you may want to:\n"
        "- say when you meet: `schedule weekly tue 10:00 90m`\n"
        f"- check the time zone (now {group.timezone}): `timezone Europe/London`\n"
        "- look over the privacy settings: `settings`\n"
        "- share facilitation: `facilitator @name`"
    )
    return [
        PostToConversation(group.where, welcome),
        PostToConversation(group.where, role_picker(group)),
        reply(next_steps),
    ]


async def _already_a_group(ctx: Context, group: Group) -> list[Effect]:
    who = await facilitator_names(ctx, group)
    rename = ""
    if ctx.member is not None and ctx.member.is_facilitator:
        rename = " To rename it, type `set name` and the new name."
    return [
        reply(
            f"This channel is already a co-production group: {neutralise(group.name)}, "
            f"facilitated by {who}. Type `help` to see what you can do here.{rename}"
        )
    ]


# -- roles ------------------------------------------------------------------------------------


@routes.command(
    "role",
    "anyone",
    usage="role [lived-experience|professional|both|prefer-not-to-say]",
    summary="say how you take part",
    rank=30,
    grammar=one_of(
        ROLES,
        "“{given}” is not one of the roles. Choose "
        + ", ".join(f"`{word}`" for word in ROLES)
        + ".",
        optional=True,
    ),
)
async def role(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """`role` alone offers the picker; `role professional` records it straight away."""
    group = ctx.require_group()
    if not command.arg:
        member = ctx.require_member()
        now = f" At the moment you've said: {ROLE_WORDS[member.role]}." if member.role else ""
        return [reply(f"{ROLE_QUESTION}{now}\n\n{ROLES_EXPLAINED}", buttons=role_buttons(group))]
    return await _record_role(ctx, command.arg)


@routes.choice(ROLE_CHOICE)
async def role_pressed(ctx: Context, payload: str) -> list[Effect]:
    """A role button; pressing it in the channel also makes you a member (the core sees to it)."""
    if payload not in ROLES:
        raise UserError("That button no longer works. Please type `role` instead.")
    return await _record_role(ctx, payload)


async def _record_role(ctx: Context, role_word: str) -> list[Effect]:
    member = ctx.require_member()
    group = ctx.require_group()
    if member.role == role_word:
        return [reply(f"You've already said you take part as: {ROLE_WORDS[role_word]}. Thanks.")]
    await members.change(ctx.conn, member.id, role=role_word)
    return [
        reply(
            f"Thanks. I've noted that you take part in {neutralise(group.name)} as: "
            f"{ROLE_WORDS[role_word]}.\n\n{ROLES_EXPLAINED}"
        )
    ]


# -- newcomers ---------------------------------------------------------------------------------


@routes.joined
async def greet(ctx: Context) -> list[Effect]:
    """Someone joined the group's channel: make them a member and greet them privately."""
    group, who = ctx.require_group(), ctx.require_who()
    if (who.platform, who.workspace) != (group.platform, group.workspace):
        return []  # a guest from another workspace cannot use this group's buttons anyway
    member = ctx.member
    if member is None:
        member = await members.add(
            ctx.conn, group.id, who.user_id, who.display_name[:200] or who.user_id, now=ctx.now
        )
    shown = neutralise(group.name)
    already = (
        f" You've said you take part as: {ROLE_WORDS[member.role]}; you can change it here."
        if member.role
        else ""
    )
    text = (
        f"Hello, and welcome to {shown}. {WELCOME}\n\n{short_statement(group)}\n\n"
        f"{ROLE_QUESTION}{already}\n\n{ROLES_EXPLAINED}"
    )
    card = Card(title=f"Welcome to {shown}", text=text, buttons=role_buttons(group))
    return [MessageMember(group.platform, group.workspace, who.user_id, card)]


# -- facilitators -----------------------------------------------------------------------------


async def _find_member(ctx: Context, token: str | None, original: str) -> Member:
    group = ctx.require_group()
    token = (token or "").strip()
    found = await members.find_by_mention(ctx.conn, group.id, token)
    if len(found) == 1:
        return found[0]
    shown = "that person" if token.startswith("<@") else f"“{neutralise(token[:40])}”"
    if not found:
        raise UserError(
            f"I can't find {shown} among the members of {neutralise(group.name)}. People "
            "become members when they join the channel or say something to me there (such as "
            "`role`). Please check the name, or @mention them.",
            original=original,
        )
    if len({fold(m.display_name) for m in found}) == 1:
        raise UserError(
            f"More than one member is called {shown}. Please @mention the one you mean.",
            original=original,
        )
    raise UserError(
        f"More than one member is called {shown}: {which_of(found)}. Please type the full name "
        "of the one you mean, or @mention them.",
        original=original,
    )


def which_of(found: list[Member]) -> str:
    """The names of members a typed name could mean, for asking which one (at most ten)."""
    names = [name_of(m) for m in found[:10]]
    more = f" and {len(found) - 10} more" if len(found) > 10 else ""
    return ", ".join(names) + more


def _read_facilitator(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`facilitator @name` or `facilitator add @name` adds; `facilitator remove @name` removes."""
    sub, tail = split(rest)
    if sub == "remove":
        return spec.parsed("facilitator.remove", mention=mention(tail, spec))
    if sub == "add":
        return spec.parsed("facilitator.add", mention=mention(tail, spec))
    return spec.parsed("facilitator.add", mention=mention(rest, spec))


@routes.command(
    "facilitator",
    "facilitator",
    usage="facilitator @member  /  facilitator remove @member",
    summary="share or hand over facilitation",
    rank=40,
    grammar=Grammar(("facilitator.add", "facilitator.remove"), _read_facilitator),
    aliases=("facilitators",),
    action="facilitator.add",
)
async def facilitator_add(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Share facilitation with another member (handing over is: add them, then remove yourself)."""
    group = ctx.require_group()
    target = await _find_member(ctx, command.mention, f"facilitator {command.mention or ''}")
    if target.is_facilitator:
        return [reply(f"{name_of(target)} is already a facilitator of {neutralise(group.name)}.")]
    await members.change(ctx.conn, target.id, is_facilitator=True)
    actor = ctx.require_member()
    everyone = await facilitator_names(ctx, group)
    shown = neutralise(group.name)
    welcome = Card(
        title=f"You're now a facilitator of {shown}",
        text=f"{name_of(actor)} asked you to share facilitation. Type `help` in the channel to "
        "see what facilitators can do, and `settings` to see how the group is set up.",
    )
    return [
        reply(
            f"Done. {name_of(target)} is now a facilitator too. To hand over completely, type "
            "`facilitator remove` followed by your own name."
        ),
        PostToConversation(
            group.where,
            Card(text=f"{name_of(target)} is now a facilitator. Facilitators: {everyone}."),
        ),
        MessageMember(group.platform, group.workspace, target.user_id, welcome),
    ]


@routes.handles("facilitator.remove")
async def facilitator_remove(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Stop someone (or yourself) facilitating; the group always keeps at least one facilitator."""
    group = ctx.require_group()
    original = f"facilitator remove {command.mention or ''}"
    target = await _find_member(ctx, command.mention, original)
    if not target.is_facilitator:
        return [reply(f"{name_of(target)} isn't a facilitator, so there's nothing to remove.")]
    if await members.facilitator_count(ctx.conn, group.id) <= 1:
        raise UserError(
            "You're the only facilitator, and the last facilitator cannot remove themselves: "
            "the group needs someone to steer it. To hand over, first make someone else a "
            "facilitator with `facilitator @name`, then type `facilitator remove` with your own "
            "name."
        )
    await members.change(ctx.conn, target.id, is_facilitator=False)
    actor = ctx.require_member()
    everyone = await facilitator_names(ctx, group)
    if target.id == actor.id:
        note = f"{name_of(target)} has handed over facilitation. Facilitators now: {everyone}."
        done = "Done. You're no longer a facilitator, and still a member of the group."
    else:
        note = f"{name_of(target)} is no longer a facilitator. Facilitators now: {everyone}."
        done = f"Done. {name_of(target)} is no longer a facilitator, and still a member."
    return [reply(done), PostToConversation(group.where, Card(text=note))]
