"""A meeting's sharing ledger as its summary showed it (`schema.sharing_ledgers`).

Kept once, when the summary is posted, and read by the members' sharing page. Counting afresh
from today's members would not do: someone who later leaves, changes role or uses `forget-me`
would change a past meeting's lines, and comparing them with the summary (or with an earlier
visit) would tell what that one person did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import insert_or_ignore
from bot.store.schema import sharing_ledgers


@dataclass(frozen=True, slots=True)
class KeptLedger:
    lines: tuple[Mapping[str, Any], ...]
    """The role lines as the summary showed them (label, people, shared, passed, quiet, …)."""
    left_out: bool


async def keep(
    conn: AsyncConnection, meeting_id: int, lines: Sequence[Mapping[str, Any]], left_out: bool
) -> None:
    """Keep the ledger the summary showed; the first one kept for a meeting stays."""
    await conn.execute(
        insert_or_ignore(conn, sharing_ledgers),
        {"meeting_id": meeting_id, "lines": json.dumps(list(lines)), "left_out": left_out},
    )


async def kept(conn: AsyncConnection, meeting_ids: Sequence[int]) -> dict[int, KeptLedger]:
    """The kept ledgers of these meetings, by meeting; a meeting without one is left out."""
    if not meeting_ids:
        return {}
    query = select(sharing_ledgers).where(sharing_ledgers.c.meeting_id.in_(list(meeting_ids)))
    return {
        row.meeting_id: KeptLedger(tuple(json.loads(row.lines)), bool(row.left_out))
        for row in await conn.execute(query)
    }
