"""Queries about elephants, "I see it too" marks and big-elephant perspectives.

Nothing here takes a member, a user id or a name: the functions that store anonymous things cannot
be handed the author by mistake. Duplicate protection is by keyed-hash tokens (`bot.tokens`) kept
in `elephant_marks` and `perspective_tokens`, never beside the text they guard.

An elephant not yet posted (its anonymity delay still running) is invisible to every reader except
`due`: it has a number, but nobody can look it up, list it or act on it until it is in the channel.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import in_chunks, insert_or_ignore
from bot.store.schema import elephant_marks, elephants, groups, perspective_tokens, perspectives

LITTLE, BIG = "little", "big"
OPEN, HIDDEN = "open", "hidden"
OUTCOME_STATUSES = ("discussed", "addressed", "parked")
MAX_ID = 2**31 - 1  # fits PostgreSQL's INTEGER as well as SQLite's


@dataclass(frozen=True, slots=True)
class Elephant:
    id: int
    group_id: int
    number: int
    size: str
    text: str
    status: str
    outcome: str | None
    post_after: datetime
    posted_at: datetime | None
    perspectives_revealed_at: datetime | None
    status_changed_at: datetime | None
    perspectives_due_at: datetime | None
    marks_shown: int

    @classmethod
    def from_row(cls, row: RowMapping) -> Elephant:
        return cls(**{name: row[name] for name in cls.__slots__})

    @property
    def is_big(self) -> bool:
        return self.size == BIG

    @property
    def is_hidden(self) -> bool:
        return self.status == HIDDEN


@dataclass(frozen=True, slots=True)
class Perspective:
    text: str
    role_tag: str | None


async def create(
    conn: AsyncConnection, group_id: int, *, text: str, size: str, post_after: datetime
) -> Elephant:
    """Store a new elephant with the group's next number. There is no author to pass.

    The group's row is locked first (`FOR UPDATE`; a no-op on SQLite, whose writers already queue)
    so two elephants raised at once in one group on PostgreSQL cannot both take the same number.
    """
    await conn.execute(select(groups.c.id).where(groups.c.id == group_id).with_for_update())
    top = select(func.max(elephants.c.number)).where(elephants.c.group_id == group_id)
    number = int((await conn.execute(top)).scalar_one() or 0) + 1
    result = await conn.execute(
        insert(elephants)
        .values(
            group_id=group_id,
            number=number,
            size=size,
            text=text,
            status=OPEN,
            post_after=post_after,
        )
        .returning(elephants.c.id)
    )
    found = await get(conn, int(result.scalar_one()))
    assert found is not None
    return found


async def get(conn: AsyncConnection, elephant_id: int) -> Elephant | None:
    query = select(elephants).where(elephants.c.id == elephant_id)
    row = (await conn.execute(query)).mappings().first()
    return Elephant.from_row(row) if row else None


async def posted(conn: AsyncConnection, group_id: int, elephant_id: int) -> Elephant | None:
    """An elephant of this group that is already in the channel (hidden ones included)."""
    query = select(elephants).where(
        elephants.c.id == elephant_id,
        elephants.c.group_id == group_id,
        elephants.c.posted_at.is_not(None),
    )
    row = (await conn.execute(query)).mappings().first()
    return Elephant.from_row(row) if row else None


async def by_number(conn: AsyncConnection, group_id: int, number: int) -> Elephant | None:
    """A posted elephant by its number; a pending one is treated as not existing yet."""
    query = select(elephants).where(
        elephants.c.group_id == group_id,
        elephants.c.number == number,
        elephants.c.posted_at.is_not(None),
    )
    row = (await conn.execute(query)).mappings().first()
    return Elephant.from_row(row) if row else None


async def visible(conn: AsyncConnection, group_id: int) -> list[Elephant]:
    """Posted, not hidden elephants of a group, by number."""
    query = (
        select(elephants)
        .where(
            elephants.c.group_id == group_id,
            elephants.c.posted_at.is_not(None),
            elephants.c.status != HIDDEN,
        )
        .order_by(elephants.c.number)
    )
    return [Elephant.from_row(row) for row in (await conn.execute(query)).mappings()]


async def due(conn: AsyncConnection, now: datetime) -> list[Elephant]:
    """Elephants of any group whose anonymity delay has passed and that are not posted yet."""
    query = (
        select(elephants)
        .where(elephants.c.posted_at.is_(None), elephants.c.post_after <= now)
        .order_by(elephants.c.id)
    )
    return [Elephant.from_row(row) for row in (await conn.execute(query)).mappings()]


async def claim_post(conn: AsyncConnection, elephant_id: int, now: datetime) -> bool:
    """Mark an elephant posted. True only for the first caller, so it is posted once."""
    result = await conn.execute(
        update(elephants)
        .where(elephants.c.id == elephant_id, elephants.c.posted_at.is_(None))
        .values(posted_at=now)
    )
    return result.rowcount == 1


async def set_status(
    conn: AsyncConnection, elephant_id: int, status: str, outcome: str | None, now: datetime
) -> Elephant:
    """Record a status; `outcome=None` keeps what was recorded before."""
    values: dict[str, object] = {"status": status, "status_changed_at": now}
    if outcome is not None:
        values["outcome"] = outcome
    await conn.execute(update(elephants).where(elephants.c.id == elephant_id).values(**values))
    found = await get(conn, elephant_id)
    assert found is not None
    return found


async def add_mark(conn: AsyncConnection, elephant_id: int, token: str) -> bool:
    """Count one "I see it too". False when this token has marked it already."""
    statement = insert_or_ignore(conn, elephant_marks).values(elephant_id=elephant_id, token=token)
    return (await conn.execute(statement)).rowcount == 1


async def note_marks_changed(conn: AsyncConnection, elephant_id: int) -> None:
    """Ask the next sweep to look at this elephant's "I see it too" count (not who pressed)."""
    await conn.execute(
        update(elephants).where(elephants.c.id == elephant_id).values(marks_changed=True)
    )


