"""The outbox table: effects waiting for a platform to accept them (see `bot.delivery.outbox`).

Each row holds one encoded effect and the platform it is for; a drain leases due rows, marks each
one as being sent just before its platform call (`mark_sending`), and a row is deleted once
delivered or given up on, or put back (unmarked) with a later `next_attempt_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, func, insert, or_, select, update

from bot.store.database import Connection
from bot.store.schema import outbox


async def add(conn: Connection, items: Sequence[tuple[str | None, str]], now: datetime) -> None:
    """Store (platform, encoded effect) pairs, due at `now`, in one statement."""
    rows = [
        {
            "platform": platform,
            "effect": effect,
            "created_at": now,
            "attempts": 0,
            "next_attempt_at": now,
        }
        for platform, effect in items
    ]
    await conn.execute(insert(outbox), rows)


async def count(conn: Connection) -> int:
    """How many effects are waiting."""
    return int((await conn.execute(select(func.count()).select_from(outbox))).scalar_one())


def _free(now: datetime) -> Any:
    return or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now)


def _due(now: datetime, limit: int) -> Any:
    """The ids of rows due at `now` and not leased, oldest first."""
    return (
        select(outbox.c.id)
        .where(outbox.c.next_attempt_at <= now, _free(now))
        .order_by(outbox.c.id)
        .limit(limit)
    )


async def any_due(conn: Connection, now: datetime) -> bool:
    """Whether any row is due at `now` and not leased."""
    return (await conn.execute(_due(now, 1))).first() is not None


class Leased(NamedTuple):
    """A row a drain has just leased."""

    row_id: int
    attempts: int
    effect: str
    marked: bool
    """Still marked as being sent: the drain that held it died (or froze past its lease) between
    marking it and hearing from the platform, so it may have gone out."""


async def lease_due(
    conn: Connection, now: datetime, *, limit: int, until: datetime
) -> list[Leased]:
    """Lease up to `limit` due rows until `until`, counting the attempt; returns them by id."""
    ids = list((await conn.execute(_due(now, limit))).scalars())
    if not ids:
        return []
    # The lease condition is repeated in the UPDATE: under PostgreSQL a second clock that
    # waited for this row re-checks it and takes nothing.
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(ids), _free(now))
        .values(lease_until=until, attempts=outbox.c.attempts + 1)
        .returning(outbox.c.id, outbox.c.attempts, outbox.c.effect, outbox.c.sending_since)
    )
    return sorted(
        Leased(row.id, row.attempts, row.effect, row.sending_since is not None) for row in result
    )


async def mark_sending(conn: Connection, row_id: int, attempts: int, now: datetime) -> bool:
    """Mark a row as being sent, if it is still leased with these `attempts` (no other drain has
    taken it since); returns whether it was. One tiny UPDATE: it commits before every send."""
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.attempts == attempts)
        .values(sending_since=now)
        .returning(outbox.c.id)
    )
    return result.first() is not None


async def renew_lease(
    conn: Connection, rows: Sequence[tuple[int, int]], *, until: datetime
) -> set[int]:
    """Lease the (id, attempts) rows until `until`, each only while its attempts are still the
    ones given (no other drain has leased it since); returns the ids renewed."""
    by_attempts: dict[int, list[int]] = {}
    for row_id, attempts in rows:
        by_attempts.setdefault(attempts, []).append(row_id)
    result = await conn.execute(
        update(outbox)
        .where(
            or_(
                *(
                    and_(outbox.c.id.in_(ids), outbox.c.attempts == attempts)
                    for attempts, ids in by_attempts.items()
                )
            )
        )
        .values(lease_until=until)
        .returning(outbox.c.id)
    )
    return set(result.scalars())


async def delete_rows(conn: Connection, ids: Sequence[int]) -> None:
    """Delete a batch of rows in one statement (a fan-out is hundreds of rows)."""
    await conn.execute(delete(outbox).where(outbox.c.id.in_(ids)))


async def delete_row(conn: Connection, row_id: int) -> None:
    await conn.execute(delete(outbox).where(outbox.c.id == row_id))


async def retry_at(conn: Connection, row_id: int, when: datetime) -> None:
    """Release a row's lease, clear its mark and make it due again at `when` (it did not go out:
    the platform said so)."""
    await conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id)
        .values(lease_until=None, next_attempt_at=when, sending_since=None)
    )
