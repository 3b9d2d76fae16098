"""Operations: readiness, metrics, JSON logs, backups and the `web` process."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import REGISTRY
from sqlalchemy import text

from bot import app as composition
from bot.__main__ import build_parser, main
from bot.cards import Card
from bot.core import Core
from bot.effects import Effect, PostToConversation
from bot.ops.backup import POSTGRES_ADVICE, BackupRefused, backup
from bot.ops.observability import CountingDeliverer, JsonFormatter, TextFormatter
from bot.settings import Settings
from bot.store.database import Database
from tests.dialogue import Chat, channel, person


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_readyz_is_ok_when_migrated_and_503_when_the_schema_is_behind(
    settings: Settings, db: Database
) -> None:
    bot = composition.build(settings)
    try:
        async with TestClient(TestServer(composition.web_app(bot))) as client:
            response = await client.get("/readyz")
            assert response.status == 200
            assert await response.json() == {"status": "ok"}
            async with db.write() as conn:
                head = (await conn.execute(text("SELECT version_num FROM alembic_version"))).one()
                await conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
            try:
                response = await client.get("/readyz")
                assert response.status == 503
                assert await response.json() == {
                    "status": "database schema is not current; run `commonground migrate`"
                }
            finally:
                async with db.write() as conn:
                    await conn.execute(
                        text("UPDATE alembic_version SET version_num = :v"), {"v": head[0]}
                    )
    finally:
        await bot.close()


async def test_metrics_count_requests_by_route_pattern(settings: Settings, db: Database) -> None:
    bot = composition.build(settings)
    before = sample(
        "commonground_http_requests_total", method="GET", route="/healthz", status="200"
    )
    try:
        async with TestClient(TestServer(composition.web_app(bot))) as client:
            await client.get("/healthz")
            await client.get("/healthz")
            missing = await client.get("/no/such/page/U123")
            assert missing.status == 404
            response = await client.get("/metrics")
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            body = await response.text()
    finally:
        await bot.close()
    after = sample("commonground_http_requests_total", method="GET", route="/healthz", status="200")
    assert after == before + 2
    assert 'route="unmatched",status="404"' in body  # the concrete path never becomes a label
    assert "U123" not in body
    for name in (
        "commonground_deliveries_total",
        "commonground_delivery_failures_total",
        "commonground_retries_total",
        "commonground_scheduler_lateness_seconds_bucket",
    ):
        assert f"# TYPE {name.removesuffix('_bucket').removesuffix('_total')}" in body


class Flaky:
    """A platform that refuses every second delivery (by raising, or by returning it)."""

    def __init__(self) -> None:
        self.calls = 0

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        self.calls += 1
        if self.calls == 2:
            raise ConnectionError("the platform is down")
        return list(effects) if self.calls == 4 else []


async def test_deliveries_failures_and_retries_are_counted() -> None:
    counting = CountingDeliverer(Flaky())
    where = channel()
    labels = {"platform": where.platform, "kind": "PostToConversation"}
    ok = sample("commonground_deliveries_total", **labels)
    failed = sample("commonground_delivery_failures_total", **labels)
    retried = sample("commonground_retries_total", what="delivery")
    posts = [PostToConversation(where, Card(title=f"Post {n}")) for n in range(3)]
    assert await counting.deliver([posts[0]]) == []
    with pytest.raises(ConnectionError):
        await counting.deliver([posts[1]])
    assert await counting.deliver([posts[1]]) == []  # the outbox tried again: it went out
    assert await counting.deliver([posts[2]]) == [posts[2]]  # refused, not raised
    assert sample("commonground_deliveries_total", **labels) == ok + 2
    assert sample("commonground_delivery_failures_total", **labels) == failed + 2
    assert sample("commonground_retries_total", what="delivery") == retried + 1


async def test_a_lost_race_runs_the_event_again_and_is_counted(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    class UniqueViolation(Exception):
        sqlstate = "23505"

    await chat.say(person("Fay"), "setup Parents Forum")
    real_dispatch = Core._dispatch
    calls = 0

    async def lose_once(self: Core, ctx: Any, event: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise IntegrityError("INSERT", {}, UniqueViolation())
        return await real_dispatch(self, ctx, event)

    monkeypatch.setattr(Core, "_dispatch", lose_once)
    before = sample("commonground_retries_total", what="transaction")
    outcome = await chat.say(person("Sam"), "role professional")
    assert calls == 2
    assert "something went wrong" not in outcome.text().lower()
    assert "professional" in outcome.text()
    assert sample("commonground_retries_total", what="transaction") == before + 1


def test_json_log_lines_carry_only_time_level_logger_and_message() -> None:
    record = logging.LogRecord("bot.core", logging.INFO, __file__, 1, "handled %d", (3,), None)
    record.user_text = "my secret elephant"  # an extra attribute never rides along
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message"}
    assert entry["message"] == "handled 3"
    assert entry["level"] == "INFO"
    assert "my secret elephant" not in line


SECRET_WORDS = "the thing nobody says out loud"


def _failure_record() -> logging.LogRecord:
    """A logged failure whose exceptions (a library's, and ours raised from it) quote user text."""
    try:
        try:
            int(SECRET_WORDS)
        except ValueError as exc:
            raise RuntimeError(f"could not read {SECRET_WORDS!r}") from exc
    except RuntimeError:
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "bot.core",
        logging.ERROR,
        __file__,
        1,
        "failed to handle a %s event",
        ("Command",),
        exc_info,
    )


