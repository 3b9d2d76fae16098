"""The meeting clock against a real database, on a controlled clock (nothing waits on real time).

Most tests run the clock with stub jobs that record what fired, so the clock's own rules (what is
planned, exactly once, catch-up, retries, quiet hours) are tested on their own; the end-to-end
tests run the real check-in, meeting, summary and nudge handlers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, update

from bot.cards import Card
from bot.context import Context, Services
from bot.core import Core
from bot.delivery.outbox import pending
from bot.effects import Effect, MessageMember, PostToConversation
from bot.scheduling.clock import HANDLERS, POST_JOB_ID, SYNC_JOB_ID, MeetingClock, MeetingJob
from bot.scheduling.plan import KINDS
from bot.scheduling.upcoming import apply_schedule
from bot.settings import Settings
from bot.store import groups
from bot.store.database import Database
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.store.schema import firings
from bot.store.schema import groups as groups_table
from bot.store.schema import meetings as meetings_table
from tests.dialogue import Chat, FakeClock, channel, person

FAY, LEE, SAM, ROB = person("Fay"), person("Lee"), person("Sam"), person("Rob")
WEEKLY = "weekly tue 10:00 1h30m"


def at(hour: int, minute: int = 0, *, day: int = 3, month: int = 3) -> datetime:
    """A moment in March 2026 (UTC; London is on GMT until the 29th). The 3rd is a Tuesday."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class Recorder:
    """A deliverer that keeps what it was given, and can refuse some effects."""

    def __init__(self, refuse: Callable[[Effect], bool] = lambda effect: False) -> None:
        self.effects: list[Effect] = []
        self.refuse = refuse

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        refused = [effect for effect in effects if self.refuse(effect)]
        self.effects.extend(effect for effect in effects if not self.refuse(effect))
        return refused

    def keys(self) -> list[str | None]:
        return [e.key for e in self.effects if isinstance(e, PostToConversation)]


