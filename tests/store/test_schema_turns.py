"""Several processes starting at once each bring the schema up to date first (web processes after
a deploy, a clock beside them). They take turns, so none fails on a table another is creating:
on a brand-new database, the Slack SDK's tables included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.adapters.slack.oauth import Installations
from bot.adapters.slack.settings import SlackSettings
from bot.store.database import Database
from bot.store.migrate import head_revisions, upgrade
from bot.store.schema import metadata
from testkit.throwaway_postgres import create_database, drop_database
from tests.conftest import ON_POSTGRES

STARTING_AT_ONCE = 4
SLACK_TABLES = {"slack_bots", "slack_installations", "slack_oauth_states"}


@pytest.fixture
async def new_database(tmp_path: Path) -> AsyncIterator[str]:
    """A database nothing has touched yet: a new PostgreSQL database, or a new SQLite file."""
    if not ON_POSTGRES:
        yield f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
        return
    url = await create_database("cg_turns")
    try:
        yield url
    finally:
        await drop_database(url)


async def _tables(url: str) -> set[str]:
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await db.dispose()


async def test_processes_migrating_a_new_database_at_once_all_succeed(new_database: str) -> None:
    await asyncio.gather(*(upgrade(new_database) for _ in range(STARTING_AT_ONCE)))
    assert set(metadata.tables) <= await _tables(new_database)
    db = Database(new_database)
    try:
        async with db.read() as conn:
            version = await conn.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert {row[0] for row in version} == head_revisions()
    finally:
        await db.dispose()


async def test_the_slack_tables_come_with_the_migrations(new_database: str) -> None:
    """slack-sdk's stores find their tables made by the migrations: nothing creates them later."""
    await asyncio.gather(*(upgrade(new_database) for _ in range(STARTING_AT_ONCE)))
    assert await _tables(new_database) >= SLACK_TABLES
    settings = SlackSettings(
        SLACK_SIGNING_SECRET="secret",
        SLACK_CLIENT_ID="111.222",
        SLACK_CLIENT_SECRET="client-secret",
        _env_file=None,  # type: ignore[call-arg]
    )
    db = Database(new_database)
    try:
        assert await Installations(db, settings).token_for("T0NOBODY") is None
    finally:
        await db.dispose()
