"""Slack slow or failing for a while: nothing lost, nothing doubled, and the bot stays responsive.

- **Slow or silent**: Slack takes a post and answers only after the bot's client has given up
  (10 seconds), or takes it and drops the connection without answering. The bot
  cannot know whether the post went out; such a send is *ambiguous*: it is not sent again (a
  post shown twice is the worse harm), and it is counted in `/metrics` as
  `commonground_ambiguous_sends_total`.
- **Failing**: Slack answers 500 and 429 for a while, and a proxy in front of it 500 and 502
  with pages of text or HTML. Those are definite refusals: the post is
  tried again (by the SDK at once, then by the outbox with back-off) until it goes out, once.
  `COMMONGROUND_FAULT_ROUNDS=n` makes Slack fail n times as long.

Meanwhile `/healthz` answers at once and a command is still acknowledged within Slack's 3 s; 20
clients that send half a request and then nothing are cut off after the bot's read timeout
(15 s), not held open.
"""

from __future__ import annotations

import asyncio
import re
import time

import aiohttp

from bot.delivery.outbox import pending
from bot.store.database import Database
from testkit.faulty_slack import FaultySlack
from tests.faults.conftest import BotFactory
from tests.faults.harness import (
    CHANNEL,
    FACILITATOR,
    ROUNDS,
    SlackSender,
    doubled,
    eventually,
    member_id,
    metric_sum,
    missing,
    record,
    seed_group,
    server_errors,
)

MEMBERS = 20
OWN_ERRORS = r"\b(AttributeError|KeyError|TypeError|IndexError|JSONDecodeError)\b"
"""Exceptions that mean a failure was met by a bug of ours rather than handled as a failure."""
SLOW_CLIENTS = 20
READ_TIMEOUT = 15.0
"""How long the bot gives a client to send a whole request line and headers (a body: 408)."""
CLIENT_TIMEOUT = 10.0
"""How long the bot waits for Slack's answer to one call before it counts the send ambiguous."""
SLOWER = CLIENT_TIMEOUT + 1.5
HANG_UPS, SLOW = 2, 2


async def _slow_client(port: int) -> float | None:
    """Open a connection, send half a request, then nothing: seconds until the bot closed it
    (or answered it), None if it is still open `READ_TIMEOUT` + 5 s later."""
    begin = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        await writer.drain()
        try:
            async with asyncio.timeout(READ_TIMEOUT + 5):
                await reader.read()  # b"" (closed) or an answer such as 408, then closed
        except TimeoutError:
            return None
        except OSError:
            pass  # reset: closed all the same
        return time.monotonic() - begin
    finally:
        writer.close()


async def _timed(session: aiohttp.ClientSession, url: str) -> tuple[int, float]:
    begin = time.monotonic()
    async with session.get(url) as response:
        await response.read()
        return response.status, time.monotonic() - begin


async def _everyone_once(db: Database, fake: FaultySlack) -> tuple[list[str], dict[str, int]]:
    everyone = [member_id(n) for n in range(MEMBERS)]

    async def all_reached() -> bool:
        received = fake.per_recipient()
        return not missing([*everyone, CHANNEL], received) and await pending(db) == 0

    await eventually(all_reached)
    received = fake.per_recipient()
    return missing([*everyone, CHANNEL], received), doubled(received)


