"""The demo's scene of recognition of time: after the meeting, Jo records her preparation and bus
fares and claims (reminded once about benefits), Marcus declines privately, and Priya lists the
claims and marks Jo's paid, after which Jo alone is told.

A function of the demo's stage (`bot.demo.meeting.Demo`), played after the meeting, since what
people took part in comes from their check-ins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.demo.meeting import Demo

POLICY = (
    "Parent carers are offered £20 per meeting and £10 an hour for preparation, and travel. "
    "Claim by the end of each month. For advice on benefits, ask the Carers Centre."
)


async def time_recognised(demo: Demo) -> None:
    demo.narrate(
        "The group pays parent carers for their time, so that nobody is worse off for taking "
        "part. Priya turns recognition on and writes the group's policy in plain words."
    )
    await demo.say("Priya", "set recognition on", f"set recognition-policy {POLICY}")
    demo.narrate(
        "Jo adds her preparation time and bus fares in her direct chat, looks at her record "
        "(the meetings she checked in to are already there) and claims. Only she and the "
        "facilitators see it."
    )
    await demo.say(
        "Jo",
        "dm",
        "time add 1h30 reading the budget papers",
        "expense add 7.80 bus fares",
        "my-time",
    )
    await demo.press("Jo", "Claim", on="Your time")
    await demo.say("Jo", "channel")
    demo.narrate("Marcus would rather not be paid. Declining is one word, and nobody else is told.")
    await demo.say("Marcus", "dm", "decline", "channel")
    demo.narrate("Priya sees the claims waiting and marks Jo's paid; Jo is told privately.")
    await demo.say("Priya", "dm", "claims", "claims paid 1", "channel")
