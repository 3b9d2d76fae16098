""" "Does this feel addressed?" through Teams: the card with the longest words it can carry is
posted and redrawn as an Adaptive Card Teams accepts (the strict fake checks it with Microsoft's
library), and a press is anonymous."""

from __future__ import annotations

import pytest

from bot import limits
from bot.handlers.elephants.commands import post_due_elephants
from testkit.fake_teams import TeamsHarness as Teams
from testkit.fake_teams import dialog_texts, teams_person
from tests.adapters.teams.test_adapter import FAY, PAT, SAM, group
from tests.anonymity_helpers import anonymous_action
from tests.dialogue import FakeClock

QUINN = teams_person("29:1quinn77", "Quinn Marlowe-Idris")


def _longest(tag: str, limit: int) -> str:
    words = " ".join(f"{tag}{i}" for i in range(limit))
    return words[:limit].rsplit(" ", 1)[0]


async def test_the_verdict_card_fits_teams_and_a_press_is_anonymous(
    teams: Teams, caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    fake = teams.fake
    await group(teams)
    await teams.say(QUINN, "role lived-experience")
    await teams.say(SAM, "elephant " + _longest("papers", limits.ELEPHANT), personal=True)
    clock.advance(minutes=30)
    await teams.bot.router.deliver(await teams.bot.core.run_job(post_due_elephants))
    fake.clear()
    done = "elephant 1 addressed " + _longest("minutes", limits.OUTCOME)
    assert await teams.say(FAY, done) == 201
    [post] = [s for s in fake.in_channel() if "How the group sees it" in s.texts()]
    assert [a["title"] for a in post.actions()] == ["Yes", "Partly", "Not really"]
    fake.clear()

    async with anonymous_action(teams.bot.db, QUINN, caplog):
        status, answer = await teams.dialog(QUINN, post.button("Partly"))
        assert status == 200
    assert "without your name" in dialog_texts(answer)
    assert [s for s in fake.sent if s.kind == "update"] == []  # never at the press
    for who in (SAM, PAT):
        await teams.dialog(who, post.button("Partly"))
    clock.advance(minutes=1)
    await teams.bot.router.deliver(await teams.bot.core.run_job(post_due_elephants))
    [update] = [s for s in fake.sent if s.kind == "update" and "How the group" in s.texts()]
    assert "(partly 3)" in update.texts()
