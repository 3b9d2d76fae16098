"""The meeting clock: runs each meeting's check-in, start, reminder, end and nudges on time.

The database is the source of truth; APScheduler (3.x, `AsyncIOScheduler`, memory job store) only
holds timers. Every `sync_interval` seconds the clock re-reads the meetings that still have work
(`bot.scheduling.plan` says what is due when) and adds, moves or drops timers to match, so meetings
started or ended by web processes, schedule changes and manual ends reach the clock without any
message between processes. Timers are held only for jobs due within `horizon` (a day), at most
`max_jobs` of them, so ten thousand groups rebuild in about a second; later jobs get their timers
from a later sync. A rebuild at start does the same and catches up on what was missed while the
bot was down: a meeting whose end passed at most `catch_up_grace_hours` ago is ended now, summary
and all, and its reflection still goes out; one missed by longer is only marked ended (a summary
days late helps nobody) and gets no nudges; check-ins and reminders of meetings already over are
skipped. Nudges falling in quiet hours wait for them to end. Once a day (`clock:retention`, first
a minute after start) `bot.scheduling.retention` erases free text older than each group's retention
period.

Every firing does its work inside one transaction (`Core.run_job`) that first claims the key
`job:<kind>:<meeting id>` in the `firings` table. A second clock on the same database, or a timer
that fires twice, finds the key taken and does nothing; if the work fails, the claim rolls back
with it and the next sync plans the job again. The job's effects are written to the outbox
(`bot.delivery.outbox`) in that same transaction and delivered after the commit; what a platform
refuses,
or what a clock that died could not send, is sent by a later drain (every `post_interval`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import plain_text
from bot.context import Context
from bot.core import Core
from bot.delivery import outbox as outbox_store
from bot.delivery.drainer import Drainer
from bot.delivery.outbox import Outbox
from bot.delivery.router import Deliverer
from bot.effects import Effect
from bot.handlers.checkin.commands import send_checkin
from bot.handlers.meetings.commands import end_meeting
from bot.handlers.meetings.opening import open_scheduled
from bot.handlers.nudges.commands import checkin_reminder, reciprocity_note, reflection_nudge
from bot.ops.observability import observe_lateness
from bot.scheduling import quiet_hours
from bot.scheduling.plan import (
    CHECKIN,
    END,
    KINDS,
    RECIPROCITY,
    REFLECTION,
    REMINDER,
    START,
    Defer,
    PlannedJob,
    decide,
    firing_key,
    job_id,
    keys_to_check,
    plan,
)
from bot.scheduling.retention import retention_job
from bot.scheduling.rule import MAX_DURATION
from bot.scheduling.sweeps import minute_sweeps
from bot.scheduling.upcoming import ScheduleKeeper, ensure_next_meeting
from bot.store import meetings, scheduled_meetings
from bot.store.groups import Group

log = logging.getLogger(__name__)

MeetingJob = Callable[[Context, meetings.Meeting], Awaitable[list[Effect]]]
"""A meeting job's work: `(ctx, meeting) -> effects`, run inside the job's transaction."""
ContextJob = Callable[[Context], Awaitable[list[Effect]]]

SYNC_JOB_ID = "clock:sync"
POST_JOB_ID = "clock:post-due"
RETENTION_JOB_ID = "clock:retention"
RETENTION_INTERVAL = timedelta(hours=24)
RETENTION_FIRST_RUN = timedelta(seconds=60)
"""Retention runs daily, first shortly after start so a clock restarted often still runs it."""
MISFIRE_GRACE_SECONDS = 600
"""A timer that fires this late (a stalled event loop) still runs; later, the next sync replans."""
DEFAULT_HORIZON = timedelta(hours=24)
"""Timers are held for jobs due within this; later ones are added by a later sync."""
DEFAULT_MAX_JOBS = 2000
"""Timers held at once, the nearest first: APScheduler takes ~80 µs to add one."""
MAX_CATCH_UP_ROUNDS = 5

HANDLERS: dict[str, MeetingJob] = {
    CHECKIN: send_checkin,
    START: open_scheduled,
    REMINDER: checkin_reminder,
    END: end_meeting,
    REFLECTION: reflection_nudge,
    RECIPROCITY: reciprocity_note,
}
"""Which feature does each job's work. Each also guards itself; the clock's claim comes first."""


@dataclass
class _MeetingLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


def _kept(job: ContextJob) -> ContextJob:
    """The job, with its effects written to the outbox in the job's own transaction: if the
    process dies after the commit, the next drain (here or in another clock) still sends them."""

    async def run(ctx: Context) -> list[Effect]:
        effects = await job(ctx)
        group_id = ctx.group.id if ctx.group is not None else None
        effects = await plain_text.for_readers(
            ctx.conn, effects, None, now=ctx.now, group_id=group_id, remember=True
        )
        await outbox_store.enqueue(ctx.conn, effects, ctx.now)
        return effects

    return run


class MeetingClock:
    """Keeps APScheduler's timers in line with the database and runs each firing once.

    `handlers` replaces the work of some job kinds (tests use it to run stubs); `post_due` the
    periodic sweeps (`bot.scheduling.sweeps`: anonymous items to post, owners' reminders);
    `defer` the quiet-hours rule. Only jobs due within
    `horizon` get timers, at most `max_jobs` of them (the nearest); the rest are added by later
    syncs, so thousands of groups cost little memory and a rebuild stays quick.
    """

    def __init__(
        self,
        core: Core,
        deliverer: Deliverer,
        *,
        post_interval: float = 15,
        sync_interval: float = 30,
        handlers: Mapping[str, MeetingJob] | None = None,
        post_due: ContextJob | None = None,
        defer: Defer | None = None,
        horizon: timedelta = DEFAULT_HORIZON,
        max_jobs: int = DEFAULT_MAX_JOBS,
        drainer: Drainer | None = None,
    ) -> None:
        self.core = core
        self.deliverer = deliverer
        # The app's drain when it has one (one drain per process); else the clock's own.
        self.drainer = drainer or Drainer(Outbox(core.db, deliverer, core.clock))
        self.outbox = self.drainer.outbox
        self.post_interval = post_interval
        self.sync_interval = sync_interval
        self.horizon = horizon
        self.max_jobs = max_jobs
        self._handlers: dict[str, MeetingJob] = {**HANDLERS, **(handlers or {})}
        self._post_due = post_due or minute_sweeps
        self._defer = defer or quiet_hours.next_allowed
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            jobstores={"default": MemoryJobStore()},
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
                "max_instances": 1,
            },
            logger=logging.getLogger(f"{__name__}.apscheduler"),
        )
        self._planned: dict[str, datetime] = {}
        self._group_of: dict[int, int] = {}
        self._locks: dict[int, _MeetingLock] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._firing: set[str] = set()
        self._sync_lock = asyncio.Lock()
        self._keeper = ScheduleKeeper()

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.core.services.settings.catch_up_grace_hours)

    # -- public API ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Rebuild from the database (catching up), then start the timers."""
        if self._scheduler.running:
            return
        logging.getLogger(f"{__name__}.apscheduler").setLevel(logging.WARNING)
        await self.rebuild()
        every = {"timezone": UTC}
        self._scheduler.add_job(
            self._sync_job,
            IntervalTrigger(seconds=self.sync_interval, **every),
            id=SYNC_JOB_ID,
            name=SYNC_JOB_ID,
            replace_existing=True,
        )
        self._scheduler.add_job(
            self._post_job,
            IntervalTrigger(seconds=self.post_interval, **every),
            id=POST_JOB_ID,
            name=POST_JOB_ID,
            replace_existing=True,
        )
        self._scheduler.add_job(
            self._retention_job,
            IntervalTrigger(seconds=RETENTION_INTERVAL.total_seconds(), **every),
            next_run_time=datetime.now(UTC) + RETENTION_FIRST_RUN,  # APScheduler runs on wall time
            id=RETENTION_JOB_ID,
            name=RETENTION_JOB_ID,
            replace_existing=True,
        )
        self._scheduler.start()
        log.info("meeting clock started with %d meeting jobs", len(self._planned))

    async def shutdown(self) -> None:
        """Stop taking new firings, wait for those running, then stop the timers."""
        if self._scheduler.running:
            self._scheduler.pause()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler finishes shutting down on the loop
        self._planned.clear()

    async def rebuild(self, now: datetime | None = None) -> int:
        """Materialise meetings, run what is overdue, (re)create timers; returns timers held."""
        self._keeper.forget()
        await self._catch_up(now or self.core.clock())
        return len(self._planned)

    async def tick(self, now: datetime | None = None) -> None:
        """Sync and run everything due at `now`, then run the minute sweeps (for tests).

        `now` drives the plan; handlers see `core.clock()`, so tests move that clock first.
        """
        await self._catch_up(now or self.core.clock())
        await self._run_post_due()

    async def fire(self, meeting_id: int, kind: str) -> list[Effect]:
        """Do one job's work now (if it is still due and nobody did it), then deliver it."""
        if kind not in KINDS:
            raise ValueError(f"unknown job kind {kind!r}")
        async with self._meeting_lock(meeting_id):
            group_id = self._group_of.get(meeting_id) or await self._group_id(meeting_id)
            if group_id is None:
                return []
            work = partial(self._work, meeting_id, kind)
            effects = await self.core.run_job(_kept(work), group_id=group_id)
        await self._drain()
        return effects

    def jobs(self) -> list[tuple[str, datetime]]:
        """The timers, by time: id and next run time. Once started, as APScheduler holds them
        (the periodic sync and post jobs included); before, the meeting timers waiting for it."""
        if self._scheduler.running:
            held = [
                (job.id, job.next_run_time)
                for job in self._scheduler.get_jobs()
                if job.next_run_time is not None
            ]
        else:
            held = list(self._planned.items())
        return sorted(held, key=lambda item: (item[1], item[0]))

    # -- one firing ---------------------------------------------------------------------------

    async def _work(self, meeting_id: int, kind: str, ctx: Context) -> list[Effect]:
        meeting = await meetings.get(ctx.conn, meeting_id)
        group = ctx.group
        if meeting is None or group is None or meeting.group_id != group.id:
            return []
        decision = decide(kind, meeting, group, ctx.now, grace=self.grace, defer=self._defer)
        if decision == "skip":
            return []
        if not await meetings.claim_firing(ctx.conn, firing_key(meeting_id, kind), ctx.now):
            return []
        if kind in (START, END):
            # The next meeting must exist before the summary names it.
            await ensure_next_meeting(ctx.conn, group.id, ctx.now)
        if decision == "expire":
            await meetings.end(ctx.conn, meeting_id, ctx.now)
            for after in (REFLECTION, RECIPROCITY):  # no nudges about a meeting long gone
                await meetings.claim_firing(ctx.conn, firing_key(meeting_id, after), ctx.now)
            assert meeting.ends_at is not None
            late = (ctx.now - meeting.ends_at) / timedelta(hours=1)
            log.warning(
                "meeting %d ended %.1f h ago, beyond the %.1f h catch-up grace: "
                "marked ended without a summary",
                meeting_id,
                late,
                self.grace / timedelta(hours=1),
            )
            return []
        return await self._handlers[kind](ctx, meeting)

    async def _group_id(self, meeting_id: int) -> int | None:
        async with self.core.db.read() as conn:
            meeting = await meetings.get(conn, meeting_id)
        return meeting.group_id if meeting else None

    @asynccontextmanager
    async def _meeting_lock(self, meeting_id: int) -> AsyncIterator[None]:
        """One firing per meeting at a time in this process, in the order they were started."""
        held = self._locks.setdefault(meeting_id, _MeetingLock())
        held.users += 1
        try:
            async with held.lock:
                yield
        finally:
            held.users -= 1
            if held.users == 0:
                del self._locks[meeting_id]

    async def _drain(self) -> None:
        """Deliver what waits in the outbox. A failure stays there and is tried again later."""
        await self.drainer.drain()

    # -- syncing with the database ------------------------------------------------------------

    async def _catch_up(self, now: datetime) -> None:
        """Sync, run what is already due, and sync again while that makes new work due."""
        tried: set[str] = set()
        for _ in range(MAX_CATCH_UP_ROUNDS):
            due = [job for job in await self._sync(now) if job.job_id not in tried]
            if not due:
                return
            for job in due:
                tried.add(job.job_id)
                await self._run_safely(job.meeting_id, job.kind)

    async def _sync(self, now: datetime) -> list[PlannedJob]:
        """Re-plan from the database and adjust the timers; returns jobs to run right away."""
        async with self._sync_lock:
            await self._keeper.keep(self.core.db, now)
            pending, done = await self._read(now)
            fixes = self._keeper.review(pending, now)
            if fixes:  # a rule changed without its meetings being moved: obey the rule
                async with self.core.db.write() as conn:
                    await fixes.apply(conn, now)
                await self._keeper.keep(self.core.db, now)
                pending, done = await self._read(now)
            self._group_of = {meeting.id: group.id for meeting, group in pending}
            jobs = plan(pending, now, grace=self.grace, done=done, defer=self._defer)
            return self._hold(jobs, now)

    async def _read(self, now: datetime) -> tuple[list[tuple[meetings.Meeting, Group]], set[str]]:
        """Meetings that may have jobs within the horizon, and their firings already claimed."""
        async with self.core.db.read() as conn:
            lead, delay = await scheduled_meetings.longest_offsets(conn)
            pending = await scheduled_meetings.pending_meetings(
                conn,
                ending_before=now + self.horizon + timedelta(minutes=lead) + MAX_DURATION,
                ended_since=now - self.grace - timedelta(minutes=delay),
            )
            keys = [key for pair in pending for key in keys_to_check(*pair, now)]
            return pending, await scheduled_meetings.claimed(conn, keys)

    def _hold(self, jobs: Sequence[PlannedJob], now: datetime) -> list[PlannedJob]:
        """Give APScheduler the nearest future jobs; return the due ones nobody is running."""
        keep: set[str] = set()
        run_now: list[PlannedJob] = []
        future = 0
        for job in jobs:
            held_at = self._planned.get(job.job_id)
            if job.run_at > now + self.horizon:
                continue
            if job.run_at <= now:
                if held_at is not None and held_at <= now and self._timer_alive(job.job_id):
                    keep.add(job.job_id)  # its timer is about to fire, or is running
                else:
                    run_now.append(job)
            elif future < self.max_jobs:
                future += 1
                keep.add(job.job_id)
                if held_at != job.run_at:
                    self._add_timer(job)
        for held in [name for name in self._planned if name not in keep]:
            self._drop_timer(held)
        return run_now

    def _timer_alive(self, name: str) -> bool:
        """Whether APScheduler will still run (or is running) this timer. One it skipped as
        misfired (the loop was blocked for longer than the grace) is gone: run it ourselves."""
        if not self._scheduler.running:
            return False
        return name in self._firing or self._scheduler.get_job(name) is not None

    def _add_timer(self, job: PlannedJob) -> None:
        if job.job_id in self._planned and not self._scheduler.running:
            self._drop_timer(job.job_id)  # not started: replace_existing only applies at start
        self._scheduler.add_job(
            self._timer_fired,
            DateTrigger(run_date=job.run_at, timezone=UTC),
            args=(job.meeting_id, job.kind, job.run_at),
            id=job.job_id,
            name=job.job_id,
            replace_existing=True,
        )
        self._planned[job.job_id] = job.run_at

    def _drop_timer(self, name: str) -> None:
        self._planned.pop(name, None)
        with contextlib.suppress(JobLookupError):  # it has fired already
            self._scheduler.remove_job(name)

    # -- what the timers run ------------------------------------------------------------------

    async def _run_safely(self, meeting_id: int, kind: str) -> None:
        try:
            await self.fire(meeting_id, kind)
        except Exception:
            # Tracebacks name code, not people; handlers keep user text out of exceptions.
            log.exception("job %s failed; the next sync tries again", job_id(meeting_id, kind))

    async def _timer_fired(self, meeting_id: int, kind: str, run_at: datetime) -> None:
        name = job_id(meeting_id, kind)
        observe_lateness(run_at)
        self._firing.add(name)
        async with self._tracked():
            try:
                await self._run_safely(meeting_id, kind)
            finally:
                self._firing.discard(name)
                if self._planned.get(name) == run_at:
                    del self._planned[name]

    async def _sync_job(self) -> None:
        async with self._tracked():
            try:
                await self._catch_up(self.core.clock())
            except Exception:
                log.exception("sync with the database failed; trying again next time")

    async def _post_job(self) -> None:
        async with self._tracked():
            await self._run_post_due()

    async def _run_post_due(self) -> None:
        try:
            await self.core.run_job(_kept(self._post_due))
        except Exception:
            log.exception("the minute sweeps failed; trying again next time")
        await self._drain()

    # -- retention: erasing old free text, daily --------------------------------------------

    async def retain(self) -> None:
        """Apply every group's retention period now (the daily job's work; tests call it)."""
        try:
            await self.core.run_job(retention_job)
        except Exception:
            log.exception("applying retention failed; trying again tomorrow")

    async def _retention_job(self) -> None:
        async with self._tracked():
            await self.retain()

    @asynccontextmanager
    async def _tracked(self) -> AsyncIterator[None]:
        """Remember the running task so `shutdown` can wait for it."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)
