"""The decisions and actions store on a real database (SQLite; CI runs it on PostgreSQL too):
numbers per group, even when noted at once; state changes that only the first caller wins; the
reminder claimed once; and forgetting a member without losing the record."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.store import actions, decisions, groups, members
from bot.store.database import Database
from tests.dialogue import channel

NOW = datetime(2026, 3, 3, 9, tzinfo=UTC)


async def a_group(db: Database, name: str = "general") -> tuple[int, int, int]:
    """A group with two members; returns (group id, first member id, second member id)."""
    async with db.write() as conn:
        group = await groups.create(
            conn, channel(name), "Forum", now=NOW, timezone="Europe/London", k=3
        )
        fay = await members.add(conn, group.id, f"U-fay-{name}", "Fay", now=NOW)
        sam = await members.add(conn, group.id, f"U-sam-{name}", "Sam", now=NOW)
        return group.id, fay.id, sam.id


async def note(db: Database, group_id: int, owner: int, recorder: int, **kw: object) -> int:
    async with db.write() as conn:
        made = await actions.create(
            conn,
            group_id,
            text=str(kw.get("text", "Write the letter")),
            owner_id=owner,
            recorded_by=recorder,
            due_on=kw.get("due_on"),  # type: ignore[arg-type]
            meeting_id=None,
            now=NOW,
        )
        return made.id


async def test_numbers_count_per_group_and_names_come_with_the_rows(db: Database) -> None:
    first, fay, sam = await a_group(db)
    other, pat, _ = await a_group(db, "other")
    ids = [await note(db, first, sam, fay), await note(db, first, fay, fay)]
    elsewhere = await note(db, other, pat, pat)
    async with db.read() as conn:
        found = [await actions.get(conn, i) for i in ids]
        there = await actions.get(conn, elsewhere)
    assert [a.number for a in found if a] == [1, 2]
    assert there is not None and there.number == 1
    assert found[0] is not None and found[0].owner_name == "Sam"
    assert found[0].recorder_name == "Fay" and found[0].accepted_at is None
    assert found[1] is not None and found[1].accepted_at == NOW  # noted for oneself


async def test_actions_and_decisions_noted_at_once_get_distinct_numbers(db: Database) -> None:
    group_id, fay, sam = await a_group(db)

    async def one(i: int) -> None:
        async with db.write() as conn:
            await decisions.create(
                conn, group_id, text=f"D{i}", meeting_id=None, recorded_by=fay, now=NOW
            )
            await actions.create(
                conn,
                group_id,
                text=f"A{i}",
                owner_id=sam,
                recorded_by=fay,
                due_on=None,
                meeting_id=None,
                now=NOW,
            )

    await asyncio.gather(*(one(i) for i in range(5)))
    async with db.read() as conn:
        assert [a.number for a in await actions.of_group(conn, group_id)] == [1, 2, 3, 4, 5]
        assert [d.number for d in await decisions.of_group(conn, group_id)] == [1, 2, 3, 4, 5]


async def test_only_the_owner_accepts_once_and_a_decline_unassigns(db: Database) -> None:
    group_id, fay, sam = await a_group(db)
    action_id = await note(db, group_id, sam, fay)
    async with db.write() as conn:
        assert not await actions.accept(conn, action_id, fay, NOW)
        assert await actions.accept(conn, action_id, sam, NOW)
        assert not await actions.accept(conn, action_id, sam, NOW)
        assert await actions.decline(conn, action_id, sam)
        assert not await actions.decline(conn, action_id, sam)
        found = await actions.get(conn, action_id)
    assert found is not None and found.owner_id is None and found.owner_name is None


async def test_done_and_drop_happen_once_and_only_while_open(db: Database) -> None:
    group_id, fay, sam = await a_group(db)
    first, second = await note(db, group_id, sam, fay), await note(db, group_id, sam, fay)
    async with db.write() as conn:
        assert await actions.mark_done(conn, first, "sent", NOW)
        assert not await actions.mark_done(conn, first, "again", NOW)
        assert not await actions.drop(conn, first, NOW)
        assert await actions.drop(conn, second, NOW)
        assert not await actions.assign(conn, second, fay, accepted=None, asked=NOW)
        still = await actions.open_of_group(conn, group_id)
        done = await actions.done_since(conn, group_id, NOW - timedelta(days=1))
    assert still == [] and [a.done_note for a in done] == ["sent"]


async def test_open_actions_come_soonest_first_then_those_with_no_day(db: Database) -> None:
    group_id, fay, sam = await a_group(db)
    await note(db, group_id, sam, fay, text="no day")
    await note(db, group_id, sam, fay, text="later", due_on=date(2026, 3, 20))
    await note(db, group_id, sam, fay, text="sooner", due_on=date(2026, 3, 10))
    async with db.read() as conn:
        found = await actions.open_of_group(conn, group_id)
    assert [a.text for a in found] == ["sooner", "later", "no day"]


async def test_a_reminder_is_claimed_once_even_by_two_at_once(db: Database) -> None:
    group_id, fay, sam = await a_group(db)
    action_id = await note(db, group_id, sam, fay, due_on=date(2026, 3, 4))

    async def claim() -> bool:
        async with db.write() as conn:
            return await actions.claim_reminder(conn, action_id, NOW)

    assert sorted(await asyncio.gather(claim(), claim())) == [False, True]
    async with db.read() as conn:
        assert await actions.reminder_candidates(conn, date(2026, 3, 5)) == []


async def test_reminder_candidates_are_open_owned_and_due_soon(db: Database) -> None:
    group_id, fay, sam = await a_group(db)
    soon = await note(db, group_id, sam, fay, due_on=date(2026, 3, 4))
    await note(db, group_id, sam, fay, due_on=date(2026, 4, 1))
    await note(db, group_id, sam, fay)
    declined = await note(db, group_id, sam, fay, due_on=date(2026, 3, 4))
    async with db.write() as conn:
        await actions.decline(conn, declined, sam)
        found = await actions.reminder_candidates(conn, date(2026, 3, 5))
    assert [a.id for a in found] == [soon]


async def test_forgetting_a_member_keeps_the_record_without_their_name(db: Database) -> None:
    group_id, fay, sam = await a_group(db)
    owned = await note(db, group_id, sam, fay)
    noted = await note(db, group_id, fay, sam)
    async with db.write() as conn:
        made = await decisions.create(
            conn, group_id, text="We decided", meeting_id=None, recorded_by=sam, now=NOW
        )
        await actions.accept(conn, owned, sam, NOW)
        assert await actions.forget_member(conn, [sam]) == 2
        assert await decisions.forget_member(conn, [sam]) == 1
        await members.delete_with_answers(conn, sam)
        left = [await actions.get(conn, i) for i in (owned, noted)]
        decision = await decisions.get(conn, made.id)
    assert left[0] is not None and left[0].owner_id is None and left[0].accepted_at is None
    assert left[1] is not None and left[1].recorded_by is None and left[1].owner_name == "Fay"
    assert decision is not None and decision.recorded_by is None and decision.text == "We decided"


async def test_a_question_held_over_quiet_hours_is_claimed_once(db: Database) -> None:
    group_id, fay, sam = await a_group(db)
    async with db.write() as conn:
        held = await actions.create(
            conn,
            group_id,
            text="Ring the school",
            owner_id=sam,
            recorded_by=fay,
            due_on=None,
            meeting_id=None,
            now=NOW,
            asked=False,
        )
        mine = await actions.create(
            conn,
            group_id,
            text="Mine",
            owner_id=fay,
            recorded_by=fay,
            due_on=None,
            meeting_id=None,
            now=NOW,
            asked=False,
        )
        assert [a.id for a in await actions.questions_waiting(conn)] == [held.id]
        assert mine.asked_at == NOW
        assert await actions.claim_question(conn, held.id, NOW)
        assert not await actions.claim_question(conn, held.id, NOW)
        assert await actions.questions_waiting(conn) == []
