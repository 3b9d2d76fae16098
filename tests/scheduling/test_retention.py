"""Retention: a group's free text is erased after its retention period; counts and shape stay.

Meetings, check-ins, rounds and elephants are made through the chat; perspectives and reflections
(which need posted cards and nudges from the clock) are added through the store. Then the clock
moves past the retention period and the daily job runs.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from bot.core import Core
from bot.handlers.elephants import commands as elephant_handlers
from bot.scheduling.clock import RETENTION_JOB_ID, MeetingClock
from bot.scheduling.retention import ERASED, apply_retention, retention_job
from bot.store import groups
from bot.store.database import Database
from bot.store.schema import (
    checkins,
    elephants,
    firings,
    glossary_entries,
    inbound_events,
    meetings,
    perspectives,
    recognition_claims,
    recognition_entries,
    reflections,
    round_answers,
    rounds,
    signal_crowds,
    signal_tokens,
    verdicts,
)
from tests.dialogue import Chat, FakeClock, Outcome, channel, count, dm, person

FAY = person("Fay")
SAM = person("Sam")
LEE = person("Lee")
OTHER = channel("other")


class Quiet:
    """A deliverer for the clock that accepts everything."""

    async def deliver(self, effects: Any) -> None:
        return None


async def a_meeting(chat: Chat, words: str, where: Any = None, prefix: str = "") -> None:
    """One meeting in a group: check-in words, a round with a share and a pass, an elephant."""
    if where is not None:
        chat.where = where
    await chat.say(FAY, "meeting start")
    sent: Outcome = await chat.say(FAY, "checkin")
    form = (await chat.press(SAM, sent.button("Add words"))).forms[0]
    await chat.submit(SAM, form, {"mood": "3", "words": words, "visibility": "group"})
    await chat.press(LEE, sent.button("Pass"))
    await chat.say(FAY, f"round {prefix}What helped this week?")
    share = (await chat.say(SAM, "share")).forms[0]
    await chat.submit(SAM, share, {"text": f"{words} in the round", "consent": "yes"})
    await chat.say(LEE, "pass")
    await chat.say(SAM, f"elephant big: {words} about the elephant")
    chat.clock.advance(minutes=15)  # past the anonymity delay: the clock posts it
    await chat.core.run_job(elephant_handlers.post_due_elephants)
    await chat.say(FAY, f"elephant 1 addressed {words} as outcome")
    chat.clock.advance(minutes=45)
    await chat.say(FAY, "meeting end")


async def setup(chat: Chat, where: Any = None) -> None:
    if where is not None:
        chat.where = where
    await chat.say(FAY, "setup Parents Forum")
    await chat.say(SAM, "role lived-experience")
    await chat.say(LEE, "role professional")


async def add_anonymous_rows(db: Database, text: str) -> None:
    """A perspective on every elephant and a reflection on every meeting, holding `text`."""
    async with db.write() as conn:
        for elephant_id in (await conn.execute(select(elephants.c.id))).scalars().all():
            await conn.execute(insert(perspectives).values(elephant_id=elephant_id, text=text))
        for meeting_id in (
            await conn.execute(select(meetings.c.id).where(meetings.c.status == "ended"))
        ).scalars():
            await conn.execute(insert(reflections).values(meeting_id=meeting_id, change=text))


async def texts(db: Database) -> list[str | None]:
    """Every free text held, sorted, for "is it gone / is it still there" checks."""
    async with db.read() as conn:
        found: list[str | None] = []
        for column in (
            checkins.c.words,
            round_answers.c.text,
            reflections.c.change,
            elephants.c.text,
            elephants.c.outcome,
            perspectives.c.text,
            verdicts.c.title,
            verdicts.c.what_was_done,
        ):
            found.extend((await conn.execute(select(column))).scalars().all())
    return sorted(found, key=str)


async def shape(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Everything that is not free text: what the ledger, counts and elephant list are made of."""
    async with db.read() as conn:

        async def rows(*columns: Any) -> list[tuple[Any, ...]]:
            return sorted((tuple(row) for row in await conn.execute(select(*columns))), key=str)

        return {
            "checkins": await rows(checkins.c.meeting_id, checkins.c.mood, checkins.c.passed),
            "answers": await rows(
                round_answers.c.round_id,
                round_answers.c.kind,
                round_answers.c.role,
                round_answers.c.consent_summary,
            ),
            "rounds": await rows(rounds.c.id, rounds.c.prompt, rounds.c.status),
            "elephants": await rows(
                elephants.c.group_id, elephants.c.number, elephants.c.size, elephants.c.status
            ),
            "perspectives": await rows(perspectives.c.elephant_id),
            "reflections": await rows(reflections.c.meeting_id),
        }


async def run(core: Core) -> int:
    async with core.db.write() as conn:
        from bot.context import Context

        return await apply_retention(Context(conn, core.services, core.clock()))


