"""The database goes away and comes back: a TCP proxy (`testkit/tcp_proxy.py`) between the bot
and PostgreSQL cuts every connection, refuses new ones for a while, then lets them through again.

During the outage every request gets 503 (the platform tries again later), never 500, and
`/readyz` says 503; what was acknowledged with 200 is stored after all, exactly once; after the
outage the bot answers and stores again without a restart.

PostgreSQL only: SQLite is a file inside the bot's own process, with no connection to cut.
"""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.store.database import Database
from testkit.faulty_slack import FaultySlack
from testkit.tcp_proxy import running_proxy
from tests.conftest import ON_POSTGRES
from tests.faults.conftest import BotFactory
from tests.faults.harness import (
    PATIENCE,
    SlackSender,
    eventually,
    member_id,
    seed_group,
    server_errors,
    texts,
)

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="a database outage needs a network connection to cut: run with "
    "COMMONGROUND_TEST_DATABASE=postgresql (SQLite is a file inside the bot's own process)",
)

BEFORE, DURING, AFTER = 5, 20, 5


async def _status(session: aiohttp.ClientSession, url: str) -> int:
    async with session.get(url) as response:
        await response.read()
        return response.status


async def test_a_database_outage_answers_503_loses_nothing_and_recovers(
    db: Database,
    database_url: str,
    fake: FaultySlack,
    session: aiohttp.ClientSession,
    bot_process: BotFactory,
) -> None:
    await seed_group(db, BEFORE + DURING + AFTER + 2)  # each elephant from its own member
    server = make_url(database_url)
    async with running_proxy(server.host or "127.0.0.1", server.port or 5432) as proxy:
        through = server.set(host="127.0.0.1", port=proxy.port)
        bot = bot_process(through.render_as_string(hide_password=False))
        await bot.start()
        slack = SlackSender(session, bot.url, fake)
        said: dict[str, int] = {}
        n = 0

        async def elephant(headers: dict[str, str] | None = None) -> int:
            nonlocal n
            n += 1
            words = f"elephant {n} said around the outage"
            status = await slack.command(member_id(n), f"elephant {words}", headers=headers)
            said[words] = status
            return status

        for _ in range(BEFORE):
            assert await elephant() == 200

        async def settled() -> bool:  # the outage starts once the bot is idle
            return len(await texts(db, "elephants")) >= BEFORE

        await eventually(settled, within=10)
        proxy.cut()
        during = [await elephant() for _ in range(DURING)]
        retried = await elephant({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})
        ready = await _status(session, f"{bot.url}/readyz")
        alive = await _status(session, f"{bot.url}/healthz")
        proxy.restore()

        assert ready == 503, "/readyz during the outage"
        assert alive == 200, "/healthz: the process itself is fine"

        async def ready_again() -> bool:
            return await _status(session, f"{bot.url}/readyz") == 200

        assert await eventually(ready_again, within=PATIENCE), "/readyz after the outage"
        for _ in range(AFTER):
            assert await elephant() == 200, "a request after the outage"

        acknowledged = {words for words, status in said.items() if status == 200}

        async def all_stored() -> bool:
            return acknowledged <= set(await texts(db, "elephants"))

        await eventually(all_stored)
        stored = await texts(db, "elephants")
        lost = acknowledged - set(stored)
        assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged elephants were lost"
        assert len(stored) == len(set(stored)), "an elephant was stored twice"
        statuses = sorted(set(during) | {retried})
        assert set(statuses) <= {200, 503}, f"answers during the outage: {statuses}"
        async with session.get(f"{bot.url}/metrics") as response:
            assert server_errors(await response.text()) == 0, "a request was answered 5xx"
        assert bot.popen is not None and bot.popen.poll() is None, "the bot died"
