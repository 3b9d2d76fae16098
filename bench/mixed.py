"""6. Mixed load, the moment that matters: in one `commonground serve` (Slack, SQLite), a
facilitator sends the check-in to a group of `fanout_members` people while `mixed_summaries`
summaries fall due at the same second, and `ack_clients` people keep answering check-ins and
pressing buttons in another group (each waits half a second to a second and a half between
presses, as people do). Everything the bot posts shares one enforced limit of `fanout_limit` calls
a second at the fake Slack, and the bot is paced to it.

Measured: every acknowledgement (p99, slowest), the share of the limit used while the fan-out
lasts, and that each member got the check-in once, each summary came out once and every press was
recorded."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import insert

from bench.ack import _bodies, _processed
from bench.common import (
    SECRET,
    Row,
    Scale,
    add_groups,
    add_meeting,
    add_members,
    five_checked_in,
    fresh_bot,
    group_row,
    judged,
    ms,
    percentile,
    share,
    sqlite_url,
    verdict,
    workdir,
)
from bench.procs import spawn, stop, wait_http
from bot.app import CommonGround
from bot.store.schema import meetings
from testkit.fake_slack import SIGNING_SECRET, TEAM, signed_headers
from testkit.loopback import free_port

BAR_P99 = 0.100
BAR_SLOWEST = 1.0
BAR_SHARE = 0.9
PATIENCE = 120.0


async def _summaries_due(bot: CommonGround, count: int, due: datetime) -> list[str]:
    """`count` groups whose open meetings (5 members, 5 check-ins) end at `due`; their channels."""
    rows = [group_row(1000 + n, rule=None) for n in range(count)]
    ids = await add_groups(bot.db, rows)
    async with bot.db.write() as conn:
        meeting_ids = list(
            (
                await conn.execute(
                    insert(meetings).returning(meetings.c.id),
                    [
                        {
                            "group_id": g,
                            "starts_at": due - timedelta(minutes=60),
                            "ends_at": due,
                            "status": "open",
                            "source": "manual",
                            "checkin_sent_at": due - timedelta(minutes=70),
                            "checkin_prompt": "How are you arriving today?",
                        }
                        for g in ids
                    ],
                )
            ).scalars()
        )
        meeting_of = dict(zip(ids, meeting_ids, strict=True))
        await five_checked_in(
            conn, meeting_of, due, user_prefix="S", roles=("lived-experience", "professional")
        )
    return [str(row["conversation_id"]) for row in rows]


class Clients:
    """`count` people pressing at human pace until told to stop; every answer's latency."""

    def __init__(self, url: str, bodies: list[str], count: int) -> None:
        self.url = url
        self.bodies = iter(bodies)
        self.count = count
        self.latencies: list[float] = []
        self.failed = 0
        self.sent = 0
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        connector = aiohttp.TCPConnector(limit=self.count)
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(self._one(session, n) for n in range(self.count)))

    async def _one(self, session: aiohttp.ClientSession, n: int) -> None:
        pace = random.Random(n)
        await asyncio.sleep(pace.uniform(0, 1))
        for body in self.bodies:
            if self.stopping.is_set():
                return
            headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
            start = time.perf_counter()
            self.sent += 1
            try:
                async with session.post(self.url, data=body.encode(), headers=headers) as answer:
                    await answer.read()
                    ok = answer.status == 200
            except aiohttp.ClientError:
                ok = False
            if ok:
                self.latencies.append(time.perf_counter() - start)
            else:
                self.failed += 1
            await asyncio.sleep(pace.uniform(0.5, 1.5))


async def _stats(session: aiohttp.ClientSession, base: str) -> dict[str, Any]:
    async with session.get(f"{base}/stats") as response:
        return dict(await response.json())


