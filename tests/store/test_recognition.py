"""The recognition store on a real database (SQLite; PostgreSQL with
COMMONGROUND_TEST_DATABASE=postgresql): entries stay open until their owner chooses, a choice
takes everything open and sums it, claim numbers count per group, the facilitators' list never
holds a decline, and forgetting keeps only a paid claim's amount and date, without the member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import groups, members
from bot.store import recognition as store
from bot.store.database import Database
from bot.store.recognition import CLAIM, DECLINE, DONATE
from tests.dialogue import channel

NOW = datetime(2026, 11, 3, 9, tzinfo=UTC)


async def a_group(db: Database, name: str = "general") -> tuple[int, int, int]:
    """A group with two members; returns (group id, first member id, second member id)."""
    async with db.write() as conn:
        group = await groups.create(
            conn, channel(name), "Forum", now=NOW, timezone="Europe/London", k=3
        )
        sam = await members.add(conn, group.id, f"U-sam-{name}", "Sam", now=NOW)
        pat = await members.add(conn, group.id, f"U-pat-{name}", "Pat", now=NOW)
        return group.id, sam.id, pat.id


async def add(
    db: Database, group_id: int, member_id: int, *, minutes: int = 0, pence: int = 0
) -> None:
    async with db.write() as conn:
        await store.add_entry(
            conn,
            group_id,
            member_id,
            kind="time" if minutes else "expense",
            minutes=minutes or None,
            pence=pence or None,
            note="reading",
            now=NOW,
        )


async def choose(db: Database, group_id: int, member_id: int, choice: str) -> store.Claim:
    async with db.write() as conn:
        return await store.choose(
            conn, group_id, member_id, choice=choice, meetings_taken_part=1, now=NOW
        )


async def test_a_choice_takes_and_sums_everything_open_for_its_owner_only(db: Database) -> None:
    group, sam, pat = await a_group(db)
    await add(db, group, sam, minutes=90)
    await add(db, group, sam, pence=1240)
    await add(db, group, pat, pence=500)
    made = await choose(db, group, sam, CLAIM)
    assert (made.number, made.minutes, made.pence, made.meetings) == (1, 90, 1240, 1)
    async with db.read() as conn:
        assert await store.open_entries(conn, sam) == []
        assert [e.pence for e in await store.open_entries(conn, pat)] == [500]
        assert len(await store.all_entries(conn, sam)) == 2


async def test_numbers_count_per_group_and_declines_never_reach_facilitators(db: Database) -> None:
    group, sam, pat = await a_group(db)
    other, lee, _ = await a_group(db, "other")
    await choose(db, group, sam, DECLINE)
    await choose(db, group, pat, DONATE)
    elsewhere = await choose(db, other, lee, CLAIM)
    assert elsewhere.number == 1
    async with db.read() as conn:
        listed = await store.claims_for_facilitators(conn, group)
    assert [(c.number, c.choice, name) for c, name in listed] == [(2, DONATE, "Pat")]


async def test_periods_and_paid(db: Database) -> None:
    group, sam, _ = await a_group(db)
    made = await choose(db, group, sam, CLAIM)
    async with db.write() as conn:
        await store.mark_paid(conn, made.id, NOW + timedelta(days=1))
    async with db.read() as conn:
        assert await store.claims_for_facilitators(conn, group) == []
        month = await store.claims_for_facilitators(
            conn, group, start=NOW - timedelta(days=2), end=NOW + timedelta(days=2)
        )
        before = await store.claims_for_facilitators(
            conn, group, start=NOW - timedelta(days=9), end=NOW - timedelta(days=2)
        )
    assert [c.paid_at for c, _ in month] == [NOW + timedelta(days=1)] and before == []


async def test_forget_keeps_only_a_paid_claims_amount_and_date(db: Database) -> None:
    group, sam, _ = await a_group(db)
    await add(db, group, sam, pence=1240)
    paid = await choose(db, group, sam, CLAIM)
    await add(db, group, sam, minutes=60)
    await choose(db, group, sam, DONATE)
    await add(db, group, sam, minutes=30)
    async with db.write() as conn:
        await store.mark_paid(conn, paid.id, NOW)
        await store.forget(conn, sam)
    async with db.read() as conn:
        assert await store.all_entries(conn, sam) == []
        assert await store.choices_of(conn, sam) == []
        left = await store.claims_for_facilitators(conn, group, every=True)
    assert [(c.number, c.member_id, c.pence, c.paid_at, name) for c, name in left] == [
        (1, None, 1240, NOW, None)
    ]


async def test_no_meetings_counted_without_checkins(db: Database) -> None:
    group, sam, _ = await a_group(db)
    async with db.read() as conn:
        assert await store.meetings_since(conn, group, sam, None) == 0
        assert await store.meetings_since(conn, group, sam, NOW) == 0
