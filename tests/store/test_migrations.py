"""The Alembic migrations and the schema in code describe the same database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.store.revision import VERSIONS, next_revision_id
from bot.store.schema import metadata


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _columns(connection: Connection) -> dict[str, set[str]]:
    inspector = inspect(connection)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


async def test_migrated_database_matches_schema(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    await upgrade(url)
    await upgrade(url)  # running it again is harmless
    db = Database(url)
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    await db.dispose()


async def test_anonymous_tables_have_no_column_for_an_author(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    await upgrade(url)
    db = Database(url)
    async with db.engine.connect() as conn:
        columns = await conn.run_sync(_columns)
    await db.dispose()
    suspicious = ("member", "user", "author", "who", "name", "by")
    for table in (
        "elephants",
        "perspectives",
        "reflections",
        "elephant_marks",
        "perspective_tokens",
        "reflection_tokens",
    ):
        for column in columns[table]:
            assert not any(word in column for word in suspicious), (table, column)


async def test_sqlite_is_configured_for_concurrency(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    async with db.read() as conn:
        mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
        fks = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar()
        busy = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
    await db.dispose()
    assert (mode, fks) == ("wal", 1)
    assert busy and busy >= 5000


async def test_a_deleted_meetings_id_is_never_reused(db: Database) -> None:
    """Firing keys name meeting ids, so a reused id would silently skip a new meeting's jobs."""
    from datetime import UTC, datetime

    from bot.store import groups, meetings
    from bot.store.schema import meetings as meetings_table
    from tests.dialogue import channel

    when = datetime(2026, 5, 5, 10, tzinfo=UTC)
    async with db.write() as conn:
        group = await groups.create(conn, channel(), "G", now=when, timezone="UTC", k=3)
        first = await meetings.create(conn, group.id, when, None, status="scheduled", source="x")
        await conn.execute(meetings_table.delete().where(meetings_table.c.id == first.id))
        second = await meetings.create(conn, group.id, when, None, status="scheduled", source="x")
    assert second.id != first.id


def test_the_next_revision_is_numbered_after_the_newest() -> None:
    names = [path.name for path in VERSIONS.glob("*.py")]
    newest = max(int(name.split("_", 1)[0]) for name in names if name[:4].isdigit())
    assert next_revision_id() == f"{newest + 1:04d}"


async def test_a_current_database_is_not_handed_to_alembic_and_heads_match_alembics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic.script import ScriptDirectory

    from bot.store import migrate

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert migrate.declared_heads() == set(script.get_heads())
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    await upgrade(url)  # a new database: Alembic runs
    ran: list[object] = []
    monkeypatch.setattr(migrate, "_upgrade", lambda *args: ran.append(args))
    await upgrade(url)  # already current: read from the files, nothing run
    assert ran == []
    monkeypatch.setattr(migrate, "declared_heads", lambda: {"a-newer-revision"})
    await upgrade(url)  # the files say more is due: Alembic decides
    assert len(ran) == 1
