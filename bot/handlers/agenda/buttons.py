"""The agenda's buttons and forms: each does what a typed `agenda` command does.

"Add an item" and its form are anonymous routes (the form offers to leave the name off, and the
core must not make the person a member or touch their rows for that); the facilitators' buttons
open a small form that names items from a list, and the elephant card's "Put on the agenda"
button is `agenda add elephant <number>`. The core refuses facilitators' buttons to members.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot import limits
from bot.context import Context
from bot.effects import Effect, FormErrors, OpenForm
from bot.errors import UserError
from bot.handlers.agenda import changes
from bot.handlers.agenda.cards import (
    ADD_FORM,
    ADD_OPEN,
    ANONYMOUS,
    CHANGE_FORM,
    CHANGE_OPEN,
    CHANGES,
    DEFER,
    DONE,
    FROM_ELEPHANT,
    MERGE,
    MOVE,
    NAMED,
    REMOVE,
    UP,
    add_form,
    change_form,
)
from bot.handlers.agenda.commands import show
from bot.handlers.agenda.papers import PapersRejected, checked_link
from bot.handlers.elephants.cards import parse_id
from bot.identity import signature
from bot.replies import reply
from bot.routing import Routes
from bot.store import agenda as store
from bot.store import elephants
from bot.store.agenda import ADDRESSED, DISCUSSED, Item
from bot.text_safety import TextRejected, clean_text

routes = Routes()

STALE = "That item is no longer on the agenda. Type `agenda` to see it as it is now."
CHOOSE_NAME = "Please choose whether to put your name on it."


@routes.choice(ADD_OPEN, anonymous=True)
async def open_add_form(ctx: Context, payload: str) -> list[Effect]:
    group = ctx.require_group()
    return [OpenForm(add_form(group.id, group.anonymity_delay_minutes))]


@routes.form(ADD_FORM, anonymous=True)
async def add_submitted(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """The add form: checked whole before anything is stored; the words stay in the form.

    The route is anonymous, so the core takes it only from members and never makes anyone a
    member through it; a name is written only when the person chose "Put my name on it"."""
    typed = values.get("text") or ""
    try:
        words = clean_text(typed, limit=limits.AGENDA_ITEM, what="your agenda item")
    except TextRejected as exc:
        return [FormErrors({"text": exc.in_form})]
    try:
        link = checked_link(values.get("papers") or "")
    except PapersRejected as exc:
        return [FormErrors({"papers": str(exc)})]
    name = (values.get("name") or "").strip().lower()
    if name == NAMED:
        return [reply(await changes.add_named(ctx, words, link, original=typed))]
    if name == ANONYMOUS:
        return [reply(await changes.add_anonymous(ctx, words, link, original=typed))]
    return [FormErrors({"name": CHOOSE_NAME})]


@routes.choice(CHANGE_OPEN, audience="facilitator")
async def open_change_form(ctx: Context, payload: str) -> list[Effect]:
    group = ctx.require_group()
    if payload not in CHANGES:
        raise UserError("That button no longer works. Type `agenda` to see the agenda.")
    items = await store.agenda(ctx.conn, group.id, ctx.now)
    if not items:
        return [reply("The agenda is empty, so there is nothing to change.")]
    return [OpenForm(change_form(group.id, payload, items, _marker(ctx)))]


MARK_PURPOSE = "agenda-option"


def item_mark(secret: bytes, item: Item) -> str:
    """An item's value in a form's list: a keyed hash of its group and id, so it finds the same
    item however the agenda is reordered, yet says nothing about when the item arrived (its row
    id would: ids count up, so an anonymous item's id among named ones dates it)."""
    return signature(secret, MARK_PURPOSE, str(item.group_id), str(item.id))[:24]


def _marker(ctx: Context) -> Callable[[Item], str]:
    secret = ctx.services.secret
    return lambda item: item_mark(secret, item)


def _chosen(ctx: Context, items: list[Item], value: str) -> Item:
    mark = _marker(ctx)
    found = next((item for item in items if mark(item) == value.strip()), None)
    if found is None:
        raise UserError(STALE)
    return found


@routes.form(CHANGE_FORM, audience="facilitator")
async def change_submitted(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """A facilitator's change from its form; items are named by their mark (`item_mark`), so a
    list that changed in the meantime cannot make the form act on the wrong item."""
    items = await store.agenda(ctx.conn, ctx.require_group().id, ctx.now)
    item = _chosen(ctx, items, values.get("item") or "")
    effects: list[Effect] = []
    if payload == MOVE:
        text = await changes.move(ctx, items, item, (values.get("place") or UP).strip().lower())
    elif payload == MERGE:
        other = _chosen(ctx, items, values.get("other") or "")
        if other.id == item.id:
            return [FormErrors({"other": "Please choose a different item to merge into it."})]
        text = await changes.merge(ctx, item, other)
    elif payload == DEFER:
        text = await changes.defer(ctx, item)
    elif payload == REMOVE:
        text = await changes.remove(ctx, item)
    elif payload == DONE:
        status = (values.get("status") or DISCUSSED).strip().lower()
        if status not in (DISCUSSED, ADDRESSED):
            return [FormErrors({"status": "Please choose discussed or addressed."})]
        note = (values.get("outcome") or "").strip()
        try:
            if note:
                clean_text(note, limit=limits.OUTCOME, what="what was done")
        except TextRejected as exc:
            return [FormErrors({"outcome": exc.in_form})]
        text, effects = await changes.mark(ctx, item, status, note)
    else:
        raise UserError("That form no longer works. Type `agenda` to see the agenda.")
    return [*effects, reply(text), await show(ctx)]


@routes.choice(FROM_ELEPHANT, audience="facilitator")
async def elephant_to_agenda(ctx: Context, payload: str) -> list[Effect]:
    """ "Put on the agenda" on an elephant's card: `agenda add elephant <number>`."""
    group = ctx.require_group()
    elephant_id = parse_id(payload)
    elephant = await elephants.posted(ctx.conn, group.id, elephant_id) if elephant_id else None
    if elephant is None:
        raise UserError("That button no longer works. Type `agenda add elephant <number>`.")
    return [reply(await changes.add_elephant(ctx, elephant.number))]
