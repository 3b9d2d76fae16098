"""Adding to the agenda and changing it: one function per change, shared by commands and forms.

Each function checks everything before it writes, and raises `UserError` (with the person's words
when they typed any) for what cannot be done, so nothing is stored half-way. Adding anonymously
writes nothing about the person and logs nothing: the item has no author, and it joins the agenda
after a random delay (`delay`), as an elephant is posted after one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot import limits
from bot.cards import Card, Field
from bot.context import Context
from bot.effects import Effect, PostToConversation
from bot.errors import UserError
from bot.handlers.agenda.addressed import item_addressed
from bot.handlers.agenda.cards import UP
from bot.handlers.agenda.papers import PapersRejected, checked_link
from bot.handlers.summary.builder import when_words
from bot.store import agenda as store
from bot.store import elephants, meetings
from bot.store.agenda import ADDRESSED, Item
from bot.store.groups import Group
from bot.text_safety import clean_text, shortened

FULL = (
    f"The agenda already has {limits.AGENDA_ITEMS} items waiting, which is as many as I keep. "
    "A facilitator can merge or remove some (type `agenda`), and then there will be room."
)
ELEPHANT_WORDS = 200
"""Characters of an elephant's words an agenda item takes (cut at a word)."""


def delay(ctx: Context, group: Group) -> timedelta:
    """A random delay between half and one and a half times the group's anonymity delay."""
    minutes = group.anonymity_delay_minutes
    if minutes <= 0:
        return timedelta(0)
    return timedelta(minutes=minutes * ctx.services.rng.uniform(0.5, 1.5))


async def meeting_words(ctx: Context, group: Group) -> str:
    """Which meeting the agenda is for: the one under way, the next one, or "the next meeting"."""
    if await meetings.current(ctx.conn, group.id) is not None:
        return "today's meeting"
    upcoming = await meetings.next_scheduled(ctx.conn, group.id, ctx.now)
    if upcoming is None:
        return "the next meeting"
    return f"the meeting on {when_words(upcoming.starts_at, group.zone)}"


def read_item(text: str, papers: str, *, original: str) -> tuple[str, str | None]:
    """The item's tidied words and its checked papers link; `UserError` with `original` if not."""
    words = clean_text(text, limit=limits.AGENDA_ITEM, what="your agenda item")
    try:
        link = checked_link(papers)
    except PapersRejected as exc:
        raise UserError(str(exc), original=original) from None
    return words, link


async def _room(ctx: Context, group: Group, original: str) -> None:
    if await store.open_count(ctx.conn, group.id) >= limits.AGENDA_ITEMS:
        raise UserError(FULL, original=original)


async def add_named(ctx: Context, words: str, link: str | None, *, original: str) -> str:
    """Add an item with the person's name on it; it is on the agenda at once."""
    group, member = ctx.require_group(), ctx.require_member()
    await _room(ctx, group, original)
    item_id = await store.create(ctx.conn, group.id, text=words, papers=link, shown_from=ctx.now)
    await store.add_author(ctx.conn, item_id, member.id)
    items = await store.agenda(ctx.conn, group.id, ctx.now)
    number = next(n for n, item in enumerate(items, start=1) if item.id == item_id)
    papers = " with its papers" if link else ""
    return (
        f"Added to the agenda for {await meeting_words(ctx, group)}{papers}, as item {number}, "
        "with your name. Type `agenda` to see it all."
    )


async def add_anonymous(ctx: Context, words: str, link: str | None, *, original: str) -> str:
    """Add an item with no author; it joins the agenda after a random delay."""
    group = ctx.require_group()
    await _room(ctx, group, original)
    await store.create(
        ctx.conn, group.id, text=words, papers=link, shown_from=ctx.now + delay(ctx, group)
    )
    stored = "We store the words (and the link, if there is one). We never store who added them."
    if group.anonymity_delay_minutes <= 0:
        return (
            f"Thank you. It is on the agenda now, without your name.\n{stored}\n"
            "This group has no anonymity delay, so if few people are around, the timing could "
            "hint at who added it."
        )
    return f"Thank you. It will join the agenda after a short delay, without your name.\n{stored}"


