"""The fault-injection harness: the bot as a real process, the fake Slack it talks to, signed
Slack requests, and counts read straight from the database.

`BotProcess` runs `python -m bot serve` on a free loopback port against the test's database (an
SQLite file in the test's directory, or the throw-away PostgreSQL database) and the fake Slack
running in the test process. It waits for `GET /readyz`, can be killed with SIGKILL at a moment
the test chooses, and started again on the same database. Nothing in the bot knows it is under
test: kill points are chosen from outside (a call the fake Slack holds, the last acknowledgement
of a burst), never by hooks in the bot's code.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import func, insert, select

from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.store.schema import groups, members, metadata
from testkit.fake_slack import SIGNING_SECRET, TEAM, FakeSlack, event_body, signed_headers
from testkit.loopback import free_port
from testkit.throwaway_postgres import create_database, drop_database
from tests.conftest import ON_POSTGRES, TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 40.0
PATIENCE = float(os.environ.get("COMMONGROUND_FAULT_PATIENCE", "60"))
"""Seconds a test waits, after a fault ends, for the bot to finish what it owes. The outbox's
first retry is 15 s away and a dead process's lease must run out first; beyond this, what is
missing counts as lost."""
ROUNDS = max(1, int(os.environ.get("COMMONGROUND_FAULT_ROUNDS", "1")))
"""How many times each kill point is tried, each time at another position (CI: once)."""
CHANNEL = "C0FORUM"
FACILITATOR = "U0000000"
NOT_OURS = ("SLACK_", "MICROSOFT_", "Microsoft", "TEAMS_", "DATABASE_URL", "COMMONGROUND_", "PORT")


def member_id(n: int) -> str:
    return f"U{n:07d}"


class BotProcess:
    """`python -m bot serve` as a child process; SIGKILL and restart on the same database."""

    def __init__(
        self,
        database_url: str,
        fake: FakeSlack,
        folder: Path,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.folder = folder
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_OURS)}
        env.update(
            DATABASE_URL=database_url,
            COMMONGROUND_SECRET_KEY=TEST_SECRET,
            COMMONGROUND_DATA_DIR=str(folder),
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            SLACK_POSTS_PER_SECOND="1000",  # the fake enforces no limit; the test wants speed
            TEAMS_ENABLED="false",  # a Slack-only installation
            LOG_LEVEL="INFO",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra or {})
        self.env = env
        self.starts = 0
        self.popen: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def log_path(self) -> Path:
        return self.folder / f"serve-{self.starts}.log"

    def logs(self) -> str:
        return "\n".join(
            (self.folder / f"serve-{n}.log").read_text(errors="replace")
            for n in range(1, self.starts + 1)
        )

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.starts += 1
        self._log = self.log_path.open("wb")
        command = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        return subprocess.Popen(
            [sys.executable, "-m", "bot", *command],
            cwd=self.folder,  # no `.env` of the developer's is read
            env={**self.env, "PYTHONPATH": str(ROOT)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    async def start(self) -> None:
        """Start `serve` and wait until `/readyz` says 200."""
        self.popen = self._spawn()
        deadline = time.monotonic() + STARTUP_SECONDS
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.popen.poll() is not None:
                    raise AssertionError(
                        f"serve exited with {self.popen.returncode}:\n{self.logs()}"
                    )
                try:
                    async with session.get(f"{self.url}/readyz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"serve was not ready within {STARTUP_SECONDS} s:\n{self.logs()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no finishing in-flight work, as a crash or an OOM kill."""
        assert self.popen is not None
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()
        self._log.close()

    async def restart(self) -> None:
        await self.start()

    def stop(self) -> int:
        """SIGTERM and wait (graceful); SIGKILL if it does not end in time."""
        if self.popen is None:
            return 0
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        if self._log is not None and not self._log.closed:
            self._log.close()
        return int(self.popen.returncode)

    async def metric(self, session: aiohttp.ClientSession, name: str) -> float:
        """The sum of a counter's samples on `/metrics` (0 when it is not there)."""
        async with session.get(f"{self.url}/metrics") as response:
            text = await response.text()
        return metric_sum(text, name)


