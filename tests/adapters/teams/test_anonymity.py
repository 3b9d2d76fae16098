"""Anonymous means anonymous, through Teams too: the elephant form in the 1:1 chat, "I see it
too" pressed on the channel post, and an anonymous agenda item typed or sent by form. The same
checks as `tests/test_anonymity.py` (every table before
and after, every log line at DEBUG, the database file's bytes), around real Teams activities over
HTTP, with the adapter's own rows (`inbound_events`, `conversation_refs`, `platform_posts`)
included. Teams always sends the user id and name; none of it may stay."""

from __future__ import annotations

import pytest

from bot.handlers.elephants.commands import post_due_elephants
from bot.store.schema import agenda_authors, agenda_items
from testkit.fake_teams import TENANT, dialog_texts, teams_person
from testkit.fake_teams import TeamsHarness as Teams
from tests.adapters.teams.test_adapter import group, last_to
from tests.anonymity_helpers import anonymous_action
from tests.dialogue import FakeClock, count

QUINN = teams_person("29:1quinn77", "Quinn Marlowe-Idris")


async def test_the_elephant_form_and_i_see_it_too_leave_no_trace(
    teams: Teams, caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    fake = teams.fake
    db = teams.bot.db
    await group(teams)
    await teams.say(QUINN, "role lived-experience")
    await teams.say(QUINN, "elephant")
    form = last_to(fake, QUINN)
    fake.clear()

    async with anonymous_action(db, QUINN, caplog):
        status = await teams.fill(
            QUINN, form, {"text": "Nobody reads our feedback", "size": "little"}
        )
        assert status == 201
    assert "Thank you for naming it" in last_to(fake, QUINN).texts()
    fake.clear()

    clock.advance(minutes=30)
    await teams.bot.router.deliver(await teams.bot.core.run_job(post_due_elephants))
    [post] = fake.in_channel()
    assert "Nobody reads our feedback" in post.texts()
    for secret in (QUINN.user_id, QUINN.display_name, TENANT + QUINN.user_id):
        assert secret not in str(post.body)
    fake.clear()

    async with anonymous_action(db, QUINN, caplog):
        status, answer = await teams.dialog(QUINN, post.button("I see it too"))
        assert status == 200
    # The card is redrawn only by the sweep, and only in whole crowds of k: not at the press.
    assert [s for s in fake.sent if s.kind == "update"] == []
    assert "without your name" in dialog_texts(answer)
    clock.advance(minutes=1)
    await teams.bot.router.deliver(await teams.bot.core.run_job(post_due_elephants))
    assert [s for s in fake.sent if s.kind == "update"] == []


async def test_the_checks_catch_a_non_anonymous_action_through_teams(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    """A role choice is not anonymous: the same checks must fail on it."""
    await teams.say(teams_person("29:1fay", "Fay Okafor"), "setup Parents Forum")
    picker = teams.fake.in_channel()[-1]
    with pytest.raises(AssertionError, match=r"names them|member id|rows changed"):
        async with anonymous_action(teams.bot.db, QUINN, caplog):
            await teams.press(QUINN, picker.button("Lived experience"))


async def test_an_anonymous_agenda_item_by_command_and_form_leaves_no_trace(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    fake = teams.fake
    db = teams.bot.db
    await group(teams)
    await teams.say(QUINN, "role lived-experience")
    fake.clear()
    # In the channel everyone sees who typed it: refused, and nothing kept.
    await teams.say(QUINN, "agenda add anonymously Nobody reads our feedback")
    assert "could not stay anonymous" in last_to(fake, QUINN).texts()
    assert await count(db, agenda_items) == 0
    async with anonymous_action(db, QUINN, caplog):
        await teams.say(QUINN, "agenda add anonymously Nobody reads our feedback", personal=True)
    assert "without your name" in last_to(fake, QUINN).texts()
    await teams.say(QUINN, "agenda add")
    form = last_to(fake, QUINN)
    fake.clear()
    async with anonymous_action(db, QUINN, caplog):
        status = await teams.fill(
            QUINN, form, {"text": "The budget is decided", "papers": "", "name": "anonymous"}
        )
        assert status == 201
    assert "without your name" in last_to(fake, QUINN).texts()
    assert await count(db, agenda_items) == 2
    assert await count(db, agenda_authors) == 0
