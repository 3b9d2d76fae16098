"""`commonground backup PATH`: an online, consistent copy of the SQLite database.

SQLite's backup API copies the database as one snapshot while the bot keeps running (WAL lets it
go on writing meanwhile). The copy is written next to PATH first and renamed into place, so PATH
is either absent or a complete database. PostgreSQL has its own, better tools; we say which.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bot.store.database import backend_and_database

POSTGRES_ADVICE = (
    "`commonground backup` copies SQLite databases only. This one is PostgreSQL: use its own "
    'tools, e.g. `pg_dump --format=custom --file=commonground.dump "$DATABASE_URL_FOR_PSQL"` '
    "(the URL without `+asyncpg`) daily, or your host's managed backups with point-in-time "
    "recovery; restore with `pg_restore`."
)


class BackupRefused(Exception):
    """Nothing was copied; the message says why and what would work."""


def sqlite_file(url: str) -> Path:
    """The database file behind an SQLite URL, or BackupRefused for anything else."""
    backend, database = backend_and_database(url)
    if backend != "sqlite":
        raise BackupRefused(POSTGRES_ADVICE)
    if not database or database == ":memory:":
        raise BackupRefused("An in-memory database cannot be backed up; there is no file.")
    path = Path(database)
    if not path.exists():
        raise BackupRefused(
            f"There is no database at {path} yet. "
            "Run `commonground migrate` or start the bot first."
        )
    return path


def backup(url: str, destination: Path) -> Path:
    """Copy the live SQLite database at `url` to `destination` (which must not exist yet)."""
    source = sqlite_file(url)
    destination = destination.expanduser()
    if destination.resolve() == source.resolve():
        raise BackupRefused("The backup must go to a different file from the database itself.")
    if destination.exists():
        raise BackupRefused(
            f"{destination} already exists; choose a new file name (backups are never overwritten)."
        )
    if not destination.parent.is_dir():
        raise BackupRefused(f"The folder {destination.parent} does not exist; create it first.")
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            dst.close()
        os.replace(partial, destination)
    finally:
        src.close()
        partial.unlink(missing_ok=True)
    return destination