def _send_checkin(channel: str, user: str) -> str:
    """The facilitator's `/coprod checkin`: the check-in goes to everyone in the group now."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": channel,
            "channel_name": "big-group",
            "user_id": user,
            "user_name": "facilitator",
            "command": "/coprod",
            "text": "checkin",
            "api_app_id": "A0APP",
            "response_url": "http://127.0.0.1:9/respond",
            "trigger_id": f"trigger-fanout-{time.monotonic_ns()}",
        }
    )


async def _measure(scale: Scale, directory: Path) -> dict[str, Any]:
    url = sqlite_url(directory)
    bot = await fresh_bot(url, directory)
    [pressing_group, big] = await add_groups(
        bot.db, [group_row(1, rule=None), group_row(2, rule=None)]
    )
    await add_members(bot.db, pressing_group, scale.ack_clients)
    open_meeting = await add_meeting(
        bot.db, pressing_group, bot.services.clock(), status="open", minutes=600
    )
    await add_members(bot.db, big, scale.fanout_members, prefix="W")
    await add_meeting(
        bot.db, big, bot.services.clock(), status="open", minutes=600, checkin_sent=False
    )
    # Time for the server to start and the people to begin pressing; then everything falls due.
    due = (datetime.now(UTC) + timedelta(seconds=scale.mixed_lead)).replace(microsecond=0)
    summary_channels = await _summaries_due(bot, scale.mixed_summaries, due)
    await bot.close()

    fake_port, port = free_port(), free_port()
    fake_url = f"http://127.0.0.1:{fake_port}"
    env = {
        "DATABASE_URL": url,
        "COMMONGROUND_DATA_DIR": str(directory),
        "COMMONGROUND_SECRET_KEY": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{fake_url}/api/",
        "SLACK_POSTS_PER_SECOND": str(scale.fanout_limit),
        "TEAMS_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    limit = ["--limit", str(scale.fanout_limit)]
    fake = spawn(
        ["-m", "bench.fakes", "slack", "--port", str(fake_port), *limit],
        env,
        directory / "fake.log",
    )
    server = None
    people = [f"W{n:06d}" for n in range(scale.fanout_members)]
    # Enough for every person pressing once a second for longer than the run can last.
    presses = scale.ack_clients * int(PATIENCE + scale.mixed_lead)
    bodies = _bodies(
        presses, scale.ack_clients, "C0000001", pressing_group, open_meeting, f"{fake_url}/respond"
    )
    try:
        await wait_http(f"{fake_url}/stats", fake, directory / "fake.log")
        log = directory / "serve.log"
        server = spawn(["-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
        await wait_http(f"http://127.0.0.1:{port}/healthz", server, log)
        target = f"http://127.0.0.1:{port}/slack/events"
        clients = Clients(target, bodies, scale.ack_clients)
        pressing = asyncio.create_task(clients.run())
        async with aiohttp.ClientSession() as session:
            # A server slower to start than the lead finds the summaries already due (they go
            # out at once); the note says so, since the load then overlapped less.
            late_start = time.time() > due.timestamp()
            await asyncio.sleep(max(0.0, due.timestamp() - time.time()))
            body = _send_checkin("C0000002", "W000000")
            headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
            begin = time.monotonic()
            async with session.post(target, data=body.encode(), headers=headers) as answer:
                fan_out_ack = answer.status
            stats: dict[str, Any] = {}
            while time.monotonic() - begin < PATIENCE:
                await asyncio.sleep(1.0)
                stats = await _stats(session, fake_url)
                posted = stats["posted"]
                if all(posted.get(p) for p in people) and all(
                    posted.get(c) for c in summary_channels
                ):
                    break
            clients.stopping.set()
            await pressing
            recorded, _ = await _processed(url, clients.sent + 1, patience=PATIENCE)
            stats = await _stats(session, fake_url)
    finally:
        if server is not None:
            stop(server)
        stop(fake)
    return {
        "clients": clients,
        "stats": stats,
        "people": people,
        "summaries": summary_channels,
        "recorded": recorded,
        "fan_out_ack": fan_out_ack,
        "begin": begin,
        "late_start": late_start,
    }


def _busy_share(found: dict[str, Any], limit: int) -> tuple[float, int]:
    """The share of the limit used in the whole seconds from the facilitator's command to the
    last check-in or summary posted (the seconds at either end are partly idle); and how many
    seconds that was. Every call the limit counts is counted, the presses' replies included."""
    stats = found["stats"]
    per_second = {int(k): v for k, v in stats["per_second"].items()}
    posted_at: dict[str, float] = stats["posted_at"]
    ends = [posted_at[c] for c in (*found["people"], *found["summaries"]) if c in posted_at]
    first, last = int(found["begin"]) + 1, int(max(ends, default=0.0)) - 1
    seconds = [per_second.get(s, 0) for s in range(first, last + 1)]
    if not seconds:
        return 0.0, 0
    return sum(seconds) / len(seconds) / limit, len(seconds)


async def run(scale: Scale) -> list[Row]:
    found = await _measure(scale, workdir("mixed"))
    clients: Clients = found["clients"]
    stats = found["stats"]
    posted: dict[str, int] = stats["posted"]
    lost = sum(1 for p in found["people"] if not posted.get(p))
    doubled = sum(posted.get(p, 0) - 1 for p in found["people"] if posted.get(p, 0) > 1)
    summaries_lost = sum(1 for c in found["summaries"] if not posted.get(c))
    summaries_doubled = sum(1 for c in found["summaries"] if posted.get(c, 0) > 1)
    unrecorded = clients.sent + 1 - found["recorded"]
    used, seconds = _busy_share(found, scale.fanout_limit)
    p99 = percentile(clients.latencies, 99)
    slowest = max(clients.latencies, default=0.0)
    section = (
        f"6. Mixed load: a {scale.fanout_members:,}-member check-in and "
        f"{scale.mixed_summaries} summaries while {scale.ack_clients} people press"
    )
    failed = clients.failed + (found["fan_out_ack"] != 200)
    nothing_lost = not (lost or doubled or summaries_lost or summaries_doubled or unrecorded)
    return [
        judged(
            section,
            "p99 acknowledgement of the presses and commands",
            p99,
            ms,
            lambda v: v < BAR_P99,
            baseline=f"p50 {ms(percentile(clients.latencies, 50))} over "
            f"{len(clients.latencies)} acknowledgements",
            bar=f"< {BAR_P99 * 1000:.0f} ms",
            note=f"failed {failed}"
            + ("; the server started after the summaries were due" if found["late_start"] else ""),
            holds=failed == 0,
        ),
        judged(
            section,
            "slowest acknowledgement",
            slowest,
            ms,
            lambda v: v < BAR_SLOWEST,
            bar=f"< {BAR_SLOWEST:.0f} s",
        ),
        judged(
            section,
            f"share of the enforced {scale.fanout_limit} calls/s used while the fan-out lasts",
            used,
            share,
            lambda v: v >= BAR_SHARE,
            baseline=f"over {seconds} whole seconds",
            bar=f">= {BAR_SHARE:.0%} of limit",
            note=f"{stats['refused']} answered 429",
        ),
        Row(
            section,
            "lost / doubled: check-ins, summaries, presses not recorded",
            f"{lost} / {doubled}, {summaries_lost} / {summaries_doubled}, {unrecorded}",
            "",
            "0 / 0, 0 / 0, 0",
            verdict(nothing_lost),
        ),
    ]
