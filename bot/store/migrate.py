"""Apply Alembic migrations programmatically (used by `migrate`, start-up and the tests)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _upgrade(connection: Connection, cfg: Config) -> None:
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


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
            await conn.run_sync(_upgrade, alembic_config(url))
    finally:
        await db.dispose()


def head_revisions() -> set[str]:
    """The revision(s) the code expects the database to be at."""
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
