"""4. Scheduler at scale: `groups` groups with weekly meetings. The meeting clock's rebuild at
start (the first one writes every group's next meeting; a restart finds them written), the resident
memory of an idle `commonground serve` on that database, and the lateness of `due_together`
summaries whose meetings end at the same moment, with the real clock and timers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.common import (
    SECRET,
    Row,
    Scale,
    add_groups,
    five_checked_in,
    fresh_bot,
    group_row,
    judged,
    percentile,
    seconds,
    sqlite_url,
    weekly_rule,
    workdir,
)
from bench.procs import rss_mb, spawn, stop, tail, wait_http
from bot.app import CommonGround
from bot.effects import Effect, PostToConversation
from bot.scheduling.clock import MeetingClock
from bot.store.schema import meetings
from testkit.fake_slack import SIGNING_SECRET
from testkit.loopback import free_port

BAR_REBUILD = 5.0
BAR_RSS_MB = 300.0
BAR_LATE = 60.0
"""Seconds an idle `serve` is left alone after its clock has started, before reading VmRSS."""


class Recorder:
    """A deliverer that notes when each summary reached it."""

    def __init__(self) -> None:
        self.summaries: Counter[str] = Counter()
        self.when: dict[str, float] = {}

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        now = time.time()
        for effect in effects:
            key = getattr(effect, "key", None)
            if isinstance(effect, PostToConversation) and key and key.startswith("summary:"):
                self.summaries[key] += 1
                self.when.setdefault(key, now)
        return []


async def _database(count: int) -> tuple[CommonGround, Path, str]:
    directory = workdir(f"scale{count}")
    url = sqlite_url(directory)
    bot = await fresh_bot(url, directory)
    for start in range(0, count, 2000):
        rows = [group_row(n, rule=weekly_rule(n)) for n in range(start, min(count, start + 2000))]
        await add_groups(bot.db, rows)
    return bot, directory, url


def quiet_moment() -> datetime:
    """Next Monday 03:00 UTC: no seeded group (meetings 08:00-20:00 London) has a job due, so
    the rebuild is timed alone, not the catch-up of meetings that happen to be under way."""
    now = datetime.now(UTC)
    monday = now + timedelta(days=7 - now.weekday())
    return monday.replace(hour=3, minute=0, second=0, microsecond=0)


async def _rebuild(bot: CommonGround) -> tuple[float, int]:
    clock = MeetingClock(bot.core, Recorder())
    start = time.perf_counter()
    held = await clock.rebuild(quiet_moment())
    return time.perf_counter() - start, held


async def _idle_rss(url: str, directory: Path, settle: float) -> float:
    """Start `commonground serve` on this database, wait for its clock, read its VmRSS."""
    port = free_port()
    env = {
        "DATABASE_URL": url,
        "COMMONGROUND_DATA_DIR": str(directory),
        "COMMONGROUND_SECRET_KEY": SECRET,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "TEAMS_ENABLED": "false",
        "LOG_LEVEL": "INFO",
    }
    log = directory / f"serve-{port}.log"
    server = spawn(["-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    try:
        await wait_http(f"http://127.0.0.1:{port}/healthz", server, log)
        deadline = time.monotonic() + 120
        # "serving" is logged once the clock's rebuild is done; polling a child's log file.
        while time.monotonic() < deadline:  # a child's log file is polled
            if "serving GET /healthz" in tail(log, 100_000):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(settle)
        return rss_mb(server.pid)
    finally:
        stop(server)


async def _due_together(
    bot: CommonGround, count: int, group_ids: Sequence[int], lead: float
) -> dict[str, float]:
    """`count` open meetings (5 members, 5 check-ins each) all ending at the same second; run the
    real clock until every summary has come out (or the bar has long passed)."""
    due = (datetime.now(UTC) + timedelta(seconds=lead)).replace(microsecond=0)
    chosen = list(group_ids)[:count]
    async with bot.db.write() as conn:
        ids = (
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
                        for g in chosen
                    ],
                )
            )
            .scalars()
            .all()
        )
        await five_checked_in(conn, dict(zip(chosen, ids, strict=True)), due, user_prefix="U")
    recorder = Recorder()
    clock = MeetingClock(bot.core, recorder)
    await clock.start()
    try:
        deadline = due.timestamp() + BAR_LATE + 60
        while time.time() < deadline:  # the recording deliverer is polled
            if len(recorder.summaries) >= count:
                break
            await asyncio.sleep(0.5)
    finally:
        await clock.shutdown()
    late = [
        recorder.when[f"summary:{i}"] - due.timestamp()
        for i in ids
        if f"summary:{i}" in recorder.when
    ]
    return {
        "posted": len(late),
        "twice": sum(1 for n in recorder.summaries.values() if n > 1),
        "p50": percentile(late, 50),
        "max": max(late, default=float("inf")),
    }


async def run(scale: Scale) -> list[Row]:
    small = max(scale.groups // 10, 1)
    base_bot, _, _ = await _database(small)
    try:
        base_first, _ = await _rebuild(base_bot)
    finally:
        await base_bot.close()
    bot, directory, url = await _database(scale.groups)
    try:
        first, held = await _rebuild(bot)
        again, _ = await _rebuild(bot)
        empty_dir = workdir("empty")
        empty_url = sqlite_url(empty_dir)
        await (await fresh_bot(empty_url, empty_dir)).close()
        rss_empty = await _idle_rss(empty_url, empty_dir, scale.settle)
        rss = await _idle_rss(url, directory, scale.settle)
        async with bot.db.read() as conn:
            group_ids = (await conn.execute(select(meetings.c.group_id).distinct())).scalars().all()
        late = await _due_together(bot, scale.due_together, group_ids, scale.due_lead)
    finally:
        await bot.close()
    section = f"4. Scheduler, {scale.groups:,} weekly groups"
    ok_late = late["posted"] == scale.due_together and late["twice"] == 0
    return [
        judged(
            section,
            "rebuild at first start (writes each group's next meeting), at a quiet hour",
            first,
            seconds,
            lambda v: v < BAR_REBUILD,
            baseline=f"{small:,} groups: {base_first:.2f} s (x{first / base_first:.1f} for x10 "
            "groups)",
            bar=f"< {BAR_REBUILD:.0f} s",
            note=f"{held} timers held (nearest first, within a day)",
        ),
        judged(
            section,
            "rebuild at restart (meetings already written), at a quiet hour",
            again,
            seconds,
            lambda v: v < BAR_REBUILD,
            baseline=f"first start {first:.2f} s",
            bar=f"< {BAR_REBUILD:.0f} s",
        ),
        judged(
            section,
            "resident memory of idle `serve` (VmRSS)",
            rss,
            lambda v: f"{v:.0f} MB",
            lambda v: v < BAR_RSS_MB,
            baseline=f"empty database {rss_empty:.0f} MB",
            bar=f"< {BAR_RSS_MB:.0f} MB",
            note=f"read {scale.settle:.0f} s after its clock started",
        ),
        judged(
            section,
            f"{scale.due_together:,} summaries due at the same second: latest",
            float(late["max"]) if late["posted"] else float("inf"),
            lambda v: f"{v:.1f} s late",
            lambda v: v <= BAR_LATE,
            baseline=f"median {late['p50']:.1f} s late" if late["posted"] else "",
            bar=f"all within {BAR_LATE:.0f} s, each once",
            note=f"{late['posted']} of {scale.due_together} posted, {late['twice']} twice",
            holds=ok_late,
        ),
    ]
