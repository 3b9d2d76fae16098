"""What `/readyz` asks of the database: has it been migrated, and does it take a write now.

A database can answer reads while refusing every write (a full disk, a read-only file or `-shm`
file): `write_probe` rewrites one row of `readiness_probe` and commits, which is what every
request needs and costs one tiny transaction. Never migrated is told apart from unreachable, so
`/readyz` can say what to do.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.store.database import Connection, Database
from bot.store.schema import readiness_probe

VERSION_TABLE = "alembic_version"


async def migrated(conn: Connection) -> bool:
    """Whether the schema has ever been migrated here (Alembic's version table exists)."""
    return await conn.run_sync(lambda sync: inspect(sync).has_table(VERSION_TABLE))


async def write_probe(db: Database, now: datetime) -> None:
    """Write and commit one row (raises what the database raises when it cannot)."""
    insert = sqlite_insert if db.is_sqlite else pg_insert
    statement = insert(readiness_probe).values(id=1, checked_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[readiness_probe.c.id], set_={"checked_at": now}
    )
    async with db.write() as conn:
        await conn.execute(statement)
