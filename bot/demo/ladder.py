"""The demo's scene of the ladder of co-production: after the meeting, beside "did you feel
heard?", Jo says where on the ladder the meeting felt, by the button's form, and Marcus by typing.

Played by `bot.demo.meeting.Demo` right after Jo answers the reflection question, in the same
private message. The result shows in the next meeting's summary, which the demo does not reach:
the scene says so rather than squeezing another week into it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.demo.meeting import Demo


async def where_on_the_ladder(demo: Demo) -> None:
    demo.narrate(
        "The same private message asks one more thing: where on the ladder of co-production "
        "the meeting felt, from “things were done to us” to “we shared power and decided "
        "together”. Jo opens the form and chooses co-design. Marcus types his answer instead."
    )
    await demo.press("Jo", "Where on the ladder?", on="Did you feel heard")
    await demo.say("Jo", "6")
    await demo.say("Marcus", "dm", "ladder consultation", "channel")
    demo.narrate(
        "Both answers are kept with no name. Next meeting's summary shows them added up, once "
        "at least three have answered, and side by side for parent carers and professionals "
        "once each side has three, so the group can see if they felt it differently."
    )
