"""SIGKILL at chosen moments, then a restart on the same database: nothing acknowledged is lost,
nothing reaches anyone twice; a post in flight at the kill is counted, never sent again.

Each kill point is chosen from outside the bot, never by a hook in its code:

- **mid fan-out of a command**: `/coprod round …` in a group of 300 invites every member; the
  fake Slack holds the posts from a chosen one on (the 102nd: the round card and 100 invitations
  went out, as in the issue), so the bot is known to be part-way through; it is killed once
  every post Slack answered is settled, with only the held ones in flight. Nobody invited twice;
  the held posts (one per send lane at most) had their rows marked as being sent, so after the
  restart each is counted as an ambiguous send (`commonground_ambiguous_sends_total`), not sent
  again: everyone else is invited exactly once.
- **mid outbox batch**: a scheduled check-in to the 300 members of another group, sent by the
  outbox, held and killed at once, part-way through a batch of rows, possibly in the very instant
  between Slack's answer to a post and the bot deleting its row. Nobody asked twice (that post's
  row is still marked, so it is counted as ambiguous, not sent again; the whole batch again was
  the bug); everyone else asked exactly once.
- **right after a burst is acknowledged**: 120 `/coprod elephant …` (300 with more rounds)
  sent at once, killed the moment the last answer arrives. Every one acknowledged is stored
  after the restart, none twice.

After a kill the rows a dead process had leased come back only when their lease runs out, so
the two fan-outs are played at the same time, each with its own bot, fake Slack and database:
the suite waits for one lease, not two. `COMMONGROUND_FAULT_ROUNDS=n` tries each kill point n
times, at other positions.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.delivery.outbox import pending
from bot.store.database import Database
from testkit.faulty_slack import FaultySlack, running_faulty
from tests.faults.conftest import BotFactory
from tests.faults.harness import (
    CHANNEL,
    FACILITATOR,
    PATIENCE,
    ROUNDS,
    Answer,
    BotProcess,
    SlackSender,
    doubled,
    eventually,
    member_id,
    missing,
    record,
    rule_with_checkin_due,
    second_database,
    seed_group,
    texts,
)

MEMBERS = 300
BURST = 300 if ROUNDS > 1 else 120
"""Commands sent at once (120 in CI: every one is committed before its acknowledgement, and
handled after the restart, which takes a while on SQLite)."""
SEND_LANES = 6
"""Conversations the Slack adapter sends to at once (`SLACK_SEND_WORKERS`, default 6)."""
POSITIONS = [102, 37, 250, 7, 180]
AMBIGUOUS = "commonground_ambiguous_sends_total"


def positions() -> list[int]:
    return [POSITIONS[n % len(POSITIONS)] for n in range(ROUNDS)]


@dataclass
class Fanout:
    """What one fan-out delivered, counted at the fake Slack after the restart."""

    before_kill: int
    never: int
    twice: int
    cards: int
    left_in_outbox: int
    ambiguous: int
    """Sends the restarted bot counted as ambiguous (`commonground_ambiguous_sends_total`)."""

    def problems(self, what: str, nth: int) -> list[str]:
        found = []
        if self.before_kill != nth - 1:
            found.append(f"{what}: {self.before_kill} posts before the kill, not {nth - 1}")
        if self.never > self.ambiguous:
            found.append(
                f"{what}: {self.never} of {MEMBERS} people never got it, only "
                f"{self.ambiguous} counted as ambiguous sends (lost without a count)"
            )
        if self.ambiguous > SEND_LANES:
            found.append(f"{what}: {self.ambiguous} ambiguous sends, more than one per lane")
        if self.twice:
            found.append(f"{what}: {self.twice} people got it twice (doubled)")
        if self.cards != 1:
            found.append(f"{what}: the channel card was posted {self.cards} times")
        if self.left_in_outbox:
            found.append(f"{what}: {self.left_in_outbox} rows left in the outbox")
        return found


async def _kill_while_held(
    fake: FaultySlack, bot: BotProcess, nth: int, settled: tuple[Database, int] | None = None
) -> int:
    """Wait until the fake holds post `nth`, SIGKILL the bot, drop the held calls; returns how
    many posts Slack had accepted by then.

    With `settled` (a database and a number of rows), the kill waits (a few seconds at most)
    until the outbox holds just that many: every post Slack answered is marked, and only the
    held ones are in flight. Without it the kill comes at once, possibly in the instant between
    Slack's answer to a post and the bot marking it sent."""
    try:
        await asyncio.wait_for(fake.reached.wait(), timeout=PATIENCE)
    except TimeoutError:
        raise AssertionError(f"the fan-out never reached post {nth}:\n{bot.logs()}") from None
    if settled is not None:
        db, rows = settled
        await eventually(lambda: _pending_is(db, rows), within=5, every=0.05)
    bot.kill()
    fake.release(drop=True)

    async def answered_all_before() -> bool:  # the fake may still be writing down the last few
        return len(fake.delivered("chat.postMessage")) >= nth - 1

    await eventually(answered_all_before, within=2, every=0.01)
    return len(fake.delivered("chat.postMessage"))


async def _pending_is(db: Database, rows: int) -> bool:
    return await pending(db) == rows


