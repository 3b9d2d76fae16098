"""The group's glossary: words and their plain meanings, the group's shared reference.

A word is matched by its folded form (`bot.person_names.fold`: no case, no accents, single
spaces), so `EHCP`, `ehcp` and `Éhcp` are one entry. An entry without a meaning is a word a whole
crowd asked about ("too much jargon") that nobody has explained yet. No entry says who added,
asked or explained it, nor when it was asked (a time could date one person's signal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.person_names import fold
from bot.store.dialect import insert_or_ignore
from bot.store.schema import glossary_entries


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    group_id: int
    word: str
    word_key: str
    meaning: str | None
    explained_at: datetime | None
    explained_in: int | None

    @classmethod
    def from_row(cls, row: RowMapping) -> Entry:
        return cls(**{name: row[name] for name in cls.__slots__})


def key_of(word: str) -> str:
    """How a word is matched: folded, so case and accents never make two entries."""
    return fold(word)


async def all_of(conn: AsyncConnection, group_id: int) -> list[Entry]:
    """The group's entries in alphabetical order of their folded words."""
    query = (
        select(glossary_entries)
        .where(glossary_entries.c.group_id == group_id)
        .order_by(glossary_entries.c.word_key)
    )
    return [Entry.from_row(row) for row in (await conn.execute(query)).mappings()]


async def find(conn: AsyncConnection, group_id: int, word: str) -> Entry | None:
    query = select(glossary_entries).where(
        glossary_entries.c.group_id == group_id, glossary_entries.c.word_key == key_of(word)
    )
    row = (await conn.execute(query)).mappings().first()
    return Entry.from_row(row) if row else None


async def size(conn: AsyncConnection, group_id: int) -> int:
    query = select(func.count()).where(glossary_entries.c.group_id == group_id)
    return int((await conn.execute(query)).scalar_one())


async def add(
    conn: AsyncConnection,
    group_id: int,
    word: str,
    meaning: str | None,
    *,
    now: datetime,
    meeting_id: int | None,
) -> bool:
    """Add a word, with its meaning or as asked about. False when the word is there already."""
    values: dict[str, object] = {"group_id": group_id, "word": word, "word_key": key_of(word)}
    if meaning is not None:
        values.update(meaning=meaning, explained_at=now, explained_in=meeting_id)
    result = await conn.execute(insert_or_ignore(conn, glossary_entries).values(**values))
    return result.rowcount == 1


async def explain(
    conn: AsyncConnection,
    entry_id: int,
    meaning: str,
    *,
    now: datetime,
    meeting_id: int | None,
    word: str | None = None,
) -> None:
    """Give (or change) an entry's meaning; `word`, when given, is the explainer's spelling (a
    word asked about is kept folded, in nobody's spelling, until someone explains it)."""
    values: dict[str, object] = {
        "meaning": meaning,
        "explained_at": now,
        "explained_in": meeting_id,
    }
    if word is not None:
        values["word"] = word
    await conn.execute(
        update(glossary_entries).where(glossary_entries.c.id == entry_id).values(**values)
    )


async def remove(conn: AsyncConnection, entry_id: int) -> None:
    await conn.execute(delete(glossary_entries).where(glossary_entries.c.id == entry_id))


async def explained_in(conn: AsyncConnection, meeting_id: int) -> list[Entry]:
    """The words given a meaning (or a new one) during this meeting, alphabetically."""
    query = (
        select(glossary_entries)
        .where(glossary_entries.c.explained_in == meeting_id)
        .order_by(glossary_entries.c.word_key)
    )
    return [Entry.from_row(row) for row in (await conn.execute(query)).mappings()]
