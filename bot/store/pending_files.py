"""Files offered to one person and not yet taken (`schema.pending_files`).

Teams asks a person's consent before the bot may put a file in their OneDrive, and the answer
comes later, in another request, perhaps after a restart. The file waits here, named by a random
token the consent card carries; it is given to the person who was offered it only, and deleted
once taken, declined, or past its expiry (each new offer clears the expired ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.store.database import Connection, Database
from bot.store.schema import pending_files


@dataclass(frozen=True, slots=True)
class PendingFile:
    workspace: str
    user_id: str
    filename: str
    content: bytes


async def keep(
    db: Database,
    platform: str,
    token: str,
    who: tuple[str, str],
    filename: str,
    content: bytes,
    expires_at: datetime,
    now: datetime,
) -> None:
    """Keep `content` for the person `who` (workspace, user id) under `token`, until
    `expires_at`; files whose time is up are deleted on the way."""
    workspace, user_id = who
    async with db.write() as conn:
        await conn.execute(pending_files.delete().where(pending_files.c.expires_at <= now))
        await conn.execute(
            pending_files.insert().values(
                platform=platform,
                token=token,
                workspace=workspace,
                user_id=user_id,
                filename=filename[:200],
                content=content,
                expires_at=expires_at,
            )
        )


async def find(db: Database, platform: str, token: str, now: datetime) -> PendingFile | None:
    """The file kept under `token`, unless it has expired or was never kept."""
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(pending_files).where(
                    pending_files.c.platform == platform,
                    pending_files.c.token == token[:64],
                    pending_files.c.expires_at > now,
                )
            )
        ).first()
    if row is None:
        return None
    return PendingFile(row.workspace, row.user_id, row.filename, bytes(row.content))


async def forget(db: Database, platform: str, token: str) -> None:
    """Delete the file kept under `token` (taken or declined)."""
    async with db.write() as conn:
        await conn.execute(
            pending_files.delete().where(
                pending_files.c.platform == platform, pending_files.c.token == token[:64]
            )
        )


async def forget_person(conn: Connection, platform: str, workspace: str, user_id: str) -> None:
    """Delete every file waiting for this person (their `forget-me`), in the caller's
    transaction."""
    await conn.execute(
        pending_files.delete().where(
            pending_files.c.platform == platform,
            pending_files.c.workspace == workspace,
            pending_files.c.user_id == user_id,
        )
    )
