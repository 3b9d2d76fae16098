"""5. Ingest: check-in answers (the mood buttons) through the core, `concurrency` at a time, each
from a different member, into SQLite and into PostgreSQL; then every answer is counted. The
baseline is the database's floor in the same run: one committed single-row insert per answer,
at the same concurrency; the bar is a share of it (issue 17)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from bench.common import (
    Row,
    Scale,
    add_groups,
    add_meeting,
    add_members,
    create_postgres,
    drop_postgres,
    fresh_bot,
    group_row,
    judged,
    sqlite_url,
    workdir,
)
from bot.app import CommonGround
from bot.events import Choice
from bot.handlers.checkin.cards import ANSWER
from bot.identity import Where, Who
from bot.routing import encode
from bot.store.schema import checkins, inbound_events

BAR_RATIO = 0.6
"""Answers a second through the core, as a share of committed single-row inserts a second."""


async def _pace(
    count: int, concurrency: int, one: Callable[[int], Awaitable[bool]]
) -> tuple[float, int]:
    """Run `one(n)` for n < count, `concurrency` at a time; (per second, how many failed)."""
    numbers = iter(range(count))
    failed = 0

    async def worker() -> None:
        nonlocal failed
        for n in numbers:
            if not await one(n):
                failed += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - start), failed


async def _measure(bot: CommonGround, scale: Scale) -> dict[str, float]:
    count = scale.ingest_submissions
    [group_id] = await add_groups(bot.db, [group_row(1, rule=None)])
    await add_members(bot.db, group_id, count)
    meeting_id = await add_meeting(
        bot.db, group_id, bot.services.clock(), status="open", minutes=600
    )
    where = Where("slack", "T0TEAM", "C0000001")

    async def answer(n: int) -> bool:
        who = Who("slack", "T0TEAM", f"U{n:06d}", f"person {n}")
        value = encode(group_id, f"{meeting_id}:{1 + n % 5}")
        effects = await bot.core.handle(Choice(who, where, ANSWER, value))
        return any("Thank" in str(getattr(e, "card", "")) for e in effects)

    async def floor(n: int) -> bool:
        async with bot.db.write() as conn:
            await conn.execute(
                insert(inbound_events).values(
                    platform="bench", event_id=f"floor-{n}", received_at=datetime.now(UTC)
                )
            )
        return True

    await _pace(min(50, count), scale.ingest_concurrency, floor)  # warm the pool
    base, _ = await _pace(count, scale.ingest_concurrency, lambda n: floor(n + count))
    rate, refused = await _pace(count, scale.ingest_concurrency, answer)
    async with bot.db.read() as conn:
        stored = int(
            (
                await conn.execute(
                    select(func.count())
                    .select_from(checkins)
                    .where(checkins.c.meeting_id == meeting_id)
                )
            ).scalar_one()
        )
    return {"rate": rate, "base": base, "refused": refused, "lost": count - stored}


async def run(scale: Scale, *, postgres: bool = True) -> list[Row]:
    rows: list[Row] = []
    directory = workdir("ingest")
    bot = await fresh_bot(sqlite_url(directory), directory)
    try:
        sqlite = await _measure(bot, scale)
    finally:
        await bot.close()
    count = scale.ingest_submissions
    section = f"5. Ingest, {count:,} check-ins, {scale.ingest_concurrency} at a time"
    rows.append(_row(section, "SQLite (WAL file)", sqlite))
    if not postgres:
        return rows
    try:
        url = await create_postgres()
    except OSError as exc:
        rows.append(
            Row(
                section,
                "PostgreSQL",
                "not measured",
                "",
                "none lost",
                "not measured",
                f"no server at 127.0.0.1:5432 ({type(exc).__name__})",
            )
        )
        return rows
    try:
        pg_dir = workdir("ingest-pg")
        bot = await fresh_bot(url, pg_dir)
        try:
            pg = await _measure(bot, scale)
        finally:
            await bot.close()
    finally:
        await drop_postgres(url)
    rows.append(_row(section, "PostgreSQL (local, throw-away database)", pg))
    return rows


def _row(section: str, what: str, found: dict[str, float]) -> Row:
    return judged(
        section,
        what,
        found["rate"] / found["base"],
        lambda v: f"{v:.2f} of floor",
        lambda v: v >= BAR_RATIO,
        baseline=f"{found['rate']:.0f} /s against a single-row insert floor of "
        f"{found['base']:.0f} /s",
        bar=f">= {BAR_RATIO} of floor, none lost",
        note=f"lost {found['lost']:.0f}, refused {found['refused']:.0f}",
        holds=found["lost"] == 0 and not found["refused"],
    )