async def add_elephant(ctx: Context, number: int) -> str:
    """Put a posted elephant on the agenda: its words (cut short), its number, never an author."""
    group = ctx.require_group()
    known = 0 < number < 2**31
    elephant = await elephants.by_number(ctx.conn, group.id, number) if known else None
    if elephant is None:
        raise UserError(
            f"There's no elephant #{number} in the channel. Type `elephants` to see the numbers."
        )
    if elephant.is_hidden:
        raise UserError(f"Elephant #{number} is hidden, so it can't go on the agenda.")
    if await store.has_open_elephant(ctx.conn, group.id, number):
        return f"Elephant #{number} is already on the agenda. Type `agenda` to see it."
    await _room(ctx, group, "")
    words = elephant.text
    if len(words) > ELEPHANT_WORDS:
        words = words[:ELEPHANT_WORDS].rsplit(" ", 1)[0].rstrip() + "…"
    await store.create(
        ctx.conn, group.id, text=words, papers=None, shown_from=ctx.now, elephant_number=number
    )
    return f"Elephant #{number} is on the agenda for {await meeting_words(ctx, group)}."


def item_at(items: Sequence[Item], number: int) -> Item:
    """The item shown with this number, or a plain answer saying which numbers there are."""
    if not items:
        raise UserError("The agenda is empty. Anyone can add to it: `agenda add <what>`.")
    if not 1 <= number <= len(items):
        raise UserError(
            f"There's no item {number} on the agenda: the numbers go from 1 to {len(items)}. "
            "Type `agenda` to see them."
        )
    return items[number - 1]


def _number(items: Sequence[Item], item: Item) -> int:
    return next(n for n, found in enumerate(items, start=1) if found.id == item.id)


async def move(ctx: Context, items: Sequence[Item], item: Item, place: str) -> str:
    """Move an item up one place, or to a place (1 is first); a deferred one comes back."""
    now = [found for found in items if not found.deferred and found.id != item.id]
    later = [found for found in items if found.deferred and found.id != item.id]
    if place == UP:
        index = len(now) if item.deferred else max(0, _number(items, item) - 2)
    elif place.isdigit() and int(place) >= 1:
        index = min(int(place), len(now) + 1) - 1
    else:
        raise UserError("Please say where to: a place number such as 1, or `up`.")
    if item.deferred:
        await store.set_skip(ctx.conn, item.id, 0)
    now.insert(index, item)
    await store.set_order(ctx.conn, [found.id for found in (*now, *later)])
    back = " It is back on the next agenda." if item.deferred else ""
    return f"Moved “{shortened(item.text, 60)}” to place {index + 1}.{back}"


async def merge(ctx: Context, keep: Item, gone: Item) -> str:
    if keep.id == gone.id:
        raise UserError("Please choose two different items to merge.")
    await store.merge(ctx.conn, keep, gone)
    return f"Merged “{shortened(gone.text, 60)}” into “{shortened(keep.text, 60)}”."


async def defer(ctx: Context, item: Item) -> str:
    if item.deferred:
        return (
            f"“{shortened(item.text, 60)}” is already deferred to the meeting after. To bring it "
            "back, move it: `agenda move <number> 1`."
        )
    await store.set_skip(ctx.conn, item.id, 1)
    return f"Deferred “{shortened(item.text, 60)}” to the meeting after the next one."


async def remove(ctx: Context, item: Item) -> str:
    await store.remove(ctx.conn, item.id)
    return f"Removed “{shortened(item.text, 60)}” from the agenda."


async def mark(ctx: Context, item: Item, status: str, note: str) -> tuple[str, list[Effect]]:
    """Mark an item discussed or addressed, with what was done; addressed ones are told to the
    channel ("you said, we did") and handed to `item_addressed`."""
    group = ctx.require_group()
    outcome = clean_text(note, limit=limits.OUTCOME, what="what was done") if note else None
    current = await meetings.current(ctx.conn, group.id)
    closed = await store.close(
        ctx.conn,
        item.id,
        status,
        outcome,
        meeting_id=current.id if current else None,
        now=ctx.now,
    )
    text = f"Recorded: “{shortened(item.text, 60)}” is {status}."
    if status != ADDRESSED:
        return text, []
    fields = [Field("What was done", shortened(closed.outcome, 500))] if closed.outcome else []
    card = Card(
        title="You said, we did",
        text=f"On the agenda: {shortened(closed.text, 200)}",
        fields=tuple(fields),
    )
    # The question's card says what was done too; the plain card only when no question is asked.
    effects = await item_addressed(ctx, group, closed) or [PostToConversation(group.where, card)]
    if not closed.outcome:
        text += " You can add what was done: `agenda <number> addressed <what was done>`."
    return text + " I've told the channel.", effects
