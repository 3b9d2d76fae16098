"""My data: exactly what `my-data` shows in chat (`personal_data.my_data_card`), as a page, with
`forget-me` behind a confirmation form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.handlers.privacy.personal_data import my_data_card
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.members import Member


async def my_data(conn: Connection, group: Group, member: Member, now: datetime) -> dict[str, Any]:
    card = await my_data_card(conn, group, member, now=now)
    return {"sections": [part.split("\n") for part in card.text.split("\n\n")]}
