"""The agenda's queries on a real database (SQLite, and PostgreSQL when asked): places given in
the order items come on, deferral, merging, removal, carrying on at a meeting's end, a member's
named items, and retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduling.retention import ERASED
from bot.store import agenda, meetings, members
from bot.store.database import Connection, Database
from bot.store.retention import Erased, erase_text
from bot.store.schema import agenda_authors
from tests.dialogue import Chat, count, person

FAY, SAM = person("Fay"), person("Sam")
T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


async def _setup(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience")])


async def _add(conn: Connection, text: str, *, at: datetime = T0) -> int:
    return await agenda.create(conn, 1, text=text, papers=None, shown_from=at)


async def _texts(conn: Connection, now: datetime = T0) -> list[str]:
    return [item.text for item in await agenda.agenda(conn, 1, now)]


async def test_places_follow_when_items_come_on_not_when_they_were_written(
    chat: Chat, db: Database
) -> None:
    await _setup(chat)
    async with db.write() as conn:
        await _add(conn, "anonymous, later", at=T0 + timedelta(minutes=5))
        await _add(conn, "named, now")
        assert await _texts(conn) == ["named, now"]
        assert await _texts(conn, T0 + timedelta(minutes=6)) == ["named, now", "anonymous, later"]
        assert await agenda.open_count(conn, 1) == 2


async def test_order_deferral_merge_and_removal(chat: Chat, db: Database) -> None:
    await _setup(chat)
    async with db.write() as conn:
        a, b, c = [await _add(conn, text) for text in ("a", "b", "c")]
        await agenda.set_skip(conn, a, 1)
        assert await _texts(conn) == ["b", "c", "a"]
        await agenda.set_order(conn, [c, b, a])
        assert await _texts(conn) == ["c", "b", "a"]
        keep, gone = await agenda.get(conn, c), await agenda.get(conn, b)
        assert keep is not None and gone is not None
        await agenda.merge(conn, keep, gone)
        assert await _texts(conn) == ["c", "a"]
        assert [i.text for i in (await agenda.merged_into(conn, [c]))[c]] == ["b"]
        await agenda.remove(conn, c)
        assert await _texts(conn) == ["a"]
        assert await agenda.get(conn, b) is None


async def test_carry_over_counts_attaches_and_brings_deferred_nearer(
    chat: Chat, db: Database
) -> None:
    await _setup(chat)
    async with db.write() as conn:
        meeting = await meetings.create(conn, 1, T0, None, status="open", source="manual")
        done, waiting, later = [await _add(conn, text) for text in ("done", "waiting", "later")]
        pending = await _add(conn, "pending", at=T0 + timedelta(hours=1))
        await agenda.close(conn, done, "discussed", None, meeting_id=None, now=T0)
        await agenda.set_skip(conn, later, 1)
        assert await agenda.carry_over(conn, 1, meeting.id, T0) == 1
        assert [i.text for i in await agenda.covered_at(conn, meeting.id)] == ["done"]
        (carried,) = await agenda.carried_from(conn, meeting.id)
        assert (carried.id, carried.carried) == (waiting, 1)
        again = await agenda.get(conn, later)
        assert again is not None and (again.skip, again.carried) == (0, 0)
        untouched = await agenda.get(conn, pending)
        assert untouched is not None and untouched.carried == 0


async def test_named_items_are_the_members_and_erased_with_them(chat: Chat, db: Database) -> None:
    await _setup(chat)
    async with db.write() as conn:
        sam = await members.get(conn, 1, SAM.user_id)
        assert sam is not None
        mine = await _add(conn, "mine")
        await agenda.add_author(conn, mine, sam.id)
        theirs = await _add(conn, "theirs")
        keep, gone = await agenda.get(conn, mine), await agenda.get(conn, theirs)
        assert keep is not None and gone is not None
        await agenda.merge(conn, keep, gone)
        assert [(i.text, i.author) for i in await agenda.of_member(conn, sam.id)] == [
            ("mine", "Sam")
        ]
        assert await agenda.erase_member(conn, sam.id) == 1
        assert await agenda.of_member(conn, sam.id) == []
        assert await _texts(conn) == ["theirs"]
    assert await count(db, agenda_authors) == 0


async def test_retention_erases_old_words_and_links(chat: Chat, db: Database) -> None:
    await _setup(chat)
    async with db.write() as conn:
        old = await agenda.create(
            conn, 1, text="old", papers="https://example.org", shown_from=T0 - timedelta(days=400)
        )
        await agenda.close(conn, old, "addressed", "we did", meeting_id=None, now=T0)
        new = await _add(conn, "new")
        erased = Erased()
        await erase_text(conn, 365, None, T0 - timedelta(days=365), erased, placeholder=ERASED)
        assert erased.agenda == 1
        gone, kept = await agenda.get(conn, old), await agenda.get(conn, new)
        assert gone is not None and kept is not None
        assert (gone.text, gone.papers, gone.outcome) == (ERASED, None, None)
        assert kept.text == "new"


async def test_an_item_coming_on_after_a_reorder_follows_the_placed_ones(
    chat: Chat, db: Database
) -> None:
    await _setup(chat)
    async with db.write() as conn:
        a, b = await _add(conn, "a"), await _add(conn, "b")
        await _add(conn, "later", at=T0 + timedelta(minutes=3))
        await agenda.set_order(conn, [b, a])
        assert await _texts(conn, T0 + timedelta(minutes=5)) == ["b", "a", "later"]
