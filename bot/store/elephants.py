"""Queries about elephants, "I see it too" marks and big-elephant perspectives.

Nothing here takes a member, a user id or a name: the functions that store anonymous things cannot
be handed the author by mistake. Duplicate protection is by keyed-hash tokens (`bot.tokens`) kept
in `elephant_marks` and `perspective_tokens`, never beside the text they guard.

An elephant not yet posted (its anonymity delay still running) is invisible to every reader except
`due`: it has a number, but nobody can look it up, list it or act on it until it is in the channel.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, func, insert, select, update
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


async def perspective_count(conn: AsyncConnection, elephant_id: int) -> int:
    query = select(func.count()).where(perspectives.c.elephant_id == elephant_id)
    return int((await conn.execute(query)).scalar_one())


async def perspectives_of(conn: AsyncConnection, elephant_id: int) -> list[Perspective]:
    query = (
        select(perspectives.c.text, perspectives.c.role_tag)
        .where(perspectives.c.elephant_id == elephant_id)
        .order_by(perspectives.c.id)
    )
    return [Perspective(row.text, row.role_tag) for row in await conn.execute(query)]


async def claim_reveal(conn: AsyncConnection, elephant_id: int, now: datetime) -> bool:
    """Mark a big elephant's perspectives revealed. True only for the first caller."""
    result = await conn.execute(
        update(elephants)
        .where(elephants.c.id == elephant_id, elephants.c.perspectives_revealed_at.is_(None))
        .values(perspectives_revealed_at=now)
    )
    return result.rowcount == 1


async def awaiting_reveal(conn: AsyncConnection, group_id: int) -> list[Elephant]:
    """Posted, not hidden big elephants of a group whose perspectives are not shown yet."""
    query = (
        select(elephants)
        .where(
            elephants.c.group_id == group_id,
            elephants.c.size == BIG,
            elephants.c.posted_at.is_not(None),
            elephants.c.status != HIDDEN,
            elephants.c.perspectives_revealed_at.is_(None),
        )
        .order_by(elephants.c.number)
    )
    return [Elephant.from_row(row) for row in (await conn.execute(query)).mappings()]


async def ids_of_group(conn: AsyncConnection, group_id: int) -> list[int]:
    """The ids of all the group's elephants, posted or not."""
    query = select(elephants.c.id).where(elephants.c.group_id == group_id)
    return list((await conn.execute(query)).scalars())


async def _delete_tokens(conn: AsyncConnection, table: Table, tokens: Sequence[str]) -> int:
    deleted = 0
    for chunk in in_chunks(tokens):
        result = await conn.execute(delete(table).where(table.c.token.in_(chunk)))
        deleted += result.rowcount
    return deleted


async def delete_marks(conn: AsyncConnection, tokens: Sequence[str]) -> int:
    """Delete the "I see it too" marks made with any of `tokens`; returns how many."""
    return await _delete_tokens(conn, elephant_marks, tokens)


async def delete_perspective_tokens(conn: AsyncConnection, tokens: Sequence[str]) -> int:
    """Delete the perspective tokens among `tokens` (the perspectives stay); returns how many."""
    return await _delete_tokens(conn, perspective_tokens, tokens)


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
    """An elephant's perspectives in no particular order (for callers that sort them)."""
    query = select(perspectives.c.text, perspectives.c.role_tag).where(
        perspectives.c.elephant_id == elephant_id
    )
    return [Perspective(row.text, row.role_tag) for row in await conn.execute(query)]
