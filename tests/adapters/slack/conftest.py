"""What the Slack tests share: no operator settings from the environment, the fake Slack Web API
on loopback, the bot's parts on the test database, and a harness posting signed requests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.adapters.slack.scopes import METHOD_SCOPES, NOT_BOT_TOKEN_METHODS
from bot.app import CommonGround, build
from bot.settings import Settings
from bot.store.database import Database
from testkit.fake_slack import FakeSlack, SlackHarness, running, running_fake
from tests.dialogue import FakeClock


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test says which Slack settings it uses; none leak in from the shell."""
    for name in [name for name in os.environ if name.startswith("SLACK_")]:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeSlack]:
    """The strict fake Slack; a test fails if Slack would have refused anything the bot sent,
    unless it is marked `slack_refusals` (it provokes refusals on purpose)."""
    async with running_fake() as slack:
        yield slack
    if request.node.get_closest_marker("slack_refusals") is None:
        assert [(c.method, c.answer.get("error")) for c in slack.refusals] == []
    known = set(METHOD_SCOPES) | NOT_BOT_TOKEN_METHODS | {"respond"}
    unaccounted = {c.method for c in slack.calls} - known
    assert unaccounted == set(), "Web API methods with no scope in bot/adapters/slack/scopes.py"


@pytest.fixture
async def bot(settings: Settings, db: Database, clock: FakeClock) -> AsyncIterator[CommonGround]:
    parts = build(settings, clock=clock)
    yield parts
    await parts.close()


@pytest.fixture
async def slack(bot: CommonGround, fake: FakeSlack) -> AsyncIterator[SlackHarness]:
    async with running(bot, fake) as harness:
        yield harness
