"""The last numbered card sent privately to each plain-text reader, so a number typed alone in
a direct message can answer it (the rule is in `bot.plain_text`).

One row per person (platform, workspace, user id): the words each option types, in order, and
the group the card was about. A row is replaced by the next numbered card, deleted when the
person does anything else that is not anonymous, and read only while it is younger than
`LASTS`; the daily retention job deletes older ones, and `forget-me` the person's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, select

from bot.store.database import Connection
from bot.store.dialect import insert_or_ignore
from bot.store.schema import plain_text_cards

LASTS = timedelta(days=1)
"""How long a number typed alone still answers the card: a day, then it must be asked again."""

Person = tuple[str, str, str]
"""(platform, workspace, user id)."""


@dataclass(frozen=True, slots=True)
class Waiting:
    group_id: int | None
    options: tuple[str, ...]


def _of(person: Person) -> ColumnElement[bool]:
    platform, workspace, user_id = person
    return and_(
        plain_text_cards.c.platform == platform,
        plain_text_cards.c.workspace == workspace,
        plain_text_cards.c.user_id == user_id,
    )


async def remember(
    conn: Connection, person: Person, group_id: int | None, options: list[str], now: datetime
) -> None:
    """Keep this card's options as the person's latest, replacing the one before."""
    await conn.execute(delete(plain_text_cards).where(_of(person)))
    platform, workspace, user_id = person
    await conn.execute(
        insert_or_ignore(conn, plain_text_cards).values(
            platform=platform,
            workspace=workspace,
            user_id=user_id,
            group_id=group_id,
            options=json.dumps(options),
            sent_at=now,
        )
    )


async def forget(conn: Connection, person: Person) -> None:
    """The person moved on (or asked to be forgotten): a number no longer answers that card."""
    await conn.execute(delete(plain_text_cards).where(_of(person)))


async def waiting(conn: Connection, person: Person, now: datetime) -> Waiting | None:
    """The person's latest numbered card, if it is younger than `LASTS`."""
    query = select(plain_text_cards.c.group_id, plain_text_cards.c.options).where(
        _of(person), plain_text_cards.c.sent_at > now - LASTS
    )
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    return Waiting(row.group_id, tuple(str(option) for option in json.loads(row.options)))


async def prune(conn: Connection, now: datetime) -> int:
    """Delete cards older than `LASTS`; returns how many."""
    result = await conn.execute(
        delete(plain_text_cards).where(plain_text_cards.c.sent_at <= now - LASTS)
    )
    return int(result.rowcount or 0)
