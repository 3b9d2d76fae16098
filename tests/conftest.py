"""Shared fixtures: a migrated SQLite file per test, a core on a controlled clock, a chat."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.context import Services
from bot.core import Core
from bot.prompts import load_library
from bot.settings import Settings
from bot.store.database import Database
from bot.store.migrate import upgrade
from tests.dialogue import Chat, FakeClock

TEST_SECRET = "test-secret-key-for-keyed-hashes"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("DATABASE_URL", "COMMONGROUND_SECRET_KEY", "COMMONGROUND_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
        COMMONGROUND_DATA_DIR=tmp_path,
        COMMONGROUND_SECRET_KEY=TEST_SECRET,
        _env_file=None,
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    url = settings.resolved_database_url()
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
