"""8. The facilitators' pages against three years of history: a group with weekly meetings for
three years and 40 members; the trends (read and rendered with every chart) over the whole
history and over the default twelve months, and the impact report over the whole history, each
timed as p95, beside the summary job of the group's latest meeting timed in the same run.

Pages are rendered with the real templates and a minimal stand-in for the shared `base.html`
(layout only; the charts, tables and report are the real ones).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from sqlalchemy import update

import bot.pages
from bench.common import (
    Row,
    Scale,
    fresh_bot,
    judged,
    ms,
    percentile,
    sqlite_url,
    workdir,
)
from bench.history import START, seed_history
from bot.app import CommonGround
from bot.context import Context
from bot.effects import Effect
from bot.handlers.summary.commands import post_summary
from bot.pages.charts.svg import draw
from bot.pages.period import Period
from bot.pages.report import read_report
from bot.pages.report.page import report_context
from bot.pages.trends import read_trends
from bot.pages.trends.page import trends_context
from bot.store import meetings as meeting_store
from bot.store.schema import meetings

BAR_MS = 200.0
SECTION = "8. Facilitators' pages"
STAND_IN_BASE = (
    "<!doctype html><html lang=en><head><title>{% block title %}{% endblock %}</title></head>"
    "<body><main>{% block main %}{% endblock %}</main></body></html>"
)
PAGE = {"group": {"id": 1, "name": "Bench group"}, "person": None, "csrf_token": "", "nav": []}


def _environment() -> Environment:
    folder = FileSystemLoader(str(bot.pages.__path__[0] + "/templates"))
    return Environment(
        loader=ChoiceLoader([folder, DictLoader({"base.html": STAND_IN_BASE})]), autoescape=True
    )


async def _summary(bot: CommonGround, group_id: int, meeting_id: int) -> None:
    async def job(ctx: Context) -> list[Effect]:
        meeting = await meeting_store.get(ctx.conn, meeting_id)
        assert meeting is not None
        return await post_summary(ctx, meeting)

    async with bot.db.write() as conn:
        await conn.execute(
            update(meetings).where(meetings.c.id == meeting_id).values(summary_posted_at=None)
        )
    await bot.core.run_job(job, group_id=group_id)


async def run(scale: Scale) -> list[Row]:
    directory = workdir("pages")
    bot = await fresh_bot(sqlite_url(directory), directory)
    try:
        history = await seed_history(bot.db, weeks=scale.pages_weeks, people=scale.pages_members)
        group_id, k = history.group_id, 3
        last = (START + timedelta(weeks=scale.pages_weeks)).date()
        everything = Period(START.date(), last, "three years")
        year = Period(last - timedelta(days=364), last, "the last 12 months")
        environment = _environment()
        trends_page = environment.get_template("facilitators/trends.html")
        report_page = environment.get_template("report.html")

        def trends_over(period: Period) -> Callable[[], Awaitable[object]]:
            async def work() -> object:
                trends = await read_trends(bot.db, group_id, period, k)
                return trends_page.render(**PAGE, **trends_context(trends, {}))

            return work

        async def report() -> object:
            found = await read_report(bot.db, group_id, everything, k)
            return report_page.render(**PAGE, **report_context(found))

        async def summary() -> object:
            await _summary(bot, group_id, history.meeting_ids[-1])
            return None

        repeats = scale.pages_repeats

        # Round-robin, so a busy moment of a shared machine falls on every case alike.
        def cold(job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[object]]:
            async def work() -> object:
                draw.cache_clear()  # every chart drawn afresh, as after each new meeting
                return await job()

            return work

        work = {
            "all": cold(trends_over(everything)),
            "year": cold(trends_over(year)),
            "year, seen again": trends_over(year),
            "report": cold(report),
            "summary": summary,
        }
        samples: dict[str, list[float]] = {name: [] for name in work}
        cpu: dict[str, list[float]] = {name: [] for name in work}
        for job in work.values():
            await job()  # warm-ups
        for _ in range(repeats):
            for name, job in work.items():
                took, used = await _time_once(job)
                samples[name].append(took)
                cpu[name].append(used)
    finally:
        await bot.close()
    p95 = {name: percentile(times, 95) for name, times in samples.items()}
    base = p95["summary"]
    weeks, people = scale.pages_weeks, scale.pages_members
    baseline = f"summary job p95 {ms(base)}"
    what = {
        "all": f"trends page, all {weeks} weekly meetings ({people} members), read and drawn",
        "year": "trends page, the last 12 months (the default), read and drawn",
        "year, seen again": "trends page, the last 12 months, seen again (charts kept)",
        "report": f"impact report, all {weeks} meetings, read and drawn",
    }
    rows = [
        judged(
            SECTION,
            f"{what[name]}: p95",
            p95[name],
            ms,
            lambda v: v * 1000 < BAR_MS,
            baseline=f"{baseline}; page {p95[name] / base:.1f}x" if base else baseline,
            bar=f"< {BAR_MS:.0f} ms",
            note=f"{repeats} runs; median {ms(percentile(samples[name], 50))}; CPU time "
            f"(this process, the database thread included) median "
            f"{ms(percentile(cpu[name], 50))}, which a busy machine inflates far less",
        )
        for name in what
    ]
    return rows


async def _time_once(job: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run."""
    start, used = time.perf_counter(), time.process_time()
    await job()
    return time.perf_counter() - start, time.process_time() - used