async def marks_to_redraw(conn: AsyncConnection) -> list[Elephant]:
    """Posted elephants of any group whose "I see it too" count changed since the last sweep."""
    query = (
        select(elephants)
        .where(elephants.c.marks_changed.is_(True), elephants.c.posted_at.is_not(None))
        .order_by(elephants.c.id)
    )
    return [Elephant.from_row(row) for row in (await conn.execute(query)).mappings()]


async def set_marks_shown(conn: AsyncConnection, elephant_id: int, shown: int) -> bool:
    """Record the "I see it too" figure now on the card. True only for the sweep that changed
    it (a second clock finds the flag cleared and draws nothing)."""
    result = await conn.execute(
        update(elephants)
        .where(elephants.c.id == elephant_id, elephants.c.marks_changed.is_(True))
        .values(marks_shown=shown, marks_changed=False)
    )
    return result.rowcount == 1


async def mark_count(conn: AsyncConnection, elephant_id: int) -> int:
    query = select(func.count()).where(elephant_marks.c.elephant_id == elephant_id)
    return int((await conn.execute(query)).scalar_one())


async def has_perspective_token(conn: AsyncConnection, elephant_id: int, token: str) -> bool:
    query = select(func.count()).where(
        perspective_tokens.c.elephant_id == elephant_id, perspective_tokens.c.token == token
    )
    return bool((await conn.execute(query)).scalar_one())


async def add_perspective(
    conn: AsyncConnection,
    elephant_id: int,
    token: str,
    *,
    text: str,
    role_tag: str | None,
    rng: random.Random,
) -> bool:
    """Store a perspective once per token. False (nothing stored) when the token was used.

    The perspective gets a random id, not the next number: otherwise the order of the rows in
    `perspectives` would match the order of the tokens, and anyone holding the key could tell
    whose words were whose."""
    claimed = await conn.execute(
        insert_or_ignore(conn, perspective_tokens).values(elephant_id=elephant_id, token=token)
    )
    if claimed.rowcount != 1:
        return False
    for _ in range(20):
        row_id = rng.randint(1, MAX_ID)
        taken = await conn.execute(select(perspectives.c.id).where(perspectives.c.id == row_id))
        if taken.first() is None:
            break
    else:  # pragma: no cover - twenty collisions in two billion will not happen
        raise RuntimeError("could not find a free perspective id")
    await conn.execute(
        insert(perspectives).values(
            id=row_id, elephant_id=elephant_id, text=text, role_tag=role_tag
        )
    )
    return True


async def waiting_count(conn: AsyncConnection, elephant_id: int) -> int:
    """How many perspectives wait to be shown (a figure never shown as it is)."""
    query = select(func.count()).where(
        perspectives.c.elephant_id == elephant_id, perspectives.c.shown_at.is_(None)
    )
    return int((await conn.execute(query)).scalar_one())


async def shown_count(conn: AsyncConnection, elephant_id: int) -> int:
    """How many perspectives have been shown in the channel."""
    query = select(func.count()).where(
        perspectives.c.elephant_id == elephant_id, perspectives.c.shown_at.is_not(None)
    )
    return int((await conn.execute(query)).scalar_one())


async def waiting_perspectives(
    conn: AsyncConnection, elephant_id: int
) -> list[tuple[int, Perspective]]:
    """The perspectives not shown yet, by their random ids (so in no order of arrival)."""
    query = (
        select(perspectives.c.id, perspectives.c.text, perspectives.c.role_tag)
        .where(perspectives.c.elephant_id == elephant_id, perspectives.c.shown_at.is_(None))
        .order_by(perspectives.c.id)
    )
    return [(row.id, Perspective(row.text, row.role_tag)) for row in await conn.execute(query)]


