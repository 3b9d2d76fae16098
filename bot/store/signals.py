"""Signals asked during a meeting ("slow down", "too much jargon", "I need a break"), counted
without anyone's name.

A crowd is one kind of signal (and, for jargon, one word) in one window of minutes of one
meeting: the first signal opens it, and those within the window count in it. `asked` is how many
people asked; `alerted` how many of them facilitators have been told of (in whole crowds). The
tokens beside it (keyed hashes salted by the crowd, `bot.identity.anonymous_token`) only stop one
person counting twice in a window; no row anywhere says who asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import elephants
from bot.store.dialect import in_chunks, insert_or_ignore
from bot.store.schema import signal_crowds, signal_tokens

SLOW, JARGON, BREAK = "slow", "jargon", "break"
KINDS = (SLOW, JARGON, BREAK)
TOKEN_PURPOSE = "signal"
"""The purpose of a person's token in a crowd (`anonymous_token(secret, TOKEN_PURPOSE, crowd id,
who)`): known here so that `forget-me` can unlink them."""


@dataclass(frozen=True, slots=True)
class Crowd:
    id: int
    meeting_id: int
    kind: str
    word_key: str
    opened_at: datetime
    asked: int
    alerted: int

    @classmethod
    def from_row(cls, row: RowMapping) -> Crowd:
        return cls(**{name: row[name] for name in cls.__slots__})


async def open_crowd(
    conn: AsyncConnection,
    meeting_id: int,
    kind: str,
    word_key: str,
    *,
    now: datetime,
    window: timedelta,
) -> Crowd:
    """The crowd this signal counts in: the latest one of its kind opened within `window`, or a
    new one opened now."""
    query = (
        select(signal_crowds)
        .where(
            signal_crowds.c.meeting_id == meeting_id,
            signal_crowds.c.kind == kind,
            signal_crowds.c.word_key == word_key,
            signal_crowds.c.opened_at > now - window,
        )
        .order_by(signal_crowds.c.opened_at.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    if row is not None:
        return Crowd.from_row(row)
    values = {"meeting_id": meeting_id, "kind": kind, "word_key": word_key, "opened_at": now}
    result = await conn.execute(
        insert(signal_crowds).values(asked=0, alerted=0, **values).returning(signal_crowds.c.id)
    )
    return Crowd(result.scalar_one(), meeting_id, kind, word_key, now, 0, 0)


async def count_once(conn: AsyncConnection, crowd_id: int, token: str) -> int | None:
    """Count one person in the crowd: how many have asked now, or None when this token asked
    in this crowd already (nothing changes)."""
    claimed = await conn.execute(
        insert_or_ignore(conn, signal_tokens).values(crowd_id=crowd_id, token=token)
    )
    if claimed.rowcount != 1:
        return None
    await conn.execute(
        update(signal_crowds)
        .where(signal_crowds.c.id == crowd_id)
        .values(asked=signal_crowds.c.asked + 1)
    )
    query = select(signal_crowds.c.asked).where(signal_crowds.c.id == crowd_id)
    return int((await conn.execute(query)).scalar_one())


async def claim_alert(conn: AsyncConnection, crowd_id: int, shown: int) -> bool:
    """Record that facilitators are told `shown` people asked. True only for the first caller
    to reach that figure, so each whole crowd is told once."""
    result = await conn.execute(
        update(signal_crowds)
        .where(signal_crowds.c.id == crowd_id, signal_crowds.c.alerted < shown)
        .values(alerted=shown)
    )
    return result.rowcount == 1


async def delete_before(conn: AsyncConnection, before: datetime) -> int:
    """Forget the crowds (and their tokens) opened before `before`: they were for the moment."""
    result = await conn.execute(delete(signal_crowds).where(signal_crowds.c.opened_at < before))
    return result.rowcount


async def crowd_ids(conn: AsyncConnection, meeting_ids: Sequence[int]) -> list[int]:
    """The ids of the crowds of these meetings (for unlinking a forgotten person's tokens)."""
    found: list[int] = []
    for chunk in in_chunks(meeting_ids):
        query = select(signal_crowds.c.id).where(signal_crowds.c.meeting_id.in_(chunk))
        found.extend((await conn.execute(query)).scalars())
    return found


async def scramble_tokens(conn: AsyncConnection, tokens: Sequence[str]) -> int:
    """Unlink the signal tokens among `tokens` (see `bot.store.elephants.scramble_tokens`)."""
    return await elephants.scramble_tokens(conn, signal_tokens, tokens)