async def _finished(
    db: Database, fake: FaultySlack, session: aiohttp.ClientSession, bot: BotProcess, before: int
) -> Fanout:
    """Restart, wait until the outbox is empty and everyone and the channel got something or was
    counted as an ambiguous send (or patience runs out)."""
    await bot.restart()
    everyone = [member_id(n) for n in range(MEMBERS)]

    async def all_settled() -> bool:
        if not await _outbox_empty(db):
            return False
        not_reached = len(missing([*everyone, CHANNEL], fake.per_recipient()))
        return not_reached <= await bot.metric(session, AMBIGUOUS)

    await eventually(all_settled)
    received = fake.per_recipient()
    return Fanout(
        before_kill=before,
        never=len(missing(everyone, received)),
        twice=len(doubled({who: n for who, n in received.items() if who != CHANNEL})),
        cards=received[CHANNEL],
        left_in_outbox=await pending(db),
        ambiguous=int(await bot.metric(session, AMBIGUOUS)),
    )


async def _outbox_empty(db: Database) -> bool:
    return await pending(db) == 0


async def round_killed(
    db: Database, fake: FaultySlack, session: aiohttp.ClientSession, bot: BotProcess, nth: int
) -> Fanout:
    """`/coprod round …` to 300, killed while post `nth` is held."""
    await bot.start()
    fake.hold("chat.postMessage", nth)
    slack = SlackSender(session, bot.url, fake)
    answer = await slack.command(FACILITATOR, "round What helped you this week?")
    assert answer.acknowledged, f"the round command was answered {answer}"
    # The card and one invitation per member are in the outbox: kill once those Slack answered
    # are marked, with only the held posts in flight.
    before = await _kill_while_held(fake, bot, nth, (db, MEMBERS + 1 - (nth - 1)))
    return await _finished(db, fake, session, bot, before)


async def checkin_killed(
    db: Database, fake: FaultySlack, session: aiohttp.ClientSession, bot: BotProcess, nth: int
) -> Fanout:
    """A scheduled check-in to 300 (sent through the outbox at start), killed mid-batch."""
    fake.hold("chat.postMessage", nth)  # before the start: the clock sends it at once
    await bot.start()
    before = await _kill_while_held(fake, bot, nth)
    return await _finished(db, fake, session, bot, before)


@pytest.mark.parametrize("nth", positions())
async def test_killed_mid_fan_out_the_round_and_the_checkin_still_reach_everyone_once(
    db: Database,
    database_url: str,
    fake: FaultySlack,
    session: aiohttp.ClientSession,
    bot_process: BotFactory,
    tmp_path: Path,
    nth: int,
) -> None:
    await seed_group(db, MEMBERS)
    async with running_faulty() as other_fake, second_database(tmp_path) as (other_url, other_db):
        await seed_group(other_db, MEMBERS, rule=rule_with_checkin_due())
        plays: list[Awaitable[Fanout]] = [
            round_killed(db, fake, session, bot_process(database_url), nth),
            checkin_killed(
                other_db, other_fake, session, bot_process(other_url, platform=other_fake), nth
            ),
        ]
        invited, asked = await asyncio.gather(*plays)
    for fanout, fault, requests in (
        (invited, "SIGKILL mid fan-out of a command (a round to 300)", 1),
        (asked, "SIGKILL mid outbox batch (a scheduled check-in to 300)", 0),
    ):
        lost = fanout.never + (1 if fanout.cards == 0 else 0)
        doubled = fanout.twice + max(fanout.cards - 1, 0)
        record(fault, requests=requests, posts=MEMBERS + 1, lost=lost, doubled=doubled)
    # The posts in flight at the kill (at most one per send lane) had their rows marked as being
    # sent: each is counted as an ambiguous send after the restart and not sent again, even one
    # Slack answered in the instant before the kill. So nobody gets anything twice.
    problems = invited.problems("the round's invitation", nth)
    problems += asked.problems("the check-in", nth)
    assert not problems, "\n".join(problems)


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
        n: f"elephant {n} of burst {round_}: the same three people decide" for n in range(BURST)
    }

    async def send(n: int) -> tuple[int, Answer]:
        return n, await slack.command(member_id(n), f"elephant {said[n]}")

    order = random.Random(round_).sample(range(BURST), BURST)
    answers = await asyncio.gather(*(send(n) for n in order))
    bot.kill()  # the moment the last acknowledgement is in
    statuses = sorted({answer.status for _, answer in answers})
    acknowledged = {said[n] for n, answer in answers if answer.acknowledged}
    await bot.restart()

    async def all_stored() -> bool:
        return acknowledged <= set(await texts(db, "elephants"))

    await eventually(all_stored)
    stored = await texts(db, "elephants")
    lost = acknowledged - set(stored)
    twice = {text for text in stored if stored.count(text) > 1}
    errors = sum(1 for _, answer in answers if answer.status >= 500 and answer.status != 503)
    fault = "SIGKILL right after a burst of commands is acknowledged"
    record(fault, requests=BURST, lost=len(lost), doubled=len(twice), errors=errors)
    assert set(statuses) <= {200, 429, 503}, f"answers to the burst: {statuses}"
    assert acknowledged, "nothing was acknowledged"
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged elephants were lost"
    assert not twice, f"{len(twice)} elephants were stored twice"
