"""`help`: the commands open to the person asking, in plain words, grouped by who may use them.

Members are not shown facilitator-only commands: a list of things you may not do is noise, and
it makes the group feel like a hierarchy. Outside a group, help explains how to start one.
"""

from __future__ import annotations

from dataclasses import replace

from bot.cards import Button, Card
from bot.context import Context
from bot.effects import Effect, ReplyToActor
from bot.grammar import CommandSpec, ParsedCommand, free_text
from bot.handlers.dashboard.commands import open_button
from bot.replies import reply
from bot.routing import Routes
from bot.store import members
from bot.text_safety import neutralise

routes = Routes()

SECTIONS = (
    ("anyone", "For everyone"),
    ("member", "For members"),
    ("facilitator", "For facilitators"),
)
SETUP_EXPLAINED = (
    "Common Ground helps a co-production group work together as equals: check-ins before "
    "meetings, naming the elephant in the room anonymously, sharing rounds where everyone "
    "shares, and a short summary afterwards.\n\n"
    "To start, type `setup` in the channel your group uses (or `setup Parents Forum` to give "
    "it a name). Whoever does it becomes the first facilitator, and can share that later."
)
ELEPHANT_TIP = (
    "Tip: to name an elephant without anyone seeing you type it, send `elephant` to me in a "
    "direct message (in Teams, our 1:1 chat), or type `elephant` on its own to get a private "
    "form. Never type the elephant itself in the channel. You can always pass."
)
TYPING_TIP = (
    "Anything a button does can be typed instead, with the commands above, so a keyboard or a "
    "screen reader is never stuck. When I ask you to choose from a numbered list, type the number."
)


def _line(spec: CommandSpec) -> str:
    return f"`{spec.usage}`: {spec.summary}"


def _fits(spec: CommandSpec, in_group: bool) -> bool:
    """In a group `setup` is done; outside one, only commands that need no group make sense."""
    return spec.name != "setup" if in_group else spec.scope != "group"


def commands_for(listed: list[CommandSpec], audience: str, *, in_group: bool) -> str:
    """The help text for someone who may use commands up to `audience`."""
    levels = {"anyone": 0, "member": 1, "facilitator": 2}
    sections = []
    for level, title in SECTIONS:
        if levels[level] > levels[audience]:
            continue
        specs = [spec for spec in listed if spec.audience == level and _fits(spec, in_group)]
        if not specs:
            continue
        sections.append(title + ":\n" + "\n".join(_line(spec) for spec in specs))
    return "\n\n".join(sections)


def _about(found: Routes, word: str) -> ReplyToActor:
    """`help <command>`: one command, its usage and who may use it."""
    spec = found.find(word)
    if spec is None:
        shown = word if len(word) <= 30 else word[:30] + "…"
        return reply(
            f"There's no command called “{neutralise(shown)}”. Type `help` to see them all."
        )
    who = {"anyone": "anyone", "member": "members", "facilitator": "facilitators"}[spec.audience]
    return reply(f"`{spec.usage}`: {spec.summary}. For {who}.")


def pages_button(group_id: int, name: str, groups: int) -> Button:
    """In a private chat, a button per group that sends a link to its pages (`dashboard`)."""
    button = open_button(group_id)
    if groups > 1:
        button = replace(button, label=f"Pages of {neutralise(name)}"[:75])
    return button


@routes.command(
    "help",
    "anyone",
    scope="none",
    usage="help",
    summary="the commands open to you",
    rank=10,
    grammar=free_text(),
    aliases=("?",),
)
async def help_command(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """List what the person can do here; in a channel with no group, explain `setup`."""
    table = ctx.require_routes()
    word = command.arg.strip().lower()
    if word:
        return [_about(table, word.split()[0])]
    listed = table.listed()
    where, who = ctx.where, ctx.require_who()
    group, member = ctx.group, ctx.member
    if group is None and where is not None and not where.is_direct:
        text = f"{SETUP_EXPLAINED}\n\n{commands_for(listed, 'anyone', in_group=False)}"
        return [ReplyToActor(Card(title="This channel isn't a group yet", text=text))]
    if group is None:
        mine = await members.groups_of_user(ctx.conn, who.platform, who.workspace, who.user_id)
        if not mine:
            text = f"You're not in a co-production group yet.\n\n{SETUP_EXPLAINED}"
            return [ReplyToActor(Card(title="Getting started", text=text))]
        leads = False
        for group_id, _name in mine:
            found = await members.get(ctx.conn, group_id, who.user_id)
            leads = leads or bool(found and found.is_facilitator)
        audience = "facilitator" if leads else "member"
        text = commands_for(listed, audience, in_group=True)
        pages = tuple(pages_button(group_id, name, len(mine)) for group_id, name in mine[:5])
        return [
            ReplyToActor(
                Card(
                    title="What you can do",
                    text=text,
                    footer=f"{ELEPHANT_TIP}\n{TYPING_TIP}",
                    buttons=pages,
                )
            )
        ]
    if member is None:
        text = (
            f"{commands_for(listed, 'member', in_group=True)}\n\n"
            "You're not a member yet: type `role` to say how you take part, and you're in."
        )
    else:
        text = commands_for(
            listed, "facilitator" if member.is_facilitator else "member", in_group=True
        )
    title = f"What you can do in {neutralise(group.name)}"
    return [ReplyToActor(Card(title=title, text=text, footer=f"{ELEPHANT_TIP}\n{TYPING_TIP}"))]
