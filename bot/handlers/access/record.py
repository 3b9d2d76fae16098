"""Access profiles in a person's own record (`my-data`) and in the group's `export`.

`my-data` shows a person their whole profile. The export holds the needs shared with a name: a
need shared without one is shown only in the note to facilitators before a meeting, never in a
record that can be read at any moment and compared (`bot.handlers.access.commands`).
"""

from __future__ import annotations

from typing import Any

from bot.handlers.access.profile import own_lines
from bot.store import access, members
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.members import Member


async def my_data_part(conn: Connection, member: Member) -> str:
    profile = await access.get(conn, member.id)
    if profile.is_empty:
        return "Your access profile: empty."
    lines = "\n".join(f"- {line}" for line in own_lines(profile))
    return f"Your access profile (`access clear` deletes it):\n{lines}"


async def export_part(conn: Connection, group: Group) -> list[dict[str, Any]]:
    everyone = await members.of_group(conn, group.id)
    return [
        {"name": need.name, "needs": need.needs, "earlier_reminders": need.earlier_reminders}
        for need in await access.shared_in(conn, [m.id for m in everyone])
        if need.name is not None
    ]
