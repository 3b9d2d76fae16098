"""The private link `dashboard` sends: single-use, valid `LINK_MINUTES`, bound to one person and
one group, under `COMMONGROUND_PUBLIC_URL`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.identity import Who
from bot.pages.link_secrets import hashed, new_secret
from bot.store import page_access
from bot.store.database import Connection

LINK_MINUTES = 15
OPEN_PATH = "/pages/open/"
"""Where a link leads; the token follows. `bot.pages.log_safety` keeps it out of logs."""


async def make_link(
    conn: Connection, key: bytes, who: Who, group_id: int, now: datetime, public_url: str
) -> str:
    """Store a new link's hash and give back the whole address (the token is kept nowhere)."""
    token = new_secret()
    expires = now + timedelta(minutes=LINK_MINUTES)
    await page_access.add_link(conn, hashed(token, key), group_id, who, expires)
    return f"{public_url.rstrip('/')}{OPEN_PATH}{token}"
