"""The demo's scene of access needs and plain text, played before the meeting: two parent
carers say privately what helps them take part, one with their name and one without; the
facilitator sees what was shared (and sees it again when the check-in goes out); and a member
tries plain text, where a card's buttons become numbered options to type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.demo.meeting import Demo


async def access_before_the_meeting(demo: Demo) -> None:
    demo.narrate(
        "Before the meeting, people can say privately what helps them take part, in their own "
        "words, and choose whether the facilitators may see it: with their name, without it, "
        "or not at all. Jo shares hers with her name; Marcus shares his without."
    )
    await demo.say(
        "Jo", "dm", "access needs Papers a week ahead, in large print", "access share named"
    )
    await demo.say(
        "Marcus",
        "dm",
        "access needs My phone stays on: I may have to step out for my son",
        "access share anonymous",
    )
    demo.narrate("Priya, a facilitator, sees what was shared. Marcus's need has no name on it.")
    await demo.say("Priya", "dm", "access list")
    demo.narrate(
        "Marcus tries plain text: every card sent to him privately then comes as numbered "
        "options with the words to type, with no buttons, for screen readers or any phone."
    )
    await demo.say("Marcus", "plain-text on", "forget-me", "forget-me no", "plain-text off")
    for name in ("Jo", "Marcus", "Priya"):
        await demo.say(name, "channel")
