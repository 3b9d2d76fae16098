"""Privacy: `privacy`, `my-data`, `forget-me` (with a confirmation) and the facilitators' `export`.

`forget-me` erases in the one transaction the core gives each event, so a failure half-way leaves
everything as it was. The confirmation button carries the member id it was made for: pressed by
anyone else, or after the membership has already gone, it does nothing.
"""

from __future__ import annotations

import json
import re

from bot.cards import Button
from bot.context import Context
from bot.effects import Effect, ReplyToActor, SendFileToActor
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, hyphenated
from bot.handlers.actions import record as actions_record
from bot.handlers.privacy.export import build_export
from bot.handlers.privacy.personal_data import erase, erase_tokens, my_data_card
from bot.handlers.privacy.rejoined import note_forgotten
from bot.handlers.privacy.statement import full_statement
from bot.handlers.recognition import record as recognition_record
from bot.plain_text import TYPING_HINT
from bot.replies import reply
from bot.routing import Routes, encode
from bot.store import groups, members, page_access, pending_files, plain_text_cards
from bot.text_safety import neutralise

routes = Routes()

FORGET_CONFIRM = "privacy.forget-confirm"
FORGET_CANCEL = "privacy.forget-cancel"
STALE_BUTTON = "That button is out of date, so I haven't done anything. Type `forget-me` again."
LAST_FACILITATOR = (
    "You're the only facilitator of {group}, so I can't erase you yet: the group would be left "
    "with nobody to steer it. Please hand over first: make someone a facilitator with "
    "`facilitator @name`, then type `forget-me` again. Nothing has been erased."
)


