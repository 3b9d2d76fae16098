"""The demo's scenes of a group that carries on between meetings: the agenda, "you said, we did"
that the group answers, and an action that is accepted, reminded and done.

Each scene is a function of the demo's stage (`bot.demo.meeting.Demo`), played at its place in
the meeting's script: the agenda before the meeting, the answers and the action during it, the
carried-over items and the reminder after it. As in the rest of the demo, only time is squeezed:
the action's due day and the moment its owner was asked are moved back, as the meeting's start is,
so the reminder the clock sends "the day before" goes out in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.adapters.console.adapter import slug
from bot.effects import Effect, MessageMember, UpdatePost
from bot.store import actions, groups

if TYPE_CHECKING:
    from bot.demo.meeting import Demo

ACTION_TEXT = "Send the short-breaks budget papers to everyone"


async def agenda_before_the_meeting(demo: Demo) -> None:
    demo.narrate(
        "Before the meeting, people add to its agenda. Jo adds an item with a link to its "
        "papers; Marcus adds one anonymously, from his direct chat; Priya adds one too. The "
        "check-in will carry the agenda, so everyone knows what is coming."
    )
    await demo.say(
        "Jo",
        "agenda add Papers a week before each meeting papers: https://example.org/forum/papers",
    )
    await demo.say(
        "Marcus", "dm", "agenda add anonymously Travel costs for parents who come by bus"
    )
    await demo.say("Marcus", "channel")
    await demo.say("Priya", "agenda add Next year's short-breaks budget", "agenda")


async def addressed_and_answered(demo: Demo) -> None:
    demo.narrate(
        "Priya records what the group did about the school-run elephant: “you said, we did”. "
        "Now the group, not only the facilitator, says whether it feels addressed. Answers are "
        "anonymous and shown only in whole crowds."
    )
    since = demo.mark()
    await demo.say(
        "Priya", "elephant 1 addressed From next month we meet at 1pm, after the school run."
    )
    for name in ("Jo", "Marcus", "Sarah"):
        await demo.press(name, "Partly", on="school run")
    await demo.press("Dr Ahmed", "Yes", on="school run")
    demo.narrate(
        "The card is redrawn a little later by the scheduler, not at each press, so the moment "
        "a figure moves doesn't point at whoever pressed. Three said “partly”: enough to show. "
        "One “yes” is not, on its own."
    )
    await demo.wait_for("the group's answers to be shown", _answers_shown, since)


async def agenda_decision_and_action(demo: Demo) -> None:
    demo.narrate(
        "The group talks about the first agenda item and decides. Priya marks it done, notes "
        "the decision and gives Tom an action with a day. Tom is asked privately to accept it."
    )
    since = demo.mark()
    await demo.say(
        "Priya",
        "agenda 1 done",
        "decision Papers go out seven days before each meeting.",
        f"action {ACTION_TEXT} @Tom by next friday",
    )
    await demo.wait_for("Tom to be asked", _message_to("Tom", "Accept"), since)
    await demo.press("Tom", "Accept", on=ACTION_TEXT[:20])
    demo.narrate("The meeting runs out of time before the other two agenda items.")


async def carried_over(demo: Demo) -> None:
    demo.narrate(
        "The items the meeting didn't reach are carried to the next one, with a count, so "
        "nothing raised quietly drops off. The open action is at the top."
    )
    await demo.say("Jo", "agenda")


async def reminded_and_done(demo: Demo) -> None:
    demo.narrate(
        "Days pass. The day before an action is due, its owner gets a private reminder (never in "
        "quiet hours, and not at all with `nudges off`). The demo winds Tom's action on: it is "
        "now due today and was given to him days ago, so the scheduler sends the reminder."
    )
    since = demo.mark()
    now = demo.bot.core.clock()
    async with demo.bot.db.write() as conn:
        group = await groups.for_conversation(conn, demo.console.channel)
        assert group is not None
        [action] = [a for a in await actions.open_of_group(conn, group.id) if a.owner_name]
        today = now.astimezone(group.zone).date()
        await actions.wind_on(conn, action.id, due_on=today, asked_at=now - timedelta(days=3))
    await demo.wait_for("Tom's reminder", _message_to("Tom", "A reminder"), since)
    demo.narrate("Tom has done it, and says so with a short note. Nobody is told off, ever.")
    await demo.say("Tom", f"action {action.number} done Sent to everyone by email and post.")
    await demo.say("Jo", "actions")


# -- what the scenes wait for ---------------------------------------------------------------


def _answers_shown(effect: Effect) -> bool:
    return (
        isinstance(effect, UpdatePost)
        and effect.key.startswith("verdict:")
        and "partly" in _text(effect).lower()
        and "3" in _text(effect)
    )


def _message_to(name: str, words: str) -> Callable[[Effect], bool]:
    user = f"U-{slug(name)}"

    def found(effect: Effect) -> bool:
        if not isinstance(effect, MessageMember) or effect.user_id != user:
            return False
        card = effect.card
        labels = " ".join(button.label for button in card.buttons)
        return words in f"{card.title} {card.text} {labels}"

    return found


def _text(effect: UpdatePost) -> str:
    card = effect.card
    fields = " ".join(f"{field.label} {field.value}" for field in card.fields)
    return f"{card.title} {card.text} {fields}"
