"""The durable inbox: a request is acknowledged only once it is committed, then handled from here.

A platform's route stores each accepted request in one insert (`Inbox.take_in`) and only then
answers "received"; a worker per process leases a small batch of rows, hands each to the adapter's
`dispatch` (which rebuilds the request and runs the same listeners), and deletes the row. A process
killed at any moment leaves its rows behind: after their short lease, the next worker takes them.
The core records each delivery's key as `once` in the event's own transaction, so a row handled
but not yet deleted when the process died is dropped as a repeat, not done twice.

A person's own requests are handled in the order they were taken in: rows a worker leases together
run at once, except that rows from the same sender (`sender_of`, read from the opened body in
memory, never stored) run one after the other, oldest first, so `setup` typed a moment before
`role` is set up before the role is asked for. Rows are leased oldest first, so a person's quick
successive requests nearly always reach the same worker; two web processes could still each take
one of them, and then the second may be handled first.

Requests that arrive together are committed together (`take_in` joins the batch being gathered
while the previous one commits): one commit per batch rather than per request, which is what lets
acknowledgements keep up with a burst, and rows handled together are deleted together.

Work in flight is bounded: the worker holds at most `batch` rows, and `full()` tells the route to
turn requests away (so the platform retries later) once `limit` rows are waiting. The count is an
in-process estimate kept in step with inserts and deletes and corrected from the table each time
the worker looks for work, so the route never waits for a count.

A request's raw body names who sent it, even for an anonymous elephant, and the promise is that an
anonymous author never reaches the database. So bodies are sealed (Fernet: AES with an HMAC) with
a key derived from the bot's secret, which lives in the configuration, not the database: a row,
or what a deleted row leaves on disk, says nothing to someone who has only the database. Only a
process holding the secret opens it, for the seconds until it is handled and deleted.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.store import inbox
from bot.store.database import Database, unavailable
from bot.store.inbox import Arrival, Entry

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
"""How long a row stays with the process handling it without renewal (renewed every third)."""
BACKOFF = timedelta(seconds=5)
"""A failed row waits this long before its second attempt, doubling after each failure."""

GROUP_COMMIT = 64
"""Most requests committed in one transaction (those arriving while the previous batch commits)."""

MAKE_WAY = 3.0
"""While requests are arriving, the worker rests this many times as long as its last batch took,
so at least three quarters of the event loop is left for acknowledging them..."""
ARRIVING = 0.05
"""...where "arriving" means one came in within this many seconds..."""
CATCH_UP = 5.0
"""...and only for this many seconds of continuous work: past that, a sustained load is handled
at full speed, so that people's answers are not left waiting behind a queue that keeps growing."""

STOP_WAIT = 10.0
"""Seconds a stopping worker is given to finish the rows in hand."""

Dispatch = Callable[[Entry], Awaitable[None]]
KindOf = Callable[[Entry], str]
SenderOf = Callable[[Entry], str | None]
"""Who sent an opened entry (a platform user id), or None when it names no one."""


