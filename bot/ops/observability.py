"""What operators watch: Prometheus metrics, the readiness check and JSON log lines.

Metrics carry no labels that could name a person, a group or a channel: only the route pattern,
the platform, the kind of effect and the outcome. Each process (web or clock) exposes its own
numbers; Prometheus adds them up.
"""

from __future__ import annotations

import functools
import json
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from bot.delivery.router import Deliverer, platform_of
from bot.effects import Effect
from bot.store.database import Database
from bot.store.migrate import current_revisions
from bot.store.migrate import head_revisions as _heads

head_revisions = functools.cache(_heads)

REQUESTS = Counter(
    "commonground_http_requests_total",
    "HTTP requests answered, by method, route pattern and status code.",
    ["method", "route", "status"],
)
DELIVERIES = Counter(
    "commonground_deliveries_total",
    "Posts and messages the scheduler handed to a chat platform, by platform and effect kind.",
    ["platform", "kind"],
)
DELIVERY_FAILURES = Counter(
    "commonground_delivery_failures_total",
    "Posts and messages a chat platform refused or that could not be sent.",
    ["platform", "kind"],
)
REFUSALS = Counter(
    "commonground_refusals_total",
    "Posts a chat platform refused for good (too big, invalid), even after splitting them, by "
    "platform, effect kind and the platform's reason.",
    ["platform", "kind", "reason"],
)
AMBIGUOUS_SENDS = Counter(
    "commonground_ambiguous_sends_total",
    "Sends that may or may not have reached the platform (it took the request but no answer came "
    "in time); they are not sent again, so each one may be missing from the chat. By platform and "
    "effect kind.",
    ["platform", "kind"],
)
RETRIES = Counter(
    "commonground_retries_total",
    "Work done again: `transaction` when a database write lost a race to another process, "
    "`delivery` when a platform call was retried.",
    ["what"],
)
LATENESS = Histogram(
    "commonground_scheduler_lateness_seconds",
    "How long after its planned time a scheduled job started.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)


class CountingDeliverer:
    """Wraps the scheduler's deliverer to count what reached a platform, what did not, and what
    was sent again after failing before (by the outbox's later drains)."""

    REMEMBERED = 10_000  # failed effects kept in memory (never exported) to recognise retries

    def __init__(self, inner: Deliverer) -> None:
        self.inner = inner
        self._failed: dict[int, None] = {}

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        if self._failed:  # only after a failure can a delivery be a retry: no work otherwise
            for effect in effects:
                if self._failed.pop(hash(repr(effect)), 1) is None:
                    RETRIES.labels("delivery").inc()
        try:
            failed = list(await self.inner.deliver(effects) or ())
        except Exception:
            self._count(effects, list(effects))
            raise
        self._count(effects, failed)
        return failed

    def _count(self, effects: Sequence[Effect], failed: Sequence[Effect]) -> None:
        refused = {id(effect) for effect in failed}  # the same objects, handed back
        for effect in effects:
            labels = (platform_of(effect) or "none", type(effect).__name__)
            if id(effect) in refused:
                DELIVERY_FAILURES.labels(*labels).inc()
                self._remember(effect)
            else:
                DELIVERIES.labels(*labels).inc()

    def _remember(self, effect: Effect) -> None:
        self._failed[hash(repr(effect))] = None
        while len(self._failed) > self.REMEMBERED:
            self._failed.pop(next(iter(self._failed)))


def observe_lateness(planned: datetime, started: datetime | None = None) -> None:
    started = started or datetime.now(UTC)
    LATENESS.observe(max(0.0, (started - planned).total_seconds()))


@web.middleware
async def count_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Count every request by its route pattern (never the concrete path, which may carry ids)."""
    resource = request.match_info.route.resource
    route = resource.canonical if resource is not None else "unmatched"
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        REQUESTS.labels(request.method, route, str(status)).inc()


async def metrics(request: web.Request) -> web.Response:
    """`GET /metrics` in the Prometheus text format."""
    response = web.Response(body=generate_latest())
    response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    response.charset = "utf-8"
    return response


async def readiness(db: Database) -> tuple[bool, str]:
    """Whether this process should get traffic: the database answers and its schema is current."""
    try:
        async with db.read() as conn:
            current = await current_revisions(conn)
    except Exception as exc:
        return False, f"database unavailable ({type(exc).__name__})"
    if current != head_revisions():
        return False, "database schema is not current; run `commonground migrate`"
    return True, "ok"


# -- logs ----------------------------------------------------------------------------------------


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
WITHHELD = "(message withheld: it may hold what someone wrote)"


def traceback_without_messages(exc_info: ExcInfo) -> str:
    """A traceback with its frames and exception types, but not the exceptions' messages.

    Our code keeps user text out of its exceptions, but a library's may not: `int("my words")`
    puts the words in the message, an API error may echo what was sent. A log must never carry
    what an anonymous author wrote, so no message is logged; where it failed is still there.
    The one exception is the operating system's own errors (a refused connection, a missing
    file): their messages come from the system, not from anyone's words, and say what to fix."""
    exc = exc_info[1]
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    link = ""
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append((exc, link))
        if exc.__cause__ is not None:
            exc, link = exc.__cause__, "The above exception was the direct cause of the following:"
        elif exc.__context__ is not None and not exc.__suppress_context__:
            exc, link = exc.__context__, "During handling of the above, another exception occurred:"
        else:
            exc = None
    lines: list[str] = []
    for error, joined_by in reversed(chain):
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(error.__traceback__))
        kind = type(error)
        said = str(error) if isinstance(error, OSError) else WITHHELD
        lines.append(f"{kind.__module__}.{kind.__qualname__}: {said}\n")
        if joined_by:
            lines.append(f"\n{joined_by}\n\n")
    return "".join(lines).rstrip("\n")


class TextFormatter(logging.Formatter):
    """Plain log lines; a traceback keeps its frames and exception types, not their messages."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached its own rendering of the traceback, messages and all.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: Any) -> str:
        return traceback_without_messages(ei)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the traceback, if any).

    Only what our code logs goes out, and our code never logs user text, ids or secrets; extra
    record attributes are not copied, so nothing rides along by accident. Tracebacks go without
    the exceptions' messages, as in `TextFormatter`."""

    def formatException(self, ei: Any) -> str:
        return traceback_without_messages(ei)

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
