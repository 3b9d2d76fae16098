"""The outbox: effects that must reach a platform even if it is down or we crash on the way.

Every storable effect is written here in the same transaction as the change that caused it
(`enqueue`): a command's, a button's or a form's (`bot.core.Core.handle`) as well as a scheduled
job's, so a fan-out begun by a process that then dies is finished by the next drain, and a summary
claimed by a clock that dies is still posted. `Outbox.drain` leases due rows (so two processes
never send the same row), hands each effect to the platform, deletes it once accepted, and
otherwise tries again later with growing pauses, giving up (with a log line) after a day or so.

Just before each platform call the row is marked as being sent, in its own short commit
(`Batch.before`). A process killed between the platform accepting a post and the row's deletion
leaves it marked; the drain that leases it after the lease runs out does not send it again but
counts it as an ambiguous send (`bot.delivery.receipts.ambiguous`), as a timeout after the request
was written is counted: a post may be missing, and is counted, but is never doubled. (A
deliverer that does not report receipts, the console's, marks nothing and is settled whole.)
The process's drain runs in `bot.delivery.drainer`, woken by adapters once they have answered.

Logs name the kind of effect and the row, never its text or who it was for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.codec import Storable, decode, encode, storable
from bot.delivery.receipts import ambiguous, receiving
from bot.delivery.router import Deliverer, platform_of
from bot.effects import Effect, UpdatePost
from bot.store import outbox
from bot.store.database import Connection, Database

LEASE = timedelta(seconds=30)
"""How long a drain holds the rows it leased. Short, so a dead process's rows come back soon;
renewed every `RENEW` while its batch is out, so a live slow batch never loses them."""
RENEW = timedelta(seconds=10)
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


def superseded(rows: Sequence[Row]) -> set[int]:
    """The rows whose update a later row of the same batch redraws whole: only the last update of
    a post is sent, and the others are settled unsent. Every update carries the whole card, so
    the post ends the same, with fewer calls: a check-in card redrawn after each of 60 answers
    arriving together is edited once, not 60 times against the platform's rate limit."""
    last: dict[tuple[object, str], int] = {}
    for row in rows:
        if isinstance(row.effect, UpdatePost):
            last[(row.effect.where, row.effect.key)] = row.row_id
    return {
        row.row_id
        for row in rows
        if isinstance(row.effect, UpdatePost)
        and last[(row.effect.where, row.effect.key)] != row.row_id
    }


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

    async def _lease(self, now: datetime) -> list[outbox.Leased]:
        # Most drains find nothing due: a read says so without taking SQLite's one writer.
        async with self.db.read() as conn:
            if not await outbox.any_due(conn, now):
                return []
        async with self.db.write() as conn:
            return await outbox.lease_due(conn, now, limit=BATCH, until=now + LEASE)

    async def _send(self, leased: list[outbox.Leased]) -> int:
        """Hand a leased batch over in one go (a console prints a fan-out once; the chat
        platforms send it through a few lanes). Each row is settled as the platform answers
        (`Batch`, through `bot.delivery.receipts`); what the deliverer did not report on is
        settled when it returns: deleted if it went out, tried again later if it failed.

        A row still marked as being sent is not handed over: its drain died mid-call, so it
        may have gone out; it is counted as an ambiguous send and deleted. An update that a later
        one in the batch redraws is not handed over either (`superseded`), and is deleted with
        the rows that went out."""
        batch = Batch(self, [Row(row.row_id, row.attempts, decode(row.effect)) for row in leased])
        marked = {row.row_id for row in leased if row.marked}
        with receiving(batch):
            for row in batch.rows:
                if row.row_id in marked:
                    await ambiguous(row.effect, "its drain stopped before the platform answered")
        redrawn = superseded([row for row in batch.rows if row.row_id not in marked])
        effects = [row.effect for row in batch.rows if row.row_id not in marked | redrawn]
        if not effects:  # the last update of a post is never superseded: nothing is left unsettled
            return 0
        keeping = asyncio.create_task(batch.keep_leased())
        try:
            with receiving(batch):
                failed = await self.deliverer.deliver(effects) or ()
        except Exception as exc:
            log.warning("delivery of %d outbox rows failed (%s)", len(effects), type(exc).__name__)
            failed = effects
        finally:
            keeping.cancel()
        refused = {id(effect) for effect in failed}
        open_rows = [row for row in batch.rows if row.row_id in batch.ours]
        delivered = [row.row_id for row in open_rows if id(row.effect) not in refused]
        async with self.db.write() as conn:
            if delivered:  # one statement for the rest of the batch
                await outbox.delete_rows(conn, delivered)
            for row in open_rows:
                if id(row.effect) in refused:
                    await self.not_delivered(conn, row)
        return batch.sent + len(set(delivered) - redrawn)

    async def not_delivered(self, conn: Connection, row: Row) -> None:
        """A row that failed for now: tried again after a pause (unmarked), or given up on."""
        if row.attempts >= MAX_ATTEMPTS:
            await outbox.delete_row(conn, row.row_id)
            log.error(
                "gave up on a %s after %d attempts (outbox row %d)",
                type(row.effect).__name__,
                row.attempts,
                row.row_id,
            )
        else:
            log.warning("outbox row %d was not delivered; trying again later", row.row_id)
            when = self.clock() + pause_after(row.attempts)
            await outbox.retry_at(conn, row.row_id, when)


