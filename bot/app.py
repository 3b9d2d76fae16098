"""Composition: the one place that wires settings, the database, the core and the web app together.

Everything else takes its collaborators as arguments, so tests can build the same pieces with a
fake clock or a temporary database. The command line (`bot.__main__`) calls the functions here.
Platforms are wired from `bot.adapters.ADAPTERS` alone, so nothing here names one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from aiohttp import web

from bot.adapters import ADAPTERS
from bot.context import Services
from bot.core import Core, utc_now
from bot.delivery.drainer import Drainer
from bot.delivery.outbox import Outbox
from bot.delivery.router import DeliveryRouter
from bot.ops.gc_tuning import settle_after_start
from bot.ops.observability import (
    CountingDeliverer,
    JsonFormatter,
    TextFormatter,
    count_requests,
    database_unavailable,
    metrics,
    readiness,
)
from bot.ops.slow_clients import READ_TIMEOUT, READ_TIMEOUT_KEY, read_body_in_time, server_options
from bot.pages.security_headers import page_headers
from bot.pages.web_routes import attach as attach_pages
from bot.prompts import load_library
from bot.scheduling.clock import MeetingClock
from bot.settings import Settings
from bot.store.database import Database, describe_url, unavailable
from bot.store.migrate import upgrade

log = logging.getLogger(__name__)

APP_KEY: web.AppKey[CommonGround] = web.AppKey("commonground")


@dataclass
class CommonGround:
    """The running bot's parts: what the web app, the scheduler and the console share."""

    settings: Settings
    db: Database
    services: Services
    core: Core
    router: DeliveryRouter
    drainer: Drainer
    """The process's one outbox drain: adapters wake it after answering a request, the clock
    drains through it, and it sends every stored effect through `router`."""

    async def close(self) -> None:
        await self.drainer.close()
        await self.db.dispose()


class StartRefused(Exception):
    """What stops `migrate`, `serve`, `web` or `clock` at start, in one plain sentence for
    operators (the command line prints it and exits non-zero instead of showing a traceback)."""


