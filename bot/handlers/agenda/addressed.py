"""What happens once an agenda item is marked addressed, beyond telling the channel.

"You said, we did" is only half done when a facilitator says a thing was addressed: the group is
then asked, anonymously, whether it feels addressed (yes / partly / not really), counted with the
crowd rule. That question belongs to the verdicts feature; this is the one place the agenda calls
it, with the item as stored (its status and outcome are kept and shown whatever the answer).
"""

from __future__ import annotations

from bot.context import Context
from bot.effects import Effect
from bot.handlers.verdicts.asking import ask_the_group
from bot.handlers.verdicts.subjects import AGENDA
from bot.store.agenda import Item
from bot.store.groups import Group


async def item_addressed(ctx: Context, group: Group, item: Item) -> list[Effect]:
    """Ask the group whether `item` feels addressed: the "You said, we did" card with the
    question, posted in the channel. If `k` or more say "not really", the item goes back on the
    agenda and the facilitators are told (`bot.handlers.verdicts.subjects`)."""
    return await ask_the_group(ctx, group, AGENDA, item.id, item.text, item.outcome or "")
