"""Queries about the agenda: items people add before a meeting, their order, and what happened.

`create` takes no member, so an anonymous item cannot be handed its author by mistake; a named
item gets its author written apart, in `agenda_authors` (`add_author`). An item joins the agenda
at `shown_from`: straight away when named, after a random delay when anonymous, and it takes its
place after the items already there only then, so neither its place nor the moment it appears
says when it was written. `position` is set only when a facilitator reorders (`set_order`).

The agenda is always the one for the group's next meeting (or the meeting under way): the open
items, in order, then those deferred to the meeting after. When a meeting ends, `carry_over`
attaches what was covered to it and carries on what was not reached, counting how often.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import agenda_authors, agenda_items, members

OPEN, DISCUSSED, ADDRESSED, MERGED = "open", "discussed", "addressed", "merged"
CLOSED = (DISCUSSED, ADDRESSED)
"""Statuses of an item the meeting has covered."""
IN_ORDER = (
    agenda_items.c.position.is_(None),
    agenda_items.c.position,
    agenda_items.c.shown_from,
    agenda_items.c.id,
)
"""Agenda order: places a facilitator gave first, then the rest in the order they came on."""


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    group_id: int
    text: str
    papers: str | None
    elephant_number: int | None
    shown_from: datetime
    position: int | None
    skip: int
    carried: int
    status: str
    outcome: str | None
    merged_into_id: int | None
    closed_at: datetime | None
    meeting_id: int | None
    carried_from_id: int | None
    author: str | None = None
    """The display name of whoever added it openly; None for an anonymous or elephant item."""

    @classmethod
    def from_row(cls, row: RowMapping) -> Item:
        return cls(**{name: row[name] for name in cls.__slots__})

    @property
    def deferred(self) -> bool:
        return self.skip > 0


def _items() -> Select[Any]:
    """Items with their named author's display name, if any (a left join: most have none)."""
    return select(agenda_items, members.c.display_name.label("author")).select_from(
        agenda_items.outerjoin(
            agenda_authors, agenda_authors.c.item_id == agenda_items.c.id
        ).outerjoin(members, members.c.id == agenda_authors.c.member_id)
    )


async def _read(conn: AsyncConnection, query: Select[Any]) -> list[Item]:
    return [Item.from_row(row) for row in (await conn.execute(query)).mappings()]


async def create(
    conn: AsyncConnection,
    group_id: int,
    *,
    text: str,
    papers: str | None,
    shown_from: datetime,
    elephant_number: int | None = None,
) -> int:
    """Store a new open item with no author; returns its id. There is no author to pass."""
    result = await conn.execute(
        insert(agenda_items)
        .values(
            group_id=group_id,
            text=text,
            papers=papers,
            elephant_number=elephant_number,
            shown_from=shown_from,
            status=OPEN,
        )
        .returning(agenda_items.c.id)
    )
    return int(result.scalar_one())


async def add_author(conn: AsyncConnection, item_id: int, member_id: int) -> None:
    """Put a name on an item: only for someone who chose to add it openly."""
    await conn.execute(insert(agenda_authors).values(item_id=item_id, member_id=member_id))


async def get(conn: AsyncConnection, item_id: int) -> Item | None:
    found = await _read(conn, _items().where(agenda_items.c.id == item_id))
    return found[0] if found else None


async def open_count(conn: AsyncConnection, group_id: int) -> int:
    """Open items of the group, including any still waiting for their delay."""
    query = select(func.count()).where(
        agenda_items.c.group_id == group_id, agenda_items.c.status == OPEN
    )
    return int((await conn.execute(query)).scalar_one())


async def agenda(conn: AsyncConnection, group_id: int, now: datetime) -> list[Item]:
    """The agenda as it stands: the open items on it now, in order, then the deferred ones.

    Only reads, so any reader may call it. An item placed by a facilitator (`set_order`) keeps
    its place; one not placed yet follows the placed ones, in the order items came on."""
    query = (
        _items()
        .where(
            agenda_items.c.group_id == group_id,
            agenda_items.c.status == OPEN,
            agenda_items.c.shown_from <= now,
        )
        .order_by(agenda_items.c.skip > 0, *IN_ORDER)
    )
    return await _read(conn, query)


async def merged_into(conn: AsyncConnection, item_ids: Sequence[int]) -> dict[int, list[Item]]:
    """The items merged into each of these, oldest place first."""
    if not item_ids:
        return {}
    query = _items().where(agenda_items.c.merged_into_id.in_(list(item_ids))).order_by(*IN_ORDER)
    found: dict[int, list[Item]] = {}
    for item in await _read(conn, query):
        assert item.merged_into_id is not None
        found.setdefault(item.merged_into_id, []).append(item)
    return found


async def set_order(conn: AsyncConnection, item_ids: Sequence[int]) -> None:
    """Places 1, 2, 3 … in the order given (the agenda as a facilitator arranged it)."""
    for place, item_id in enumerate(item_ids, start=1):
        await conn.execute(
            update(agenda_items).where(agenda_items.c.id == item_id).values(position=place)
        )


async def set_skip(conn: AsyncConnection, item_id: int, skip: int) -> None:
    """Defer an item past `skip` meetings (0 brings it back onto the next agenda)."""
    await conn.execute(update(agenda_items).where(agenda_items.c.id == item_id).values(skip=skip))


