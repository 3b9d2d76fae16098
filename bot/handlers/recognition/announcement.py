"""What the group is told, in the channel, when a facilitator turns recognition of time on.

Members should hear from the bot itself that a record of their time may now be kept, what it is
for and who can see it, rather than find out from a reminder later. It names no one but the
facilitator who turned it on, and says nothing about anyone's record.
"""

from __future__ import annotations

from bot.cards import Card
from bot.store.groups import Group
from bot.text_safety import neutralise


def recognition_on_notice(group: Group, facilitator: str) -> Card:
    """The announcement: what recognition is, that records are private, and how to start."""
    policy = (
        f"The group's policy: “{neutralise(group.recognition_policy)}”."
        if group.recognition_policy
        else "The facilitators will say what the group offers (a payment, vouchers, or none)."
    )
    return Card(
        title="Recognition of your time is on",
        text=(
            f"{neutralise(facilitator)} turned on recognition of time in this group. This means "
            "your time counts: I keep a note of the meetings you take part in, and you can add "
            "preparation time and expenses like bus fares or carer cover. Then you choose, for "
            "yourself, to claim payment, to decline it, or to give it to a cause.\n\n"
            "Your record is private: only you and the group's facilitators ever see it, and "
            "nobody else is told what you choose.\n\n"
            f"{policy}\n\n"
            "To see your record, send me `my-time` in a direct message. To add time: "
            "`time add 1h reading papers`; an expense: `expense add 12.40 bus fares`."
        ),
    )
