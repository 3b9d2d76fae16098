"""Queries about groups: find, create, and change a group's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.identity import Where
from bot.store.schema import groups
from bot.text_safety import neutralise

DEFAULT_ANONYMITY_DELAY_MINUTES = 5
DEFAULT_CHECKIN_LEAD_MINUTES = 15
DEFAULT_REMINDER_AFTER_MINUTES = 10
DEFAULT_REFLECTION_AFTER_MINUTES = 60
DEFAULT_RETENTION_DAYS = 365
DEFAULT_SIGNAL_CROWD = 2


@dataclass(frozen=True, slots=True)
class Group:
    """A co-production group: one channel on one platform, with its own settings."""

    id: int
    platform: str
    workspace: str
    conversation_id: str
    name: str
    created_at: datetime
    schedule_rule: str | None
    timezone: str
    quiet_start: str | None
    quiet_end: str | None
    k: int
    anonymity_delay_minutes: int
    reciprocity_lock: bool
    checkin_lead_minutes: int
    reminder_after_minutes: int
    reflection_after_minutes: int
    retention_days: int
    recognition: bool = False
    recognition_policy: str | None = None
    signal_crowd: int = 2
    """How many must ask for the same thing ("slow down") before facilitators are told."""

    @classmethod
    def from_row(cls, row: RowMapping) -> Group:
        return cls(**{name: row[name] for name in cls.__slots__})

    @property
    def where(self) -> Where:
        """The group's channel, for posting to everyone."""
        return Where(self.platform, self.workspace, self.conversation_id)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


async def get(conn: AsyncConnection, group_id: int) -> Group | None:
    row = (await conn.execute(select(groups).where(groups.c.id == group_id))).mappings().first()
    return Group.from_row(row) if row else None


async def for_conversation(conn: AsyncConnection, where: Where) -> Group | None:
    """The group that lives in this channel, if any."""
    query = select(groups).where(
        groups.c.platform == where.platform,
        groups.c.workspace == where.workspace,
        groups.c.conversation_id == where.conversation_id,
    )
    row = (await conn.execute(query)).mappings().first()
    return Group.from_row(row) if row else None


async def create(
    conn: AsyncConnection, where: Where, name: str, *, now: datetime, timezone: str, k: int
) -> Group:
    values: dict[str, Any] = {
        "platform": where.platform,
        "workspace": where.workspace,
        "conversation_id": where.conversation_id,
        # A group's name is only ever shown: store it already safe to show (see members.add).
        "name": neutralise(name)[:100],
        "created_at": now,
        "timezone": timezone,
        "k": k,
        "anonymity_delay_minutes": DEFAULT_ANONYMITY_DELAY_MINUTES,
        "reciprocity_lock": False,
        "checkin_lead_minutes": DEFAULT_CHECKIN_LEAD_MINUTES,
        "reminder_after_minutes": DEFAULT_REMINDER_AFTER_MINUTES,
        "reflection_after_minutes": DEFAULT_REFLECTION_AFTER_MINUTES,
        "retention_days": DEFAULT_RETENTION_DAYS,
        "signal_crowd": DEFAULT_SIGNAL_CROWD,
    }
    result = await conn.execute(insert(groups).values(**values).returning(groups.c.id))
    group = await get(conn, result.scalar_one())
    assert group is not None
    return group


async def change(conn: AsyncConnection, group_id: int, **values: Any) -> Group:
    """Update some settings and return the group as it now is."""
    if isinstance(values.get("name"), str):
        values["name"] = neutralise(values["name"])[:100]
    await conn.execute(update(groups).where(groups.c.id == group_id).values(**values))
    group = await get(conn, group_id)
    assert group is not None
    return group
