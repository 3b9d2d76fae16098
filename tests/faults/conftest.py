"""What the fault-injection tests share: the misbehaving fake Slack on loopback, an HTTP client,
and the bot as a real `serve` process on the test's database (see `harness.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path

import aiohttp
import pytest

from testkit.faulty_slack import FaultySlack, running_faulty
from tests.faults.harness import BotProcess


@pytest.fixture
async def fake() -> AsyncIterator[FaultySlack]:
    async with running_faulty() as slack:
        yield slack


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    # Bursts of hundreds of requests at once: no client-side limit on connections.
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as client:
        yield client


BotFactory = Callable[..., BotProcess]


@pytest.fixture
def bot_process(fake: FaultySlack, tmp_path: Path) -> Iterator[BotFactory]:
    """Makes `serve` processes against the fake Slack (started by the test); all are stopped at
    the end, and none may have logged a traceback on the way."""
    made: list[BotProcess] = []

    def make(
        database_url: str,
        extra: Mapping[str, str] | None = None,
        platform: FaultySlack | None = None,
    ) -> BotProcess:
        folder = tmp_path / f"bot{len(made)}"
        folder.mkdir()
        process = BotProcess(database_url, platform or fake, folder, extra or {})
        made.append(process)
        return process

    yield make
    for process in made:
        process.stop()
