"""The demo's scene of "slow down", "too much jargon" and the glossary, during the meeting.

Priya puts the signals card in the channel. Two parent carers press "Slow down"; only then, with
a whole crowd of two, is Priya told, privately and without names. Two ask about the same word;
Priya hears of it, and Dr Ahmed explains it in the glossary, and the summary lists the words
explained that meeting. (The word itself goes into the glossary on its own only once as many
people as the group's crowd size ask about it.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.adapters.console.adapter import slug
from bot.effects import Effect, MessageMember

if TYPE_CHECKING:
    from bot.demo.meeting import Demo


async def slow_down_and_jargon(demo: Demo) -> None:
    demo.narrate(
        "Priya puts the signals card in the channel. Anyone can press “Slow down”, “Too much "
        "jargon” or “I need a break” without anyone knowing who pressed. Facilitators hear only "
        "once two people ask for the same thing within five minutes."
    )
    await demo.say("Priya", "signals")
    since = demo.mark()
    await demo.press("Jo", "Slow down", on="Need something")
    await demo.press("Marcus", "Slow down", on="Need something")
    await demo.wait_for("Priya to hear", _told("Priya", "asked to slow down"), since)
    demo.narrate(
        "Two people say, from their direct chats, that a word went over their heads. Priya "
        "hears which word, not who asked. Nobody else sees anything: a word only goes into "
        "the group's glossary by itself once a whole crowd has asked about it."
    )
    since = demo.mark()
    await demo.say("Jo", "dm", "jargon EHCP", "channel")
    await demo.say("Sarah", "dm", "jargon ehcp", "channel")
    await demo.wait_for("Priya to hear", _told("Priya", "found a word hard"), since)
    demo.narrate("Dr Ahmed explains it in plain words, for everyone, in the glossary.")
    await demo.say(
        "Dr Ahmed",
        "glossary add EHCP Education, Health and Care Plan: the document that says what "
        "support a child must get",
        "glossary",
    )


def _told(name: str, words: str) -> Callable[[Effect], bool]:
    user = f"U-{slug(name)}"

    def found(effect: Effect) -> bool:
        return (
            isinstance(effect, MessageMember)
            and effect.user_id == user
            and words in effect.card.text
        )

    return found
