"""What the Teams tests share: Teams switched on with authentication off (a test module may
choose otherwise), and the web app on loopback with the strict fake connector, which checks every
card with Microsoft's Adaptive Cards library. Without Node or that library the Teams tests are
skipped, loudly; in CI (`CI` set) they fail instead, since `.ci/run` installs it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.app import build
from bot.settings import Settings
from bot.store.database import Database
from testkit import adaptive_cards
from testkit.fake_teams import TeamsHarness, running_teams, teams_environment
from tests.dialogue import FakeClock


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    teams_environment(monkeypatch)


@pytest.fixture(autouse=True)
def _card_checker() -> None:
    problem = adaptive_cards.problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{problem}; the Teams tests need it in CI", pytrace=False)
    pytest.skip(f"SKIPPED LOUDLY: {problem}; Teams cards are not checked")


@pytest.fixture
async def teams(settings: Settings, db: Database, clock: FakeClock) -> AsyncIterator[TeamsHarness]:
    bot = build(settings, clock=clock)
    try:
        async with running_teams(bot) as harness:
            yield harness
            assert not harness.fake.refused, f"Teams refused: {harness.fake.refused}"
    finally:
        await bot.close()
