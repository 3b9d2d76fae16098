"""2. Fan-out at the platform's limit: a check-in to a group of `members` people through each
platform adapter (the meeting clock's job, the outbox, the adapter's deliverer and SDK) against
the platform's fake in its own process, which answers 429 with `Retry-After: 1` beyond `limit`
posts a second. What a 429 made the adapter give up on goes to the outbox, which is drained until
it is empty; then every person's messages are counted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import aiohttp

from bench.common import (
    Row,
    Scale,
    add_groups,
    add_meeting,
    add_members,
    count,
    fresh_bot,
    group_row,
    judged,
    share,
    sqlite_url,
    verdict,
    workdir,
)
from bench.procs import spawn, stop, wait_http
from bot.adapters.slack import adapter as slack
from bot.adapters.slack.settings import SlackSettings
from bot.adapters.teams import adapter as teams
from bot.adapters.teams import records
from bot.adapters.teams.settings import TeamsSettings
from bot.app import CommonGround
from bot.delivery.outbox import pending
from bot.scheduling.clock import MeetingClock
from testkit.fake_slack import SIGNING_SECRET
from testkit.fake_teams import BOT_ID, BOT_NAME, GENERAL, TENANT
from testkit.loopback import free_port

BAR_RATE = 0.95
STEADY = 5.0
"""Seconds from the first post after which the fan-out is in its steady state (no 429 allowed)."""
PATIENCE = 300.0
"""Seconds to keep draining the outbox (its first retry waits 15 s) before counting losses."""


def _slack(bot: CommonGround, url: str, limit: float) -> None:
    """The adapter paced to the enforced limit, as an operator sets it to their workspace's."""
    settings = SlackSettings(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=f"{url}/api/",
        SLACK_POSTS_PER_SECOND=limit,
        _env_file=None,  # type: ignore[call-arg]
    )
    slack.attach(None, bot, settings)


async def _teams(bot: CommonGround, url: str, limit: float) -> None:
    """The adapter without authentication (as in local testing), paced to the enforced limit,
    and the channel and tenant references it would have stored from an earlier message, pointing
    at the fake connector."""
    settings = TeamsSettings.model_validate(
        {"TEAMS_ALLOW_UNAUTHENTICATED": "true", "TEAMS_POSTS_PER_SECOND": str(limit)}
    )
    teams.attach(None, bot, settings)
    reach = {
        "serviceUrl": f"{url}/",
        "bot": {"id": BOT_ID, "name": BOT_NAME},
        "channelId": "msteams",
    }
    channel = {
        **reach,
        "conversation": {
            "id": GENERAL,
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": TENANT,
        },
    }
    await records.save_reference(bot.db, GENERAL, TENANT, channel)
    await records.save_reference(bot.db, records.tenant_row(TENANT), TENANT, reach)


async def _fan_out(
    scale: Scale, platform: str, setup: Callable[[CommonGround, str, float], Any], pace: float
) -> tuple[dict[str, Any], float, float, int]:
    """Send one check-in to the whole group; (the fake's stats, first pass s, all s, left)."""
    directory = workdir(f"fanout-{platform}")
    bot = await fresh_bot(sqlite_url(directory), directory)
    port = free_port()
    log = directory / "fake.log"
    args = ["-m", "bench.fakes", platform, "--port", str(port), "--limit", str(scale.fanout_limit)]
    fake = spawn(args, {}, log)
    try:
        await wait_http(f"http://127.0.0.1:{port}/stats", fake, log)
        done = setup(bot, f"http://127.0.0.1:{port}", pace)
        if asyncio.iscoroutine(done):
            await done
        row = group_row(1, rule=None, platform=platform)
        if platform == "teams":
            row.update(workspace=TENANT, conversation_id=GENERAL)
        [group_id] = await add_groups(bot.db, [row])
        await add_members(bot.db, group_id, scale.fanout_members)
        starts = bot.services.clock() + timedelta(minutes=10)
        meeting_id = await add_meeting(
            bot.db, group_id, starts, status="scheduled", checkin_sent=False
        )
        clock = MeetingClock(bot.core, bot.router)
        begin = time.perf_counter()
        await clock.fire(meeting_id, "checkin")
        first_pass = time.perf_counter() - begin
        while await pending(bot.db) and time.perf_counter() - begin < PATIENCE:
            await asyncio.sleep(1)
            await clock.outbox.drain()
        total = time.perf_counter() - begin
        left = await pending(bot.db)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/stats") as response,
        ):
            stats = await response.json()
    finally:
        stop(fake)
        await bot.close()
    return stats, first_pass, total, left


async def _one(scale: Scale, platform: str, name: str, over: float = 1.0) -> list[Row]:
    """One fan-out, the adapter's pace set to `over` times the enforced limit."""
    setup: Callable[[CommonGround, str, float], Any] = _slack if platform == "slack" else _teams
    pace = scale.fanout_limit * over
    stats, first_pass, total, left = await _fan_out(scale, platform, setup, pace)
    posted: dict[str, int] = stats["posted"]
    people = [f"U{n:06d}" for n in range(scale.fanout_members)]
    if platform == "teams":  # each person's messages arrive in their 1:1 conversation
        personal: dict[str, str] = stats["personal"]
        received = [posted.get(personal.get(p, ""), 0) for p in people]
    else:  # Slack: a direct message is posted to the person's user id
        received = [posted.get(p, 0) for p in people]
    lost = sum(1 for n in received if n == 0)
    duplicated = sum(count - 1 for count in posted.values() if count > 1)
    delivered = sum(posted.values())
    span = float(stats["span"]) or total
    limit = scale.fanout_limit
    rate = delivered / span if span else 0.0
    steady = [t for t in stats["refused_after"] if t >= STEADY]
    paced = "paced at the limit" if over == 1.0 else f"paced at {over:g}x the limit"
    section = f"2. Fan-out, {name}, {scale.fanout_members:,} members, {paced}"
    return [
        judged(
            section,
            f"delivered rate against an enforced {limit} posts/s",
            rate / limit,
            share,
            lambda v: v >= BAR_RATE,
            baseline=f"{rate:.1f} posts/s against {limit}/s",
            bar=f">= {BAR_RATE:.0%} of limit",
            note=f"{delivered} posts in {span:.1f} s; first pass {first_pass:.1f} s, all done "
            f"{total:.1f} s; {left} left in the outbox",
        ),
        judged(
            section,
            f"429 answers after the first {STEADY:.0f} s (steady state)",
            float(len(steady)),
            count,
            lambda v: v == 0,
            baseline=f"{stats['refused']} in all",
            bar="0",
        ),
        Row(
            section,
            "lost / duplicated direct messages",
            f"{lost} / {duplicated}",
            "",
            "0 / 0",
            verdict(lost == 0 and duplicated == 0 and left == 0),
        ),
    ]


async def run(scale: Scale) -> list[Row]:
    return [
        *await _one(scale, "slack", "Slack"),
        *await _one(scale, "teams", "Teams"),
        *await _one(scale, "slack", "Slack", over=2.0),
    ]
