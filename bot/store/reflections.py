"""Anonymous reflections ("Did you feel heard today?" and one thing to change).

Nothing here takes a member, a user id or a name. Once-per-person is kept by a keyed-hash token in
`reflection_tokens` (salted by the meeting), never beside the answer it guards.

Two more details keep an answer from being traced back through the order things were written:
the score and the "one thing to change" are stored as separate rows (so a score cannot be read
next to someone's words), and each row gets a random id rather than the next number, so the order
of the rows says nothing about the order of the tokens.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import elephants
from bot.store.dialect import in_chunks, insert_or_ignore
from bot.store.schema import reflection_tokens, reflections

MAX_ID = 2**31 - 1  # fits PostgreSQL's INTEGER as well as SQLite's


async def has_token(conn: AsyncConnection, meeting_id: int, token: str) -> bool:
    query = select(func.count()).where(
        reflection_tokens.c.meeting_id == meeting_id, reflection_tokens.c.token == token
    )
    return bool((await conn.execute(query)).scalar_one())


async def claim(conn: AsyncConnection, meeting_id: int, token: str) -> bool:
    """Use a token once. False (nothing changed) when this person already did this."""
    statement = insert_or_ignore(conn, reflection_tokens).values(meeting_id=meeting_id, token=token)
    return (await conn.execute(statement)).rowcount == 1


async def add(
    conn: AsyncConnection,
    meeting_id: int,
    *,
    heard: int | None,
    change: str | None,
    rng: random.Random,
) -> None:
    """Store one anonymous answer under a random id. Call only after `claim` returned True."""
    for _ in range(20):
        row_id = rng.randint(1, MAX_ID)
        taken = await conn.execute(select(reflections.c.id).where(reflections.c.id == row_id))
        if taken.first() is None:
            break
    else:  # pragma: no cover - twenty collisions in two billion is not going to happen
        raise RuntimeError("could not find a free reflection id")
    await conn.execute(
        insert(reflections).values(id=row_id, meeting_id=meeting_id, heard=heard, change=change)
    )


async def scramble_tokens(conn: AsyncConnection, tokens: Sequence[str]) -> int:
    """Unlink the reflection tokens among `tokens` (see `bot.store.elephants.scramble_tokens`)."""
    return await elephants.scramble_tokens(conn, reflection_tokens, tokens)


async def uncounted(conn: AsyncConnection, meeting_id: int, *, scores: bool) -> list[int]:
    """Ids of the answers (scores, or "one thing to change") not yet counted, by random id."""
    kind = reflections.c.heard if scores else reflections.c.change
    query = (
        select(reflections.c.id)
        .where(
            reflections.c.meeting_id == meeting_id,
            reflections.c.counted.is_(False),
            kind.is_not(None),
        )
        .order_by(reflections.c.id)
    )
    return list((await conn.execute(query)).scalars())


async def count_in(conn: AsyncConnection, ids: Sequence[int]) -> None:
    """Count these answers from now on (the caller passes a whole crowd of them)."""
    for chunk in in_chunks(ids):
        await conn.execute(
            update(reflections).where(reflections.c.id.in_(chunk)).values(counted=True)
        )


async def heard_scores(conn: AsyncConnection, meeting_id: int) -> list[int]:
    """The counted "did you feel heard?" scores of a meeting (rows without one left out)."""
    query = select(reflections.c.heard).where(
        reflections.c.meeting_id == meeting_id, reflections.c.counted.is_(True)
    )
    return [int(row.heard) for row in await conn.execute(query) if row.heard is not None]