def metric_sum(text: str, name: str, **labels: str) -> float:
    """Adds up every sample of `name` in a Prometheus text page whose labels include `labels`."""
    total = 0.0
    pattern = re.compile(rf"^{re.escape(name)}(\{{[^}}]*\}})?\s+(\S+)$")
    for line in text.splitlines():
        found = pattern.match(line)
        if not found:
            continue
        said = found.group(1) or ""
        if all(f'{k}="{v}"' in said for k, v in labels.items()):
            total += float(found.group(2))
    return total


def server_errors(text: str) -> float:
    """Requests answered 500..599 other than 503, from a `/metrics` page."""
    total = 0.0
    for line in text.splitlines():
        found = re.match(
            r'^commonground_http_requests_total\{.*status="(5\d\d)".*\}\s+(\S+)$', line
        )
        if found and found.group(1) != "503":
            total += float(found.group(2))
    return total


@dataclass(frozen=True)
class Answer:
    """The bot's answer to one Slack request."""

    status: int
    text: str

    @property
    def acknowledged(self) -> bool:
        """Taken in: a bare 200, Slack's acknowledgement. A 200 that carries words answers the
        person at once (for instance "busy, nothing was saved, try again"); a 503 asks Slack to
        retry. Only what was acknowledged must be kept."""
        return self.status == 200 and not self.text.strip()


class SlackSender:
    """Signed Slack requests to the bot's `POST /slack/events`, shaped like Slack's own."""

    def __init__(self, session: aiohttp.ClientSession, url: str, fake: FakeSlack) -> None:
        self.session = session
        self.url = url
        self.fake = fake
        self._n = 0

    async def post(
        self, body: str, content_type: str, headers: Mapping[str, str] | None = None
    ) -> Answer:
        sent = {"Content-Type": content_type, **signed_headers(body), **(headers or {})}
        async with self.session.post(
            f"{self.url}/slack/events", data=body.encode(), headers=sent
        ) as response:
            return Answer(response.status, await response.text())

    def command_body(self, user: str, text: str, channel: str = CHANNEL) -> str:
        self._n += 1
        return urlencode(
            {
                "token": "legacy",
                "team_id": TEAM,
                "team_domain": "testers",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/coprod",
                "text": text,
                "api_app_id": "A0APP",
                "response_url": self.fake.response_url(self._n),
                "trigger_id": f"trigger-{self._n}",
            }
        )

    async def command(
        self, user: str, text: str, channel: str = CHANNEL, headers: Mapping[str, str] | None = None
    ) -> Answer:
        body = self.command_body(user, text, channel)
        return await self.post(body, "application/x-www-form-urlencoded", headers)

    async def action(self, payload: dict[str, Any]) -> Answer:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def event(
        self, event: dict[str, Any], event_id: str, headers: Mapping[str, str] | None = None
    ) -> Answer:
        return await self.post(event_body(event, event_id), "application/json", headers)


# -- the database, read and seeded directly --------------------------------------------------

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def seed_group(db: Database, size: int, *, rule: str | None = None) -> int:
    """A Slack group in `CHANNEL` with `size` members (the first is its facilitator), written
    straight into the tables: the test is about what happens next, not about typing `setup`."""
    group = {
        "platform": "slack",
        "workspace": TEAM,
        "conversation_id": CHANNEL,
        "name": "Fault Forum",
        "created_at": T0,
        "schedule_rule": rule,
        "timezone": "UTC",
        "quiet_start": None,
        "quiet_end": None,
        "k": 3,
        "anonymity_delay_minutes": 5,
        "reciprocity_lock": False,
        "checkin_lead_minutes": 15,
        "reminder_after_minutes": 10,
        "reflection_after_minutes": 60,
        "retention_days": 3650,
    }
    async with db.write() as conn:
        group_id = int(
            (await conn.execute(insert(groups).returning(groups.c.id), [group])).scalar_one()
        )
        rows = [
            {
                "group_id": group_id,
                "user_id": member_id(n),
                "display_name": f"person {n}",
                "role": ("lived-experience", "professional", "both")[n % 3],
                "is_facilitator": n == 0,
                "nudges": True,
                "joined_at": T0,
            }
            for n in range(size)
        ]
        await conn.execute(insert(members), rows)
    return group_id