@dataclass(frozen=True)
class Row:
    row_id: int
    attempts: int
    """Counted when the row was leased: with the id, it names this lease (a drain that takes the
    row after our lease ran out counts one more)."""
    effect: Storable


class Batch:
    """The receipts of one leased batch: rows deleted as they go out, the lease kept alive.

    `ours` are the rows neither settled nor lost to another drain. The lease is renewed before
    a send when `RENEW` has passed since the last renewal, and by `keep_leased` every `RENEW`
    seconds while the batch is out (one send can wait long for a platform). Before each send the
    row is marked as being sent, committed before the platform call (see the module docstring)."""

    def __init__(self, owner: Outbox, rows: list[Row]) -> None:
        self.owner = owner
        self.rows = rows
        self.ours = {row.row_id for row in rows}
        self._by_effect = {id(row.effect): row for row in rows}
        self._renewed = owner.clock()
        self._lock = asyncio.Lock()
        self.sent = 0

    async def before(self, effect: Effect) -> bool:
        row = self._by_effect.get(id(effect))
        if row is None:
            return True
        if self.owner.clock() - self._renewed >= RENEW:
            await self.renew()
        if row.row_id not in self.ours:
            return False
        # One tiny UPDATE in its own commit, so the mark is durable before the request leaves.
        async with self.owner.db.write() as conn:
            mine = await outbox.mark_sending(conn, row.row_id, row.attempts, self.owner.clock())
        if not mine:  # another drain leased it after our lease ran out: it is theirs now
            self.ours.discard(row.row_id)
        return mine

    async def accepted(self, effect: Effect) -> None:
        row = self._by_effect.get(id(effect))
        if row is None or row.row_id not in self.ours:
            return
        self.ours.discard(row.row_id)
        self.sent += 1
        async with self.owner.db.write() as conn:
            await outbox.delete_row(conn, row.row_id)

    async def failed(self, effect: Effect) -> None:
        row = self._by_effect.get(id(effect))
        if row is None or row.row_id not in self.ours:
            return
        self.ours.discard(row.row_id)
        async with self.owner.db.write() as conn:
            await self.owner.not_delivered(conn, row)

    async def ambiguous(self, effect: Effect, why: str) -> None:
        row = self._by_effect.get(id(effect))
        where = f"outbox row {row.row_id}" if row else "no outbox row"
        log.warning(
            "a %s may or may not have reached the platform (%s; %s); not sent again",
            type(effect).__name__,
            why,
            where,
        )
        if row is not None and row.row_id in self.ours:
            self.ours.discard(row.row_id)
            async with self.owner.db.write() as conn:
                await outbox.delete_row(conn, row.row_id)

    async def renew(self, *, force: bool = False) -> None:
        """Lengthen the lease of the rows still ours; a row another drain has taken since our
        lease ran out is no longer ours (it will not be sent, or settled, by us)."""
        async with self._lock:
            now = self.owner.clock()
            if not force and now - self._renewed < RENEW:
                return  # renewed by another lane while this one waited
            mine = [(row.row_id, row.attempts) for row in self.rows if row.row_id in self.ours]
            if not mine:
                return
            async with self.owner.db.write() as conn:
                kept = await outbox.renew_lease(conn, mine, until=now + LEASE)
            lost = {row_id for row_id, _ in mine} - kept
            if lost:
                log.warning("%d outbox rows were taken by another drain; leaving them", len(lost))
            self.ours -= lost
            self._renewed = now

    async def keep_leased(self) -> None:
        """While the batch is out: renew the lease every `RENEW` seconds of wall time."""
        while True:
            await asyncio.sleep(RENEW.total_seconds())
            try:
                await self.renew(force=True)
            except Exception as exc:  # the next renewal, or the lease's end, will tell
                log.warning("renewing an outbox lease failed (%s)", type(exc).__name__)