class Stubs:
    """Stand-in jobs: each records its call and posts one keyed card; start and end also move
    the meeting on as the real ones do, so the plan sees what happened."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.failures: dict[str, int] = {}

    def table(self) -> dict[str, MeetingJob]:
        return {kind: self._job(kind) for kind in KINDS}

    def _job(self, kind: str) -> MeetingJob:
        async def job(ctx: Context, meeting: Meeting) -> list[Effect]:
            if self.failures.get(kind, 0) > 0:
                self.failures[kind] -= 1
                raise RuntimeError(f"{kind} broke")
            self.calls.append((kind, meeting.id))
            changes = {
                "checkin": {"checkin_sent_at": ctx.now},
                "start": {"status": "open"},
                "end": {"status": "ended"},
            }.get(kind)
            if changes:
                await ctx.conn.execute(
                    update(meetings_table).where(meetings_table.c.id == meeting.id).values(changes)
                )
            card = Card(text=f"{kind} for meeting {meeting.id}")
            return [PostToConversation(ctx.require_group().where, card, key=f"{kind}:{meeting.id}")]

        return job

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.calls]


async def no_elephants(ctx: Context) -> list[Effect]:
    return []


def stub_clock(
    core: Core, stubs: Stubs, deliverer: Recorder | None = None, **kw: object
) -> MeetingClock:
    return MeetingClock(
        core,
        deliverer or Recorder(),
        handlers=stubs.table(),
        post_due=no_elephants,
        **kw,  # type: ignore[arg-type]
    )


async def make_group(
    db: Database, *, rule: str | None = WEEKLY, name: str = "general", **settings: object
) -> Group:
    async with db.write() as conn:
        group = await groups.create(
            conn, channel(name), "Parents Forum", now=at(8), timezone="Europe/London", k=3
        )
        return await groups.change(conn, group.id, schedule_rule=rule, **settings)


async def all_meetings(db: Database) -> list[Meeting]:
    async with db.read() as conn:
        rows = (await conn.execute(select(meetings_table).order_by(meetings_table.c.id))).mappings()
        return [Meeting.from_row(row) for row in rows]


async def claimed_keys(db: Database) -> set[str]:
    async with db.read() as conn:
        return set((await conn.execute(select(firings.c.key))).scalars())


async def tick_at(clock: FakeClock, meeting_clock: MeetingClock, when: datetime) -> None:
    clock.set(when)
    await meeting_clock.tick()


# -- planning from the database ---------------------------------------------------------------


async def test_rebuild_materialises_the_next_meeting_and_holds_its_jobs(
    core: Core, db: Database
) -> None:
    await make_group(db)
    clock = stub_clock(core, Stubs())
    assert await clock.rebuild(at(9)) == 6
    [meeting] = await all_meetings(db)
    assert (meeting.starts_at, meeting.ends_at) == (at(10), at(11, 30))
    assert (meeting.status, meeting.source) == ("scheduled", "schedule")
    expected = [
        (f"meeting:{meeting.id}:checkin", at(9, 45)),
        (f"meeting:{meeting.id}:start", at(10)),
        (f"meeting:{meeting.id}:reminder", at(10, 10)),
        (f"meeting:{meeting.id}:end", at(11, 30)),
        (f"meeting:{meeting.id}:reciprocity", at(12, 30)),
        (f"meeting:{meeting.id}:reflection", at(12, 30)),
    ]
    assert clock.jobs() == expected
    # rebuilding again, or from a second clock, changes nothing
    assert await clock.rebuild(at(9)) == 6
    assert await stub_clock(core, Stubs()).rebuild(at(9, 1)) == 6
    assert len(await all_meetings(db)) == 1
    assert clock.jobs() == expected


async def test_group_settings_move_the_jobs(core: Core, db: Database) -> None:
    await make_group(
        db, checkin_lead_minutes=30, reminder_after_minutes=20, reflection_after_minutes=120
    )
    clock = stub_clock(core, Stubs())
    await clock.rebuild(at(9))
    times = {name.rsplit(":", 1)[1]: when for name, when in clock.jobs()}
    assert times == {
        "checkin": at(9, 30),
        "start": at(10),
        "reminder": at(10, 20),
        "end": at(11, 30),
        "reflection": at(13, 30),
        "reciprocity": at(13, 30),
    }


@pytest.mark.parametrize(
    ("now", "rule", "start"),
    [
        # Ten o'clock in London is 10:00 UTC in winter and 09:00 UTC in summer.
        (at(8, day=22), "weekly sun 10:00 90m", at(10, day=22)),
        (at(7, day=29), "weekly sun 10:00 90m", at(9, day=29)),
        (datetime(2026, 10, 18, 7, tzinfo=UTC), "weekly sun 10:00 90m", at(9, day=18, month=10)),
        (datetime(2026, 10, 25, 7, tzinfo=UTC), "weekly sun 10:00 90m", at(10, day=25, month=10)),
        (at(9), "fortnightly tue 10:00 1h from 2026-03-10", at(10, day=10)),
        (at(9), "monthly 1st tue 10:00 1h", at(10)),
        (at(11), "monthly 1st tue 10:00 1h", at(9, day=7, month=4)),
    ],
)
async def test_the_next_meeting_follows_the_rule_across_clock_changes(
    core: Core, db: Database, now: datetime, rule: str, start: datetime
) -> None:
    await make_group(db, rule=rule)
    clock = stub_clock(core, Stubs(), horizon=timedelta(days=40))
    await clock.rebuild(now)
    [meeting] = await all_meetings(db)
    assert meeting.starts_at == start
    assert meeting.starts_at.astimezone(ZoneInfo("Europe/London")).hour == 10
    jobs = dict(clock.jobs())
    assert jobs[f"meeting:{meeting.id}:checkin"] == start - timedelta(minutes=15)
    assert jobs[f"meeting:{meeting.id}:start"] == start


async def test_ticking_through_a_meeting_runs_each_job_once_in_order(
    core: Core, db: Database, clock: FakeClock
) -> None:
    await make_group(db)
    stubs, recorder = Stubs(), Recorder()
    meeting_clock = stub_clock(core, stubs, recorder)
    await meeting_clock.rebuild(at(9))
    [meeting] = await all_meetings(db)
    steps = [
        (at(9, 44), []),
        (at(9, 45), ["checkin"]),
        (at(9, 50), []),
        (at(10), ["start"]),
        (at(10, 10), ["reminder"]),
        (at(11, 30), ["end"]),
        (at(12, 30), ["reflection", "reciprocity"]),
        (at(13), []),
    ]
    for when, expected in steps:
        before = len(stubs.calls)
        await tick_at(clock, meeting_clock, when)
        assert stubs.kinds()[before:] == expected, when
    assert recorder.keys() == [f"{kind}:{meeting.id}" for kind in stubs.kinds()]
    # the next meeting was written down as soon as this one started
    _, following = await all_meetings(db)
    assert following.starts_at == at(10, day=10)
    assert following.status == "scheduled"
    assert meeting_clock.jobs() == []  # next week is beyond the 24-hour horizon


async def test_a_long_horizon_holds_next_weeks_jobs_after_the_start(
    core: Core, db: Database, clock: FakeClock
) -> None:
    await make_group(db)
    meeting_clock = stub_clock(core, Stubs(), horizon=timedelta(days=8))
    await meeting_clock.rebuild(at(9))
    await tick_at(clock, meeting_clock, at(10))
    following = (await all_meetings(db))[1]
    assert (f"meeting:{following.id}:checkin", at(9, 45, day=10)) in meeting_clock.jobs()


async def test_jobs_beyond_the_cap_wait_for_a_later_sync(core: Core, db: Database) -> None:
    await make_group(db)
    clock = stub_clock(core, Stubs(), max_jobs=2)
    await clock.rebuild(at(9))
    assert [name.rsplit(":", 1)[1] for name, _ in clock.jobs()] == ["checkin", "start"]


# -- exactly once -----------------------------------------------------------------------------


@pytest.fixture
async def second_db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.resolved_database_url())  # the same file, its own engine
    yield database
    await database.dispose()


async def test_two_clocks_on_one_database_fire_each_job_once(
    core: Core, db: Database, second_db: Database, services: Services, clock: FakeClock
) -> None:
    await make_group(db)
    stubs = Stubs()
    mine, theirs = Recorder(), Recorder()
    first = stub_clock(core, stubs, mine)
    second = stub_clock(Core(second_db, services), stubs, theirs)
    await asyncio.gather(first.rebuild(at(9)), second.rebuild(at(9)))
    [meeting] = await all_meetings(db)
    for when, kind in [
        (at(9, 45), "checkin"),
        (at(10), "start"),
        (at(10, 10), "reminder"),
        (at(11, 30), "end"),
        (at(12, 30), "reflection"),
        (at(12, 30), "reciprocity"),
    ]:
        clock.set(when)
        for _ in range(3):  # a retried timer, and both clocks at once
            await asyncio.gather(
                first.fire(meeting.id, kind),
                second.fire(meeting.id, kind),
                first.tick(),
                second.tick(),
            )
    assert sorted(stubs.kinds()) == sorted(KINDS)
    delivered = mine.keys() + theirs.keys()
    assert sorted(delivered) == sorted(f"{kind}:{meeting.id}" for kind in KINDS)


async def test_a_failed_job_rolls_back_its_claim_and_runs_at_the_next_sync(
    core: Core, db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await make_group(db)
    stubs, recorder = Stubs(), Recorder()
    stubs.failures["checkin"] = 1
    meeting_clock = stub_clock(core, stubs, recorder)
    await meeting_clock.rebuild(at(9))
    [meeting] = await all_meetings(db)
    with caplog.at_level(logging.ERROR, logger="bot.scheduling.clock"):
        await tick_at(clock, meeting_clock, at(9, 45))
    assert f"job meeting:{meeting.id}:checkin failed" in caplog.text
    assert recorder.effects == []
    assert f"job:checkin:{meeting.id}" not in await claimed_keys(db)
    assert (await all_meetings(db))[0].checkin_sent_at is None
    await tick_at(clock, meeting_clock, at(9, 46))
    assert recorder.keys() == [f"checkin:{meeting.id}"]
    assert f"job:checkin:{meeting.id}" in await claimed_keys(db)


async def test_an_undeliverable_effect_is_logged_without_its_text_kept_and_sent_later(
    core: Core, db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    group = await make_group(db)

    async def checkin(ctx: Context, meeting: Meeting) -> list[Effect]:
        card = Card(text="Sam's private words")
        return [
            PostToConversation(group.where, card, key="checkin:1"),
            MessageMember(group.platform, group.workspace, SAM.user_id, card),
        ]

    recorder = Recorder(refuse=lambda effect: isinstance(effect, PostToConversation))
    meeting_clock = MeetingClock(
        core, recorder, handlers={"checkin": checkin}, post_due=no_elephants
    )
    await meeting_clock.rebuild(at(9))
    with caplog.at_level(logging.INFO):
        await tick_at(clock, meeting_clock, at(9, 45))
    assert [type(e).__name__ for e in recorder.effects] == ["MessageMember"]
    assert "outbox row 1 was not delivered; trying again later" in caplog.text
    assert "private words" not in caplog.text
    assert SAM.user_id not in caplog.text
    assert await pending(db) == 1  # kept, not lost
    recorder.refuse = lambda effect: False
    await tick_at(clock, meeting_clock, at(9, 46))  # the pause after a first failure is 15 s
    assert [type(e).__name__ for e in recorder.effects] == ["MessageMember", "PostToConversation"]
    assert await pending(db) == 0


async def test_fire_refuses_unknown_kinds(core: Core) -> None:
    with pytest.raises(ValueError, match="unknown job kind"):
        await stub_clock(core, Stubs()).fire(1, "lunch")


async def test_fire_for_a_meeting_that_does_not_exist_does_nothing(core: Core) -> None:
    assert await stub_clock(core, Stubs()).fire(999, "end") == []


# -- catch-up after downtime ------------------------------------------------------------------


async def test_a_meeting_that_ended_while_down_gets_its_end_now_and_skips_the_rest(
    core: Core, db: Database, clock: FakeClock
) -> None:
    await make_group(db)
    await stub_clock(core, Stubs()).rebuild(at(9))  # planned before going down
    stubs = Stubs()
    clock.set(at(14, 30))
    await stub_clock(core, stubs).rebuild()
    assert stubs.kinds() == ["end", "reflection", "reciprocity"]
    stubs.calls.clear()
    await stub_clock(core, stubs).rebuild()
    assert stubs.calls == []


async def test_a_meeting_missed_beyond_grace_is_ended_without_a_summary(
    core: Core, db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await make_group(db)
    await stub_clock(core, Stubs()).rebuild(at(9))
    stubs = Stubs()
    clock.set(at(11, 31) + timedelta(hours=12))
    with caplog.at_level(logging.WARNING, logger="bot.scheduling.clock"):
        await stub_clock(core, stubs).rebuild()
    assert stubs.calls == []
    missed, following = await all_meetings(db)
    assert missed.status == "ended"
    assert missed.ends_at == at(11, 30)
    assert missed.summary_posted_at is None
    assert following.starts_at == at(10, day=10)
    assert "beyond the 12.0 h catch-up grace: marked ended without a summary" in caplog.text


# -- changes made elsewhere reach the clock through sync --------------------------------------


async def test_a_rule_changed_without_moving_its_meeting_is_obeyed_at_the_next_sync(
    core: Core, db: Database
) -> None:
    group = await make_group(db)
    clock = stub_clock(core, Stubs())
    await clock.rebuild(at(9))
    async with db.write() as conn:
        await groups.change(conn, group.id, schedule_rule="weekly tue 15:00 1h")
    await clock.tick(at(9, 1))
    [new] = await all_meetings(db)  # the copy of the old rule was dropped, not cancelled
    assert (new.starts_at, new.ends_at, new.status) == (at(15), at(16), "scheduled")
    assert clock.jobs()[0] == (f"meeting:{new.id}:checkin", at(14, 45))
    assert at(9, 45) not in [when for _, when in clock.jobs()]


async def test_a_new_length_moves_only_the_end(core: Core, db: Database) -> None:
    group = await make_group(db)
    clock = stub_clock(core, Stubs())
    await clock.rebuild(at(9))
    async with db.write() as conn:
        await groups.change(conn, group.id, schedule_rule="weekly tue 10:00 2h")
    await clock.tick(at(9, 1))
    [meeting] = await all_meetings(db)
    assert (meeting.starts_at, meeting.ends_at) == (at(10), at(12))
    assert dict(clock.jobs())[f"meeting:{meeting.id}:end"] == at(12)


async def test_schedule_change_by_command_is_picked_up_by_sync(
    core: Core, db: Database, chat: Chat
) -> None:
    await chat.group_of(FAY, [(LEE, "lived-experience")])
    await chat.say(FAY, f"schedule {WEEKLY}")
    clock = stub_clock(core, Stubs())
    await clock.rebuild(at(9))
    outcome = await chat.say(FAY, "schedule weekly tue 15:00 1h")
    assert "15:00" in outcome.reply
    await clock.tick(at(9, 1))
    live = [m for m in await all_meetings(db) if m.status == "scheduled"]
    assert [(m.starts_at, m.ends_at) for m in live] == [(at(15), at(16))]
    assert {name.split(":")[1] for name, _ in clock.jobs()} == {str(live[0].id)}


async def test_apply_schedule_moves_the_next_meeting_at_once(core: Core, db: Database) -> None:
    group = await make_group(db)
    await stub_clock(core, Stubs()).rebuild(at(9))
    changes: list[tuple[str | None, tuple[datetime, datetime | None] | None]] = [
        ("weekly tue 10:00 2h", (at(10), at(12))),  # same start: the same meeting, longer
        ("weekly thu 18:00 1h", (at(18, day=5), at(19, day=5))),
        (None, None),  # schedule off
        ("weekly tue 10:00 2h", (at(10), at(12))),  # and on again: this week is not skipped
    ]
    for rule, expected in changes:
        async with db.write() as conn:
            await groups.change(conn, group.id, schedule_rule=rule)
            upcoming = await apply_schedule(conn, group.id, at(9))
        got = (upcoming.starts_at, upcoming.ends_at) if upcoming else None
        assert got == expected, rule
        live = [m for m in await all_meetings(db) if m.status == "scheduled"]
        assert len(live) == (0 if rule is None else 1)
    assert all(m.status != "cancelled" for m in await all_meetings(db))


async def test_apply_schedule_keeps_the_meeting_when_only_its_length_changes(
    core: Core, db: Database
) -> None:
    group = await make_group(db)
    await stub_clock(core, Stubs()).rebuild(at(9))
    [meeting] = await all_meetings(db)
    async with db.write() as conn:
        await groups.change(conn, group.id, schedule_rule="weekly tue 10:00 45m")
        upcoming = await apply_schedule(conn, group.id, at(9))
    assert upcoming is not None
    assert (upcoming.id, upcoming.ends_at) == (meeting.id, at(10, 45))


async def test_schedule_off_leaves_no_jobs(core: Core, db: Database) -> None:
    group = await make_group(db)
    clock = stub_clock(core, Stubs())
    await clock.rebuild(at(9))
    async with db.write() as conn:
        await groups.change(conn, group.id, schedule_rule=None)
    await clock.tick(at(9, 1))
    assert clock.jobs() == []
    assert await all_meetings(db) == []


async def test_a_cancelled_meeting_stays_cancelled_and_the_next_one_is_planned(
    core: Core, db: Database
) -> None:
    await make_group(db)
    clock = stub_clock(core, Stubs(), horizon=timedelta(days=8))
    await clock.rebuild(at(9))
    [meeting] = await all_meetings(db)
    async with db.write() as conn:
        await conn.execute(
            update(meetings_table)
            .where(meetings_table.c.id == meeting.id)
            .values(status="cancelled")
        )
    await clock.tick(at(9, 1))
    cancelled, following = await all_meetings(db)
    assert cancelled.status == "cancelled"
    assert following.starts_at == at(10, day=10)
    assert clock.jobs()[0] == (f"meeting:{following.id}:checkin", at(9, 45, day=10))
    assert not any(name.startswith(f"meeting:{meeting.id}:") for name, _ in clock.jobs())


async def test_an_unreadable_rule_is_logged_once_without_the_rule(
    core: Core, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    group = await make_group(db, rule="whenever we like")
    clock = stub_clock(core, Stubs())
    with caplog.at_level(logging.WARNING):
        await clock.rebuild(at(9))
        await clock.tick(at(9, 1))
    assert caplog.text.count(f"group {group.id} has a schedule I cannot turn into a date") == 1
    assert "whenever" not in caplog.text
    assert await all_meetings(db) == []


async def test_a_manual_meeting_gets_its_reflection_once_ended_elsewhere(
    core: Core, db: Database, chat: Chat, clock: FakeClock
) -> None:
    await chat.group_of(FAY, [(LEE, "lived-experience")])
    meeting_clock = stub_clock(core, Stubs())
    await chat.say(FAY, "meeting start")
    await meeting_clock.tick(at(9, 1))
    assert meeting_clock.jobs() == []
    clock.set(at(10))
    await chat.say(FAY, "meeting end")
    [meeting] = await all_meetings(db)
    await meeting_clock.tick(at(10, 1))
    assert meeting_clock.jobs() == [
        (f"meeting:{meeting.id}:reciprocity", at(11)),
        (f"meeting:{meeting.id}:reflection", at(11)),
    ]


async def test_nudges_in_quiet_hours_wait_for_them_to_end(
    core: Core, db: Database, clock: FakeClock
) -> None:
    await make_group(db, quiet_start="12:00", quiet_end="14:00")
    stubs = Stubs()
    meeting_clock = stub_clock(core, stubs)
    await meeting_clock.rebuild(at(9))
    [meeting] = await all_meetings(db)
    assert dict(meeting_clock.jobs())[f"meeting:{meeting.id}:reflection"] == at(14)
    for when in (at(9, 45), at(10), at(10, 10), at(11, 30), at(12, 30), at(13, 59)):
        await tick_at(clock, meeting_clock, when)
    assert "reflection" not in stubs.kinds()
    # even a timer firing early in quiet hours leaves the nudge for later
    assert await meeting_clock.fire(meeting.id, "reflection") == []
    assert f"job:reflection:{meeting.id}" not in await claimed_keys(db)
    await tick_at(clock, meeting_clock, at(14))
    assert stubs.kinds()[-2:] == ["reflection", "reciprocity"]


async def test_tick_posts_due_anonymous_items(core: Core, clock: FakeClock) -> None:
    seen: list[datetime] = []
    where = channel()

    async def post_due(ctx: Context) -> list[Effect]:
        seen.append(ctx.now)
        return [PostToConversation(where, Card(text="an elephant"), key="elephant:1")]

    recorder = Recorder()
    await MeetingClock(core, recorder, handlers=Stubs().table(), post_due=post_due).tick()
    assert seen == [clock.now]
    assert recorder.keys() == ["elephant:1"]


# -- end to end, with the real handlers -------------------------------------------------------


async def forum_with_schedule(chat: Chat) -> None:
    await chat.group_of(
        FAY, [(LEE, "lived-experience"), (SAM, "professional"), (ROB, "lived-experience")]
    )
    await chat.say(FAY, f"schedule {WEEKLY}")


async def test_two_clocks_send_one_checkin_and_post_one_summary(
    core: Core, db: Database, second_db: Database, services: Services, chat: Chat, clock: FakeClock
) -> None:
    await forum_with_schedule(chat)
    mine, theirs = Recorder(), Recorder()
    first = MeetingClock(core, mine)
    second = MeetingClock(Core(second_db, services), theirs)
    await asyncio.gather(first.rebuild(), second.rebuild())
    [meeting] = await all_meetings(db)
    for when in (at(9, 45), at(10), at(10, 10), at(11, 30), at(12, 30)):
        clock.set(when)
        for _ in range(2):
            await asyncio.gather(
                first.tick(), second.tick(), first.fire(meeting.id, "end"), second.tick()
            )
    effects = mine.effects + theirs.effects
    posts = [e.key for e in effects if isinstance(e, PostToConversation)]
    assert posts.count(f"checkin:{meeting.id}") == 1
    assert posts.count(f"summary:{meeting.id}") == 1
    [checkin_post] = [
        e for e in effects if isinstance(e, PostToConversation) and e.key == f"checkin:{meeting.id}"
    ]
    messages = [e for e in effects if isinstance(e, MessageMember)]
    everyone = sorted(who.user_id for who in (FAY, LEE, SAM, ROB))
    # each member: one check-in, then one reminder (nobody answered; nobody took part, so no
    # reflection; too few rounds for a note on sharing)
    assert sorted(e.user_id for e in messages if e.card == checkin_post.card) == everyone
    assert sorted(e.user_id for e in messages if e.card != checkin_post.card) == everyone
    ended = (await all_meetings(db))[0]
    assert ended.status == "ended" and ended.summary_posted_at == at(11, 30)


async def test_a_summary_missed_while_down_is_posted_once_on_rebuild(
    core: Core, db: Database, chat: Chat, clock: FakeClock
) -> None:
    await forum_with_schedule(chat)
    [meeting] = await all_meetings(db)
    clock.set(at(14, 30))  # the bot was down from 9:00 until three hours after the end
    recorder = Recorder()
    await MeetingClock(core, recorder).rebuild()
    keys = recorder.keys()
    assert keys.count(f"summary:{meeting.id}") == 1
    assert f"checkin:{meeting.id}" not in keys  # no check-in for a meeting already over
    again = Recorder()
    await MeetingClock(core, again).rebuild()
    assert again.effects == []
    assert (await all_meetings(db))[0].summary_posted_at == at(14, 30)


async def test_a_summary_missed_beyond_grace_is_not_posted(
    core: Core, db: Database, chat: Chat, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await forum_with_schedule(chat)
    clock.set(at(11, 30) + timedelta(hours=13))
    recorder = Recorder()
    with caplog.at_level(logging.INFO):
        await MeetingClock(core, recorder).rebuild()
    assert not [key for key in recorder.keys() if key and key.startswith("summary:")]  # noqa: SIM118
    missed = (await all_meetings(db))[0]
    assert (missed.status, missed.summary_posted_at) == ("ended", None)
    for who in (FAY, LEE, SAM, ROB):
        assert who.user_id not in caplog.text
        assert who.display_name not in caplog.text


# -- the timers themselves --------------------------------------------------------------------


async def test_start_holds_timers_in_apscheduler_and_shutdown_waits_for_running_work(
    core: Core, db: Database, clock: FakeClock
) -> None:
    # APScheduler compares with the real time, so this test's meeting is in the real future.
    now = datetime.now(UTC).replace(microsecond=0)
    clock.set(now)
    tomorrow = (now + timedelta(days=1)).astimezone(ZoneInfo("Europe/London"))
    await make_group(db, rule=f"weekly {tomorrow:%a} 10:00 1h".lower())
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow_post_due(ctx: Context) -> list[Effect]:
        entered.set()
        await release.wait()
        return []

    meeting_clock = MeetingClock(
        core,
        Recorder(),
        handlers=Stubs().table(),
        post_due=slow_post_due,
        horizon=timedelta(days=3),
    )
    await meeting_clock.start()
    try:
        names = [name for name, _ in meeting_clock.jobs()]
        assert {SYNC_JOB_ID, POST_JOB_ID} <= set(names)
        [meeting] = await all_meetings(db)
        timers = dict(meeting_clock.jobs())
        assert timers[f"meeting:{meeting.id}:start"] == meeting.starts_at
        # make the periodic post job due now and let it start
        meeting_clock._scheduler.modify_job(POST_JOB_ID, next_run_time=datetime.now(UTC))
        meeting_clock._scheduler.wakeup()
        await asyncio.wait_for(entered.wait(), timeout=5)
        stopping = asyncio.ensure_future(meeting_clock.shutdown())
        for _ in range(20):
            await asyncio.sleep(0)
        assert not stopping.done()  # it waits for the post job
        release.set()
        await asyncio.wait_for(stopping, timeout=5)
        assert meeting_clock.jobs() == []
    finally:
        release.set()
        await meeting_clock.shutdown()


async def test_a_timer_that_apscheduler_dropped_is_run_by_the_next_sync(
    core: Core, db: Database, clock: FakeClock
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    clock.set(now)
    tomorrow = (now + timedelta(days=1)).astimezone(ZoneInfo("Europe/London"))
    await make_group(db, rule=f"weekly {tomorrow:%a} 10:00 1h".lower())
    stubs = Stubs()
    meeting_clock = stub_clock(core, stubs, horizon=timedelta(days=3))
    await meeting_clock.start()
    try:
        [meeting] = await all_meetings(db)
        name = f"meeting:{meeting.id}:checkin"
        checkin_at = dict(meeting_clock.jobs())[name]
        # APScheduler forgets a one-off job it skipped as misfired (a long-blocked loop)
        meeting_clock._scheduler.remove_job(name)
        clock.set(checkin_at + timedelta(minutes=1))
        await meeting_clock.tick()
        assert stubs.kinds() == ["checkin"]
    finally:
        await meeting_clock.shutdown()


# -- scale ------------------------------------------------------------------------------------


async def test_many_groups_get_one_next_meeting_each_and_a_bounded_set_of_timers(
    core: Core, db: Database
) -> None:
    """Scale behaviour, not speed: timing belongs to the benchmarks, not the test suite."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    rows = []
    for number in range(3_000):
        day = days[number % 7]
        hour = 8 + number % 12
        rule = (
            f"weekly {day} {hour:02d}:30 90m",
            f"fortnightly {day} {hour:02d}:00 1h from 2026-03-{2 + number % 7:02d}",
            f"monthly 2nd {day} {hour:02d}:15 2h",
        )[number % 3]
        rows.append(
            {
                "platform": "slack",
                "workspace": "T1",
                "conversation_id": f"C{number}",
                "name": f"Group {number}",
                "created_at": at(8),
                "schedule_rule": rule,
                "timezone": "Europe/London",
                "k": 3,
                "anonymity_delay_minutes": 5,
                "reciprocity_lock": False,
                "checkin_lead_minutes": 15,
                "reminder_after_minutes": 10,
                "reflection_after_minutes": 60,
                "retention_days": 365,
            }
        )
    async with db.write() as conn:
        await conn.execute(insert(groups_table), rows)
    clock = stub_clock(core, Stubs())
    held = await clock.rebuild(at(9))
    assert len(await all_meetings(db)) == 3_000
    again = await clock.rebuild(at(9))
    assert len(await all_meetings(db)) == 3_000  # a second rebuild writes no duplicates
    assert 0 < held <= 2_000 and again == held


def test_every_kind_of_job_has_its_work() -> None:
    """A kind added to the plan without its work in `HANDLERS` would be claimed and do nothing."""
    assert set(HANDLERS) == set(KINDS)
