"""Real processes on one PostgreSQL database: two `web`, two `clock`, Slack-shaped traffic
against the local fake Slack. Every scheduled post happens exactly once, a retried event that
reaches the other web process is still dropped, and a clock killed mid-run (SIGKILL) loses
nothing: the other carries on.

Runs only with COMMONGROUND_TEST_DATABASE=postgresql (SQLite is one host, one process)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import func, select, text, update

from bot.delivery.outbox import pending
from bot.scheduling.plan import RECIPROCITY, REFLECTION, firing_key
from bot.store.database import Database
from bot.store.schema import firings, groups, meetings
from testkit.fake_slack import SIGNING_SECRET, TEAM, FakeSlack, running_fake, signed_headers
from testkit.fake_teams import GENERAL, FakeTeams, TeamsHarness, teams_person
from testkit.fake_teams import running_fake as running_teams_fake
from testkit.loopback import free_port
from tests.conftest import RESET_POSTGRES, TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = ("C0ONE", "C0TWO")
FACILITATOR, OTHERS = "U0FAY", ("U0PAT", "U0LEE")
STARTUP_SECONDS = 30


class Process:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._out.close()
        return self.popen.returncode


@contextmanager
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    try:
        yield started
    finally:
        for process in started:
            process.stop()


async def wait_for(check: Any, what: str, within: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@asynccontextmanager
async def fakes() -> AsyncIterator[tuple[FakeSlack, FakeTeams]]:
    async with running_fake() as slack, running_teams_fake() as teams:
        yield slack, teams
    # The strict fake Slack would have refused nothing the real processes sent.
    assert [(c.method, c.answer.get("error")) for c in slack.refusals] == []


def command_body(user: str, command_text: str, channel: str, fake: FakeSlack, n: int) -> str:
    return urlencode(
        {
            "team_id": TEAM,
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/coprod",
            "text": command_text,
            "api_app_id": "A0APP",
            "response_url": fake.response_url(n),
            "trigger_id": f"trigger-{n}",
        }
    )


def event_body(event: dict[str, str], event_id: str) -> str:
    return json.dumps(
        {
            "team_id": TEAM,
            "api_app_id": "A0APP",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT0001", "is_bot": True}],
        }
    )


async def post(
    session: aiohttp.ClientSession,
    port: int,
    body: str,
    content_type: str,
    extra: dict[str, str] | None = None,
) -> int:
    headers = {"Content-Type": content_type, **signed_headers(body), **(extra or {})}
    async with session.post(
        f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers
    ) as response:
        await response.read()
        return response.status


def posts(fake: FakeSlack, teams: FakeTeams) -> list[tuple[str, str]]:
    """Every post and update either platform received: (where, what it said)."""
    sent = fake.of("chat.postMessage") + fake.of("chat.update")
    found = [(str(p["channel"]), json.dumps([p.get("text"), p.get("blocks")])) for p in sent]
    for item in teams.sent:
        if item.kind != "create":
            where = item.conversation.split(";")[0]
            found.append((where, f"{item.kind} {item.activity_id} {item.texts()}"))
    return found


async def post_activity(session: aiohttp.ClientSession, port: int, activity: dict[str, Any]) -> int:
    async with session.post(
        f"http://127.0.0.1:{port}/api/messages",
        data=json.dumps(activity),
        headers={"Content-Type": "application/json"},
    ) as response:
        await response.read()
        return response.status


async def test_two_web_two_clocks_one_killed_everything_exactly_once(
    postgres_url: str, tmp_path: Path
) -> None:
    database = Database(postgres_url)
    async with database.write() as conn:
        await conn.execute(text(RESET_POSTGRES))
    async with fakes() as (fake, teams), aiohttp.ClientSession() as session:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SLACK_", "MICROSOFT_", "Microsoft", "TEAMS_"))
        }
        env.update(
            DATABASE_URL=postgres_url,
            COMMONGROUND_SECRET_KEY=TEST_SECRET,
            COMMONGROUND_DATA_DIR=str(tmp_path),
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            TEAMS_RETRY_BACKOFF="0",
            TEAMS_ALLOW_UNAUTHENTICATED="true",  # Teams with authentication off: loopback only
            LOG_LEVEL="INFO",
            NO_PROXY="127.0.0.1,localhost",
            PYTHONUNBUFFERED="1",
        )
        ports = [free_port(), free_port()]
        with processes() as running:
            for n, port in enumerate(ports):
                args = ["web", "--host", "127.0.0.1", "--port", str(port)]
                running.append(Process(f"web{n}", args, env, tmp_path / f"web{n}.log"))

            async def webs_ready() -> bool:
                for port in ports:
                    try:
                        async with session.get(f"http://127.0.0.1:{port}/readyz") as r:
                            if r.status != 200:
                                return False
                    except aiohttp.ClientError:
                        return False
                return True

            await wait_for(webs_ready, "the web processes")

            # Slack-shaped traffic, spread over both web processes.
            n = 0
            for channel in CHANNELS:
                for user, words in (
                    (FACILITATOR, "setup Forum"),
                    *((u, "role both") for u in OTHERS),
                ):
                    n += 1
                    body = command_body(user, words, channel, fake, n)
                    status = await post(
                        session, ports[n % 2], body, "application/x-www-form-urlencoded"
                    )
                    assert status == 200

            # A retry of an event that reaches the other web process is still dropped.
            join = {
                "type": "member_joined_channel",
                "user": "U0NEW",
                "channel": CHANNELS[0],
                "channel_type": "C",
                "team": TEAM,
                "event_ts": "1700000000.000100",
            }
            # Teams too: a group in its General channel, set up through both web processes.
            harness = TeamsHarness(None, teams)  # type: ignore[arg-type]
            say = [(teams_person("29:fay", "Fay"), "setup Teams Forum")]
            say += [(teams_person(f"29:{n}", n), "role both") for n in ("pat", "lee")]
            for i, (who, words) in enumerate(say):
                # Each is handled from the inbox after its answer: wait for its reply before the
                # next, so `setup` is done before the roles (as people typing would see it).
                answered = len([s for s in teams.sent if s.kind != "create"])
                assert await post_activity(session, ports[i % 2], harness.message(who, words)) in {
                    200,
                    201,
                }

                async def replied(before: int = answered) -> bool:
                    return len([s for s in teams.sent if s.kind != "create"]) > before

                await wait_for(replied, "the Teams answer")
            repeated = harness.message(teams_person("29:kit", "Kit"), "role professional")
            before = len([s for s in teams.sent if s.kind != "create"])
            for port in ports:  # a repeated delivery reaching the other process changes nothing
                assert await post_activity(session, port, repeated) in {200, 201}

            body = event_body(join, "Ev0ACROSS")
            assert await post(session, ports[0], body, "application/json") == 200
            retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            assert await post(session, ports[1], body, "application/json", retry) == 200

            def greetings() -> list[dict[str, Any]]:
                return [p for p in fake.of("chat.postMessage") if p["channel"] == "U0NEW"]

            async def greeted() -> bool:  # the work after the acknowledgement
                return bool(greetings())

            await wait_for(greeted, "the greeting")
            assert len(greetings()) == 1

            async def three_groups() -> bool:  # Teams' set-up is handled from the inbox
                async with database.read() as conn:
                    found = await conn.execute(select(func.count()).select_from(groups))
                    return int(found.scalar_one()) == 3

            await wait_for(three_groups, "the three groups")
            # One meeting per group: it began a moment ago and ends in a few seconds; its
            # check-in, start, reminder, end (summary), reflection and note all fall due now.
            now = datetime.now(UTC)
            async with database.write() as conn:
                await conn.execute(
                    update(groups).values(
                        checkin_lead_minutes=0,
                        reminder_after_minutes=0,
                        reflection_after_minutes=0,
                        quiet_start=None,
                        quiet_end=None,
                    )
                )
                group_ids = list((await conn.execute(select(groups.c.id))).scalars())
                assert len(group_ids) == 3
                meeting_ids: list[int] = []
                for i, group_id in enumerate(group_ids):
                    inserted = await conn.execute(
                        meetings.insert().values(
                            group_id=group_id,
                            starts_at=now - timedelta(seconds=1),
                            ends_at=now + timedelta(seconds=10 + 2 * i),
                            status="scheduled",
                            source="schedule",
                        )
                    )
                    meeting_ids.append(int(inserted.inserted_primary_key[0]))

            async def kits() -> int:
                async with database.read() as conn:
                    found = await conn.execute(
                        text("SELECT count(*) FROM members WHERE user_id = '29:kit'")
                    )
                    return int(found.scalar_one())

            async def kit_answered() -> bool:  # handled from the inbox, after the answer
                return await kits() >= 1 and bool(
                    [s for s in teams.sent if s.kind != "create"][before:]
                )

            await wait_for(kit_answered, "the repeated Teams activity")
            assert await kits() == 1
            replies = [s for s in teams.sent if s.kind != "create"][before:]
            assert len(replies) == 1, [r.texts() for r in replies]  # one answer, not two
            assert len(greetings()) == 1  # and still one greeting, a while later
            fake.clear()
            teams.clear()

            clocks = [
                Process(f"clock{n}", ["clock"], env, tmp_path / f"clock{n}.log") for n in (0, 1)
            ]
            running.extend(clocks)

            async def clocks_running() -> bool:
                return all("the scheduler is running" in c.text() for c in clocks)

            await wait_for(clocks_running, "the clock processes")

            async def checkins_posted() -> bool:
                return {c for c, _ in posts(fake, teams)} >= {*CHANNELS, GENERAL}

            await wait_for(checkins_posted, "the check-ins")
            clocks[0].popen.send_signal(signal.SIGKILL)  # mid-run: the meetings have not ended
            clocks[0].popen.wait()
            async with database.read() as conn:
                summaries = (await conn.execute(select(meetings.c.summary_posted_at))).scalars()
                assert all(at is None for at in summaries), "killed too late to test anything"

            async def all_done() -> bool:
                async with database.read() as conn:
                    rows = (await conn.execute(select(meetings.c.summary_posted_at))).all()
                    return all(row[0] is not None for row in rows)

            await wait_for(all_done, "both summaries")

            async def follow_ups_sent() -> bool:
                """The nudges that follow each end have fired, and everything is delivered."""
                keys = {
                    firing_key(m, kind) for m in meeting_ids for kind in (REFLECTION, RECIPROCITY)
                }
                async with database.read() as conn:
                    fired = set((await conn.execute(select(firings.c.key))).scalars())
                return keys <= fired and await pending(database) == 0

            await wait_for(follow_ups_sent, "the nudges after the end, and their deliveries")

            assert clocks[1].popen.poll() is None, clocks[1].text()
            sent = posts(fake, teams)
            doubled = [item for item, count in Counter(sent).items() if count > 1]
            assert doubled == [], "a post was made twice"
            for channel in (*CHANNELS, GENERAL):
                in_channel = [said for where, said in sent if where == channel]
                assert any("check-in" in said.lower() for said in in_channel), channel
                assert any("summary" in said.lower() for said in in_channel), channel
            for process in running:
                if process is not clocks[0]:
                    assert process.stop() == 0, process.text()
                    assert "Traceback" not in process.text(), process.text()
    await database.dispose()