@pytest.mark.parametrize("formatter", [TextFormatter(), JsonFormatter()], ids=["text", "json"])
def test_logged_tracebacks_keep_where_and_what_but_not_the_messages(
    formatter: logging.Formatter,
) -> None:
    line = formatter.format(_failure_record())
    assert SECRET_WORDS not in line
    assert "failed to handle a Command event" in line
    assert "builtins.ValueError: (message withheld" in line
    assert "builtins.RuntimeError: (message withheld" in line
    assert "direct cause" in line
    assert "_failure_record" in line  # the frame where it went wrong is still there


def test_the_systems_own_errors_keep_their_messages() -> None:
    """A refused connection says where it tried: that comes from the system, not from anyone."""
    try:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
    except ConnectionRefusedError:
        record = logging.LogRecord(
            "bot.app", logging.ERROR, __file__, 1, "could not start", (), sys.exc_info()
        )
    line = TextFormatter().format(record)
    assert "builtins.ConnectionRefusedError: [Errno 111] Connect call failed" in line


def test_a_traceback_cached_by_another_handler_is_not_reused() -> None:
    record = _failure_record()
    logging.Formatter().format(record)  # a plain formatter caches the full traceback
    assert record.exc_text and SECRET_WORDS in record.exc_text
    assert SECRET_WORDS not in TextFormatter().format(record)


