"""What the Teams tests share: Teams switched on with authentication off (a test module may
choose otherwise), and the web app on loopback with the fake connector."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import build
from bot.settings import Settings
from bot.store.database import Database
from testkit.fake_teams import TeamsHarness, running_teams, teams_environment
from tests.dialogue import FakeClock


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    teams_environment(monkeypatch)


@pytest.fixture
async def teams(settings: Settings, db: Database, clock: FakeClock) -> AsyncIterator[TeamsHarness]:
    bot = build(settings, clock=clock)
    try:
        async with running_teams(bot) as harness:
            yield harness
    finally:
        await bot.close()
