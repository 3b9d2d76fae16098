"""Anonymous means anonymous, through Slack too: `/elephant`, its modal, "I see it too" and an
anonymous agenda item.

The same checks as `tests/test_anonymity.py` (every table before and after, every log line at
DEBUG, the database file's bytes), around real signed Slack requests, with the adapter's own rows
(`inbound_events`, `platform_posts`) included. Slack always sends the user id; none of it may stay.
"""

from __future__ import annotations

import pytest

from bot.handlers.elephants.commands import post_due_elephants
from bot.store.schema import agenda_authors, agenda_items
from testkit.fake_slack import FakeSlack, SlackHarness, slack_person
from tests.anonymity_helpers import anonymous_action
from tests.dialogue import FakeClock, count

FAY = slack_person("U0FAY", "fay")
QUINN = slack_person("U0QUINN77", "quinn.marlowe-idris")
PAT = slack_person("U0PAT", "pat")
LEE = slack_person("U0LEE", "lee")
CHANNEL = "C0GENERAL"


def _actions(blocks: list[dict]) -> dict:
    return next(b for b in blocks if b["type"] == "actions")


def _field(blocks: list[dict], label: str) -> str:
    """The text of the labelled field (the live count on an elephant post)."""
    for block in blocks:
        for field in block.get("fields", []):
            if field["text"].startswith(f"*{label}*"):
                return str(field["text"])
    raise AssertionError(f"no field {label!r}")


async def _group(slack: SlackHarness, fake: FakeSlack) -> None:
    await slack.command(FAY, "setup Parents Forum")
    picker = _actions(fake.of("chat.postMessage")[-1]["blocks"])
    for who, label in ((QUINN, "Lived experience"), (PAT, "Professional"), (LEE, "Both")):
        await slack.press(who, picker, label)
    # Quinn also has ordinary rows (a check-in) that must stay exactly as they are.
    fake.clear()
    await slack.command(FAY, "checkin")
    await slack.press(QUINN, _actions(fake.of("chat.postMessage")[0]["blocks"]), "2 Low")
    fake.clear()


async def test_elephant_modal_and_i_see_it_too_leave_no_trace(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    fake = slack.fake
    db = slack.bot.db
    await _group(slack, fake)
    await slack.command(QUINN, "", command="/elephant")
    [opened] = fake.of("views.open")
    fake.clear()

    async with anonymous_action(db, QUINN, caplog):
        status, body = await slack.submit(
            QUINN, opened["view"], {"text": "Nobody reads our feedback", "size": "little"}
        )
        assert (status, body) == (200, "")
    [thanks] = fake.of("chat.postEphemeral")
    assert thanks["text"].startswith("Thank you for naming it.")

    clock.advance(minutes=10)
    await slack.adapter.deliverer.deliver(await slack.bot.core.run_job(post_due_elephants))
    [post] = fake.of("chat.postMessage")
    posted_ts = fake.answers("chat.postMessage")[0]["ts"]
    assert "Nobody reads our feedback" in str(post["blocks"])
    assert QUINN.user_id not in str(post) and QUINN.display_name not in str(post)
    fake.clear()

    async with anonymous_action(db, QUINN, caplog):
        status, _ = await slack.press(QUINN, _actions(post["blocks"]), "I see it too")
        assert status == 200
    # The card is not redrawn at the press (the moment would point at Quinn), only by the sweep,
    # and only when the figure moves by a whole crowd of k: one mark moves nothing.
    assert fake.of("chat.update") == []
    assert "without your name" in fake.of("respond")[0]["text"]
    clock.advance(minutes=1)
    await slack.adapter.deliverer.deliver(await slack.bot.core.run_job(post_due_elephants))
    assert fake.of("chat.update") == []
    del posted_ts


async def test_the_checks_catch_a_non_anonymous_action_through_slack(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """A role choice is not anonymous: the same checks must fail on it."""
    fake = slack.fake
    await slack.command(FAY, "setup Parents Forum")
    picker = _actions(fake.of("chat.postMessage")[-1]["blocks"])
    with pytest.raises(AssertionError, match=r"names them|member id|rows changed"):
        async with anonymous_action(slack.bot.db, QUINN, caplog):
            await slack.press(QUINN, picker, "Lived experience")


async def test_an_elephant_typed_in_a_direct_message_leaves_no_trace(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(slack, slack.fake)
    event = {
        "type": "message",
        "channel_type": "im",
        "user": QUINN.user_id,
        "text": "elephant We decide before we meet",
        "channel": "D0QUINN77",
        "team": QUINN.workspace,
        "ts": "1700000000.000300",
        "event_ts": "1700000000.000300",
    }
    async with anonymous_action(slack.bot.db, QUINN, caplog):
        status, _ = await slack.post(slack.event_body(event, "Ev0ANON"), "application/json")
        assert status == 200
    [thanks] = slack.fake.of("chat.postMessage")
    assert thanks["channel"] == QUINN.user_id
    assert thanks["text"].startswith("Thank you for naming it.")


async def test_an_anonymous_agenda_item_by_slash_command_and_modal_leaves_no_trace(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    fake = slack.fake
    db = slack.bot.db
    await _group(slack, fake)
    async with anonymous_action(db, QUINN, caplog):
        status, _ = await slack.command(QUINN, "agenda add anonymously Nobody reads our feedback")
        assert status == 200
    assert "without your name" in str(fake.calls)
    fake.clear()
    await slack.command(QUINN, "agenda add")
    [opened] = fake.of("views.open")
    fake.clear()
    async with anonymous_action(db, QUINN, caplog):
        status, body = await slack.submit(
            QUINN,
            opened["view"],
            {"text": "The budget is decided", "papers": "", "name": "anonymous"},
        )
        assert (status, body) == (200, "")
    assert "without your name" in str(fake.calls)
    assert await count(db, agenda_items) == 2
    assert await count(db, agenda_authors) == 0
