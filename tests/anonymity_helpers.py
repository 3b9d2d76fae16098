"""Checks that an anonymous action left no trace of who did it: database rows, logs, file bytes.

Use the context manager around exactly one anonymous action:

    async with anonymous_action(db, sam, caplog) as seen:
        seen.outcome = await chat.submit(sam, form, {...})

On leaving the block it asserts that
(a) no new or changed row in any table holds Sam's user id or display name (every column, as a
    string) or Sam's member id (integer columns named like `*member*`, or foreign keys to
    `members.id`);
(b) Sam's own rows (members, checkins, round_answers) are exactly as they were;
(c) nothing logged at any level, by any logger but the database drivers' (see
    `DRIVER_LOGGERS`), holds Sam's id or name;
(d) the SQLite file, after a WAL checkpoint, holds Sam's id and name no more often than before
    (they are legitimately in `members`, so occurrences are counted, not searched for);
(e) nothing the action posts or sends to anyone else (channel posts, updates, messages) names Sam.

`snapshot_tables` and `assert_anonymous` are usable on their own, for actions that are not run
through a `Chat` (a scheduled job, for example).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Integer, Table, select

from bot.adapters.console.render import card_text
from bot.effects import MessageMember, PostToConversation, UpdatePost
from bot.identity import Who
from bot.store.database import Database
from bot.store.schema import metadata
from tests.dialogue import Outcome

Row = dict[str, Any]
Snapshot = dict[str, dict[tuple[Any, ...], Row]]
DRIVER_LOGGERS = ("aiosqlite", "sqlalchemy", "asyncpg")
"""Database drivers log each statement with its parameters at DEBUG, including the core's
membership lookup by user id. The app keeps them at WARNING whatever LOG_LEVEL says (checked by
`test_the_database_drivers_are_quiet_even_at_debug`), so their records are left out here."""
OWN_TABLES = {"members": "id", "checkins": "member_id", "round_answers": "member_id"}


def _key(table: Table, row: Row) -> tuple[Any, ...]:
    columns = list(table.primary_key.columns) or list(table.columns)
    return tuple(row[c.name] for c in columns)


async def snapshot_tables(db: Database) -> Snapshot:
    """Every row of every table in the schema, keyed by table name and primary key."""
    found: Snapshot = {}
    async with db.read() as conn:
        for table in metadata.sorted_tables:
            rows = (await conn.execute(select(table))).mappings().all()
            found[table.name] = {_key(table, dict(r)): dict(r) for r in rows}
    return found


def _member_columns(table: Table) -> list[str]:
    """Integer columns that could hold a member id: named like one, or a key to members.id."""
    names = []
    for column in table.columns:
        points_at_members = any(fk.column.table.name == "members" for fk in column.foreign_keys)
        named = "member" in column.name and isinstance(column.type, Integer)
        if points_at_members or named:
            names.append(column.name)
    return names


def member_ids_of(snapshot: Snapshot, who: Who) -> set[int]:
    return {
        row["id"] for row in snapshot.get("members", {}).values() if row["user_id"] == who.user_id
    }


def names_of(snapshot: Snapshot, who: Who) -> set[str]:
    """The person's user id and every name they are known by."""
    names = {who.user_id, who.display_name}
    names |= {
        row["display_name"]
        for row in snapshot.get("members", {}).values()
        if row["user_id"] == who.user_id
    }
    return {name for name in names if name}


def assert_anonymous(before: Snapshot, after: Snapshot, who: Who) -> None:
    """Checks (a) and (b): no new or changed row points at `who`; their own rows are unchanged."""
    member_ids = member_ids_of(before, who) | member_ids_of(after, who)
    names = names_of(before, who)
    tables = {t.name: t for t in metadata.sorted_tables}
    for name, rows in after.items():
        member_columns = _member_columns(tables[name])
        for key, row in rows.items():
            if before.get(name, {}).get(key) == row:
                continue
            for column, value in row.items():
                text = "" if value is None else str(value)
                for secret in names:
                    assert secret not in text, f"{name}.{column} of a new/changed row names them"
                if column in member_columns and value is not None:
                    assert value not in member_ids, f"{name}.{column} holds their member id"
    for name, column in OWN_TABLES.items():
        mine_before = {k: r for k, r in before.get(name, {}).items() if r[column] in member_ids}
        mine_after = {k: r for k, r in after.get(name, {}).items() if r[column] in member_ids}
        assert mine_before == mine_after, f"their {name} rows changed"


def checkpoint_and_read(db: Database) -> bytes:
    """The database file's bytes after moving everything from the WAL into it."""
    path = db.url.database
    assert path and path != ":memory:", "the anonymity checks need a database file"
    connection = sqlite3.connect(path)
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "the WAL checkpoint could not finish"
    finally:
        connection.close()
    data = Path(path).read_bytes()
    wal = Path(path + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def count_in_file(data: bytes, needles: set[str]) -> dict[str, int]:
    counts = {}
    for needle in needles:
        counts[needle] = data.count(needle.encode("utf-8"))
        counts[needle + " (utf-16)"] = data.count(needle.encode("utf-16-le"))
    return counts


def assert_effects_anonymous(outcome: Outcome, who: Who, names: set[str]) -> None:
    """(e) What the action shows to anyone but the actor never names them."""
    for effect in outcome.effects:
        if isinstance(effect, PostToConversation | UpdatePost | MessageMember):
            text = card_text(effect.card)
            buttons = " ".join(b.value for b in effect.card.buttons)
            for secret in names:
                assert secret not in text + buttons, "a post or message names them"


@contextmanager
def _every_logger_at_debug() -> Iterator[None]:
    """Lower every known logger to DEBUG for the block, so a quiet logger hides nothing."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
        and logger.name.split(".")[0] not in DRIVER_LOGGERS  # left out of the check anyway
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    try:
        yield
    finally:
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled


@dataclass
class Seen:
    """Set `outcome` inside the block to have its effects checked too."""

    outcome: Outcome | None = None
    before: Snapshot = field(default_factory=dict)
    after: Snapshot = field(default_factory=dict)


@asynccontextmanager
async def anonymous_action(
    db: Database, who: Who, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Seen]:
    """Run one anonymous action inside the block and check it left no trace of `who`."""
    seen = Seen(before=await snapshot_tables(db))
    names = names_of(seen.before, who)
    # The file check reads SQLite's own file; on PostgreSQL the row and log checks still run.
    file_before = count_in_file(checkpoint_and_read(db), names) if db.is_sqlite else {}
    caplog.clear()
    with caplog.at_level(logging.DEBUG), _every_logger_at_debug():
        yield seen
    seen.after = await snapshot_tables(db)
    assert_anonymous(seen.before, seen.after, who)
    for record in caplog.records:
        if record.name.split(".")[0] in DRIVER_LOGGERS:
            continue
        logged = f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        for secret in names:
            assert secret not in logged, "a log line names them"
    file_after = count_in_file(checkpoint_and_read(db), names) if db.is_sqlite else {}
    for needle, count in file_after.items():
        # Fewer is fine (a freed page that held an old copy was reused); more is a trace.
        assert count <= file_before[needle], "the database file holds their id or name more often"
    if seen.outcome is not None:
        assert_effects_anonymous(seen.outcome, who, names)
