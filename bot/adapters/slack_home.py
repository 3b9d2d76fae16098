"""The App Home tab: each person's groups, how they take part, and what they can do next.

It only reads. Everything shown is the person's own membership (role, facilitator, reminders) and
whether a meeting is under way; group names are stored already neutralised.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.slack_blocks import Block, card_blocks
from bot.cards import Card, Field
from bot.identity import Who
from bot.store import meetings, members
from bot.store.database import Database

MAX_HOME_BLOCKS = 100
ROLE_NAMES = {
    "lived-experience": "Lived experience",
    "professional": "Professional",
    "both": "Both",
    "prefer-not-to-say": "Prefer not to say",
}
NO_GROUP = (
    "You're not in a co-production group yet. In your group's channel, type `/coprod role` to "
    "say how you take part, or `/coprod setup` to make a channel a group."
)
FOOTER = (
    "`/coprod help` lists what you can do. `/coprod privacy` says what is stored; "
    "`/coprod my-data` shows what I hold about you."
)


async def home_cards(db: Database, who: Who) -> list[Card]:
    """One card per group the person belongs to, or a card saying how to join one."""
    cards: list[Card] = []
    async with db.read() as conn:
        found = await members.groups_of_user(conn, who.platform, who.workspace, who.user_id)
        for group_id, name in found:
            member = await members.get(conn, group_id, who.user_id)
            if member is None:
                continue
            fields = [
                Field("Your role", ROLE_NAMES.get(member.role or "", "Not said yet")),
                Field("Reminders", "On" if member.nudges else "Off"),
            ]
            if member.is_facilitator:
                fields.append(Field("You are", "A facilitator"))
            under_way = await meetings.current(conn, group_id)
            text = (
                "A meeting is under way: `/coprod checkin` to check in."
                if under_way is not None
                else "No meeting is under way just now."
            )
            cards.append(Card(title=name, text=text, fields=tuple(fields)))
    if not cards:
        cards.append(Card(title="Common Ground", text=NO_GROUP))
    return cards


def home_view(cards: list[Card]) -> dict[str, Any]:
    """The `home` view published for the person."""
    blocks: list[Block] = []
    for card in cards:
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend(card_blocks(card))
    blocks = blocks[: MAX_HOME_BLOCKS - 1]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": FOOTER}]})
    return {"type": "home", "blocks": blocks}