def rule_with_checkin_due() -> str:
    """A weekly schedule (in UTC) whose next meeting starts in five or six minutes: with the
    check-in 15 minutes ahead, the clock sends it as soon as it starts, and makes the meeting
    itself from the rule, as it does for every scheduled group."""
    starts = datetime.now(UTC) + timedelta(minutes=6)
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[starts.weekday()]
    return f"weekly {day} {starts:%H:%M} 90m"


@asynccontextmanager
async def second_database(folder: Path) -> AsyncIterator[tuple[str, Database]]:
    """Another empty, migrated database (its URL and a handle), for a second bot process run
    beside the first: an SQLite file in `folder`, or another throw-away PostgreSQL database."""
    if ON_POSTGRES:
        url = await create_database("cg_test")
    else:
        url = f"sqlite+aiosqlite:///{folder / 'second.db'}"
    await upgrade(url)
    database = Database(url)
    try:
        yield url, database
    finally:
        await database.dispose()
        if ON_POSTGRES:
            await drop_database(url)


async def count(db: Database, table: str, **where: Any) -> int:
    """Rows in one of the bot's tables, optionally only those with these column values."""
    chosen = metadata.tables[table]
    query = select(func.count()).select_from(chosen)
    for column, value in where.items():
        query = query.where(chosen.c[column] == value)
    async with db.read() as conn:
        return int((await conn.execute(query)).scalar_one())


async def texts(db: Database, table: str, column: str = "text") -> list[str]:
    chosen = metadata.tables[table]
    async with db.read() as conn:
        return [str(v) for v in (await conn.execute(select(chosen.c[column]))).scalars()]


async def every_row(db: Database) -> dict[str, int]:
    """How many rows each of the bot's tables holds (what "nothing stored" compares), in one
    query. The readiness probe's own row is left out: `/readyz` writes it to prove it can."""
    tables = [t for t in metadata.sorted_tables if t.name != "readiness_probe"]
    counts = [select(func.count()).select_from(t).scalar_subquery() for t in tables]
    async with db.read() as conn:
        row = (await conn.execute(select(*counts))).one()
    return {table.name: int(n) for table, n in zip(tables, row, strict=True)}


async def eventually(
    check: Callable[[], Awaitable[bool]], within: float = PATIENCE, every: float = 0.2
) -> bool:
    """Whether `check` comes true within `within` seconds (polling the outside world)."""
    deadline = time.monotonic() + within
    while True:
        if await check():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(every)


def doubled(counts: Mapping[str, int]) -> dict[str, int]:
    return {who: n for who, n in counts.items() if n > 1}


def missing(expected: Iterable[str], counts: Mapping[str, int]) -> list[str]:
    return [who for who in expected if counts.get(who, 0) == 0]


REPORT = os.environ.get("COMMONGROUND_FAULT_REPORT", "")
"""A file to add one JSON line to per fault tried (for `python -m tests.faults.tally`)."""


def record(
    fault: str,
    *,
    requests: int,
    posts: int = 0,
    lost: int = 0,
    doubled: int = 0,
    errors: int = 0,
    let_in: int = 0,
) -> None:
    """Note what one fault did, when `COMMONGROUND_FAULT_REPORT` names a file: requests sent to
    the bot, posts it owed the platform, acknowledged requests or owed posts lost, doubled,
    answers 5xx other than 503, and requests without a signature or token that changed
    anything. Called before a test's assertions, so a failing run is counted too."""
    if not REPORT:
        return
    line = {
        "fault": fault,
        "requests": requests,
        "posts": posts,
        "lost": lost,
        "doubled": doubled,
        "errors": errors,
        "let_in": let_in,
    }
    with open(REPORT, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
