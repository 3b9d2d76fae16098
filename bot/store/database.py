"""Engine set-up for SQLite (aiosqlite) and PostgreSQL (asyncpg), and the two kinds of transaction.

SQLite needs care under asyncio (see SQLAlchemy's aiosqlite notes): the driver's own transaction
handling is switched off and we emit `BEGIN` ourselves — `BEGIN IMMEDIATE` for writes, so two
writers queue on the busy timeout instead of failing when a read lock cannot be upgraded. WAL lets
readers carry on while one writer works; foreign keys are on so cascades actually happen.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection as SyncConnection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL's codes for losing a race to a concurrent transaction: a unique key written first by
# the other side, a serialization failure, a deadlock. Running the whole transaction again sees
# the winner's rows and does the right thing (joins the existing member, takes the next number).
RACE_SQLSTATES = frozenset({"23505", "40001", "40P01"})
RACE_ATTEMPTS = 3
SCHEMA_LOCK_KEY = 0x436F4752  # any fixed number: PostgreSQL's advisory lock for schema changes

Connection: TypeAlias = AsyncConnection
"""A connection inside one of our transactions; what every store query takes. Code outside the
store names it by this alias, so only `bot/store/` depends on SQLAlchemy."""


def lost_a_race(exc: BaseException) -> bool:
    """Whether `exc` is PostgreSQL telling us a concurrent transaction got there first.

    SQLite never says so: its writers queue one at a time (`BEGIN IMMEDIATE`)."""
    if not isinstance(exc, DBAPIError):
        return False
    return getattr(exc.orig, "sqlstate", None) in RACE_SQLSTATES


def unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached or written just now (a server down, a
    connection cut, no free connection, a full disk, a read-only file): our own outage, which a
    web request answers with 503 so the platform tries again, not a bug answered with 500."""
    if isinstance(exc, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    # The driver's own socket errors can reach us unwrapped (asyncpg resets a connection cut
    # mid-handshake with a plain ConnectionResetError), and so can a connect that timed out.
    return isinstance(exc, OSError | TimeoutError)


def backend_and_database(url: str) -> tuple[str, str | None]:
    """The backend a database URL names ("sqlite", "postgresql") and its database part (for
    SQLite: the file's path, ":memory:" or None)."""
    parsed = make_url(url)
    return parsed.get_backend_name(), parsed.database


def describe_url(url: str) -> str:
    """A database URL for people to read, without any password in it."""
    return make_url(url).render_as_string(hide_password=True)


def _use_wal(cursor: Any) -> None:
    """Put the file in WAL mode, which it keeps: the first connection to a new file does it.

    The switch needs the file to itself and SQLite does not wait for that (no busy handler), so
    when several connections open a brand-new file at once, all but one are told "locked". The
    one that got in makes the file WAL for everyone, so the others carry on."""
    cursor.execute("PRAGMA journal_mode")
    if str(cursor.fetchone()[0]).lower() == "wal":
        return
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception as exc:
        if "locked" not in str(exc).lower():
            raise


def _prepare_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: SyncConnection) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get("write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


class WriterTurns:
    """A lock handed over in order of arrival, except that writers asking to go first are let in
    before every ordinary one waiting (and in order among themselves)."""

    def __init__(self) -> None:
        self._held = False
        self._first: deque[asyncio.Future[None]] = deque()
        self._others: deque[asyncio.Future[None]] = deque()

    async def acquire(self, first: bool = False) -> None:
        if not self._held:  # nobody waits while it is free: release hands it straight on
            self._held = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._first if first else self._others).append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed over just as the wait was given up: pass it on
            raise

    def release(self) -> None:
        """Hand the turn to the next writer still waiting, or free it."""
        for waiting in (self._first, self._others):
            while waiting:
                turn = waiting.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._held = False


class Database:
    """One engine per process; `write()` and `read()` hand out a connection inside a transaction."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLite connections run in autocommit mode and every transaction is ours (`write`,
        # `read`, both always ended), so the pool's rollback on return would be one more
        # round trip to aiosqlite's thread for nothing.
        self.engine: AsyncEngine = create_async_engine(
            self.url,
            pool_pre_ping=not self.is_sqlite,
            pool_reset_on_return=None if self.is_sqlite else "rollback",
            hide_parameters=True,
        )
        if self.is_sqlite:
            _prepare_sqlite(self.engine)
        self.writer_wait = SQLITE_BUSY_TIMEOUT_MS / 1000
        """Seconds a SQLite writer waits for this process's writer before it to finish."""
        self._turns = WriterTurns()
        self._turns_loop: asyncio.AbstractEventLoop | None = None

    @asynccontextmanager
    async def write(self, *, first: bool = False) -> AsyncIterator[AsyncConnection]:
        """A transaction that may write; committed when the block ends without an exception.

        `first` puts it ahead of this process's other waiting writers (on SQLite): for a commit
        someone is waiting on, such as the inbox's before a request is acknowledged, rather than
        behind a queue of scheduled jobs."""
        async with self._one_writer(first), self.engine.connect() as conn:
            conn = await conn.execution_options(write=True)
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def schema_change(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction for changing the schema, one process at a time.

        Several processes may start at once (web processes after a deploy, a clock beside them),
        and each brings the schema up to date first. Without turns, two would both see a table
        missing and both create it, and one would fail. PostgreSQL takes an advisory lock held
        until the transaction ends; SQLite's `BEGIN IMMEDIATE` already lets one writer in."""
        async with self.write() as conn:
            if not self.is_sqlite:
                await conn.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
            yield conn

    @asynccontextmanager
    async def _one_writer(self, first: bool = False) -> AsyncIterator[None]:
        """On SQLite, this process's writers take turns here before `BEGIN IMMEDIATE`.

        SQLite lets one writer in at a time anyway; waiting in its busy handler means sleeping in
        growing steps and waking late, while turns in the process hand over the moment the writer
        before commits: under a burst of answers, about a third more of them a second. The wait
        is bounded like the busy timeout; other processes (a backup, the command line) still meet
        the busy timeout itself. `first` writers are let in before the others."""
        if not self.is_sqlite:
            yield
            return
        turns = self._writer_turns()
        async with asyncio.timeout(self.writer_wait):
            await turns.acquire(first)
        try:
            yield
        finally:
            turns.release()

    def _writer_turns(self) -> WriterTurns:
        """The turns for the running event loop (tests run one database under several loops)."""
        loop = asyncio.get_running_loop()
        if self._turns_loop is not loop:
            self._turns, self._turns_loop = WriterTurns(), loop
        return self._turns

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction (rolled back at the end)."""
        async with self.engine.connect() as conn, conn.begin() as tx:
            yield conn
            await tx.rollback()

    async def dispose(self) -> None:
        await self.engine.dispose()
