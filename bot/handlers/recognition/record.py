"""Recognition records in `my-data`, the facilitators' `export` and `forget-me`.

Only the person and the facilitators may see these records, and both `my-data` (the person) and
`export` (a facilitator) are within that. On `forget-me` everything goes except what the
organisation's accounts need: a PAID claim's amount and date, kept without the name.
"""

from __future__ import annotations

from typing import Any

from bot.handlers.recognition.amounts import say_minutes, say_pence
from bot.handlers.recognition.commands import CHOICE_WORDS, summary
from bot.store import recognition as store
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.members import Member
from bot.store.recognition import DECLINE, DONATE
from bot.text_safety import neutralise

FORGET_WORDS = (
    "Your recorded time, expenses and choices are erased too, except that a claim already paid "
    "keeps its amount and date, without your name, for the organisation's accounts."
)
PRIVACY_WORDS = (
    "Recognition of time (when the group turns it on): the time and expenses you record, and "
    "whether you claim, decline or give them to a cause, are seen only by you and the "
    "facilitators; a decline never appears in the facilitators' claims list. If you use "
    "`forget-me`, they are erased, except that a claim already paid keeps its amount and date, "
    "without your name, for the organisation's accounts."
)


async def my_data_parts(conn: Connection, member: Member) -> list[str]:
    entries = await store.all_entries(conn, member.id)
    choices = await store.choices_of(conn, member.id)
    if not entries and not choices:
        return ["Your recorded time and expenses: none."]
    lines = []
    for entry in entries:
        amount = (
            say_minutes(entry.minutes or 0) if entry.kind == "time" else say_pence(entry.pence or 0)
        )
        state = "waiting for your choice" if entry.claim_id is None else "in a choice below"
        lines.append(f"- {entry.kind}: {amount}, “{neutralise(entry.note)}” ({state})")
    for claim in choices:
        paid = ""
        if claim.choice != DECLINE:
            paid = "; paid" if claim.paid_at else "; not paid yet"
        amounts = summary(claim.meetings, claim.minutes, claim.pence)
        lines.append(f"- {claim.made_at:%d %b %Y}: {CHOICE_WORDS[claim.choice]} ({amounts}){paid}")
    return [
        "Your recorded time, expenses and choices (seen by you and the facilitators only):\n"
        + "\n".join(lines)
    ]


async def export_part(conn: Connection, group: Group) -> dict[str, Any]:
    """Claims and gifts to a cause (never declines, which are the person's own business)."""
    found = await store.claims_for_facilitators(conn, group.id, every=True)
    return {
        "recognition_claims": [
            {
                "number": claim.number,
                "name": name,
                "choice": "give to a cause" if claim.choice == DONATE else "claim",
                "meetings": claim.meetings,
                "minutes": claim.minutes,
                "expenses_pence": claim.pence,
                "made_at": claim.made_at.astimezone(group.zone).isoformat(),
                "paid_at": claim.paid_at.astimezone(group.zone).isoformat()
                if claim.paid_at
                else None,
            }
            for claim, name in found
        ]
    }


async def forget(conn: Connection, member_id: int) -> None:
    await store.forget(conn, member_id)
