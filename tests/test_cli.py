"""The command line and the web app: migrate, serve, clock, demo, and the settings they read."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import app as composition
from bot.__main__ import build_parser, main
from bot.ops.gc_tuning import YOUNGEST_THRESHOLD
from bot.settings import Settings
from testkit.loopback import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No `.env`, no operator variables, and no real logging set-up inside the test process."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "DATABASE_URL",
        "COMMONGROUND_DATA_DIR",
        "COMMONGROUND_TIMEZONE",
        "COMMONGROUND_K",
        "COMMONGROUND_SECRET_KEY",
        "PORT",
        "LOG_LEVEL",
        "SLACK_BOT_TOKEN",
        "MICROSOFT_APP_ID",
        "TEAMS_ALLOW_UNAUTHENTICATED",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(composition, "configure_logging", lambda *args, **kwargs: None)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def tables_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def settings_for(tmp_path: Path) -> Settings:
    return Settings(
        DATABASE_URL=sqlite_url(tmp_path / "cg.db"),
        COMMONGROUND_DATA_DIR=tmp_path,
        _env_file=None,
    )


# -- argparse -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["demo", "console", "migrate", "serve", "clock"])
def test_every_sub_command_parses_with_a_database_url(command: str) -> None:
    args = build_parser().parse_args([command, "--database-url", "sqlite+aiosqlite:///x.db"])
    assert args.command == command
    assert args.database_url == "sqlite+aiosqlite:///x.db"
    assert callable(args.run)


def test_serve_takes_a_host_and_a_port() -> None:
    args = build_parser().parse_args(["serve", "--host", "127.0.0.1", "--port", "4001"])
    assert (args.host, args.port) == ("127.0.0.1", 4001)
    assert build_parser().parse_args(["serve"]).port is None  # PORT or 3000 decides


def test_no_sub_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    for command in ("demo", "console", "migrate", "serve", "clock"):
        assert f"    {command} " in err


def test_bad_settings_are_explained_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMMONGROUND_TIMEZONE", "Mars/Olympus")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert "The settings are not right" in err
    assert "unknown time zone 'Mars/Olympus'" in err
    assert "config/example.env" in err


def test_defaults_are_sqlite_under_data_london_k3_port_3000() -> None:
    settings = Settings(_env_file=None)
    assert settings.resolved_database_url() == "sqlite+aiosqlite:///data/commonground.db"
    assert (settings.default_timezone, settings.default_k, settings.port) == (
        "Europe/London",
        3,
        3000,
    )


def test_example_env_documents_every_setting() -> None:
    example = (ROOT / "config" / "example.env").read_text()
    names = {field.alias for field in Settings.model_fields.values() if field.alias is not None}
    assert names, "settings have environment names"
    for name in names:
        assert f"\n{name}=" in example, f"{name} is missing from config/example.env"


def test_procfile_migrates_on_release_and_splits_web_from_the_clock() -> None:
    lines = [
        line
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines == [
        "release: commonground migrate",
        "web: commonground web",
        "clock: commonground clock",
    ]


# -- migrate ------------------------------------------------------------------------------------


def test_migrate_creates_the_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "fresh" / "cg.db"
    assert main(["migrate", "--database-url", sqlite_url(db_file)]) == 0
    assert {"groups", "members", "meetings", "elephants", "alembic_version"} <= tables_in(db_file)
    assert "The database is up to date" in capsys.readouterr().out
    assert main(["migrate", "--database-url", sqlite_url(db_file)]) == 0  # again: harmless


def test_migrate_reads_database_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_file = tmp_path / "from-env.db"
    monkeypatch.setenv("DATABASE_URL", sqlite_url(db_file))
    assert main(["migrate"]) == 0
    assert "groups" in tables_in(db_file)


def test_a_database_password_is_not_printed() -> None:
    from bot.__main__ import _describe

    shown = _describe("postgresql+asyncpg://cg:hunter2@db.example/cg")
    assert "hunter2" not in shown
    assert "db.example" in shown


# -- the web app --------------------------------------------------------------------------------


async def test_healthz_answers_ok(tmp_path: Path) -> None:
    bot = await composition.start(settings_for(tmp_path))
    try:
        async with TestClient(TestServer(composition.web_app(bot))) as client:
            response = await client.get("/healthz")
            assert response.status == 200
            assert await response.json() == {"status": "ok"}
    finally:
        await bot.close()


async def test_readyz_says_when_the_database_is_not_answering(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        DATABASE_URL=sqlite_url(tmp_path), COMMONGROUND_DATA_DIR=tmp_path, _env_file=None
    )  # a directory, not a database file
    bot = composition.build(settings)
    try:
        async with TestClient(TestServer(composition.web_app(bot))) as client:
            response = await client.get("/readyz")
            assert response.status == 503
            assert await response.json() == {"status": "database unavailable (OperationalError)"}
            assert (await client.get("/healthz")).status == 200  # the process itself is fine
    finally:
        await bot.close()
    assert "not ready: database unavailable" in caplog.text


async def _readyz(settings: Settings) -> tuple[int, object]:
    bot = composition.build(settings)
    try:
        async with TestClient(TestServer(composition.web_app(bot))) as client:
            response = await client.get("/readyz")
            return response.status, await response.json()
    finally:
        await bot.close()


async def test_readyz_says_a_database_never_migrated_needs_migrate(tmp_path: Path) -> None:
    (tmp_path / "cg.db").touch()  # a database, but nothing in it
    status, answer = await _readyz(settings_for(tmp_path))
    assert status == 503
    assert answer == {
        "status": "the database has not been migrated; run `commonground migrate` "
        "(or `python -m bot migrate`)"
    }


def read_only(path: Path) -> str:
    """The SQLite file at `path`, opened read-only (as a read-only file or `-shm` would be; file
    permissions alone do not stop root, who runs these tests in containers)."""
    return f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"


async def test_readyz_is_503_when_the_database_answers_reads_but_refuses_writes(
    tmp_path: Path,
) -> None:
    await composition.migrate(sqlite_url(tmp_path / "cg.db"))
    assert (await _readyz(settings_for(tmp_path)))[0] == 200
    settings = Settings(
        DATABASE_URL=read_only(tmp_path / "cg.db"), COMMONGROUND_DATA_DIR=tmp_path, _env_file=None
    )
    status, answer = await _readyz(settings)
    assert status == 503
    assert answer == {"status": "the database refuses writes (OperationalError)"}


def test_migrate_on_a_read_only_database_is_one_plain_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cg.db").touch()
    assert main(["migrate", "--database-url", read_only(tmp_path / "cg.db")]) == 1
    err = capsys.readouterr().err
    assert "Could not use the database" in err
    assert "attempt to write a readonly database" in err
    assert "can be written" in err


@pytest.mark.parametrize("command", ["migrate", "serve", "web", "clock"])
def test_a_database_that_cannot_be_reached_at_start_is_said_plainly(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql+asyncpg://cg:secret-pw@127.0.0.1:{free_port()}/cg"  # nothing listens
    args = [command, "--database-url", url]
    if command in ("serve", "web"):
        args += ["--host", "127.0.0.1", "--port", str(free_port())]
    assert main(args) != 0
    err = capsys.readouterr().err
    assert "Could not use the database (postgresql+asyncpg://cg:***@127.0.0.1:" in err
    assert "the database server is running and reachable" in err
    assert "Could not listen" not in err and "Choose another port" not in err
    assert "secret-pw" not in err


async def test_serve_migrates_listens_and_stops(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.app")
    settings = settings_for(tmp_path)
    port = free_port()
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        composition.serve(settings, host="127.0.0.1", port=port, stop=stop, ready=ready)
    )
    await asyncio.wait_for(ready.wait(), timeout=15)
    try:
        # What start-up made is frozen out of the collector's view before the first request.
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNGEST_THRESHOLD
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 200
            assert await response.json() == {"status": "ok"}
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
    assert "groups" in tables_in(tmp_path / "cg.db")
    assert "Chat platforms connected: none" in caplog.text
    assert "`commonground console` uses the bot in a terminal" in caplog.text
    assert f"serving GET /healthz on 127.0.0.1:{port}; the scheduler runs" in caplog.text


@pytest.mark.parametrize("command", ["serve", "web"])
def test_teams_without_authentication_is_refused_on_a_public_address(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TEAMS_ALLOW_UNAUTHENTICATED", "true")
    url = sqlite_url(tmp_path / "cg.db")
    code = main([command, "--host", "0.0.0.0", "--port", str(free_port()), "--database-url", url])
    assert code == 2
    err = capsys.readouterr().err
    assert "TEAMS_ALLOW_UNAUTHENTICATED=true" in err and "0.0.0.0" in err
    assert "--host 127.0.0.1" in err and "Traceback" not in err
    assert not (tmp_path / "cg.db").exists()  # refused before anything was touched


async def test_teams_without_authentication_on_loopback_starts_with_a_loud_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TEAMS_ALLOW_UNAUTHENTICATED", "true")
    caplog.set_level(logging.INFO, logger="bot.app")
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        composition.serve(
            settings_for(tmp_path), host="127.0.0.1", port=free_port(), stop=stop, ready=ready
        )
    )
    await asyncio.wait_for(ready.wait(), timeout=15)
    stop.set()
    await asyncio.wait_for(task, timeout=15)
    warned = [r for r in caplog.records if "AUTHENTICATION IS OFF" in r.getMessage()]
    assert warned and warned[0].levelno == logging.WARNING


async def _trickle(writer: asyncio.StreamWriter, data: bytes) -> None:
    """Send `data` a byte at a time, ten a second, as a slow client does, until cut off."""
    for byte in data:
        try:
            writer.write(bytes([byte]))
            await writer.drain()
        except ConnectionError:
            return
        await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    ("start", "trickled", "answer"),
    [
        pytest.param(b"POST /healthz HTTP/1.1\r\n", b"X-Slow: " + b"x" * 400, b"", id="headers"),
        pytest.param(
            b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 400\r\n\r\n",
            b"x" * 400,
            b"HTTP/1.1 408",
            id="body",
        ),
    ],
)
async def test_a_client_trickling_its_request_is_cut_off_after_the_read_timeout(
    tmp_path: Path, start: bytes, trickled: bytes, answer: bytes
) -> None:
    """A slowloris sending a byte every 0.1 s never completes; the server closes it once the read
    timeout (0.5 s here, 15 s by default) has passed."""
    port = free_port()
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        composition.serve(
            settings_for(tmp_path),
            host="127.0.0.1",
            port=port,
            stop=stop,
            ready=ready,
            with_clock=False,
            read_timeout=0.5,
        )
    )
    await asyncio.wait_for(ready.wait(), timeout=15)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(start)
        slow = asyncio.create_task(_trickle(writer, trickled))
        try:
            got = await asyncio.wait_for(reader.read(), timeout=20)  # until the server closes
        except ConnectionResetError:  # closed with the trickle unread: the answer may be lost
            got = answer
        finally:
            slow.cancel()
            writer.close()
        assert got.startswith(answer)
        assert not slow.done() or slow.cancelled()  # cut off long before it finished
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


def test_serve_says_plainly_when_the_port_is_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        url = sqlite_url(tmp_path / "cg.db")
        code = main(["serve", "--host", "127.0.0.1", "--port", str(port), "--database-url", url])
    assert code == 1
    err = capsys.readouterr().err
    assert f"Could not listen on 127.0.0.1:{port}" in err
    assert "Choose another port with PORT=<number> or --port <number>." in err


async def test_clock_migrates_runs_and_stops(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.app")
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        composition.run_clock(settings_for(tmp_path), stop=stop, ready=ready)
    )
    await asyncio.wait_for(ready.wait(), timeout=15)
    assert "the scheduler is running" in caplog.text
    stop.set()
    await asyncio.wait_for(task, timeout=15)
    assert "meetings" in tables_in(tmp_path / "cg.db")


@pytest.mark.parametrize(
    ("variable", "says"),
    [
        ("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN is set, but Slack also needs SLACK_SIGNING_SECRET"),
        ("SLACK_CLIENT_ID", "SLACK_CLIENT_ID is set, but installing in many workspaces also needs"),
    ],
)
def test_the_adapter_report_names_platform_settings_that_do_nothing_yet(
    variable: str, says: str
) -> None:
    report = composition.adapter_report({variable: "something"})
    assert "Chat platforms connected: none." in report
    assert says in report
    assert "something" not in report
    assert says not in composition.adapter_report({})


# -- the demo -----------------------------------------------------------------------------------


def test_the_demo_runs_a_whole_meeting_and_exits_zero(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LOG_LEVEL"}}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--database-url", sqlite_url(tmp_path / "demo.db")],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for moment in (
        "Checked in: 6 of 6",  # the scheduler's check-in, answered by everyone (one pass)
        "== Elephant #1 ==",  # posted by the scheduler, with no name
        "== Perspectives on elephant #2 ==",  # the big one, revealed together
        "the reciprocity lock is waiting",  # the professional passed at first
        "== Round revealed:",
        "== Meeting summary",  # posted by the scheduler at the meeting's end
        # the history the note on sharing looks back on, shown before the meeting
        "Priya, Jo and Marcus shared; Dr Ahmed, Sarah and Tom passed.",
        "(Tom presses “3 Okay”)",  # from the reminder
        # the facilitator's note: lived experience shared 9 of 9 times, professionals 2 of 9
        "== A note on sharing ==\n    Over the last 3 meetings (3 sharing rounds), people with "
        "lived experience shared 100% of the time and professionals 22%.",
        # what carries on between meetings: the agenda on the check-in, carried over with a count
        "On the agenda:\n    1. Papers a week before each meeting",
        "Travel costs for parents who come by bus (added anonymously, carried over once)",
        # an elephant marked addressed, and the group's "partly" shown once a crowd answered
        'How the group sees it: "partly" (partly 3)',
        # "slow down" told to the facilitator only once two asked; a word explained in the summary
        "== From the meeting in Parents Forum ==\n    2 people asked to slow down",
        "Words explained\n    EHCP: Education, Health and Care Plan",
        # an action accepted, reminded and done
        "(Tom presses “Accept”)",
        "== A reminder: action #1 ==",
        "== Action #1 is done ==",
        # recognition of time: Jo claims, is reminded about benefits once, and is told when paid
        "(Jo presses “Claim”)",
        "payments for your time can affect some state benefits",
        "1. Jo claims: 3 meetings, 1 hour 30 minutes of preparation, £7.80 of expenses",
        # where on the ladder the meeting felt: Jo by the form, Marcus by typing, anonymously
        "A form for Jo: Where on the ladder?",
        "Thank you. I don't keep who answered.",
        # access needs: the facilitator sees what was shared, named only where chosen, and
        # plain text turns a card's buttons into numbered options to type
        "- Jo: Papers a week ahead, in large print",
        "- My phone stays on: I may have to step out for my son",
        "Before this meeting. Access needs",
        "1. Yes, erase my data: type `forget-me yes`",
        "The demo is over.",
    ):
        assert moment in out, f"the demo never showed {moment!r}"
    # The clock's check-in reminder reaches only Tom, who had not answered: Sarah passed, and
    # passing is never nudged. The reflection goes to those who took part, again not Sarah.
    assert dm_recipients(out, "still open, if you'd like to answer") == ["Tom"]
    reflected = dm_recipients(out, "Did you feel heard at today's meeting")
    assert sorted(reflected) == ["Dr Ahmed", "Jo", "Marcus", "Priya", "Tom"]
    assert dm_recipients(out, "== A note on sharing ==") == ["Priya"]  # the one facilitator
    assert dm_recipients(out, "== Your claim is paid ==") == ["Jo"]  # told privately, alone
    assert "Marcus claims" not in out  # his decline is nobody else's business
    assert out.index("still open, if you'd like") < out.index("== Meeting summary")
    assert "Traceback" not in result.stderr


def dm_recipients(out: str, words: str) -> list[str]:
    """Everyone shown a direct message whose first two lines include `words`, in order.

    Handles both "→ DM to Tom:" and "→ DM to each of Priya, Jo and Tom:" (the console prints the
    same card to several people once).
    """
    lines = out.splitlines()
    names: list[str] = []
    for number, line in enumerate(lines):
        if not line.startswith("→ DM to ") or not any(
            words in following for following in lines[number + 1 : number + 3]
        ):
            continue
        people = line.removeprefix("→ DM to ").removesuffix(":").removeprefix("each of ")
        for part in people.split(", "):
            names.extend(part.split(" and "))
    return names


@pytest.mark.parametrize("command", ["serve", "web", "clock"])
def test_single_tenant_teams_without_a_tenant_id_is_one_plain_line(
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", "app-1")
    monkeypatch.setenv("MICROSOFT_APP_TYPE", "SingleTenant")
    monkeypatch.delenv("MICROSOFT_APP_TENANT_ID", raising=False)
    monkeypatch.delenv("MicrosoftAppTenantId", raising=False)
    url = sqlite_url(tmp_path / "cg.db")
    assert main([command, "--database-url", url]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert "Traceback" not in err
    assert err.startswith("The Teams settings are not right: MICROSOFT_APP_TYPE=SingleTenant")
    assert "needs MICROSOFT_APP_TENANT_ID" in err and "config/example.env" in err
    assert not (tmp_path / "cg.db").exists()  # stopped before touching the database
