"""Anonymous answers to "Where on the ladder did today feel?" (the ladder of co-production).

Nothing here takes a member, a user id or a name. Like reflections (`bot.store.reflections`), an
answer is a row of its own under a random id, so neither a column nor the order of the rows says
who gave it, and once per person per meeting is kept by a keyed-hash token in `reflection_tokens`
(purpose "ladder", salted by the meeting), never beside the answer it guards.

One answer each, not a changeable one. Letting a second answer replace the first would mean
keeping, beside the person's token, something that finds their answer again (a keyed seal that
anyone holding the key could test against the seven rungs), and replacing an answer already
counted would move a shown figure by exactly one person, which is the differencing the crowd rule
exists to prevent. So a second answer is thanked and not kept, as for "did you feel heard?".

The side. The issue asks to show how lived-experience members and professionals each saw the
same meeting, so each answer carries `side`: "lived-experience", "professional", or NULL (both,
prefer not to say, or no role given). That narrows who an answer could be from to the people of
one side who took part, so it is only ever read through the crowd rule, per side:

- answers are counted in whole crowds of `k` *within their side* (`pool`), so every figure read
  from them, overall or by side, moves only in steps of `k` answers of one side, and two readings
  never difference out one person, nor one side's single answer;
- the overall figure is all counted answers; the by-side figures are shown only when both sides
  have at least `k` counted answers (`bot.handlers.ladder.results`), so an answer of a small side
  is never shown on a line of its own, and the overall figure minus both sides is itself a whole
  crowd (or nothing);
- an answer whose side never reaches `k` waits and is never shown, as a lone reflection does.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import in_chunks
from bot.store.schema import ladder_answers

MAX_ID = 2**31 - 1  # fits PostgreSQL's INTEGER as well as SQLite's
SIDES = ("lived-experience", "professional")
TOKEN_PURPOSE = "ladder"
"""The purpose of the once-per-person token in `reflection_tokens` (forget-me unlinks it too)."""


def side_of(role: str | None) -> str | None:
    """The side an answer is counted under: a member's role if it is one of the two sides."""
    return role if role in SIDES else None


@dataclass(frozen=True, slots=True)
class Counted:
    """One counted answer: its rung (1 coercion … 7 co-production) and side (or None)."""

    rung: int
    side: str | None


async def add(
    conn: AsyncConnection, meeting_id: int, rung: int, side: str | None, *, rng: random.Random
) -> None:
    """Store one anonymous answer under a random id. Call only after the token was claimed."""
    for _ in range(20):
        row_id = rng.randint(1, MAX_ID)
        taken = await conn.execute(select(ladder_answers.c.id).where(ladder_answers.c.id == row_id))
        if taken.first() is None:
            break
    else:  # pragma: no cover - twenty collisions in two billion is not going to happen
        raise RuntimeError("could not find a free ladder answer id")
    await conn.execute(
        insert(ladder_answers).values(id=row_id, meeting_id=meeting_id, rung=rung, side=side)
    )


async def waiting(conn: AsyncConnection, meeting_id: int, side: str | None) -> list[int]:
    """Ids of one side's answers not yet counted, by random id (so by chance, not arrival)."""
    same_side = ladder_answers.c.side.is_(None) if side is None else ladder_answers.c.side == side
    query = (
        select(ladder_answers.c.id)
        .where(
            ladder_answers.c.meeting_id == meeting_id,
            ladder_answers.c.counted.is_(False),
            same_side,
        )
        .order_by(ladder_answers.c.id)
    )
    return list((await conn.execute(query)).scalars())


async def count_in(conn: AsyncConnection, ids: Sequence[int]) -> None:
    """Count these answers from now on (the caller passes a whole crowd of one side)."""
    for chunk in in_chunks(ids):
        await conn.execute(
            update(ladder_answers).where(ladder_answers.c.id.in_(chunk)).values(counted=True)
        )


async def counted(conn: AsyncConnection, meeting_id: int) -> list[Counted]:
    """The counted answers of a meeting, in random-id order."""
    query = (
        select(ladder_answers.c.rung, ladder_answers.c.side)
        .where(ladder_answers.c.meeting_id == meeting_id, ladder_answers.c.counted.is_(True))
        .order_by(ladder_answers.c.id)
    )
    return [Counted(int(row.rung), row.side) for row in await conn.execute(query)]