async def test_a_slow_or_silent_slack_is_not_sent_twice_and_slow_clients_are_cut_off(
    db: Database,
    database_url: str,
    fake: FaultySlack,
    session: aiohttp.ClientSession,
    bot_process: BotFactory,
) -> None:
    await seed_group(db, MEMBERS)
    bot = bot_process(database_url)
    await bot.start()
    slack = SlackSender(session, bot.url, fake)
    stuck = [asyncio.create_task(_slow_client(bot.port)) for _ in range(SLOW_CLIENTS)]
    fake.hang_up("chat.postMessage", HANG_UPS)  # the first posts are taken, then the line drops
    fake.answer_late("chat.postMessage", *[SLOWER] * SLOW)  # the next ones answer too late
    assert (await slack.command(FACILITATOR, "round What helped you this week?")).acknowledged

    health, took = await _timed(session, f"{bot.url}/healthz")
    begin = time.monotonic()
    helped = (await slack.command(member_id(1), "help")).status
    acknowledged_in = time.monotonic() - begin

    never, twice = await _everyone_once(db, fake)
    closed_after = await asyncio.gather(*stuck)
    held_open = sum(1 for seconds in closed_after if seconds is None)
    ambiguous = await bot.metric(session, "commonground_ambiguous_sends_total")
    async with session.get(f"{bot.url}/metrics") as response:
        errors = server_errors(await response.text())
    record(
        "Slack slow beyond the timeout or hanging up; slow clients",
        requests=2 + SLOW_CLIENTS,
        posts=MEMBERS + 1,
        lost=len(never),
        doubled=sum(n - 1 for n in twice.values()),
        errors=int(errors) + (0 if health == 200 else 1),
    )
    assert (health, helped) == (200, 200)
    assert took < 1.0, f"/healthz took {took:.2f} s while Slack was slow"
    assert acknowledged_in < 3.0, f"a command took {acknowledged_in:.2f} s to acknowledge"
    assert never == [], f"{len(never)} never got the round (lost)"
    assert twice == {}, f"{len(twice)} got it twice (an ambiguous send was sent again)"
    assert ambiguous == HANG_UPS + SLOW, (
        f"{ambiguous:g} ambiguous sends counted in /metrics, not {HANG_UPS + SLOW} "
        f"(the bot must give up on a Slack call after {CLIENT_TIMEOUT:g} s)"
    )
    assert errors == 0
    assert held_open == 0, f"{held_open} of {SLOW_CLIENTS} half-sent requests still held open"


async def test_a_failing_slack_delivers_everything_once_after_it_recovers(
    db: Database,
    database_url: str,
    fake: FaultySlack,
    session: aiohttp.ClientSession,
    bot_process: BotFactory,
) -> None:
    await seed_group(db, MEMBERS)
    # One lane, so the first post meets the proxy's pages one after another, more than the
    # SDK's three retries: the outbox's back-off takes over. Slack's own failures come next.
    bot = bot_process(database_url, {"SLACK_SEND_WORKERS": "1"})
    await bot.start()
    slack = SlackSender(session, bot.url, fake)
    fake.proxy_error("chat.postMessage", 500, 500, 500, 500, 502)  # pages, not Slack's JSON
    fake.fail("chat.postMessage", *([500, 429, 500] * ROUNDS))
    assert (await slack.command(FACILITATOR, "round What helped you this week?")).acknowledged
    health, took = await _timed(session, f"{bot.url}/healthz")
    assert (health, (await slack.command(member_id(2), "help")).status) == (200, 200)

    never, twice = await _everyone_once(db, fake)
    async with session.get(f"{bot.url}/metrics") as response:
        page = await response.text()
    record(
        "Slack answering 500 and 429 for a while",
        requests=2,
        posts=MEMBERS + 1,
        lost=len(never),
        doubled=sum(n - 1 for n in twice.values()),
        errors=int(server_errors(page)),
    )
    assert never == [], f"{len(never)} never got the round (lost)"
    assert twice == {}, f"{len(twice)} got it twice"
    assert fake.failures["chat.postMessage"] == [], "every failure was met"
    assert took < 1.0, f"/healthz took {took:.2f} s while Slack was failing"
    assert server_errors(page) == 0
    assert metric_sum(page, "commonground_ambiguous_sends_total") == 0, "a refusal is definite"
    own = sorted(set(re.findall(OWN_ERRORS, bot.logs())))
    assert own == [], f"the bot met a failing Slack with errors of its own: {own}"
