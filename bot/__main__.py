"""The command line: `commonground <sub-command>` or `python -m bot <sub-command>`.

    demo      a scripted meeting of six people, on a throw-away database
    console   use the bot in this terminal, as several people
    migrate   bring the database schema up to date
    serve     the web app and the scheduler (one host with SQLite does everything)
    web       only the web app (PostgreSQL: run as many as you like, beside one `clock`)
    clock     only the scheduler and its deliveries (PostgreSQL: one beside the web processes)
    backup    an online, consistent copy of the SQLite database

Chat platforms add their own sub-commands (`bot.adapters`); `commonground --help` lists them all.

Settings come from the environment and an optional `.env` file (see `config/example.env`);
`--database-url` and `--port` override them for one run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from bot.settings import Settings

Runner = Callable[[argparse.Namespace, Settings], int]


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import StartRefused, migrate

    url = settings.resolved_database_url()
    try:
        asyncio.run(migrate(url))
    except StartRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"The database is up to date ({_describe(url)}).")
    return 0


def _refused() -> bool:
    """Platform settings that cannot work stop `serve`, `web` and `clock` with one plain line."""
    from bot.app import settings_problems

    problems = settings_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    return bool(problems)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import StartRefused, serve

    if _refused():
        return 2
    port = settings.port if args.port is None else args.port
    try:
        asyncio.run(serve(settings, host=args.host, port=port, with_clock=args.with_clock))
    except StartRefused as exc:  # a setting that may not be served, or no database to use
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:  # most often: the port is taken by another process
        print(f"Could not listen on {args.host}:{port}: {exc.strerror or exc}.", file=sys.stderr)
        print("Choose another port with PORT=<number> or --port <number>.", file=sys.stderr)
        return 1
    return 0


def _clock(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import StartRefused, run_clock

    if _refused():
        return 2
    try:
        asyncio.run(run_clock(settings))
    except StartRefused as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from bot.ops.backup import BackupRefused, backup

    try:
        written = backup(settings.resolved_database_url(), Path(args.path))
    except BackupRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Backed up the database to {written}.")
    return 0


def _console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run_console

    asyncio.run(run_console(settings))
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.meeting import run_demo

    return asyncio.run(
        run_demo(database_url=args.database_url, step_timeout=args.timeout, settings=settings)
    )


def _describe(url: str) -> str:
    """The database for people to read, without any password in the URL."""
    from bot.store.database import describe_url

    return describe_url(url)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commonground",
        description="Common Ground: a bot that helps co-production groups work as equals.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        help="the database to use, e.g. sqlite+aiosqlite:///data/commonground.db "
        "(default: DATABASE_URL, or an SQLite file under ./data/)",
    )
    common.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (default: LOG_LEVEL)")
    commands = parser.add_subparsers(dest="command", metavar="<command>")

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="a scripted meeting of six people (throw-away database)",
        description="Run a short scripted meeting through the real scheduler and print it.",
    )
    demo.add_argument(
        "--timeout", type=float, default=20.0, help="seconds to wait for each scheduled step"
    )
    demo.set_defaults(run=_demo, quiet=True)

    console = commands.add_parser(
        "console",
        parents=[common],
        help="use the bot in this terminal, as several people",
        description="An interactive session in one channel; `as <name>` switches person.",
    )
    console.set_defaults(run=_console, quiet=True)

    migrate = commands.add_parser(
        "migrate", parents=[common], help="bring the database schema up to date"
    )
    migrate.set_defaults(run=_migrate, quiet=False)

    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="the web app and the scheduler in one process",
        description="Serve the web app (GET /healthz) and run the scheduler. Migrates first.",
    )
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT, or 3000)")
    serve.set_defaults(run=_serve, quiet=False, with_clock=True)

    web = commands.add_parser(
        "web",
        parents=[common],
        help="only the web app (with PostgreSQL, any number of these and one `clock`)",
        description="Serve the web app (GET /healthz, /readyz, /metrics and the chat platforms' "
        "routes) without the scheduler. Migrates first.",
    )
    web.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    web.add_argument("--port", type=int, help="port to listen on (default: PORT, or 3000)")
    web.set_defaults(run=_serve, quiet=False, with_clock=False)

    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="an online, consistent copy of the SQLite database",
        description="Copy the SQLite database to PATH while the bot keeps running. "
        "For PostgreSQL, use pg_dump (this command says how).",
    )
    backup.add_argument("path", metavar="PATH", help="the new file to write (never overwritten)")
    backup.set_defaults(run=_backup, quiet=False)

    clock = commands.add_parser(
        "clock",
        parents=[common],
        help="only the scheduler and its deliveries",
        description="Run the scheduler and deliver what it posts, without the web app. "
        "Migrates first. One is intended; a second is harmless (each firing is claimed once).",
    )
    clock.set_defaults(run=_clock, quiet=False)

    from bot.adapters import ADAPTERS

    for adapter in ADAPTERS:  # the platforms' own commands, such as building an app package
        adapter.add_commands(commands)
    return parser


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment and `.env`, with this run's options on top."""
    overrides: dict[str, object] = {}
    if getattr(args, "database_url", None):
        overrides["DATABASE_URL"] = args.database_url
    if getattr(args, "log_level", None):
        overrides["LOG_LEVEL"] = args.log_level
    return Settings(**overrides)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # say what there is, rather than argparse's terse complaint
        parser.print_help(sys.stderr)
        return 2
    try:
        settings = load_settings(args)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        print(f"The settings are not right: {problems}. See config/example.env.", file=sys.stderr)
        return 2
    from bot.app import configure_logging

    level = settings.log_level
    if args.quiet and not getattr(args, "log_level", None):
        level = "WARNING"  # the console and the demo are conversations, not logs
    configure_logging(level, settings.log_format)
    run: Runner = args.run
    try:
        return run(args, settings)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
