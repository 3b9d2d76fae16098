"""The store of access profiles on a real database (SQLite, and PostgreSQL in CI): a profile is
made on first change and changed in place, only shared needs come out for facilitators (named
only where chosen), plain-text readers are found across their groups, and clearing removes it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.identity import Where
from bot.store import access as store
from bot.store import groups, members
from bot.store.database import Database

NOW = datetime(2026, 3, 3, 10, tzinfo=UTC)


async def test_profiles_share_only_what_was_chosen(db: Database) -> None:
    async with db.write() as conn:
        group = await groups.create(
            conn, Where("console", "local", "C-x"), "Forum", now=NOW, timezone="UTC", k=3
        )
        other = await groups.create(
            conn, Where("console", "local", "C-y"), "Other", now=NOW, timezone="UTC", k=3
        )
        sam = await members.add(conn, group.id, "U-sam", "Sam", now=NOW)
        pat = await members.add(conn, group.id, "U-pat", "Pat", now=NOW)
        lee = await members.add(conn, group.id, "U-lee", "Lee", now=NOW)
        sam_elsewhere = await members.add(conn, other.id, "U-sam", "Sam", now=NOW)
        assert await store.get(conn, sam.id) == store.Profile()
        await store.change(conn, sam.id, NOW, needs="A break every hour")
        changed = await store.change(conn, sam.id, NOW, share="named", earlier_reminders=True)
        assert changed.needs == "A break every hour" and changed.share == "named"
        await store.change(conn, pat.id, NOW, needs="Phone on", share="anonymous")
        await store.change(conn, lee.id, NOW, needs="Large print")  # not shared
        await store.change(conn, sam_elsewhere.id, NOW, plain_text=True, fewer_messages=True)
        shared = await store.shared_in(conn, [sam.id, pat.id, lee.id])
        assert shared == [
            store.SharedNeed("A break every hour", "Sam", True),
            store.SharedNeed("Phone on", None, False),
        ]
        people = {("console", "local", "U-sam"), ("console", "local", "U-pat")}
        assert await store.plain_text_readers(conn, people) == {("console", "local", "U-sam")}
        assert await store.plain_text_readers(conn, {("slack", "T1", "U-sam")}) == set()
        assert await store.wanting_fewer_messages(conn, [sam.id, sam_elsewhere.id]) == {
            sam_elsewhere.id
        }
        assert await store.clear(conn, pat.id)
        assert not await store.clear(conn, pat.id)
        assert await store.shared_in(conn, [pat.id]) == []
