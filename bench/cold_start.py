"""7. Cold start: from starting the process to its first acknowledged Slack request, and to its
first ready answer on `/readyz`, for `commonground serve` (Slack configured, Teams not, an SQLite
database already migrated) and for a bare slack-bolt app started the same way. Hosts that scale
to zero start the bot on the first request, which waits for all of this.

Each start is timed from just before the process is made; the first request is sent again every
few milliseconds until one is acknowledged (connection refused until the port is open)."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from bench.common import SECRET, Row, Scale, fresh_bot, judged, sqlite_url, workdir
from bench.procs import spawn, stop, tail, wait_http
from testkit.fake_slack import SIGNING_SECRET, TEAM, signed_headers
from testkit.loopback import free_port

BAR_FIRST_ACK = 1.5
BAR_TIMES_BARE = 3.0
STARTS = 3
"""Starts of each app per run (the median is kept)."""
PATIENCE = 60.0
POLL = 0.005


def _command() -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": "C0000001",
            "channel_name": "general",
            "user_id": "U000001",
            "user_name": "person 1",
            "command": "/coprod",
            "text": "help",
            "api_app_id": "A0APP",
            "response_url": "http://127.0.0.1:9/respond",
            "trigger_id": f"trigger-{time.monotonic_ns()}",
        }
    )


async def _first(
    session: aiohttp.ClientSession,
    proc: subprocess.Popen[bytes],
    log: Path,
    method: str,
    url: str,
    begin: float,
    body: str | None = None,
) -> float:
    """Seconds from `begin` until `url` first answers 200."""
    while time.perf_counter() - begin < PATIENCE:
        if proc.poll() is not None:
            raise RuntimeError(f"child exited early:\n{tail(log)}")
        try:
            if body is None:
                async with session.get(url) as response:
                    if response.status == 200:
                        return time.perf_counter() - begin
            else:
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    **signed_headers(body),
                }
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    if response.status == 200:
                        return time.perf_counter() - begin
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(POLL)
    raise RuntimeError(f"{url} did not answer within {PATIENCE:.0f} s:\n{tail(log)}")


async def _start(
    args: list[str], env: dict[str, str], port: int, log: Path, *, ready: bool
) -> tuple[float, float | None]:
    """(seconds to the first acknowledged request, seconds to the first ready answer)."""
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        begin = time.perf_counter()
        proc = spawn(args, env, log)
        try:
            base = f"http://127.0.0.1:{port}"
            ack = _first(session, proc, log, "POST", f"{base}/slack/events", begin, _command())
            if ready:
                first_ack, first_ready = await asyncio.gather(
                    ack, _first(session, proc, log, "GET", f"{base}/readyz", begin)
                )
                return first_ack, first_ready
            return await ack, None
        finally:
            stop(proc)


async def run(scale: Scale) -> list[Row]:
    directory = workdir("cold")
    url = sqlite_url(directory)
    bot = await fresh_bot(url, directory)  # migrated, as a host that was deployed before
    await bot.close()
    fake_port = free_port()
    env = {
        "DATABASE_URL": url,
        "COMMONGROUND_DATA_DIR": str(directory),
        "COMMONGROUND_SECRET_KEY": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{fake_port}/api/",
        "LOG_LEVEL": "WARNING",
    }
    fake = spawn(
        ["-m", "bench.fakes", "slack", "--port", str(fake_port)], env, directory / "fake.log"
    )
    ours_ack: list[float] = []
    ours_ready: list[float] = []
    bare_ack: list[float] = []
    try:
        await wait_http(f"http://127.0.0.1:{fake_port}/stats", fake, directory / "fake.log")
        for n in range(1 if scale.quick else STARTS):
            port = free_port()
            first, _ = await _start(
                ["-m", "bench.bare_bolt", "--port", str(port)],
                env,
                port,
                directory / f"bare-{n}.log",
                ready=False,
            )
            bare_ack.append(first)
            port = free_port()
            first, ready = await _start(
                ["-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
                env,
                port,
                directory / f"ours-{n}.log",
                ready=True,
            )
            ours_ack.append(first)
            ours_ready.append(ready or 0.0)
    finally:
        stop(fake)
    ack, ready, bare = (statistics.median(x) for x in (ours_ack, ours_ready, bare_ack))
    section = "7. Cold start (process start to first answer)"
    return [
        judged(
            section,
            "first acknowledged Slack request",
            ack,
            lambda v: f"{v:.2f} s",
            lambda v: v < BAR_FIRST_ACK,
            baseline=f"bare bolt {bare:.2f} s",
            bar=f"< {BAR_FIRST_ACK} s",
            note=f"median of {len(ours_ack)} starts",
        ),
        judged(
            section,
            "first acknowledged Slack request / bare bolt's",
            ack / bare,
            lambda v: f"{v:.2f}x",
            lambda v: v <= BAR_TIMES_BARE,
            baseline=f"bare bolt {bare:.2f} s",
            bar=f"<= {BAR_TIMES_BARE:g}x",
        ),
        Row(
            section,
            "first ready answer on /readyz",
            f"{ready:.2f} s",
            "",
            value=ready,
            show=lambda v: f"{v:.2f} s",
        ),
    ]
