"""Shared fixtures: a migrated database per test, a core on a controlled clock, a chat.

The database is an SQLite file per test unless `COMMONGROUND_TEST_DATABASE=postgresql`: then one
throw-away PostgreSQL database is created for the whole run (`cg_test_<random>` on the server named
by `COMMONGROUND_TEST_POSTGRES`, default the local one), migrated once, emptied before each test
and dropped at the end. Tests that look at the SQLite file itself mark themselves `sqlite_only`.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.context import Services
from bot.core import Core
from bot.prompts import load_library
from bot.settings import Settings
from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.store.schema import metadata
from testkit.throwaway_postgres import create_database, drop_database
from tests.dialogue import Chat, FakeClock

TEST_SECRET = "test-secret-key-for-keyed-hashes"
TEST_DATABASE = os.environ.get("COMMONGROUND_TEST_DATABASE", "sqlite").strip().lower()
ON_POSTGRES = TEST_DATABASE in {"postgresql", "postgres", "pg"}
# Children first; alembic_version is left alone.
ALL_TABLES = ", ".join(table.name for table in reversed(metadata.sorted_tables))
# Emptying the tables between tests: DELETE is several times quicker than TRUNCATE on tables this
# small. Our tables go children first (the Slack SDK's among them); any others after them; then
# every sequence restarts, so ids begin at 1 again as they do in a fresh SQLite file.
RESET_POSTGRES = """
DO $$
DECLARE name text;
BEGIN
  FOREACH name IN ARRAY string_to_array('%s', ',') LOOP
    EXECUTE format('DELETE FROM %%I', name);
  END LOOP;
  FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
      AND tablename <> 'alembic_version' AND NOT tablename = ANY(string_to_array('%s', ','))
  LOOP
    EXECUTE format('DELETE FROM %%I', name);
  END LOOP;
  FOR name IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
    EXECUTE format('ALTER SEQUENCE %%I RESTART', name);
  END LOOP;
END $$
""" % ((ALL_TABLES.replace(" ", ""),) * 2)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test inspects SQLite itself; skipped on PostgreSQL"
    )
    if TEST_DATABASE not in {"sqlite", "postgresql", "postgres", "pg"}:
        raise pytest.UsageError(
            f"COMMONGROUND_TEST_DATABASE={TEST_DATABASE!r}: use sqlite or postgresql"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@pytest.fixture(autouse=True)
def _collector_as_found() -> Iterator[None]:
    """Serving in-process tunes the garbage collector (bot/gc_tuning.py): put it back as it was,
    so one test's tuning never changes the next one's."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped afterwards."""
    if not ON_POSTGRES:
        pytest.skip("needs COMMONGROUND_TEST_DATABASE=postgresql")
    url = asyncio.run(create_database("cg_test"))
    try:
        asyncio.run(upgrade(url))
        yield url
    finally:
        asyncio.run(drop_database(url))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if ON_POSTGRES:
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("DATABASE_URL", "COMMONGROUND_SECRET_KEY", "COMMONGROUND_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return Settings(
        DATABASE_URL=database_url,
        COMMONGROUND_DATA_DIR=tmp_path,
        COMMONGROUND_SECRET_KEY=TEST_SECRET,
        _env_file=None,
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    url = settings.resolved_database_url()
    if ON_POSTGRES:
        database = Database(url)
        async with database.write() as conn:  # each test starts empty, ids from 1
            await conn.execute(text(RESET_POSTGRES))
    else:
        await upgrade(url)
        database = Database(url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Services:
    return Services(
        settings=settings,
        secret=settings.resolved_secret(),
        prompts=load_library(),
        clock=clock,
        rng=random.Random(1234),
    )


@pytest.fixture
def core(db: Database, services: Services) -> Core:
    return Core(db, services)


@pytest.fixture
def chat(core: Core, clock: FakeClock) -> Chat:
    return Chat(core, clock)