async def merge(conn: AsyncConnection, keep: Item, gone: Item) -> None:
    """Merge `gone` into `keep`: `keep` takes the larger carried count and, if it has none, the
    other's papers and elephant; `gone` (and whatever was merged into it) now sits under `keep`."""
    values: dict[str, object] = {"carried": max(keep.carried, gone.carried)}
    if not keep.papers and gone.papers:
        values["papers"] = gone.papers
    if keep.elephant_number is None and gone.elephant_number is not None:
        values["elephant_number"] = gone.elephant_number
    await conn.execute(update(agenda_items).where(agenda_items.c.id == keep.id).values(**values))
    await conn.execute(
        update(agenda_items)
        .where(agenda_items.c.merged_into_id == gone.id)
        .values(merged_into_id=keep.id)
    )
    await conn.execute(
        update(agenda_items)
        .where(agenda_items.c.id == gone.id)
        .values(status=MERGED, merged_into_id=keep.id)
    )


async def remove(conn: AsyncConnection, item_id: int) -> None:
    """Delete an item, with whatever was merged into it and their authors' rows. Each table is
    cleared explicitly, so nothing is left whatever the database's foreign-key settings."""
    ids = [item_id, *[i.id for i in (await merged_into(conn, [item_id])).get(item_id, [])]]
    await conn.execute(delete(agenda_authors).where(agenda_authors.c.item_id.in_(ids)))
    await conn.execute(delete(agenda_items).where(agenda_items.c.merged_into_id == item_id))
    await conn.execute(delete(agenda_items).where(agenda_items.c.id == item_id))


async def close(
    conn: AsyncConnection,
    item_id: int,
    status: str,
    outcome: str | None,
    *,
    meeting_id: int | None,
    now: datetime,
) -> Item:
    """Mark an item covered (`discussed` or `addressed`), at the meeting under way if there is
    one; `outcome=None` keeps what was recorded before."""
    values: dict[str, object] = {"status": status, "closed_at": now, "meeting_id": meeting_id}
    if outcome is not None:
        values["outcome"] = outcome
    await conn.execute(update(agenda_items).where(agenda_items.c.id == item_id).values(**values))
    found = await get(conn, item_id)
    assert found is not None
    return found


async def has_open_elephant(conn: AsyncConnection, group_id: int, number: int) -> bool:
    """Whether this elephant is already on the agenda, waiting to be covered."""
    query = select(func.count()).where(
        agenda_items.c.group_id == group_id,
        agenda_items.c.elephant_number == number,
        agenda_items.c.status == OPEN,
    )
    return bool((await conn.execute(query)).scalar_one())


async def carry_over(conn: AsyncConnection, group_id: int, meeting_id: int, now: datetime) -> int:
    """At a meeting's end: items covered since the last meeting belong to this one; items on
    its agenda and not reached are carried on (counted); deferred ones come one meeting nearer.
    Returns how many were carried on."""
    of_group = agenda_items.c.group_id == group_id
    await conn.execute(
        update(agenda_items)
        .where(of_group, agenda_items.c.status.in_(CLOSED), agenda_items.c.meeting_id.is_(None))
        .values(meeting_id=meeting_id)
    )
    on_it = and_(of_group, agenda_items.c.status == OPEN, agenda_items.c.shown_from <= now)
    carried = await conn.execute(
        update(agenda_items)
        .where(on_it, agenda_items.c.skip == 0)
        .values(carried=agenda_items.c.carried + 1, carried_from_id=meeting_id)
    )
    await conn.execute(
        update(agenda_items)
        .where(on_it, agenda_items.c.skip > 0)
        .values(skip=agenda_items.c.skip - 1)
    )
    return int(carried.rowcount or 0)


async def covered_at(conn: AsyncConnection, meeting_id: int) -> list[Item]:
    """Items covered at this meeting, in their agenda order."""
    query = (
        _items()
        .where(agenda_items.c.meeting_id == meeting_id, agenda_items.c.status.in_(CLOSED))
        .order_by(*IN_ORDER)
    )
    return await _read(conn, query)


async def carried_from(conn: AsyncConnection, meeting_id: int) -> list[Item]:
    """Items this meeting carried on and still open, in their agenda order."""
    query = (
        _items()
        .where(agenda_items.c.carried_from_id == meeting_id, agenda_items.c.status == OPEN)
        .order_by(*IN_ORDER)
    )
    return await _read(conn, query)


async def of_member(conn: AsyncConnection, member_id: int) -> list[Item]:
    """The items this member added with their name, oldest first."""
    query = (
        _items()
        .where(agenda_authors.c.member_id == member_id)
        .order_by(agenda_items.c.shown_from, agenda_items.c.id)
    )
    return await _read(conn, query)


async def erase_member(conn: AsyncConnection, member_id: int) -> int:
    """Delete the items this member added with their name; returns how many. Items other people
    merged into one of them go back onto the agenda as items of their own, at the end."""
    mine = list(
        (
            await conn.execute(
                select(agenda_authors.c.item_id).where(agenda_authors.c.member_id == member_id)
            )
        ).scalars()
    )
    if not mine:
        return 0
    await conn.execute(
        update(agenda_items)
        .where(agenda_items.c.merged_into_id.in_(mine), agenda_items.c.id.not_in(mine))
        .values(status=OPEN, merged_into_id=None, position=None)
    )
    await conn.execute(delete(agenda_authors).where(agenda_authors.c.item_id.in_(mine)))
    await conn.execute(delete(agenda_items).where(agenda_items.c.id.in_(mine)))
    return len(mine)


async def of_group(conn: AsyncConnection, group_id: int) -> list[Item]:
    """Every item of the group that is not merged into another, for the export."""
    query = (
        _items()
        .where(agenda_items.c.group_id == group_id, agenda_items.c.status != MERGED)
        .order_by(agenda_items.c.shown_from, agenda_items.c.id)
    )
    return await _read(conn, query)