async def mark_shown(conn: AsyncConnection, ids: Sequence[int], now: datetime) -> None:
    for chunk in in_chunks(ids):
        await conn.execute(
            update(perspectives)
            .where(perspectives.c.id.in_(chunk), perspectives.c.shown_at.is_(None))
            .values(shown_at=now)
        )


async def release_later(conn: AsyncConnection, elephant_id: int, due: datetime) -> None:
    """Set when waiting perspectives may be shown, unless a time is set already."""
    await conn.execute(
        update(elephants)
        .where(elephants.c.id == elephant_id, elephants.c.perspectives_due_at.is_(None))
        .values(perspectives_due_at=due)
    )


async def due_releases(conn: AsyncConnection, now: datetime) -> list[Elephant]:
    """Elephants of any group whose waiting perspectives are due to be shown."""
    query = (
        select(elephants)
        .where(elephants.c.perspectives_due_at <= now, elephants.c.posted_at.is_not(None))
        .order_by(elephants.c.id)
    )
    return [Elephant.from_row(row) for row in (await conn.execute(query)).mappings()]


async def claim_release(conn: AsyncConnection, elephant: Elephant, now: datetime) -> bool:
    """Take the elephant's release: clears its due time, and records the first reveal's time.
    True only for the first caller, so two clocks never show a batch twice."""
    due = elephants.c.perspectives_due_at
    result = await conn.execute(
        update(elephants)
        .where(
            elephants.c.id == elephant.id,
            due.is_(None)
            if elephant.perspectives_due_at is None
            else due == elephant.perspectives_due_at,
        )
        .values(
            perspectives_due_at=None,
            perspectives_revealed_at=elephant.perspectives_revealed_at or now,
        )
    )
    return result.rowcount == 1


async def awaiting_reveal(conn: AsyncConnection, group_id: int) -> list[Elephant]:
    """Posted, not hidden big elephants of a group with perspectives still to show: never
    revealed, or with later ones waiting."""
    waiting = select(perspectives.c.elephant_id).where(perspectives.c.shown_at.is_(None))
    query = (
        select(elephants)
        .where(
            elephants.c.group_id == group_id,
            elephants.c.size == BIG,
            elephants.c.posted_at.is_not(None),
            elephants.c.status != HIDDEN,
            elephants.c.perspectives_revealed_at.is_(None) | elephants.c.id.in_(waiting),
        )
        .order_by(elephants.c.number)
    )
    return [Elephant.from_row(row) for row in (await conn.execute(query)).mappings()]


async def ids_of_group(conn: AsyncConnection, group_id: int) -> list[int]:
    """The ids of all the group's elephants, posted or not."""
    query = select(elephants.c.id).where(elephants.c.group_id == group_id)
    return list((await conn.execute(query)).scalars())


async def scramble_tokens(conn: AsyncConnection, table: Table, tokens: Sequence[str]) -> int:
    """Replace each of `tokens` found in `table` by a fresh random value; returns how many.

    The row stays, so every count made from it stays the same; the new value comes from the
    operating system's randomness, not from the key, so nobody can recompute it or test a guess
    against it. It looks like any other token (64 hex digits)."""
    replaced = 0
    for chunk in in_chunks(tokens):
        found = await conn.execute(select(table.c.token).where(table.c.token.in_(chunk)))
        for token in list(found.scalars()):
            result = await conn.execute(
                update(table).where(table.c.token == token).values(token=secrets.token_hex(32))
            )
            replaced += result.rowcount
    return replaced


async def scramble_marks(conn: AsyncConnection, tokens: Sequence[str]) -> int:
    """Unlink the "I see it too" marks made with any of `tokens`; they still count."""
    return await scramble_tokens(conn, elephant_marks, tokens)


async def scramble_perspective_tokens(conn: AsyncConnection, tokens: Sequence[str]) -> int:
    """Unlink the perspective tokens among `tokens` (the perspectives stay)."""
    return await scramble_tokens(conn, perspective_tokens, tokens)


async def posted_with_marks(conn: AsyncConnection, group_id: int) -> list[RowMapping]:
    """The group's posted elephants by number, each row with `n`, its "I see it too" count
    (None when it has none)."""
    marks = (
        select(elephant_marks.c.elephant_id, func.count().label("n"))
        .group_by(elephant_marks.c.elephant_id)
        .subquery()
    )
    query = (
        select(elephants, marks.c.n)
        .outerjoin(marks, marks.c.elephant_id == elephants.c.id)
        .where(elephants.c.group_id == group_id, elephants.c.posted_at.is_not(None))
        .order_by(elephants.c.number)
    )
    return list((await conn.execute(query)).mappings())


async def perspectives_unordered(conn: AsyncConnection, elephant_id: int) -> list[Perspective]:
    """An elephant's shown perspectives in no particular order (for callers that sort them)."""
    query = select(perspectives.c.text, perspectives.c.role_tag).where(
        perspectives.c.elephant_id == elephant_id, perspectives.c.shown_at.is_not(None)
    )
    return [Perspective(row.text, row.role_tag) for row in await conn.execute(query)]
