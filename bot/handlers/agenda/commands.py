"""The agenda: anyone adds to the next meeting's agenda, openly or anonymously; facilitators
order it; what a meeting did not reach is carried on to the next (`meeting_end.carry_over_at_end`).

    agenda                                  the next meeting's agenda, numbered
    agenda add <words> [papers: <link>]     an item with your name on it (alone: a form)
    agenda add anonymously <words> …        an item with no name (also `anon`)
    agenda add elephant <number>            an elephant on the agenda (facilitators)
    agenda move <number> <place>|up         facilitators' changes, by the numbers shown
    agenda merge <number> <number>
    agenda defer <number>
    agenda remove <number>
    agenda <number> done|discussed|addressed [what was done]

Adding anonymously has a command of its own (`agenda-anonymously`, never typed by that name) so
the core treats it as anonymous: it never makes the person a member, and nothing here writes or
logs who they are. The facilitators' changes are `agenda-changes`, so the core refuses them to
members politely, saying what they can do instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.context import Context
from bot.effects import Effect, OpenForm, ReplyToActor
from bot.errors import UserError
from bot.grammar import (
    TRAILING_MARKS,
    CommandError,
    CommandSpec,
    Grammar,
    ParsedCommand,
    closest,
    split,
)
from bot.handlers.agenda import changes
from bot.handlers.agenda.cards import UP, add_form, agenda_card
from bot.handlers.agenda.papers import split_papers
from bot.replies import reply
from bot.routing import Routes
from bot.store import agenda as store
from bot.store.agenda import ADDRESSED, DISCUSSED
from bot.store.groups import Group

routes = Routes()

NUMBER = re.compile(r"#?(\d{1,9})")
ANONYMOUSLY = ("anonymously", "anonymously:", "anon", "anon:", "anonymous:")
"""How `agenda add` is told to leave the name off (`anonymous` alone could start an item's
words, as in "anonymous feedback forms", so it needs its colon)."""
DONE_WORDS = {"done": DISCUSSED, "discussed": DISCUSSED, "covered": DISCUSSED, ADDRESSED: ADDRESSED}
SUBCOMMANDS = ("add", "move", "merge", "defer", "remove")
TYPED_IN_THE_OPEN = (
    "I haven't added that item: everyone here can see who typed it, so it could not stay "
    "anonymous. You may want to delete your message. To add it anonymously, send "
    "`agenda add anonymously` and your words to me in a direct message, or type `agenda add` "
    "on its own for a private form."
)


def _number(word: str, usage: str) -> int:
    found = NUMBER.fullmatch(word.rstrip(TRAILING_MARKS))
    if found is None:
        shown = word if len(word) <= 20 else word[:20] + "…"
        raise CommandError(
            f"“{shown}” isn't an item number. Please use the numbers `agenda` shows: `{usage}`."
        )
    return int(found.group(1))


def _changes(sub: str, tail: str) -> ParsedCommand:
    """`move`, `merge`, `defer`, `remove` with their numbers."""
    words = tail.split()
    if sub in ("move", "merge"):
        usage = "agenda move 3 1" if sub == "move" else "agenda merge 2 4"
        if len(words) != 2:
            raise CommandError(f"Please give two numbers, for example `{usage}`.")
        first = _number(words[0], usage)
        if sub == "move":
            place = words[1].lower().rstrip(TRAILING_MARKS)
            place = "1" if place == "top" else place
            if place != UP:
                place = str(_number(place, usage))
            return CHANGES.parsed("agenda.move", number=first, arg=place)
        return CHANGES.parsed("agenda.merge", number=first, value=str(_number(words[1], usage)))
    usage = f"agenda {sub} 3"
    if len(words) != 1:
        raise CommandError(f"Please give one item number, for example `{usage}`.")
    return CHANGES.parsed(f"agenda.{sub}", number=_number(words[0], usage))


def _mark(number: int, rest: str) -> ParsedCommand:
    """`agenda 2 done`, `agenda 2 addressed we changed the rota`."""
    word, note = split(rest)
    status = DONE_WORDS.get(word.rstrip(TRAILING_MARKS))
    if status is None:
        raise CommandError(
            f"Please say what happened to item {number}: `agenda {number} done` or "
            f"`agenda {number} addressed <what was done>`."
        )
    return CHANGES.parsed("agenda.mark", number=number, arg=status, value=note)


def _add(spec: CommandSpec, tail: str) -> ParsedCommand:
    first, after = split(tail)
    if first in ANONYMOUSLY:
        return ANONYMOUS.parsed("agenda.add-anonymously", arg=after)
    if first == "elephant" and NUMBER.fullmatch(after.rstrip(TRAILING_MARKS)):
        return CHANGES.parsed("agenda.add-elephant", number=_number(after, "agenda add elephant 3"))
    return spec.parsed("agenda.add", arg=tail)


def _read_agenda(spec: CommandSpec, rest: str) -> ParsedCommand:
    word, tail = split(rest)
    sub = word.rstrip(TRAILING_MARKS)
    if not sub:
        return spec.parsed("agenda.show")
    if sub == "add":
        return _add(spec, tail)
    if sub in SUBCOMMANDS:
        return _changes(sub, tail)
    if NUMBER.fullmatch(sub):
        return _mark(_number(sub, "agenda 2 done"), tail)
    guess = closest(sub, SUBCOMMANDS)
    if guess:
        raise CommandError(
            f"Did you mean `agenda {guess} …`? Type `help` to see the agenda commands."
        )
    raise CommandError(
        "I didn't understand that. `agenda` shows the agenda; `agenda add <what to talk about>` "
        "adds to it."
    )


GRAMMAR = Grammar(
    (
        "agenda.show",
        "agenda.add",
        "agenda.add-anonymously",
        "agenda.add-elephant",
        "agenda.move",
        "agenda.merge",
        "agenda.defer",
        "agenda.remove",
        "agenda.mark",
    ),
    _read_agenda,
)
ANONYMOUS = routes.declare(
    CommandSpec(
        "agenda-anonymously",
        "member",
        "group",
        "agenda add anonymously <what to talk about> [papers: <link>]",
        "add an agenda item without your name",
        GRAMMAR,
        rank=96,
        anonymous=True,
        typed=False,
    )
)
CHANGES = routes.declare(
    CommandSpec(
        "agenda-changes",
        "facilitator",
        "group",
        "agenda move|merge|defer|remove <number> …  /  agenda <number> done|addressed [what "
        "was done]  /  agenda add elephant <number>",
        "reorder, merge, defer, remove or mark agenda items, or put an elephant on the agenda",
        GRAMMAR,
        rank=97,
        typed=False,
    )
)


@routes.command(
    "agenda",
    "member",
    usage="agenda  /  agenda add <what to talk about> [papers: <link>]",
    summary="see the next meeting's agenda, or add an item to it",
    rank=95,
    grammar=GRAMMAR,
    action="agenda.show",
)
async def agenda_show(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """Everyone sees the agenda; facilitators also get the buttons that change it."""
    return [await show(ctx)]


async def open_actions_lines(ctx: Context, group: Group) -> Sequence[str]:
    """Lines about the actions still open from earlier meetings, shown at the top of the agenda
    ("Open actions from last time"). They come from the actions feature; until it is joined
    here there are none, and the agenda shows no such section."""
    return ()


async def show(ctx: Context) -> ReplyToActor:
    """The agenda as it stands, for the person who asked."""
    group, member = ctx.require_group(), ctx.require_member()
    items = await store.agenda(ctx.conn, group.id, ctx.now)
    merged = await store.merged_into(ctx.conn, [item.id for item in items])
    title = f"Agenda for {await changes.meeting_words(ctx, group)}"
    card = agenda_card(
        group.id,
        title,
        items,
        merged,
        facilitator=member.is_facilitator,
        open_actions=await open_actions_lines(ctx, group),
    )
    return ReplyToActor(card)


@routes.handles("agenda.add")
async def agenda_add(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`agenda add <words> [papers: <link>]`: an item with the person's name; alone, the form."""
    group = ctx.require_group()
    if not cmd.arg.strip():
        return [OpenForm(add_form(group.id, group.anonymity_delay_minutes))]
    text, papers = split_papers(cmd.arg)
    words, link = changes.read_item(text, papers, original=cmd.arg)
    return [reply(await changes.add_named(ctx, words, link, original=cmd.arg))]