async def test_a_failing_handler_logs_no_user_text(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def fail(self: Core, ctx: Any, event: Any) -> Any:
        raise ValueError(f"invalid literal: {event.text!r}")

    monkeypatch.setattr(Core, "_dispatch", fail)
    try:
        composition.configure_logging("INFO")
        outcome = await chat.say(person("Sam"), f"elephant {SECRET_WORDS}")
    finally:
        composition.configure_logging("WARNING")
    assert "something went wrong" in outcome.text().lower()
    err = capsys.readouterr().err
    assert "failed to handle a Command event" in err
    assert "builtins.ValueError: (message withheld" in err
    assert SECRET_WORDS not in err


def test_log_format_json_is_used(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        composition.configure_logging("INFO", "json")
        logging.getLogger("bot.test").info("hello")
        assert json.loads(capsys.readouterr().err.strip().splitlines()[-1])["message"] == "hello"
    finally:
        composition.configure_logging("WARNING")


def test_web_is_serve_without_the_scheduler() -> None:
    assert build_parser().parse_args(["web"]).with_clock is False
    assert build_parser().parse_args(["serve"]).with_clock is True


# -- backup ---------------------------------------------------------------------------------------


@pytest.mark.sqlite_only(reason="backs up the SQLite file")
async def test_backup_is_a_consistent_copy_while_the_bot_is_open(
    chat: Chat, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await chat.say(person("Fay"), "setup Parents Forum")
    target = tmp_path / "copies" / "cg-backup.db"
    target.parent.mkdir()
    url = str(db.url)
    assert main(["backup", str(target), "--database-url", url]) == 0
    assert f"Backed up the database to {target}." in capsys.readouterr().out
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT name FROM groups").fetchall() == [("Parents Forum",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert sorted(p.name for p in target.parent.iterdir()) == ["cg-backup.db"]


@pytest.mark.sqlite_only(reason="backs up the SQLite file")
async def test_backup_never_overwrites(db: Database, tmp_path: Path) -> None:
    target = tmp_path / "exists.db"
    target.write_text("precious")
    with pytest.raises(BackupRefused, match="already exists; choose a new file name"):
        backup(str(db.url), target)
    assert target.read_text() == "precious"
    with pytest.raises(BackupRefused, match="does not exist; create it first"):
        backup(str(db.url), tmp_path / "nowhere" / "x.db")
    with pytest.raises(BackupRefused, match="different file from the database"):
        backup(str(db.url), Path(str(db.url.database)))


def test_backup_refuses_postgresql_with_advice(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+asyncpg://cg:pw@db.example/cg"
    assert main(["backup", "/tmp/never.db", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.strip() == POSTGRES_ADVICE
    assert "pg_dump" in err and "pw" not in err


def test_backup_says_when_there_is_no_database_yet(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'none.db'}"
    with pytest.raises(BackupRefused, match=r"There is no database at .* yet"):
        backup(url, tmp_path / "copy.db")


async def test_the_clock_serves_metrics_on_its_own_port(tmp_path: Path) -> None:
    import asyncio

    import aiohttp

    from testkit.loopback import free_port

    port = free_port()
    settings = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'clock.db'}",
        COMMONGROUND_DATA_DIR=tmp_path,
        METRICS_PORT=port,
        _env_file=None,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(composition.run_clock(settings, stop=stop, ready=ready))
    try:
        await asyncio.wait_for(ready.wait(), timeout=15)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 200
                assert "commonground_scheduler_lateness_seconds" in await response.text()
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


async def test_a_late_timer_is_measured(chat: Chat) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.scheduling.clock import MeetingClock

    clock = MeetingClock(chat.core, Flaky())
    count = sample("commonground_scheduler_lateness_seconds_count")
    prompt = sample("commonground_scheduler_lateness_seconds_bucket", le="60.0")
    await clock._timer_fired(999_999, "end", datetime.now(UTC) - timedelta(minutes=2))
    assert sample("commonground_scheduler_lateness_seconds_count") == count + 1
    assert sample("commonground_scheduler_lateness_seconds_bucket", le="60.0") == prompt  # > 60 s


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db:5432/cg", "postgresql+asyncpg://u:p@db:5432/cg"),
        ("postgresql://u@db/cg", "postgresql+asyncpg://u@db/cg"),
        ("postgresql+asyncpg://u@db/cg", "postgresql+asyncpg://u@db/cg"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_a_hosts_postgres_url_is_used_with_asyncpg(given: str, used: str) -> None:
    assert Settings(DATABASE_URL=given, _env_file=None).resolved_database_url() == used


class _Heard(logging.Handler):
    """Sets `event` when a log line with `words` goes out: waiting for it needs no sleep."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.event.set()


async def test_stopping_lets_a_request_in_flight_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio

    import aiohttp
    from aiohttp import web

    from testkit.loopback import free_port

    started, release = asyncio.Event(), asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        started.set()
        await release.wait()
        return web.Response(text="finished")

    real_web_app = composition.web_app

    def with_slow_route(bot: composition.CommonGround) -> web.Application:
        app = real_web_app(bot)
        app.router.add_get("/slow", slow)
        return app

    monkeypatch.setattr(composition, "web_app", with_slow_route)
    settings = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'web.db'}",
        COMMONGROUND_DATA_DIR=tmp_path,
        _env_file=None,
    )
    port = free_port()
    stop, ready = asyncio.Event(), asyncio.Event()
    server = asyncio.create_task(
        composition.serve(settings, host="127.0.0.1", port=port, stop=stop, ready=ready)
    )
    await asyncio.wait_for(ready.wait(), timeout=15)
    async with aiohttp.ClientSession() as session:
        request = asyncio.create_task(session.get(f"http://127.0.0.1:{port}/slow"))
        await asyncio.wait_for(started.wait(), timeout=5)
        caplog.set_level(logging.INFO, logger="bot.app")
        stopping = _Heard("stopping")
        logging.getLogger("bot.app").addHandler(stopping)
        try:
            stop.set()  # what SIGTERM does
            await asyncio.wait_for(stopping.event.wait(), timeout=5)  # serve has begun to stop
        finally:
            logging.getLogger("bot.app").removeHandler(stopping)
        await asyncio.sleep(0)
        assert not server.done()  # ... and is still waiting for the request in flight
        release.set()
        response = await asyncio.wait_for(request, timeout=5)
        assert response.status == 200
        assert await response.text() == "finished"
        response.release()
    await asyncio.wait_for(server, timeout=15)