async def test_old_texts_are_erased_and_every_count_stays(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    await setup(chat)
    await a_meeting(chat, "Tired but here")
    await add_anonymous_rows(db, "Shorter meetings")
    before = await shape(db)
    assert "Tired but here" in await texts(db)
    clock.advance(days=364)
    assert await run(core) == 0  # a day short of a year: nothing goes
    assert "Tired but here" in await texts(db)
    clock.advance(days=1)
    # words, answer, reflection, elephant, outcome, perspective, and the "does this feel
    # addressed?" asking's copy of the elephant and what was done
    assert await run(core) == 7
    assert await texts(db) == [ERASED] * 4 + [None] * 6
    assert await shape(db) == before  # moods, passes, kinds, roles, consent, statuses, numbers
    assert before["rounds"][0][1] == "What helped this week?"  # the group's question stays
    assert await run(core) == 0  # a second run changes nothing


async def test_recent_texts_stay_while_older_ones_go(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    await setup(chat)
    await chat.say(FAY, "set retention 30")
    await a_meeting(chat, "Old words")
    clock.advance(days=20)
    chat.clock.advance(minutes=1)
    await chat.say(FAY, "meeting start")
    sent = await chat.say(FAY, "checkin")
    form = (await chat.press(SAM, sent.button("Add words"))).forms[0]
    await chat.submit(SAM, form, {"mood": "4", "words": "New words", "visibility": "group"})
    await chat.say(SAM, "elephant Newer elephant")
    clock.advance(days=11)
    assert await run(core) == 5  # the old check-in, answer, elephant, outcome and asking
    held = await texts(db)
    assert "New words" in held and "Newer elephant" in held
    assert not any(text and "Old words" in text for text in held)


async def test_a_group_keeping_text_longer_keeps_it(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    await setup(chat)
    await chat.say(FAY, "set retention 30")
    await a_meeting(chat, "Short-lived")
    await setup(chat, OTHER)
    await chat.say(FAY, "set retention 90")
    await a_meeting(chat, "Long-lived")
    clock.advance(days=31)
    assert await run(core) == 5
    held = await texts(db)
    assert not any(text and "Short-lived" in text for text in held)
    assert sum(1 for text in held if text and "Long-lived" in text) == 6
    clock.advance(days=60)
    assert await run(core) == 5
    assert not any(text and "lived" in text for text in await texts(db))


async def test_one_group_only_when_the_context_names_it(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    await setup(chat)
    await a_meeting(chat, "First group")
    await setup(chat, OTHER)
    await a_meeting(chat, "Second group")
    clock.advance(days=400)
    async with db.read() as conn:
        other = await groups.for_conversation(conn, OTHER)
    assert other is not None
    assert await core.run_job(retention_job, group_id=other.id) == []
    held = [text for text in await texts(db) if text]
    assert any("First group" in text for text in held)
    assert not any("Second group" in text for text in held)


async def test_old_firing_keys_and_event_ids_are_pruned_and_recent_ones_kept(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    now = clock.now
    async with db.write() as conn:
        for key, age in (("old:1", 31), ("edge:2", 29), ("new:3", 1)):
            await conn.execute(insert(firings).values(key=key, fired_at=now - timedelta(days=age)))
        for event_id, age in (("E-old", 8), ("E-new", 6)):
            await conn.execute(
                insert(inbound_events).values(
                    platform="slack", event_id=event_id, received_at=now - timedelta(days=age)
                )
            )
    await run(core)
    async with db.read() as conn:
        keys = set((await conn.execute(select(firings.c.key))).scalars())
        events = set((await conn.execute(select(inbound_events.c.event_id))).scalars())
    assert keys == {"edge:2", "new:3"}
    assert events == {"E-new"}


async def test_keys_of_a_meeting_still_open_are_never_pruned(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    """A meeting started by hand stays open until someone ends it; the clock still plans its
    reminder, so its once-only keys must outlive the 30 days or the reminder would go again."""
    await setup(chat)
    await chat.say(FAY, "meeting start")
    await chat.say(FAY, "checkin")
    async with db.read() as conn:
        meeting_id = (await conn.execute(select(meetings.c.id))).scalar_one()
    clock.advance(minutes=30)
    await MeetingClock(core, Quiet()).tick()  # the reminder goes, claiming its keys
    async with db.read() as conn:
        keys = set((await conn.execute(select(firings.c.key))).scalars())
    assert f"job:reminder:{meeting_id}" in keys and f"reminder:{meeting_id}" in keys
    clock.advance(days=45)
    await run(core)
    async with db.read() as conn:
        assert set((await conn.execute(select(firings.c.key))).scalars()) == keys
    await chat.say(FAY, "meeting end")
    clock.advance(days=45)
    await run(core)
    assert await count(db, firings) == 0  # ended and long past: nothing can plan it again


async def test_the_clock_runs_retention_daily_and_logs_only_counts(
    chat: Chat, core: Core, db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await setup(chat)
    await a_meeting(chat, "Private words")
    meeting_clock = MeetingClock(core, Quiet())
    await meeting_clock.start()
    try:
        names = dict(meeting_clock.jobs())
        assert RETENTION_JOB_ID in names
        assert names[RETENTION_JOB_ID] > names["clock:sync"]  # shortly after start, not at once
        job = meeting_clock._scheduler.get_job(RETENTION_JOB_ID)
        assert job.trigger.interval == timedelta(hours=24)
    finally:
        await meeting_clock.shutdown()
    clock.advance(days=366)
    with caplog.at_level(logging.INFO, logger="bot.scheduling.retention"):
        await meeting_clock.retain()
        await meeting_clock.retain()
    assert not any(text and "Private words" in text for text in await texts(db))
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.scheduling.retention"]
    assert lines[0].startswith("retention: erased 1 check-in words, 1 round answers")
    assert lines[1].startswith("retention: erased 0 check-in words, 0 round answers")
    assert "Private" not in caplog.text and "U-sam" not in caplog.text and "Sam" not in caplog.text


async def test_privacy_says_what_is_erased_and_when(chat: Chat) -> None:
    await setup(chat)
    await chat.say(FAY, "set retention 45")
    reply = (await chat.say(SAM, "privacy")).reply
    assert "reflections, decisions and actions) are kept for 45 days, then erased" in reply
    assert "time and expenses: what they were for is erased then, and the hours" in reply
    assert "Moods, passes and other counts stay" in reply


async def test_expired_group_choices_are_pruned_a_day_after_they_expire(
    core: Core, db: Database, clock: FakeClock
) -> None:
    from bot.store import pending_choices
    from bot.store.schema import pending_choices as table

    async with db.write() as conn:
        old = await pending_choices.hold(conn, "old words", clock.now - timedelta(days=3), HOUR)
        recent = await pending_choices.hold(
            conn, "recent words", clock.now - timedelta(hours=3), HOUR
        )
    await run(core)
    async with db.read() as conn:
        kept = set((await conn.execute(select(table.c.id))).scalars())
    assert kept == {recent} and old not in kept


HOUR = timedelta(hours=1)


async def test_an_asking_forgets_its_copy_of_the_words_with_the_elephant(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    """Asked "does this feel addressed?" only lately, its copy of an old elephant's words still
    goes when the elephant's own words do."""
    await setup(chat)
    await chat.say(FAY, "set retention 30")
    await chat.say(SAM, "elephant Papers arrive the night before")
    chat.clock.advance(minutes=15)
    await chat.core.run_job(elephant_handlers.post_due_elephants)
    clock.advance(days=25)
    await chat.say(FAY, "elephant 1 addressed Papers go out a week ahead")
    clock.advance(days=6)
    assert await run(core) == 3  # the elephant, its outcome and the asking's copy of both
    assert not any(text and "Papers" in text for text in await texts(db))
    listed = (await chat.say(SAM, "elephants")).text()
    assert "Papers" not in listed and "Does it feel addressed?" in listed


async def test_signals_go_after_a_day_and_the_glossary_stays(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    """Signals were for the moment; the glossary is the group's shared reference."""
    await setup(chat)
    await chat.say(FAY, "meeting start")
    for who in (SAM, LEE, FAY):  # a whole crowd of k (3) puts the word in the glossary
        await chat.say(who, "jargon EHCP", dm(who))
    await chat.say(LEE, "break", dm(LEE))
    await chat.say(FAY, "glossary add LA Local Authority")
    clock.advance(hours=23)
    await run(core)
    assert await count(db, signal_crowds) == 2 and await count(db, signal_tokens) == 4
    clock.advance(hours=2)
    await run(core)
    assert await count(db, signal_crowds) == 0 and await count(db, signal_tokens) == 0
    clock.advance(days=400)
    await run(core)
    async with db.read() as conn:
        kept = set((await conn.execute(select(glossary_entries.c.word))).scalars())
    assert kept == {"ehcp", "LA"}


async def test_notes_on_time_and_expenses_go_and_the_amounts_stay(
    chat: Chat, core: Core, db: Database, clock: FakeClock
) -> None:
    """What a person wrote their time and expenses were for is free text like any other; the
    minutes and pence stay for their record and, once claimed, the organisation's accounts."""
    await setup(chat)
    await chat.say(FAY, "set retention 30")
    await chat.say(FAY, "set recognition on")
    await chat.say(SAM, "time add 1h30 reading the council's papers", dm(SAM))
    await chat.say(SAM, "expense add 12.40 taxi to the hospital", dm(SAM))
    await chat.say(SAM, "claim", dm(SAM))
    clock.advance(days=20)
    await chat.say(SAM, "expense add 3 bus home", dm(SAM))
    clock.advance(days=11)
    assert await run(core) == 2
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    recognition_entries.c.note,
                    recognition_entries.c.minutes,
                    recognition_entries.c.pence,
                ).order_by(recognition_entries.c.id)
            )
        ).all()
        claim = (await conn.execute(select(recognition_claims.c.pence))).scalar_one()
    assert [tuple(row) for row in rows] == [
        (ERASED, 90, None),
        (ERASED, None, 1240),
        ("bus home", None, 300),
    ]
    assert claim == 1240
    record = (await chat.say(SAM, "my-time", dm(SAM))).reply
    assert "bus home" in record and "hospital" not in record
    assert await run(core) == 0
