"""Commands waiting for their author to pick a group (`pending_choices`, see the schema's note).

A button's value is limited (Slack: 2,000 characters) and travels through the platform, so the
command's words stay here and the buttons carry a short random id instead. Nothing here knows who
typed the words.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.store.database import Connection
from bot.store.schema import pending_choices

KEPT_AFTER_EXPIRY = timedelta(days=1)
"""How long expired words are kept so they can be handed back, before they are pruned."""


@dataclass(frozen=True, slots=True)
class Pending:
    text: str
    expired: bool


async def prune(conn: Connection, now: datetime) -> int:
    """Delete words that expired more than `KEPT_AFTER_EXPIRY` ago; returns how many."""
    result = await conn.execute(
        delete(pending_choices).where(pending_choices.c.expires_at < now - KEPT_AFTER_EXPIRY)
    )
    return int(result.rowcount or 0)


Seal = Callable[[str], str]
"""A keyed hash of a random nonce and the person who typed the words (made by the caller, who
holds the key): it lets that person answer by typing a number (`held_for`), while the row still
names nobody. The key is per row (the nonce), like the tokens of "I see it too"."""
SEAL_LENGTH = 20


async def hold(
    conn: Connection, text: str, now: datetime, lasts: timedelta, *, seal: Seal | None = None
) -> str:
    """Keep `text` until `now + lasts` and return the id a button can carry; prunes old rows
    (the daily retention job prunes them too, for when nobody is asked again). With `seal`, the
    id carries the sealed nonce so `held_for` can find it again."""
    await prune(conn, now)
    choice_id = secrets.token_urlsafe(12)
    if seal is not None:
        choice_id = f"{choice_id}.{seal(choice_id)[:SEAL_LENGTH]}"
    await conn.execute(
        pending_choices.insert().values(id=choice_id, text=text, expires_at=now + lasts)
    )
    return choice_id


async def take(conn: Connection, choice_id: str, now: datetime) -> Pending | None:
    """The words held under `choice_id`, removed (a choice is used once); None when unknown."""
    row = (
        await conn.execute(
            select(pending_choices.c.text, pending_choices.c.expires_at).where(
                pending_choices.c.id == choice_id
            )
        )
    ).first()
    if row is None:
        return None
    await conn.execute(delete(pending_choices).where(pending_choices.c.id == choice_id))
    return Pending(text=row.text, expired=row.expires_at <= now)


async def held_for(conn: Connection, now: datetime, seal: Seal) -> str | None:
    """The id of the newest words still waiting whose seal is this person's (`hold`), or None.
    Only unexpired rows are read, and there are few: each waits an hour at most."""
    query = (
        select(pending_choices.c.id)
        .where(pending_choices.c.expires_at > now)
        .order_by(pending_choices.c.expires_at.desc())
    )
    for choice_id in (await conn.execute(query)).scalars():
        nonce, _, tag = str(choice_id).partition(".")
        if tag and hmac.compare_digest(tag, seal(nonce)[:SEAL_LENGTH]):
            return str(choice_id)
    return None
