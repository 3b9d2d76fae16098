"""What happens once an agenda item is marked addressed, beyond telling the channel.

"You said, we did" is only half done when a facilitator says a thing was addressed: the group is
then asked, anonymously, whether it feels addressed (yes / partly / not really), counted with the
crowd rule. That question belongs to the verdicts feature; this is the one place the agenda calls
it, with the item as stored (its status and outcome are kept and shown whatever the answer).
"""

from __future__ import annotations

from bot.context import Context
from bot.effects import Effect
from bot.store.agenda import Item
from bot.store.groups import Group


async def item_addressed(ctx: Context, group: Group, item: Item) -> list[Effect]:
    """Ask the group whether `item` feels addressed: call the verdicts' `ask_the_group(...)`
    here. Until it is wired, nothing more happens than the status, the outcome and the post."""
    return []