@routes.handles("agenda.add-anonymously")
async def agenda_add_anonymously(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`agenda add anonymously <words>`: an item with no author, after a delay. Nothing about
    the person is written or logged, and where others can see who typed it, it is refused."""
    group = ctx.require_group()
    if not cmd.arg.strip():
        return [OpenForm(add_form(group.id, group.anonymity_delay_minutes, anonymous=True))]
    if ctx.seen_by_others:
        raise UserError(TYPED_IN_THE_OPEN, original=cmd.arg)
    text, papers = split_papers(cmd.arg)
    words, link = changes.read_item(text, papers, original=cmd.arg)
    return [reply(await changes.add_anonymous(ctx, words, link, original=cmd.arg))]


@routes.handles("agenda.add-elephant")
async def agenda_add_elephant(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`agenda add elephant 3` (facilitators): the elephant's words, never an author."""
    return [reply(await changes.add_elephant(ctx, cmd.number or 0)), await show(ctx)]


async def _items(ctx: Context) -> list[store.Item]:
    return await store.agenda(ctx.conn, ctx.require_group().id, ctx.now)


@routes.handles("agenda.move")
async def agenda_move(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    items = await _items(ctx)
    item = changes.item_at(items, cmd.number or 0)
    return [reply(await changes.move(ctx, items, item, cmd.arg)), await show(ctx)]


@routes.handles("agenda.merge")
async def agenda_merge(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    items = await _items(ctx)
    keep = changes.item_at(items, cmd.number or 0)
    gone = changes.item_at(items, int(cmd.value))
    return [reply(await changes.merge(ctx, keep, gone)), await show(ctx)]


@routes.handles("agenda.defer")
async def agenda_defer(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    item = changes.item_at(await _items(ctx), cmd.number or 0)
    return [reply(await changes.defer(ctx, item)), await show(ctx)]


@routes.handles("agenda.remove")
async def agenda_remove(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    item = changes.item_at(await _items(ctx), cmd.number or 0)
    return [reply(await changes.remove(ctx, item)), await show(ctx)]


@routes.handles("agenda.mark")
async def agenda_mark(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`agenda 2 done` / `discussed` / `addressed <what was done>`."""
    item = changes.item_at(await _items(ctx), cmd.number or 0)
    text, effects = await changes.mark(ctx, item, cmd.arg, cmd.value)
    return [*effects, reply(text)]
