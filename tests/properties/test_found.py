"""Broken promises the property tests found that were not on the list of known bugs, each as an
ordinary test."""

from __future__ import annotations

from bot.handlers.elephants.commands import post_due_elephants
from tests.dialogue import Chat, Outcome, person

FAY, LEE, PAT, SAM = person("Fay"), person("Lee"), person("Pat"), person("Sam")


async def test_the_elephant_list_shows_no_count_of_perspectives_below_k(chat: Chat) -> None:
    """`elephants` told everyone "perspectives: 1 (shown at 3)": a count of anonymous views
    below k, which the README says is never shown."""
    await chat.group_of(
        FAY, [(LEE, "lived-experience"), (PAT, "professional"), (SAM, "lived-experience")]
    )
    await chat.say(LEE, "elephant big: the agenda is decided before we arrive")
    chat.clock.advance(minutes=10)
    posted = Outcome(await chat.core.run_job(post_due_elephants))
    form = (await chat.press(PAT, posted.button("Add my perspective"))).forms[0]
    await chat.submit(PAT, form, {"text": "we are asked once it is too late"})
    listed = await chat.say(SAM, "elephants")
    assert "perspectives: 1" not in listed.reply
