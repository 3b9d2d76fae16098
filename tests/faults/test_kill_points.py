"""SIGKILL at chosen moments, then a restart on the same database: nothing acknowledged is lost,
nothing reaches anyone twice.

Each kill point is chosen from outside the bot:

- **mid fan-out of a command**: `/coprod round …` in a group of 300 invites every member; the
  fake Slack holds the invitations from a chosen one on, so the bot is known to be part-way
  through; it is killed then.
- **right after a burst is acknowledged**: 300 `/coprod elephant …` sent at once, killed the
  moment the last 200 arrives.
- **mid outbox batch**: a scheduled check-in to 300 people, sent by the outbox, held part-way.

`COMMONGROUND_FAULT_ROUNDS=n` tries each kill point n times at different positions.
"""

from __future__ import annotations

import asyncio
import random

import aiohttp
import pytest

from bot.delivery.outbox import pending
from bot.store.database import Database
from testkit.faulty_slack import FaultySlack
from tests.faults.conftest import BotFactory
from tests.faults.harness import (
    CHANNEL,
    FACILITATOR,
    PATIENCE,
    ROUNDS,
    SlackSender,
    count,
    doubled,
    eventually,
    member_id,
    missing,
    rule_with_checkin_due,
    seed_group,
    texts,
)

MEMBERS = 300
BURST = 300
POSITIONS = [102, 37, 250, 7, 180]
"""Where the fan-outs are cut: the 102nd post (the round card and 100 invitations went out, as in
the issue), then elsewhere in later rounds."""


def positions() -> list[int]:
    return [POSITIONS[n % len(POSITIONS)] for n in range(ROUNDS)]


async def _killed_while_held(fake: FaultySlack, bot: object, nth: int) -> None:
    """Wait until the fake holds the `nth` post, SIGKILL the bot, then drop the held calls."""
    try:
        await asyncio.wait_for(fake.reached.wait(), timeout=PATIENCE)
    except TimeoutError:
        raise AssertionError(f"the fan-out never reached post {nth}") from None
    bot.kill()  # type: ignore[attr-defined]
    fake.release(drop=True)


@pytest.mark.parametrize("nth", positions())
async def test_a_round_killed_mid_fan_out_invites_everyone_exactly_once(
    db: Database,
    database_url: str,
    fake: FaultySlack,
    session: aiohttp.ClientSession,
    bot_process: BotFactory,
    nth: int,
) -> None:
    await seed_group(db, MEMBERS)
    bot = bot_process(database_url)
    await bot.start()
    fake.hold("chat.postMessage", nth)
    slack = SlackSender(session, bot.url, fake)
    assert await slack.command(FACILITATOR, "round What helped you this week?") == 200
    await _killed_while_held(fake, bot, nth)
    assert len(fake.delivered("chat.postMessage")) == nth - 1
    await bot.restart()
    everyone = [member_id(n) for n in range(MEMBERS)]

    async def all_invited() -> bool:
        return not missing([*everyone, CHANNEL], fake.per_recipient())

    await eventually(all_invited)
    received = fake.per_recipient()
    assert missing(everyone, received) == [], f"{len(missing(everyone, received))} never invited"
    assert received[CHANNEL] == 1, "the round card"
    assert doubled(received) == {}, "invited twice"
    assert await eventually(lambda: _empty(db), within=5)


async def _empty(db: Database) -> bool:
    return await pending(db) == 0


@pytest.mark.parametrize("round_", range(ROUNDS))
async def test_a_burst_of_commands_killed_after_its_last_acknowledgement_is_stored_exactly_once(
    db: Database,
    database_url: str,
    fake: FaultySlack,
    session: aiohttp.ClientSession,
    bot_process: BotFactory,
    round_: int,
) -> None:
    await seed_group(db, BURST)
    bot = bot_process(database_url)
    await bot.start()
    slack = SlackSender(session, bot.url, fake)
    said = {
        n: f"elephant number {n} of burst {round_}: the same three people decide"
        for n in range(BURST)
    }

    async def send(n: int) -> tuple[int, int]:
        return n, await slack.command(member_id(n), f"elephant {said[n]}")

    answers = await asyncio.gather(
        *(send(n) for n in random.Random(round_).sample(range(BURST), BURST))
    )
    bot.kill()  # the moment the last acknowledgement is in
    statuses = {status for _, status in answers}
    assert statuses <= {200, 429, 503}, f"answers: {sorted(statuses)}"
    acknowledged = {said[n] for n, status in answers if status == 200}
    assert acknowledged, "nothing was acknowledged"
    await bot.restart()

    async def all_stored() -> bool:
        return acknowledged <= set(await texts(db, "elephants"))

    await eventually(all_stored)
    stored = await texts(db, "elephants")
    lost = acknowledged - set(stored)
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged elephants were lost"
    twice = {text for text in stored if stored.count(text) > 1}
    assert not twice, f"{len(twice)} elephants were stored twice"


@pytest.mark.parametrize("nth", positions())
async def test_a_checkin_killed_mid_outbox_batch_reaches_everyone_exactly_once(
    db: Database,
    database_url: str,
    fake: FaultySlack,
    session: aiohttp.ClientSession,
    bot_process: BotFactory,
    nth: int,
) -> None:
    await seed_group(db, MEMBERS, rule=rule_with_checkin_due())
    fake.hold("chat.postMessage", nth)  # before the start: the clock sends the check-in at once
    bot = bot_process(database_url)
    await bot.start()
    await _killed_while_held(fake, bot, nth)
    assert len(fake.delivered("chat.postMessage")) == nth - 1
    await bot.restart()
    everyone = [member_id(n) for n in range(MEMBERS)]

    async def all_asked() -> bool:
        return not missing([*everyone, CHANNEL], fake.per_recipient())

    await eventually(all_asked)
    received = fake.per_recipient()
    assert missing(everyone, received) == [], f"{len(missing(everyone, received))} never asked"
    assert received[CHANNEL] == 1, "the check-in card"
    assert doubled(received) == {}, f"{len(doubled(received))} people were asked twice"
    assert await count(db, "firings") >= 1