def build(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> CommonGround:
    """Make the core and its services from settings. Does not touch the database yet."""
    db = Database(settings.resolved_database_url())
    services = Services(
        settings=settings,
        secret=settings.resolved_secret(),
        prompts=load_library(),
        clock=clock,
    )
    router = DeliveryRouter()
    drainer = Drainer(Outbox(db, CountingDeliverer(router), clock))
    return CommonGround(settings, db, services, Core(db, services), router, drainer)


async def migrate(url: str) -> None:
    """Bring the database schema at `url` up to date; `StartRefused`, in one plain sentence,
    when the database cannot be reached or written (rather than a traceback)."""
    try:
        await upgrade(url)
    except Exception as exc:
        if not (unavailable(exc) or isinstance(exc, OSError)):
            raise
        raise StartRefused(database_problem(exc, url)) from None


def database_problem(exc: BaseException, url: str) -> str:
    """What stops the database being used, for operators: where, and the driver's own reason (a
    refused connection, a read-only file, a full disk; never anyone's words)."""
    reason = str(getattr(exc, "orig", None) or exc) or type(exc).__name__
    return (
        f"Could not use the database ({describe_url(url)}): {reason}. Check DATABASE_URL, that "
        "the database server is running and reachable, and that the database file and its "
        "directory can be written (and the disk is not full)."
    )


async def start(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> CommonGround:
    """Bring the database schema up to date, then build the bot."""
    await migrate(settings.resolved_database_url())
    return build(settings, clock=clock)


DRIVER_LOGGERS = ("sqlalchemy", "aiosqlite", "asyncpg")


def configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    """Log lines on stderr, plain or (`LOG_FORMAT=json`) one JSON object per line.

    Our own log calls never include user ids, names, text or secrets."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    if log_format.strip().lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=numeric, handlers=[handler], force=True)
    # APScheduler announces every job it adds at INFO; that is noise for operators.
    logging.getLogger("apscheduler").setLevel(max(numeric, logging.WARNING))
    logging.getLogger("aiohttp.access").setLevel(max(numeric, logging.WARNING))
    # The database drivers log each statement with its parameters at DEBUG and INFO: a membership
    # lookup by user id right before an anonymous insert would tie the two together. Never.
    for name in DRIVER_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configured_adapters(environ: Mapping[str, str]) -> list[str]:
    """The chat platforms this process will talk to, going by their settings."""
    return [adapter.name for adapter in ADAPTERS if adapter.configured(environ)]


def adapter_report(environ: Mapping[str, str] | None = None) -> str:
    """One or two sentences for operators: which platforms are connected, and why not."""
    env = os.environ if environ is None else environ
    active = configured_adapters(env)
    lines = ["Chat platforms connected: " + (", ".join(active) if active else "none") + "."]
    lines.extend(note for adapter in ADAPTERS if (note := adapter.missing(env)))
    if not active:
        guides = " or ".join(f'"{adapter.guide}"' for adapter in ADAPTERS if adapter.guide)
        lines.append(
            f"To connect one, see {guides} in "
            "README.md; meanwhile `commonground console` uses the bot in a terminal."
        )
    return " ".join(lines)


def pages_report(settings: Settings) -> str:
    """One sentence for operators: where the group's pages are linked from, or why not."""
    if settings.public_url:
        return f"The group's pages are linked under {settings.public_url}/pages/open/."
    return (
        "COMMONGROUND_PUBLIC_URL is not set, so `dashboard` cannot send links to the group's "
        "pages: set it to the https address people reach this app at (see README, Pages)."
    )


def settings_problems() -> list[str]:
    """What stops `serve`, `web` and `clock` before they start: one plain line per platform whose
    settings cannot work."""
    return [problem for adapter in ADAPTERS if (problem := adapter.settings_problem())]


def listen_problems(host: str) -> list[str]:
    """Why no platform's route may listen on `host`: one plain line each (none: all may)."""
    return [problem for adapter in ADAPTERS if (problem := adapter.listen_problem(host))]


def attach_adapters(app: web.Application | None, bot: CommonGround) -> None:
    """Switch on every platform its settings connect: routes on `app` (when given) and a
    deliverer on `bot.router` for the scheduler's effects."""
    for adapter in ADAPTERS:
        adapter.attach(app, bot)


# -- web -------------------------------------------------------------------------------------


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process is up and its event loop answers. Restart it if this fails."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Readiness: the database answers and its schema is the one this code expects (else 503)."""
    ready, status = await readiness(request.app[APP_KEY].db)
    if not ready:
        log.warning("not ready: %s", status)
    return web.json_response({"status": status}, status=200 if ready else 503)


def web_app(bot: CommonGround) -> web.Application:
    """The aiohttp application: health, readiness and metrics, the group's pages (`bot.pages`),
    and the routes of every platform its settings connect (each adapter mounts its own). A
    request body must arrive within `READ_TIMEOUT` seconds, or the app's own
    `READ_TIMEOUT_KEY` (`bot.ops.slow_clients`)."""
    app = web.Application(
        middlewares=[page_headers, count_requests, database_unavailable, read_body_in_time]
    )
    app[APP_KEY] = bot
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    attach_pages(app, bot.db, bot.services)
    attach_adapters(app, bot)
    return app


# -- long-running processes ------------------------------------------------------------------


def _stop_on_signals(stop: asyncio.Event) -> None:
    """Let SIGINT and SIGTERM (what a process manager sends) end the process gracefully."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)


async def serve(
    settings: Settings,
    *,
    host: str = "0.0.0.0",
    port: int | None = None,
    with_clock: bool = True,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    read_timeout: float = READ_TIMEOUT,
) -> None:
    """Migrate, then run the web app (and, on a single host, the scheduler) until `stop`. A client
    has `read_timeout` seconds to send each request (`bot.ops.slow_clients`)."""
    refused = listen_problems(host)
    if refused:
        raise StartRefused(" ".join(refused))
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    bot = await start(settings)
    app = web_app(bot)
    app[READ_TIMEOUT_KEY] = read_timeout
    runner = web.AppRunner(app, handle_signals=False, **server_options(read_timeout))
    await runner.setup()
    clock: MeetingClock | None = None
    try:
        chosen_port = settings.port if port is None else port
        await web.TCPSite(runner, host, chosen_port).start()
        # What a previous process left in the outbox goes out now; from here the drain also runs
        # every few seconds, so a web process without a clock still retries what failed.
        bot.drainer.wake()
        if with_clock:
            clock = MeetingClock(bot.core, bot.drainer.outbox.deliverer, drainer=bot.drainer)
            await clock.start()
        log.info("%s", adapter_report())
        log.info("%s", pages_report(settings))
        for adapter in ADAPTERS:
            warning = adapter.warning()
            if warning:
                log.warning("%s", warning)
        log.info(
            "serving GET /healthz on %s:%d%s",
            host,
            chosen_port,
            "; the scheduler runs in this process"
            if with_clock
            else "; no scheduler here: run one `commonground clock` beside the web processes",
        )
        settle_after_start()
        if ready is not None:
            ready.set()
        await stop.wait()
        log.info("stopping")
    finally:
        # Graceful: stop listening and let in-flight requests finish, then let running scheduled
        # jobs finish their work and deliveries, and only then close the database.
        await runner.cleanup()
        if clock is not None:
            await clock.shutdown()
        await bot.close()


async def run_clock(
    settings: Settings, *, stop: asyncio.Event | None = None, ready: asyncio.Event | None = None
) -> None:
    """Migrate, then run only the scheduler until `stop` (the `clock` process)."""
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    bot = await start(settings)
    attach_adapters(None, bot)  # no routes here, but the scheduler's effects reach every platform
    clock = MeetingClock(bot.core, bot.drainer.outbox.deliverer, drainer=bot.drainer)
    runner: web.AppRunner | None = None
    try:
        if settings.metrics_port is not None:
            runner = web.AppRunner(
                metrics_app(), handle_signals=False, access_log=None, **server_options()
            )
            await runner.setup()
            await web.TCPSite(runner, "0.0.0.0", settings.metrics_port).start()
            log.info("serving GET /metrics and /healthz on port %d", settings.metrics_port)
        await clock.start()
        log.info("%s", adapter_report())
        log.info("the scheduler is running")
        settle_after_start()
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        await clock.shutdown()  # running jobs finish, with their deliveries
        if runner is not None:
            await runner.cleanup()
        await bot.close()


def metrics_app() -> web.Application:
    """The clock's small web app (with `METRICS_PORT`): its metrics and a liveness check."""
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def run_console(
    settings: Settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> None:
    """Migrate, then talk to the bot in the terminal with the real scheduler running."""
    from bot.adapters.console.adapter import PLATFORM, ConsoleAdapter
    from bot.adapters.console.files import folder_for

    bot = await start(settings)
    files = folder_for(settings.resolved_database_url())
    adapter = ConsoleAdapter(
        bot.core, stdin=stdin, stdout=stdout, drain=bot.drainer.drain, files=files
    )
    bot.router.register(PLATFORM, adapter.deliverer)
    clock = MeetingClock(bot.core, bot.drainer.outbox.deliverer, drainer=bot.drainer)
    try:
        await clock.start()
        await adapter.run()
    finally:
        await clock.shutdown()
        await bot.close()
