"""The database goes away and comes back: a TCP proxy (`testkit/tcp_proxy.py`) between the bot
and PostgreSQL cuts every connection, refuses new ones for a while, then lets them through again.

During the outage every request gets 503 (Slack retries an event later) or a 200 that tells
the person nothing was saved, never 500, and `/readyz` says 503; what was acknowledged is stored
after all, exactly once, and an event Slack retries after the outage is handled once; after the
outage the bot answers and stores again without a restart.

PostgreSQL only: SQLite is a file inside the bot's own process, with no connection to cut.
"""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.store.database import Database
from testkit.fake_slack import TEAM
from testkit.faulty_slack import FaultySlack
from testkit.tcp_proxy import running_proxy
from tests.conftest import ON_POSTGRES
from tests.faults.conftest import BotFactory
from tests.faults.harness import (
    CHANNEL,
    PATIENCE,
    Answer,
    SlackSender,
    eventually,
    member_id,
    record,
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


def joined(user: str) -> dict[str, str]:
    return {
        "type": "member_joined_channel",
        "user": user,
        "channel": CHANNEL,
        "channel_type": "C",
        "team": TEAM,
        "event_ts": "1700000000.000100",
    }


RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}


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
        said: dict[str, Answer] = {}
        n = 0

        async def elephant(headers: dict[str, str] | None = None) -> Answer:
            nonlocal n
            n += 1
            words = f"elephant {n} said around the outage"
            answer = await slack.command(member_id(n), f"elephant {words}", headers=headers)
            said[words] = answer
            return answer

        for _ in range(BEFORE):
            assert (await elephant()).acknowledged

        async def settled() -> bool:  # the outage starts once the bot is idle
            return len(await texts(db, "elephants")) >= BEFORE

        await eventually(settled, within=10)

        proxy.cut()
        during = [await elephant() for _ in range(DURING)]
        retried = await elephant(RETRY)
        event = await slack.event(joined("U0OUTAGE"), "Ev0OUTAGE")  # Slack retries events
        event_again = await slack.event(joined("U0OUTAGE"), "Ev0OUTAGE", RETRY)
        ready = await _status(session, f"{bot.url}/readyz")
        alive = await _status(session, f"{bot.url}/healthz")
        proxy.restore()

        async def ready_again() -> bool:
            return await _status(session, f"{bot.url}/readyz") == 200

        recovered = await eventually(ready_again, within=PATIENCE)
        after = [await elephant() for _ in range(AFTER)]
        # Slack retries an event it was not given a 200 for, once the bot is back.
        event_later = await slack.event(joined("U0OUTAGE"), "Ev0OUTAGE", RETRY)

        acknowledged = {words for words, answer in said.items() if answer.acknowledged}

        async def all_stored() -> bool:
            greeted = fake.per_recipient()["U0OUTAGE"] >= 1
            return acknowledged <= set(await texts(db, "elephants")) and greeted

        await eventually(all_stored)
        stored = await texts(db, "elephants")
        lost = acknowledged - set(stored)
        answers = [*during, retried, event, event_again]
        async with session.get(f"{bot.url}/metrics") as response:
            errors = server_errors(await response.text())
        greetings = fake.per_recipient()["U0OUTAGE"]
        record(
            "PostgreSQL cut and restored (TCP proxy)",
            requests=len(said) + 3,
            posts=1,
            lost=len(lost) + (1 if greetings == 0 else 0),
            doubled=len(stored) - len(set(stored)) + max(greetings - 1, 0),
            errors=int(errors),
        )
        assert ready == 503, "/readyz during the outage"
        assert alive == 200, "/healthz: the process itself is fine"
        assert recovered, "/readyz after the outage"
        assert all(a.acknowledged for a in after), f"after the outage: {after}"
        assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged elephants were lost"
        assert len(stored) == len(set(stored)), "an elephant was stored twice"
        assert fake.per_recipient()["U0OUTAGE"] == 1, "the newcomer is greeted once"
        assert event_later.status == 200
        statuses = sorted({a.status for a in answers})
        assert set(statuses) <= {200, 503}, f"answers during the outage: {statuses}"
        assert event.status == 503 or event.acknowledged, f"an event in the outage: {event}"
        assert errors == 0, "a request was answered 5xx"
        assert bot.popen is not None and bot.popen.poll() is None, "the bot died"
