"""The few statements whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_or_ignore(conn: AsyncConnection, table: Table) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING`: the loser of a race on a unique key does nothing.

    Returns an insert whose `rowcount` is 1 when the row was written and 0 when it already existed.
    """
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


CHUNK = 500
"""Values per `IN (...)` list: far below every database's limit on bound parameters."""

T = TypeVar("T")


def in_chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`items` in slices short enough for one `IN (...)` each."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
