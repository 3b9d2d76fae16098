"""How to reach a conversation later, whatever the platform (`conversation_refs`): the platform's
own reference, as text, and the workspace it belongs to.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.store.database import Database
from bot.store.schema import conversation_refs


async def find(db: Database, platform: str, conversation_id: str) -> str | None:
    """The stored reference for `conversation_id`, if any."""
    async with db.read() as conn:
        found: str | None = await conn.scalar(
            select(conversation_refs.c.ref).where(
                conversation_refs.c.platform == platform,
                conversation_refs.c.conversation_id == conversation_id,
            )
        )
    return found


async def replace(
    db: Database, platform: str, conversation_id: str, workspace: str, ref: str
) -> None:
    """Record (or replace) the reference for `conversation_id`."""
    async with db.write() as conn:
        await conn.execute(
            conversation_refs.delete().where(
                conversation_refs.c.platform == platform,
                conversation_refs.c.conversation_id == conversation_id,
            )
        )
        await conn.execute(
            conversation_refs.insert().values(
                platform=platform, conversation_id=conversation_id, workspace=workspace, ref=ref
            )
        )
