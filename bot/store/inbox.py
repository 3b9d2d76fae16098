"""The inbox table: requests a platform was told were received, until they are handled.

A row is written in one statement before the platform hears "received" (`bot.inbox`), leased by
the process handling it, and deleted once handled. `leased_until` doubles as a failed row's
back-off: a row is free when it is unset or past. Rows hold raw request bodies (people's words),
so nothing here is ever logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from bot.store.database import Database
from bot.store.dialect import insert_or_ignore
from bot.store.schema import inbox


@dataclass(frozen=True)
class Entry:
    """One waiting request, as stored."""

    id: int
    key: str
    body: str
    content_type: str
    attempts: int


def _free(now: datetime) -> Any:
    return or_(inbox.c.leased_until.is_(None), inbox.c.leased_until <= now)


async def add(
    db: Database,
    platform: str,
    key: str,
    body: str,
    content_type: str,
    now: datetime,
    *,
    leased_until: datetime | None = None,
) -> int | None:
    """Store one request in one insert; its row id, or None when `key` is already waiting (a
    platform's retry). Given `leased_until`, the row starts leased to the caller."""
    async with db.write() as conn:
        result = await conn.execute(
            insert_or_ignore(conn, inbox)
            .values(
                platform=platform,
                delivery_key=key[:200],
                body=body,
                content_type=content_type[:100],
                received_at=now,
                attempts=1 if leased_until else 0,
                leased_until=leased_until,
            )
            .returning(inbox.c.id)
        )
        found = result.scalar_one_or_none()
    return int(found) if found is not None else None


@dataclass(frozen=True)
class Arrival:
    """One request to store (see `add`)."""

    key: str
    body: str
    content_type: str
    leased_until: datetime | None = None


async def add_many(
    db: Database, platform: str, arrivals: Sequence[Arrival], now: datetime
) -> list[int | None]:
    """Store several requests in one transaction (one commit for all of them): for each, its row
    id, or None when its key is already waiting. A commit costs far more than an insert, so
    requests arriving together are committed together."""
    if not arrivals:
        return []
    rows = [
        {
            "platform": platform,
            "delivery_key": arrival.key[:200],
            "body": arrival.body,
            "content_type": arrival.content_type[:100],
            "received_at": now,
            "attempts": 1 if arrival.leased_until else 0,
            "leased_until": arrival.leased_until,
        }
        for arrival in arrivals
    ]
    # Someone waits for this commit before being answered: it goes before queued writers. The
    # rows go in one statement; those whose key was already waiting are not returned.
    async with db.write(first=True) as conn:
        result = await conn.execute(
            insert_or_ignore(conn, inbox).returning(inbox.c.id, inbox.c.delivery_key), rows
        )
        stored = {str(row.delivery_key): int(row.id) for row in result}
    found: list[int | None] = []
    for row in rows:  # a key twice in one batch: the first is stored, the second a repeat
        found.append(stored.pop(str(row["delivery_key"]), None))
    return found


async def count(db: Database, platform: str) -> int:
    """How many requests for `platform` are waiting, leased or not."""
    async with db.read() as conn:
        found = await conn.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.platform == platform)
        )
    return int(found or 0)


async def lease(
    db: Database, platform: str, now: datetime, *, limit: int, until: datetime
) -> list[Entry]:
    """Lease up to `limit` free rows of `platform` until `until`, oldest first, counting the
    attempt."""
    async with db.write() as conn:
        ids = list(
            (
                await conn.execute(
                    select(inbox.c.id)
                    .where(inbox.c.platform == platform, _free(now))
                    .order_by(inbox.c.id)
                    .limit(limit)
                )
            ).scalars()
        )
        if not ids:
            return []
        # The free condition is repeated: under PostgreSQL another process that waited for these
        # rows re-checks it and takes nothing.
        result = await conn.execute(
            update(inbox)
            .where(inbox.c.id.in_(ids), _free(now))
            .values(leased_until=until, attempts=inbox.c.attempts + 1)
            .returning(
                inbox.c.id,
                inbox.c.delivery_key,
                inbox.c.body,
                inbox.c.content_type,
                inbox.c.attempts,
            )
        )
        rows = sorted(result, key=lambda row: int(row.id))
    return [Entry(int(r.id), r.delivery_key, r.body, r.content_type, int(r.attempts)) for r in rows]


async def renew(db: Database, ids: Sequence[int], until: datetime) -> None:
    """Keep this process's lease on rows it is still handling."""
    if not ids:
        return
    async with db.write() as conn:
        await conn.execute(update(inbox).where(inbox.c.id.in_(ids)).values(leased_until=until))


async def remove(db: Database, row_id: int) -> None:
    """A row handled (or given up on) is deleted."""
    async with db.write() as conn:
        await conn.execute(delete(inbox).where(inbox.c.id == row_id))


async def remove_many(db: Database, row_ids: Sequence[int]) -> None:
    """Rows handled together are deleted in one statement."""
    if not row_ids:
        return
    async with db.write() as conn:
        await conn.execute(delete(inbox).where(inbox.c.id.in_(list(row_ids))))


async def retry_at(db: Database, row_id: int, when: datetime) -> None:
    """Let go of a failed row until `when`."""
    async with db.write() as conn:
        await conn.execute(update(inbox).where(inbox.c.id == row_id).values(leased_until=when))


async def find(db: Database, platform: str, key: str) -> Entry | None:
    """The waiting row with `key`, if any (for tests and operators' checks)."""
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(inbox).where(inbox.c.platform == platform, inbox.c.delivery_key == key[:200])
            )
        ).first()
    if row is None:
        return None
    return Entry(int(row.id), row.delivery_key, row.body, row.content_type, int(row.attempts))
