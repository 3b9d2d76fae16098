"""1. Acknowledgement under load: signed `/coprod` slash commands and check-in button clicks, at
`clients` concurrent clients over loopback, into the whole bot (`commonground serve`: aiohttp, the
Slack adapter, the core writing to an SQLite file, the meeting clock) and into a bare slack-bolt
`AsyncApp` that only acknowledges. Both servers run in their own process on the same aiohttp stack;
the load generator (here) and the fake Slack Web API (a third process) are outside them."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import func, select

from bench.common import (
    SECRET,
    Row,
    Scale,
    add_groups,
    add_meeting,
    add_members,
    fresh_bot,
    group_row,
    judged,
    ms,
    percentile,
    sqlite_url,
    workdir,
)
from bench.procs import spawn, stop, wait_http
from bot.handlers.checkin.cards import ANSWER
from bot.routing import encode
from bot.store.database import Database
from bot.store.schema import inbound_events
from testkit.fake_slack import SIGNING_SECRET, TEAM, signed_headers
from testkit.loopback import free_port

BAR_RATIO = 0.8
BAR_P99 = 0.100
WARM_UP = 50
OURS = ["-m", "bot", "serve"]
"""How the bot is started (`commonground serve`: web app, Slack adapter and clock)."""


@dataclass
class Load:
    acknowledged: int
    failed: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0


def _bodies(
    count: int, clients: int, channel: str, group_id: int, meeting_id: int, respond: str
) -> list[str]:
    """Alternately a `/coprod checkin` and a mood button, from `clients` different people."""
    numbers = itertools.count(1)
    out: list[str] = []
    for n in range(count):
        user = f"U{n % clients:06d}"
        trigger = f"trigger-{next(numbers)}-{time.monotonic_ns()}"
        if n % 2 == 0:
            out.append(
                urlencode(
                    {
                        "token": "legacy",
                        "team_id": TEAM,
                        "team_domain": "bench",
                        "channel_id": channel,
                        "channel_name": "general",
                        "user_id": user,
                        "user_name": f"person {n % clients}",
                        "command": "/coprod",
                        "text": "checkin",
                        "api_app_id": "A0APP",
                        "response_url": f"{respond}/{n}",
                        "trigger_id": trigger,
                    }
                )
            )
        else:
            payload = {
                "type": "block_actions",
                "user": {"id": user, "username": user, "name": user, "team_id": TEAM},
                "api_app_id": "A0APP",
                "token": "legacy",
                "container": {"type": "message", "message_ts": "1.000100", "channel_id": channel},
                "trigger_id": trigger,
                "team": {"id": TEAM, "domain": "bench"},
                "channel": {"id": channel, "name": "general"},
                "actions": [
                    {
                        "action_id": ANSWER,
                        "block_id": "b1",
                        "text": {"type": "plain_text", "text": str(1 + n % 5)},
                        "value": encode(group_id, f"{meeting_id}:{1 + n % 5}"),
                        "type": "button",
                        "action_ts": f"{time.time():.6f}",
                    }
                ],
            }
            out.append(urlencode({"payload": json.dumps(payload)}))
    return out


async def drive(url: str, bodies: list[str], clients: int) -> Load:
    """Send every body from `clients` concurrent workers; time each request to its answer."""
    signed = [(body.encode(), signed_headers(body)) for body in bodies]
    queue = iter(signed)
    latencies: list[float] = []
    failed = 0
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal failed
            for data, headers in queue:
                sent = {"Content-Type": "application/x-www-form-urlencoded", **headers}
                start = time.perf_counter()
                try:
                    async with session.post(url, data=data, headers=sent) as response:
                        await response.read()
                        ok = response.status == 200
                except aiohttp.ClientError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - start)
                else:
                    failed += 1

        begin = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        seconds = time.perf_counter() - begin
    return Load(len(latencies), failed, seconds, latencies)


async def _count_events(url: str) -> int:
    db = Database(url)
    try:
        async with db.read() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(inbound_events))).scalar_one()
            )
    finally:
        await db.dispose()


async def _processed(url: str, expected: int, patience: float) -> tuple[int, float]:
    """Wait for the work behind the acknowledgements; (requests recorded, seconds waited)."""
    start = time.perf_counter()
    seen = 0
    while time.perf_counter() - start < patience:
        seen = await _count_events(url)
        if seen >= expected:
            break
        await asyncio.sleep(0.2)
    return seen, time.perf_counter() - start


async def run(scale: Scale) -> list[Row]:
    directory = workdir("ack")
    url = sqlite_url(directory)
    bot = await fresh_bot(url, directory)
    [group_id] = await add_groups(bot.db, [group_row(1, rule=None)])
    channel = "C0000001"
    await add_members(bot.db, group_id, scale.ack_clients)
    meeting_id = await add_meeting(
        bot.db, group_id, bot.services.clock(), status="open", minutes=600
    )
    await bot.close()

    fake_port, ours_port, bare_port = free_port(), free_port(), free_port()
    respond = f"http://127.0.0.1:{fake_port}/respond"
    env = {
        "DATABASE_URL": url,
        "COMMONGROUND_DATA_DIR": str(directory),
        "COMMONGROUND_SECRET_KEY": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{fake_port}/api/",
        "TEAMS_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    fake = spawn(
        ["-m", "bench.fakes", "slack", "--port", str(fake_port)], env, directory / "fake.log"
    )
    results: dict[str, Load] = {}
    processed = (0, 0.0)
    try:
        await wait_http(f"http://127.0.0.1:{fake_port}/stats", fake, directory / "fake.log")
        for name, args, port in (
            ("bare", ["-m", "bench.bare_bolt", "--port", str(bare_port)], bare_port),
            (
                "ours",
                [*OURS, "--host", "127.0.0.1", "--port", str(ours_port)],
                ours_port,
            ),
        ):
            log = directory / f"{name}.log"
            server = spawn(args, env, log)
            try:
                await wait_http(f"http://127.0.0.1:{port}/healthz", server, log)
                target = f"http://127.0.0.1:{port}/slack/events"
                warm = _bodies(WARM_UP, scale.ack_clients, channel, group_id, meeting_id, respond)
                await drive(target, warm, scale.ack_clients)
                bodies = _bodies(
                    scale.ack_requests, scale.ack_clients, channel, group_id, meeting_id, respond
                )
                results[name] = await drive(target, bodies, scale.ack_clients)
                if name == "ours":
                    expected = WARM_UP + scale.ack_requests
                    processed = await _processed(url, expected, patience=120)
            finally:
                stop(server)
    finally:
        stop(fake)

    ours, bare = results["ours"], results["bare"]
    ratio = ours.throughput / bare.throughput if bare.throughput else 0.0
    p99 = percentile(ours.latencies, 99)
    section = f"1. Acknowledgement, {scale.ack_clients} clients"
    note_work = (
        f"work behind the acks: {processed[0]} of {WARM_UP + scale.ack_requests} requests "
        f"recorded, done {processed[1]:.1f} s after the last ack"
    )
    return [
        judged(
            section,
            f"throughput, {scale.ack_requests} requests (half /coprod checkin, half mood buttons)",
            ratio,
            lambda v: f"{v:.2f} of bare",
            lambda v: v >= BAR_RATIO,
            baseline=f"ours {ours.throughput:.0f} req/s, bare bolt {bare.throughput:.0f} req/s",
            bar=f">= {BAR_RATIO} of bare",
            note=f"failed: ours {ours.failed}, bare {bare.failed}",
            holds=ours.failed == 0,
        ),
        Row(
            section,
            "p50 acknowledgement",
            ms(percentile(ours.latencies, 50)),
            f"bare {ms(percentile(bare.latencies, 50))}",
            value=percentile(ours.latencies, 50),
            show=ms,
        ),
        judged(
            section,
            "p99 acknowledgement",
            p99,
            ms,
            lambda v: v < BAR_P99,
            baseline=f"bare {ms(percentile(bare.latencies, 99))}",
            bar=f"< {BAR_P99 * 1000:.0f} ms",
            note=note_work,
            holds=ours.failed == 0,
        ),
    ]
