"""What every benchmark shares: results, percentiles, throw-away databases and bulk seeding.

Seeding writes rows straight into the tables (one bulk insert per table) instead of going through
the core: the benchmarks measure the work done *with* the data, not the typing that made it.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.app import CommonGround, build
from bot.scheduling.plan import CHECKIN, REMINDER, START, firing_key
from bot.settings import Settings
from bot.store.database import Connection, Database
from bot.store.migrate import upgrade
from bot.store.schema import checkins, firings, groups, meetings, members
from testkit.throwaway_postgres import create_database, drop_database

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECRET = "bench-secret-key-for-keyed-hashes"
POSTGRES_SERVER = os.environ.get(
    "COMMONGROUND_BENCH_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def _plain_number(value: float) -> str:
    return f"{value:.2f}"


@dataclass
class Row:
    """One line of the table: a figure, its same-run baseline, and the bar from the issue.

    `value` is the number the bar judges (a ratio to the same-run baseline where there is one),
    `show` writes it, `judge` is the bar; across repeated runs the bar is judged on the median
    value (`bench.repeats`). `holds` is a condition every single run must meet (nothing lost or
    doubled): a fault of the code, not of a busy machine, so one run failing it is a miss.
    """

    section: str
    what: str
    figure: str
    baseline: str = ""
    bar: str = ""
    verdict: str = ""  # PASS, MISS, "" (no bar) or "not measured"
    note: str = ""
    value: float | None = None
    show: Callable[[float], str] = _plain_number
    judge: Callable[[float], bool] | None = None
    holds: bool = True
    spread: str = ""
    """min - max over the runs, once combined."""


@dataclass
class Scale:
    """Sizes for one run: the issue's, or small ones (`--quick`, and the smoke test)."""

    quick: bool
    ack_requests: int = 3000
    ack_clients: int = 50
    fanout_members: int = 1000
    fanout_limit: int = 50
    summary_members: int = 200
    summary_histories: tuple[int, ...] = (1, 52, 260)
    summary_repeats: int = 25
    groups: int = 10_000
    due_together: int = 1000
    due_lead: float = 40.0
    settle: float = 3.0
    """Seconds an idle `serve` is left to settle before its memory is read."""
    ingest_submissions: int = 3000
    ingest_concurrency: int = 20
    mixed_summaries: int = 200
    mixed_lead: float = 15.0
    pages_weeks: int = 156
    pages_members: int = 40
    pages_repeats: int = 30
    pages_pdf_repeats: int = 3
    """Seconds from seeding the mixed load to its due moment (the server starts meanwhile)."""

    @classmethod
    def full(cls) -> Scale:
        return cls(quick=False)

    @classmethod
    def small(cls) -> Scale:
        return cls(
            quick=True,
            ack_requests=200,
            ack_clients=10,
            fanout_members=40,
            fanout_limit=20,
            summary_members=20,
            summary_histories=(1, 3, 6),
            summary_repeats=3,
            groups=300,
            due_together=30,
            due_lead=12.0,
            ingest_submissions=200,
            ingest_concurrency=5,
            mixed_summaries=20,
            mixed_lead=12.0,
            pages_weeks=52,
            pages_members=20,
            pages_repeats=5,
            pages_pdf_repeats=1,
        )

    @classmethod
    def tiny(cls) -> Scale:
        """Just enough to prove each benchmark's code works (the smoke test); no timing."""
        return cls(
            quick=True,
            ack_requests=20,
            ack_clients=4,
            fanout_members=5,
            fanout_limit=100,
            summary_members=5,
            summary_histories=(1, 2),
            summary_repeats=1,
            groups=40,
            due_together=4,
            due_lead=3.0,
            settle=0.0,
            ingest_submissions=20,
            ingest_concurrency=3,
            mixed_summaries=3,
            mixed_lead=8.0,
            pages_weeks=6,
            pages_members=8,
            pages_repeats=1,
            pages_pdf_repeats=0,
        )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def judged(
    section: str,
    what: str,
    value: float,
    show: Callable[[float], str],
    judge: Callable[[float], bool],
    *,
    baseline: str = "",
    bar: str = "",
    note: str = "",
    holds: bool = True,
) -> Row:
    """A row whose bar is judged on `value` (and `holds`), its figure written by `show`."""
    return Row(
        section,
        what,
        show(value),
        baseline,
        bar,
        verdict(judge(value) and holds),
        note,
        value=value,
        show=show,
        judge=judge,
        holds=holds,
    )


def ratio(value: float) -> str:
    return f"{value:.2f}"


def share(value: float) -> str:
    return f"{value:.0%}"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def count(value: float) -> str:
    return f"{value:.0f}"


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


_RUN_DIR: Path | None = None


def workdir(prefix: str) -> Path:
    """A fresh directory for one benchmark's databases and logs, inside this run's directory."""
    global _RUN_DIR
    if _RUN_DIR is None:
        _RUN_DIR = Path(tempfile.mkdtemp(prefix="cg-bench-"))
    return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=_RUN_DIR))