class InboxSettings(BaseSettings):
    """How much the inbox may hold and work on at once (environment, like `bot.settings`)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    limit: int = Field(default=5000, alias="COMMONGROUND_INBOX_LIMIT", ge=1)
    """Requests waiting (all processes) past which new ones are turned away to be retried."""
    batch: int = Field(default=8, alias="COMMONGROUND_INBOX_BATCH", ge=1, le=100)
    """Rows one worker holds in memory and works on at once."""
    attempts: int = Field(default=5, alias="COMMONGROUND_INBOX_ATTEMPTS", ge=1, le=20)
    """Tries before a request that keeps failing is dropped (with a log line naming its kind)."""
    poll_seconds: float = Field(default=1.0, alias="COMMONGROUND_INBOX_POLL_SECONDS", gt=0)
    """How often an idle worker looks for rows left by a process that died."""


class RetryLater(Exception):
    """Raised by a dispatch whose request failed in a way another attempt may mend."""


def sealer(secret: bytes) -> Fernet:
    """The key inbox bodies are sealed with: derived from the bot's secret, for this use only."""
    key = hmac.new(secret, b"commonground inbox bodies", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def worth_retrying(exc: BaseException) -> bool:
    """Whether a request that failed with `exc` may succeed later: the database or the network
    was away. A mistake in our code would fail the same way again, so it is not retried."""
    return isinstance(exc, OSError | TimeoutError | RetryLater) or unavailable(exc)


class Inbox:
    """One platform's inbox in this process: `take_in` on the route, a worker handing rows on."""

    def __init__(
        self,
        db: Database,
        platform: str,
        dispatch: Dispatch,
        *,
        secret: bytes,
        clock: Callable[[], datetime],
        kind_of: KindOf,
        sender_of: SenderOf | None = None,
        settings: InboxSettings | None = None,
    ) -> None:
        self.db = db
        self.platform = platform
        self.dispatch = dispatch
        self._seal = sealer(secret)
        self.clock = clock
        self.kind_of = kind_of
        self.sender_of = sender_of
        self.settings = InboxSettings() if settings is None else settings
        self.waiting = 0
        self._held: set[int] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False
        self._worker: asyncio.Task[None] | None = None
        self._renewer: asyncio.Task[None] | None = None
        self._arriving: list[tuple[Arrival, asyncio.Future[int | None]]] = []
        self._last_arrival = 0.0
        self._busy_since: float | None = None
        self._committer: asyncio.Task[None] | None = None

    # -- the route's side ----------------------------------------------------------------------

    def full(self) -> bool:
        """Whether requests should be turned away for now (too many waiting)."""
        return self.waiting >= self.settings.limit

    async def take_in(
        self, key: str, body: str, content_type: str, *, hold: bool = False
    ) -> int | None:
        """Commit one request; its row id, or None when the same delivery is already waiting.

        `hold` leases the row to the caller, who handles it inline and calls `finish` (its lease
        is renewed with the worker's; if the process dies, a worker takes it over later)."""
        now = self.clock()
        self._last_arrival = asyncio.get_running_loop().time()
        sealed = self._seal.encrypt(body.encode()).decode("ascii")
        arrival = Arrival(key, sealed, content_type, now + LEASE if hold else None)
        answer: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._arriving.append((arrival, answer))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit(), name=f"{self.platform} intake")
        row = await answer
        if row is None:
            return None
        self.waiting += 1
        if hold:
            self._held.add(row)
        else:
            self._idle.clear()
            self._wake.set()
        return row

    async def _commit(self) -> None:
        """Commit what has arrived, batch after batch, until nothing is waiting to be committed.
        A failed commit fails each request in its batch (they are not acknowledged)."""
        while self._arriving:
            batch, self._arriving = (
                self._arriving[:GROUP_COMMIT],
                self._arriving[GROUP_COMMIT:],
            )
            try:
                rows = await inbox.add_many(
                    self.db, self.platform, [arrival for arrival, _ in batch], self.clock()
                )
            except Exception as exc:
                for _, answer in batch:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for (_, answer), row in zip(batch, rows, strict=True):
                if not answer.done():
                    answer.set_result(row)

    def open(self, entry: Entry) -> Entry:
        """The entry with its body unsealed (`InvalidToken` if sealed with another secret)."""
        return replace(entry, body=self._seal.decrypt(entry.body.encode()).decode())

    async def finish(self, row: int) -> None:
        """A row was handled: delete it."""
        await inbox.remove(self.db, row)
        self._held.discard(row)
        self.waiting = max(0, self.waiting - 1)

    async def give_back(self, row: int) -> None:
        """An inline handling failed: the row goes to the worker, to be tried again."""
        self._held.discard(row)
        try:
            await inbox.retry_at(self.db, row, self.clock())
        except Exception as exc:  # its lease runs out and the worker takes it then
            log.warning("the inbox could not take a row back: %s", type(exc).__name__)
        self._idle.clear()
        self._wake.set()

    # -- the worker ----------------------------------------------------------------------------

    def wake(self) -> None:
        """Look for work now rather than at the next poll (rows whose back-off or lease ended)."""
        if self.running:
            self._idle.clear()
            self._wake.set()

    @property
    def running(self) -> bool:
        return self._worker is not None and not self._worker.done()

    @property
    def idle(self) -> bool:
        """Whether the worker (if running) last found nothing it could take."""
        return not self.running or self._idle.is_set()

    def start(self) -> None:
        """Start this process's worker (and the renewal of its leases)."""
        if self.running:
            return
        self._wake.set()
        self._idle.clear()
        self._worker = asyncio.create_task(self._work(), name=f"{self.platform} inbox")
        self._renewer = asyncio.create_task(self._renew(), name=f"{self.platform} inbox leases")

    async def stop(self) -> None:
        """Stop the worker once the batch in hand is done (at most `STOP_WAIT` seconds; rows
        cut short are taken over after their lease). Rows still waiting stay for the next start."""
        self._stopping = True
        self._wake.set()
        if self._worker is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._worker), STOP_WAIT)
        for task in (self._worker, self._renewer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._worker = self._renewer = None
        self._stopping = False
        self._idle.set()

    async def settled(self) -> None:
        """Wait until the worker finds nothing it can take (tests, and shutdown)."""
        while self.running and not self._idle.is_set():
            await self._idle.wait()

    async def _work(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                self.waiting = await inbox.count(self.db, self.platform)
                now = self.clock()
                entries = await inbox.lease(
                    self.db, self.platform, now, limit=self.settings.batch, until=now + LEASE
                )
            except Exception as exc:  # the database is away: try again after a pause
                log.warning("the inbox could not be read: %s", type(exc).__name__)
                entries = []
            if not entries:
                if self._wake.is_set():
                    continue  # a row came in while this look was under way: look again
                self._busy_since = None
                self._idle.set()
                if self._stopping:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)
                continue
            self._idle.clear()
            loop = asyncio.get_running_loop()
            started = loop.time()
            if self._busy_since is None:
                self._busy_since = started
            opened, unreadable = self._opened(entries)
            queues = self._by_sender(opened)
            handled = await asyncio.gather(*(self._handle_in_turn(queue) for queue in queues))
            await self._finish_all([*unreadable, *(row for rows in handled for row in rows)])
            await self._make_way(loop.time() - started)

    async def _make_way(self, spent: float) -> None:
        """Acknowledgements first: during a burst of requests the worker rests between batches
        (see `MAKE_WAY`), since a request not yet acknowledged is retried or shown as failed,
        while one acknowledged is safe in the table and can be handled a moment later."""
        now = asyncio.get_running_loop().time()
        arriving = now - self._last_arrival < ARRIVING
        started = self._busy_since if self._busy_since is not None else now
        if arriving and now - started < CATCH_UP and not self._stopping:
            await asyncio.sleep(min(spent * MAKE_WAY, 1.0))

    async def _finish_all(self, rows: list[int]) -> None:
        """Delete the rows of a batch that were handled, in one statement."""
        try:
            await inbox.remove_many(self.db, rows)
        except Exception as exc:  # left leased: the core drops them as repeats after the lease
            log.warning(
                "%d handled %s request(s) stayed in the inbox: %s",
                len(rows),
                self.platform,
                type(exc).__name__,
            )
        finally:
            self._held.difference_update(rows)
        self.waiting = max(0, self.waiting - len(rows))

    def _opened(self, entries: list[Entry]) -> tuple[list[Entry], list[int]]:
        """The batch unsealed and held, and the ids of rows nobody can open (to be deleted)."""
        opened: list[Entry] = []
        unreadable: list[int] = []
        for entry in entries:
            self._held.add(entry.id)
            try:
                opened.append(self.open(entry))
            except (InvalidToken, UnicodeDecodeError):
                # Sealed with another secret (it was changed while requests waited): nobody can
                # open it now, so it is dropped rather than retried for ever.
                log.warning(
                    "dropped a waiting %s request sealed with another secret", self.platform
                )
                unreadable.append(entry.id)
        return opened, unreadable

    def _by_sender(self, entries: list[Entry]) -> list[list[Entry]]:
        """The batch as queues: one per sender, oldest first; entries naming no one alone."""
        queues: dict[str, list[Entry]] = {}
        alone: list[list[Entry]] = []
        for entry in sorted(entries, key=lambda e: e.id):
            sender = self.sender_of(entry) if self.sender_of is not None else None
            if sender is None:
                alone.append([entry])
            else:
                queues.setdefault(sender, []).append(entry)
        return [*queues.values(), *alone]

    async def _handle_in_turn(self, queue: list[Entry]) -> list[int]:
        """Hand on one sender's rows in order; the ids of those to be deleted."""
        return [row for entry in queue if (row := await self._handle(entry)) is not None]

    async def _handle(self, entry: Entry) -> int | None:
        """Hand one opened row on; its id when it is to be deleted (handled)."""
        try:
            await self.dispatch(entry)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._held.discard(entry.id)
            await self._failed(entry, exc)
            return None
        return entry.id

    async def _failed(self, entry: Entry, exc: Exception) -> None:
        kind = self.kind_of(entry)
        try:
            if entry.attempts >= self.settings.attempts:
                log.warning(
                    "dropped a %s request after %d failed attempts (%s)",
                    kind,
                    entry.attempts,
                    type(exc).__name__,
                )
                await self.finish(entry.id)
                return
            wait = BACKOFF * 2 ** (entry.attempts - 1)
            log.warning("a %s request failed (%s); trying again later", kind, type(exc).__name__)
            await inbox.retry_at(self.db, entry.id, self.clock() + wait)
        except Exception as err:  # its lease runs out and it is tried again then
            log.warning("the inbox could not record a failure: %s", type(err).__name__)

    async def _renew(self) -> None:
        """Every third of a lease, extend the leases of rows this process still holds."""
        while True:
            await asyncio.sleep(LEASE.total_seconds() / 3)
            held = sorted(self._held)
            if not held:
                continue
            try:
                await inbox.renew(self.db, held, self.clock() + LEASE)
            except Exception as exc:
                log.warning("inbox leases could not be renewed: %s", type(exc).__name__)
