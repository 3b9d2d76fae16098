"""Apply Alembic migrations programmatically (used by `migrate`, start-up and the tests).

Every process brings the schema up to date as it starts, and a host that scales to zero starts
the bot on the first request, which waits for it. Almost always the schema is current already, so
the revisions the migration files declare are read from the files themselves (a few lines each)
and compared with the database's first: Alembic is imported and run only when they differ (or when
a file cannot be read that simply), which keeps its import and its run off the start-up path.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision(?:\s*:[^=]*)?\s*=\s*[\"']([^\"']+)[\"']\s*$", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]*)?\s*=\s*(.+?)\s*$", re.MULTILINE)


def declared_heads() -> set[str] | None:
    """The head revision(s), read from the migration files without Alembic; None when a file
    declares its revisions in a way this simple reading does not follow (Alembic then decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        value = down[0]
        if value != "None":
            found = re.findall(r"[\"']([^\"']+)[\"']", value)
            if not found:
                return None
            parents.update(found)
    heads = revisions - parents
    return heads or None


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _upgrade(connection: Connection, cfg: Config) -> None:
    from alembic import command

    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def _current_or_nothing(conn: AsyncConnection) -> set[str]:
    """The database's revisions; none for a database never migrated (no version table yet)."""
    try:
        async with conn.begin_nested():
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return {str(row[0]) for row in rows}
    except Exception:  # no such table: a new database
        return set()


async def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema. Safe to run again, and from several
    processes at once: they take turns (`Database.schema_change`), and the later ones find the
    schema already up to date.

    Alembic is synchronous, so it runs on a sync connection borrowed from the async engine.
    """
    from bot.store.database import Database

    db = Database(url)  # creates the SQLite directory and applies pragmas
    try:
        async with db.schema_change() as conn:
            heads = declared_heads()
            if heads is not None and await _current_or_nothing(conn) == heads:
                return  # already current: nothing for Alembic to do
            await conn.run_sync(_upgrade, alembic_config(url))
    finally:
        await db.dispose()


def head_revisions() -> set[str]:
    """The revision(s) the code expects the database to be at."""
    heads = declared_heads()
    if heads is not None:
        return heads
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


async def current_revisions(conn: AsyncConnection) -> set[str]:
    """Check that the database answers, then read the revision(s) its schema is at."""
    await conn.execute(text("SELECT 1"))
    rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
    return {str(row[0]) for row in rows}


def upgrade_sync(url: str) -> None:
    asyncio.run(upgrade(url))


__all__ = [
    "alembic_config",
    "create_async_engine",
    "current_revisions",
    "head_revisions",
    "upgrade",
    "upgrade_sync",
]