@routes.command(
    "privacy",
    "anyone",
    scope="none",
    usage="privacy",
    summary="what is stored and who sees what",
    rank=200,
)
async def privacy(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """What is stored, who sees what, for how long, and what anonymous means here."""
    group, who = ctx.group, ctx.require_who()
    if group is None and ctx.where is not None and ctx.where.is_direct:
        mine = await members.groups_of_user(ctx.conn, who.platform, who.workspace, who.user_id)
        if len(mine) == 1:
            group = await groups.get(ctx.conn, mine[0][0])
    return [ReplyToActor(full_statement(group, ctx.services.settings.default_k))]


@routes.command(
    "my-data",
    "member",
    usage="my-data",
    summary="see everything held about you",
    rank=210,
    joins=False,
    aliases=("mydata",),
)
async def my_data(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Everything held about the person in this group."""
    card = await my_data_card(ctx.conn, ctx.require_group(), ctx.require_member(), now=ctx.now)
    return [ReplyToActor(card)]


async def _refuse_last_facilitator(ctx: Context) -> None:
    group, member = ctx.require_group(), ctx.require_member()
    if member.is_facilitator and await members.facilitator_count(ctx.conn, group.id) <= 1:
        raise UserError(LAST_FACILITATOR.format(group=neutralise(group.name)))


def _read_forget(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`forget-me` asks first; `forget-me yes` and `forget-me no` answer, as the buttons do."""
    answer = hyphenated(rest)
    if not answer:
        return spec.parsed()
    if answer in ("yes", "confirm", "yes-erase"):
        return spec.parsed("forget-me.yes")
    if answer in ("no", "cancel", "keep"):
        return spec.parsed("forget-me.no")
    raise CommandError(
        "Type `forget-me` to see what would be erased; then `forget-me yes` to erase it, or "
        "`forget-me no` to keep it."
    )


@routes.command(
    "forget-me",
    "member",
    usage="forget-me  (then: forget-me yes / forget-me no)",
    summary="erase everything held about you",
    rank=220,
    grammar=Grammar(("forget-me", "forget-me.yes", "forget-me.no"), _read_forget),
    joins=False,
    aliases=("forgetme", "forget"),
)
async def forget_me(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Ask for confirmation before erasing anything."""
    group, member = ctx.require_group(), ctx.require_member()
    await _refuse_last_facilitator(ctx)
    value = encode(group.id, str(member.id))
    text = (
        f"This erases everything I hold about you in {neutralise(group.name)}: your membership, "
        "your role, your check-ins, your answers in sharing rounds and your access profile. It "
        "can't be undone. Any link to the group's pages and any open visit to them end too. "
        f"{actions_record.FORGET_WORDS} {recognition_record.FORGET_WORDS}\n\n"
        "Anonymous things (elephants, perspectives, reflections, ladder answers, “I see it "
        "too”) stay, because I never knew they were yours. Summaries already posted in the "
        "channel stay too.\n\n"
        f"{TYPING_HINT} `forget-me yes` erases it, `forget-me no` keeps it."
    )
    buttons = (
        Button("Yes, erase my data", FORGET_CONFIRM, value, style="danger", typed="forget-me yes"),
        Button("No, keep it", FORGET_CANCEL, value, typed="forget-me no"),
    )
    return [reply(text, title="Erase your data?", buttons=buttons)]


@routes.choice(FORGET_CONFIRM)
async def forget_confirmed(ctx: Context, payload: str) -> list[Effect]:
    group, member = ctx.require_group(), ctx.require_member()
    if payload != str(member.id):
        raise UserError(STALE_BUTTON)
    await _refuse_last_facilitator(ctx)
    await erase(ctx.conn, member)
    await erase_tokens(ctx.conn, group.id, ctx.require_who(), ctx.services.secret)
    await note_forgotten(ctx)
    who = ctx.require_who()
    await pending_files.forget_person(ctx.conn, who.platform, who.workspace, who.user_id)
    await plain_text_cards.forget(ctx.conn, (who.platform, who.workspace, who.user_id))
    await page_access.forget_person(ctx.conn, who.platform, who.workspace, who.user_id)
    return [
        reply(
            f"Done. I've erased everything I held about you in {neutralise(group.name)}: your "
            "membership, role, check-ins, round answers and access profile. Your past shares and "
            f"passes no longer count in the sharing ledger. {actions_record.FORGET_WORDS} "
            f"{recognition_record.FORGET_WORDS}\n\n"
            "What stays: elephants, perspectives, reflections, the “I see it too” counts, "
            "ladder answers and answers to “does this feel addressed?”, which were never "
            "linked to you, and "
            "summaries already posted in the channel. "
            "The scrambled codes that stopped you counting twice are replaced by random ones "
            "that nobody can trace back to you, so no count changes because you left.\n\n"
            "If you type a command in the group's channel again, you'll join it afresh.",
            title="Your data is erased",
        )
    ]


@routes.handles("forget-me.yes")
async def forget_typed_yes(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """The typed twin of "Yes, erase my data"."""
    return await forget_confirmed(ctx, str(ctx.require_member().id))


@routes.handles("forget-me.no")
async def forget_typed_no(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """The typed twin of "No, keep it"."""
    return await forget_cancelled(ctx, str(ctx.require_member().id))


@routes.choice(FORGET_CANCEL)
async def forget_cancelled(ctx: Context, payload: str) -> list[Effect]:
    if payload != str(ctx.require_member().id):
        raise UserError("Nothing erased.")  # a stale button: also undoes any auto-join
    return [reply("Nothing erased. Your data stays as it was.")]


@routes.command(
    "export", "facilitator", usage="export", summary="the group's record as a file", rank=230
)
async def export(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """The group's record as a JSON file given to the facilitator who asked, whole: a message
    would have to cut or split it, and a cut JSON record is no record. Only what facilitators
    could already see (see bot.handlers.privacy.export)."""
    group = ctx.require_group()
    record = await build_export(ctx.conn, group, group.k, now=ctx.now)
    content = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    name = neutralise(group.name)
    stamp = ctx.now.astimezone(group.zone).strftime("%Y-%m-%d")
    sent = SendFileToActor(
        filename=f"{export_filename(group.name)}-{stamp}.json",
        content=content,
        title=f"Export of {name}",
        comment=EXPORT_NOTE,
    )
    return [sent, reply(f"I've sent you the export of {name} as a file. {EXPORT_NOTE}")]


EXPORT_NOTE = (
    "It holds only what facilitators can already see. Anonymous items have no author in it, "
    "because none was ever stored."
)


def export_filename(group_name: str) -> str:
    """A file name from the group's name that every platform and file system accepts."""
    slug = re.sub(r"[^a-z0-9]+", "-", group_name.lower()).strip("-")[:40].strip("-")
    return f"common-ground-{slug or 'group'}"
