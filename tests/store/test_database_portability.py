"""What must hold on SQLite and PostgreSQL alike (CI runs this on both).

Events that arrive at the same moment: on PostgreSQL (web processes side by side) they really run
at once, so the loser of a race on a unique key must run again and do the right thing. SQLite
queues writers. And PostgreSQL enforces column lengths, which SQLite never does."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select

from bot.store.database import Database, lost_a_race
from bot.store.schema import elephants, groups, members
from tests.dialogue import Chat, person

FAY = person("Fay")
PEOPLE = [person(name) for name in ("Sam", "Pat", "Lee", "Kit", "Ash", "Bo")]


async def test_elephants_raised_at_once_get_distinct_numbers(chat: Chat, db: Database) -> None:
    await chat.group_of(FAY, [(who, "professional") for who in PEOPLE])
    outcomes = await asyncio.gather(
        *(chat.say(who, f"elephant Worry number {i}") for i, who in enumerate(PEOPLE))
    )
    assert all("something went wrong" not in o.text().lower() for o in outcomes)
    async with db.read() as conn:
        numbers = (await conn.execute(select(elephants.c.number))).scalars().all()
    assert sorted(numbers) == list(range(1, len(PEOPLE) + 1))


async def test_one_person_typing_twice_at_once_joins_once(chat: Chat, db: Database) -> None:
    await chat.say(FAY, "setup Parents Forum")
    newcomer = PEOPLE[0]
    outcomes = await asyncio.gather(*(chat.say(newcomer, "role professional") for _ in range(4)))
    assert all("something went wrong" not in o.text().lower() for o in outcomes)
    async with db.read() as conn:
        count = (
            await conn.execute(select(func.count()).where(members.c.user_id == newcomer.user_id))
        ).scalar_one()
    assert count == 1


def test_only_races_are_run_again() -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    class Orig(Exception):
        def __init__(self, sqlstate: str | None) -> None:
            self.sqlstate = sqlstate

    assert lost_a_race(IntegrityError("x", {}, Orig("23505")))
    assert lost_a_race(OperationalError("x", {}, Orig("40001")))
    assert not lost_a_race(IntegrityError("x", {}, Orig("23503")))  # a foreign key: a real bug
    assert not lost_a_race(IntegrityError("x", {}, Orig(None)))  # SQLite says no code
    assert not lost_a_race(ValueError("x"))


async def test_the_longest_names_fit_their_columns_once_made_safe(chat: Chat, db: Database) -> None:
    """Neutralising adds characters (a word joiner after each @); the stored name still fits."""
    long_name = "@a " * 26 + "@b"  # 80 characters, the limit; more than 100 once neutralised
    long_person = replace(person("Max"), display_name="@x " * 80)
    assert "something went wrong" not in (await chat.say(FAY, f"setup {long_name}")).text()
    outcome = await chat.say(long_person, "role both")
    assert "something went wrong" not in outcome.text().lower()
    async with db.read() as conn:
        name = (await conn.execute(select(groups.c.name))).scalar_one()
        shown = (
            await conn.execute(
                select(members.c.display_name).where(members.c.user_id == long_person.user_id)
            )
        ).scalar_one()
    assert name.startswith("@\u2060a @\u2060a") and len(name) == 100
    assert len(shown) == 200


async def test_the_migrated_database_matches_the_schema_in_code(db: Database) -> None:
    """On whichever database this run uses (test_migrations checks a fresh SQLite file)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import Connection

    from bot.store.schema import metadata

    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})

        def slack_sdks(change: Any) -> bool:
            """The Slack SDK's installation stores make their own tables (and indexes) beside
            ours, when a test before this one set them up."""
            kind, item = change[0], change[1]
            table = item if kind == "remove_table" else getattr(item, "table", None)
            return kind in {"remove_table", "remove_index"} and str(
                getattr(table, "name", "")
            ).startswith("slack_")

        return [change for change in compare_metadata(context, metadata) if not slack_sdks(change)]

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
