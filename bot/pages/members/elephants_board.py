"""The elephants board: the group's elephants by where they stand (named and still open,
discussed, addressed, parked), with what was done and how the group feels about it.

The same words and figures as `elephants` in chat: "I see it too" through `marks_text`, the
group's answers to "does this feel addressed?" through `feels_words`, both under the crowd rule.
Elephants have no author (none is stored), so none is shown.
"""

from __future__ import annotations

from typing import Any

from bot.handlers.elephants.cards import marks_text
from bot.handlers.verdicts.figures import feels_words
from bot.handlers.verdicts.subjects import ELEPHANT
from bot.store import elephants, verdicts
from bot.store.database import Connection
from bot.store.groups import Group
from bot.text_safety import neutralise

COLUMNS = (
    ("open", "Named, still open"),
    ("discussed", "Discussed"),
    ("addressed", "Addressed"),
    ("parked", "Parked"),
)


async def elephants_board(conn: Connection, group: Group) -> dict[str, Any]:
    shown = await elephants.visible(conn, group.id)
    asked = await verdicts.latest_of_kind(conn, group.id, ELEPHANT)
    by_status: dict[str, list[dict[str, Any]]] = {status: [] for status, _ in COLUMNS}
    for elephant in reversed(shown):
        verdict = asked.get(elephant.id)
        reopened = verdict is not None and verdict.state == verdicts.REOPENED
        outcome = ""
        if elephant.outcome and (elephant.status != "open" or reopened):
            outcome = neutralise(elephant.outcome)
        by_status.setdefault(elephant.status, []).append(
            {
                "number": elephant.number,
                "size": elephant.size,
                "text": neutralise(elephant.text),
                "seen_too": marks_text(elephant.marks_shown, group.k),
                "waiting": elephant.is_big and elephant.perspectives_revealed_at is None,
                "outcome": outcome,
                "feels": feels_words(verdict.state, verdict.figures_shown, group.k)
                if verdict is not None and verdict.title
                else "",
            }
        )
    columns = [
        {"status": status, "title": title, "elephants": by_status.get(status, [])}
        for status, title in COLUMNS
    ]
    return {"columns": columns, "k": group.k, "count": len(shown)}
