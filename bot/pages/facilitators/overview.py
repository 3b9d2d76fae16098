"""The facilitators' page: where the trends and the impact report are, and the group's settings
that shape every figure (the crowd size `k`, retention), so a facilitator can explain them."""

from __future__ import annotations

from typing import Any

from bot.store import members
from bot.store.database import Connection
from bot.store.groups import Group


async def facilitators_overview(conn: Connection, group: Group) -> dict[str, Any]:
    everyone = await members.of_group(conn, group.id)
    return {
        "k": group.k,
        "retention_days": group.retention_days,
        "member_count": len(everyone),
        "facilitator_count": sum(1 for m in everyone if m.is_facilitator),
    }
