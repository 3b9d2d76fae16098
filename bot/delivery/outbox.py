"""The outbox: effects that must reach a platform even if it is down or we crash on the way.

Every storable effect is written here in the same transaction as the change that caused it
(`enqueue`): a command's, a button's or a form's (`bot.core.Core.handle`) as well as a scheduled
job's, so a fan-out begun by a process that then dies is finished by the next drain, and a summary
claimed by a clock that dies is still posted. `Outbox.drain` leases due rows (so two processes
never send the same row), hands each effect to the platform, deletes it once accepted, and
otherwise tries again later with growing pauses, giving up (with a log line) after a day or so.
The process's drain runs in `bot.delivery.drainer`, woken by adapters once they have answered.

Logs name the kind of effect and the row, never its text or who it was for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.delivery.codec import decode, encode, storable
from bot.delivery.router import Deliverer, platform_of
from bot.effects import Effect
from bot.store import outbox
from bot.store.database import Connection, Database

LEASE = timedelta(minutes=2)
BATCH = 100
MAX_ATTEMPTS = 12
FIRST_PAUSE = timedelta(seconds=15)
LONGEST_PAUSE = timedelta(hours=2)

log = logging.getLogger(__name__)


def pause_after(attempts: int) -> timedelta:
    """15 s, 30 s, 1 min, … doubling up to two hours: about a day over `MAX_ATTEMPTS` tries."""
    doubled: timedelta = FIRST_PAUSE * 2 ** max(attempts - 1, 0)
    return min(doubled, LONGEST_PAUSE)


async def enqueue(conn: Connection, effects: Sequence[Effect], now: datetime) -> int:
    """Store the storable effects in the caller's transaction; returns how many."""
    items = [(platform_of(effect), encode(effect)) for effect in effects if storable(effect)]
    if items:
        await outbox.add(conn, items, now)
    return len(items)


async def keep(db: Database, effects: Sequence[Effect], now: datetime) -> int:
    """Keep effects a platform refused, to be tried again by the next drain (after a pause)."""
    async with db.write() as conn:
        count = await enqueue(conn, effects, now + FIRST_PAUSE)
    if count:
        log.warning("kept %d undelivered effects in the outbox to try again", count)
    return count


async def pending(db: Database) -> int:
    """How many effects are waiting (for health checks and tests)."""
    async with db.read() as conn:
        return await outbox.count(conn)


class Outbox:
    """Drains the outbox through a deliverer. One drain at a time per process."""

    def __init__(self, db: Database, deliverer: Deliverer, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.deliverer = deliverer
        self.clock = clock
        self._lock = asyncio.Lock()

    async def drain(self) -> int:
        """Deliver everything due now; returns how many were delivered."""
        delivered = 0
        async with self._lock:
            while True:
                leased = await self._lease(self.clock())
                if not leased:
                    return delivered
                delivered += await self._send(leased)

    async def _lease(self, now: datetime) -> list[tuple[int, int, str]]:
        # Most drains find nothing due: a read says so without taking SQLite's one writer.
        async with self.db.read() as conn:
            if not await outbox.any_due(conn, now):
                return []
        async with self.db.write() as conn:
            return await outbox.lease_due(conn, now, limit=BATCH, until=now + LEASE)

    async def _send(self, leased: list[tuple[int, int, str]]) -> int:
        """Hand a leased batch over in one go (a console prints a fan-out once), then settle
        each row: delete what went out, give what failed another try later."""
        effects = [decode(text) for _, _, text in leased]
        try:
            failed = await self.deliverer.deliver(effects) or ()
        except Exception as exc:
            log.warning("delivery of %d outbox rows failed (%s)", len(leased), type(exc).__name__)
            failed = effects
        refused = {id(effect) for effect in failed}
        delivered = [
            row_id
            for (row_id, _, _), effect in zip(leased, effects, strict=True)
            if id(effect) not in refused
        ]
        async with self.db.write() as conn:
            if delivered:  # one statement for the batch: a fan-out is hundreds of rows
                await outbox.delete_rows(conn, delivered)
            for (row_id, attempts, _), effect in zip(leased, effects, strict=True):
                if id(effect) not in refused:
                    continue
                if attempts >= MAX_ATTEMPTS:
                    await outbox.delete_row(conn, row_id)
                    log.error(
                        "gave up on a %s after %d attempts (outbox row %d)",
                        type(effect).__name__,
                        attempts,
                        row_id,
                    )
                else:
                    log.warning("outbox row %d was not delivered; trying again later", row_id)
                    await outbox.retry_at(conn, row_id, self.clock() + pause_after(attempts))
        return len(delivered)
