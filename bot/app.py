"""Composition: the one place that wires settings, the database, the core and the web app together.

Everything else takes its collaborators as arguments, so tests can build the same pieces with a
fake clock or a temporary database. The command line (`bot.__main__`) calls the functions here;
platform adapters will mount their routes on the web application made by `web_app`.
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

from bot.context import Services
from bot.core import Core, utc_now
from bot.delivery.router import DeliveryRouter
from bot.ops.gc_tuning import settle_after_start
from bot.ops.observability import (
    CountingDeliverer,
    JsonFormatter,
    TextFormatter,
    count_requests,
    metrics,
    readiness,
)
from bot.prompts import load_library
from bot.scheduling.clock import MeetingClock
from bot.settings import Settings
from bot.store.database import Database
from bot.store.migrate import upgrade

log = logging.getLogger(__name__)

APP_KEY: web.AppKey[CommonGround] = web.AppKey("commonground")


# The platforms a later version connects, and the variable whose presence will switch each on.
# They are listed so `serve` can tell an operator plainly that setting them has no effect yet.
@dataclass
class CommonGround:
    """The running bot's parts: what the web app, the scheduler and the console share."""

    settings: Settings
    db: Database
    services: Services
    core: Core
    router: DeliveryRouter

    async def close(self) -> None:
        await self.db.dispose()


def build(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> CommonGround:
    """Make the core and its services from settings. Does not touch the database yet."""
    db = Database(settings.resolved_database_url())
    services = Services(
        settings=settings,
        secret=settings.resolved_secret(),
        prompts=load_library(),
        clock=clock,
    )
    return CommonGround(settings, db, services, Core(db, services), DeliveryRouter())


async def start(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> CommonGround:
    """Bring the database schema up to date, then build the bot."""
    await upgrade(settings.resolved_database_url())
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
    from bot.adapters.slack.settings import configured as slack_configured
    from bot.adapters.teams.settings import configured as teams_configured

    active = ["Slack"] if slack_configured(environ) else []
    return [*active, "Microsoft Teams"] if teams_configured(environ) else active


def adapter_report(environ: Mapping[str, str] | None = None) -> str:
    """One or two sentences for operators: which platforms are connected, and why not."""
    from bot.adapters.slack.settings import half_configured

    env = os.environ if environ is None else environ
    active = configured_adapters(env)
    lines = ["Chat platforms connected: " + (", ".join(active) if active else "none") + "."]
    missing = half_configured(env)
    if missing:
        lines.append(missing)
    if not active:
        lines.append(
            'To connect one, see "Setting up on Slack" or "Setting up on Microsoft Teams" in '
            "README.md; meanwhile `commonground console` uses the bot in a terminal."
        )
    return " ".join(lines)


def teams_auth_warning(environ: Mapping[str, str] | None = None) -> str:
    """A loud line when `POST /api/messages` would accept requests without checking tokens."""
    from bot.adapters.teams.settings import TeamsSettings

    env = os.environ if environ is None else environ
    teams = TeamsSettings() if environ is None else TeamsSettings.model_validate(dict(env))
    if not teams.enabled or teams.auth:
        return ""
    return (
        "!!! MICROSOFT TEAMS AUTHENTICATION IS OFF: POST /api/messages accepts requests without "
        "a Bot Framework token, because MICROSOFT_APP_ID is not set. That is only for local "
        "testing. Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD in production, or "
        "TEAMS_ENABLED=false to switch the Teams route off. !!!"
    )


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
    """The aiohttp application. Platform adapters will add `POST /slack/events` and
    `POST /api/messages` here; for now it has the health check."""
    app = web.Application(middlewares=[count_requests])
    app[APP_KEY] = bot
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    # Slack (when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set): POST /slack/events, and its
    # deliverer registered on bot.router for the scheduler's effects.
    from bot.adapters.slack import adapter as slack

    slack.attach(app, bot)
    # Microsoft Teams (unless TEAMS_ENABLED=false): POST /api/messages, with Bot Framework
    # authentication when MICROSOFT_APP_ID is set, and its deliverer on bot.router.
    from bot.adapters.teams import adapter as teams

    teams.attach(app, bot)
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
) -> None:
    """Migrate, then run the web app (and, on a single host, the scheduler) until `stop`."""
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    bot = await start(settings)
    runner = web.AppRunner(web_app(bot), handle_signals=False)
    await runner.setup()
    clock: MeetingClock | None = None
    try:
        chosen_port = settings.port if port is None else port
        await web.TCPSite(runner, host, chosen_port).start()
        if with_clock:
            clock = MeetingClock(bot.core, CountingDeliverer(bot.router))
            await clock.start()
        log.info("%s", adapter_report())
        teams_warning = teams_auth_warning()
        if teams_warning:
            log.warning("%s", teams_warning)
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
    from bot.adapters.slack import adapter as slack

    slack.attach(None, bot)  # the scheduler's posts and messages reach Slack when it is set up
    from bot.adapters.teams import adapter as teams

    teams.attach(None, bot)  # ... and Teams, through the conversation references it stored
    clock = MeetingClock(bot.core, CountingDeliverer(bot.router))
    runner: web.AppRunner | None = None
    try:
        if settings.metrics_port is not None:
            runner = web.AppRunner(metrics_app(), handle_signals=False, access_log=None)
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
    from bot.adapters.console.adapter import PLATFORM, ConsoleAdapter, ConsoleDeliverer

    bot = await start(settings)
    adapter = ConsoleAdapter(bot.core, stdin=stdin, stdout=stdout)
    bot.router.register(PLATFORM, ConsoleDeliverer(adapter))
    clock = MeetingClock(bot.core, CountingDeliverer(bot.router))
    try:
        await clock.start()
        await adapter.run()
    finally:
        await clock.shutdown()
        await bot.close()