def cleanup() -> None:
    """Remove this run's databases and logs (the 10,000-group one is not small)."""
    global _RUN_DIR
    if _RUN_DIR is not None:
        shutil.rmtree(_RUN_DIR, ignore_errors=True)
        _RUN_DIR = None


def sqlite_url(directory: Path, name: str = "bench.db") -> str:
    return f"sqlite+aiosqlite:///{directory / name}"


def settings_for(url: str, directory: Path) -> Settings:
    return Settings(
        DATABASE_URL=url,
        COMMONGROUND_DATA_DIR=directory,
        COMMONGROUND_SECRET_KEY=SECRET,
        LOG_LEVEL="WARNING",
        _env_file=None,  # type: ignore[call-arg]
    )


async def fresh_bot(url: str, directory: Path) -> CommonGround:
    """A migrated database and the bot's parts on the real clock."""
    await upgrade(url)
    return build(settings_for(url, directory))


async def create_postgres() -> str:
    """A throw-away PostgreSQL database (dropped by `drop_postgres`); returns its URL."""
    return await create_database("cg_bench", POSTGRES_SERVER)


async def drop_postgres(url: str) -> None:
    await drop_database(url, POSTGRES_SERVER)


# -- seeding ----------------------------------------------------------------------------------

T0 = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
"""Groups and members were made long before any seeded meeting (five years of history fit)."""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def group_row(number: int, *, rule: str | None, platform: str = "slack") -> dict[str, Any]:
    return {
        "platform": platform,
        "workspace": "T0TEAM",
        "conversation_id": f"C{number:07d}",
        "name": f"Group {number}",
        "created_at": T0,
        "schedule_rule": rule,
        "timezone": "Europe/London",
        "k": 3,
        "anonymity_delay_minutes": 5,
        "reciprocity_lock": False,
        "checkin_lead_minutes": 15,
        "reminder_after_minutes": 10,
        "reflection_after_minutes": 60,
        "retention_days": 3650,
    }


def weekly_rule(number: int) -> str:
    return f"weekly {DAYS[number % 7]} {8 + number % 12:02d}:{(number * 5) % 60:02d} 90m"


async def add_groups(db: Database, rows: list[dict[str, Any]]) -> list[int]:
    """Insert groups in bulk; returns their ids in order."""
    async with db.write() as conn:
        result = await conn.execute(insert(groups).returning(groups.c.id), rows)
        return [int(i) for i in result.scalars()]


async def add_members(
    db: Database, group_id: int, count: int, *, prefix: str = "U", facilitators: int = 1
) -> list[int]:
    rows = [
        {
            "group_id": group_id,
            "user_id": f"{prefix}{n:06d}",
            "display_name": f"person {n}",
            "role": ("lived-experience", "professional", "both")[n % 3],
            "is_facilitator": n < facilitators,
            "nudges": True,
            "joined_at": T0,
        }
        for n in range(count)
    ]
    async with db.write() as conn:
        result = await conn.execute(insert(members).returning(members.c.id), rows)
        return [int(i) for i in result.scalars()]


async def add_meeting(
    db: Database,
    group_id: int,
    starts_at: datetime,
    *,
    status: str,
    minutes: int = 90,
    source: str = "manual",
    checkin_sent: bool = True,
) -> int:
    row = {
        "group_id": group_id,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "status": status,
        "source": source,
        "checkin_sent_at": starts_at - timedelta(minutes=15) if checkin_sent else None,
        "checkin_prompt": "How are you arriving today?",
        "summary_posted_at": starts_at + timedelta(minutes=minutes) if status == "ended" else None,
    }
    async with db.write() as conn:
        result = await conn.execute(insert(meetings).returning(meetings.c.id), [row])
        return int(result.scalar_one())


async def five_checked_in(
    conn: Connection,
    meeting_of: dict[int, int],
    due: datetime,
    *,
    user_prefix: str,
    roles: tuple[str, ...] = ("professional",),
) -> None:
    """Five members in each group of `meeting_of` (group id -> meeting id), all checked in to its
    meeting, whose check-in, start and reminder have already fired: many meetings about to end,
    as the summary benchmarks need them."""
    people = (
        await conn.execute(
            insert(members).returning(members.c.id, members.c.group_id),
            [
                {
                    "group_id": g,
                    "user_id": f"{user_prefix}{g:06d}{n}",
                    "display_name": f"person {n}",
                    "role": roles[n % len(roles)],
                    "is_facilitator": n == 0,
                    "nudges": True,
                    "joined_at": due - timedelta(days=30),
                }
                for g in meeting_of
                for n in range(5)
            ],
        )
    ).all()
    await conn.execute(
        insert(checkins),
        [
            {
                "meeting_id": meeting_of[g],
                "member_id": m,
                "mood": 4,
                "passed": False,
                "words": None,
                "visibility": "group",
                "answered_at": due - timedelta(minutes=65),
            }
            for m, g in people
        ],
    )
    await conn.execute(
        insert(firings),
        [
            {"key": firing_key(i, kind), "fired_at": due - timedelta(minutes=60)}
            for i in meeting_of.values()
            for kind in (CHECKIN, START, REMINDER)
        ],
    )
