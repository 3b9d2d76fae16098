"""The App Home tab: the person's home cards (`bot.handlers.home.page`, platform-neutral) drawn as
Block Kit.

It only reads. The cards carry the same buttons as the check-in and round messages, so a press
on the home tab reaches the core like a press in a direct message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.adapters.slack import limits
from bot.adapters.slack.blocks import Block, card_blocks
from bot.cards import Card
from bot.handlers.home.page import NO_GROUP
from bot.handlers.home.page import home_cards as core_home_cards
from bot.identity import Who
from bot.store.database import Database

FOOTER = (
    "`/coprod help` lists what you can do. `/coprod privacy` says what is stored; "
    "`/coprod my-data` shows what I hold about you."
)

__all__ = ["NO_GROUP", "home_cards", "home_view"]


async def home_cards(db: Database, who: Who, now: datetime) -> list[Card]:
    """The person's home cards, read in one read-only transaction."""
    async with db.read() as conn:
        return await core_home_cards(conn, who, now)


def home_view(cards: list[Card]) -> dict[str, Any]:
    """The `home` view published for the person: whole cards only, as many as Slack's 100 blocks
    hold; if any are left over, a line says so and where to find them, instead of a card cut
    part-way or dropped without a word."""
    blocks: list[Block] = []
    left_over = 0
    room = limits.BLOCKS_PER_VIEW - 2  # the footer, and a note if cards are left over
    for card in cards:
        drawn = ([{"type": "divider"}] if blocks else []) + card_blocks(card)
        if left_over or len(blocks) + len(drawn) > room:
            left_over += 1
            continue
        blocks.extend(drawn)
    if left_over:
        more = "1 more item" if left_over == 1 else f"{left_over} more items"
        note = f"{more} did not fit on this page: `/coprod help` lists what you can do."
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": FOOTER}]})
    return {"type": "home", "blocks": blocks}
