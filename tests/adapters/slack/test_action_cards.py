"""The owner's private cards for an action (the question, the reminder) at their longest reach a
person on Slack within every limit, with both buttons, and the words made safe."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot import limits
from bot.effects import MessageMember
from bot.handlers.actions.cards import ask_card, reminder_card
from bot.store.actions import OPEN, Action
from testkit.fake_slack import TEAM, FakeSlack, SlackHarness
from tests.adapters.slack.test_adapter import FAY, PAT, _group, actions_of

TODAY = date(2026, 3, 3)


def longest_action() -> Action:
    """An action with the most words allowed, a long name and markup that must not work."""
    words = ("Tell *everyone* @channel <!here> about it " * 200)[: limits.ACTION]
    return Action(
        id=2**31 - 1,
        group_id=2**31 - 1,
        meeting_id=None,
        number=999_999_999,
        text=words,
        owner_id=1,
        recorded_by=2,
        recorded_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        due_on=date(2027, 12, 25),
        status=OPEN,
        accepted_at=None,
        asked_at=None,
        done_at=None,
        done_note=None,
        reminded_at=None,
        owner_name="P" * 200,
    )


async def test_the_owners_cards_fit_slack_at_their_longest(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    action = longest_action()
    cards = (
        ask_card(action.group_id, "G" * 100, action, "R" * 200, TODAY),
        reminder_card(action.group_id, "G" * 100, action, TODAY),
    )
    effects = [MessageMember("slack", TEAM, "U0PAT", card) for card in cards]
    assert await slack.adapter.deliverer.deliver(effects) == []
    posted = fake.of("chat.postMessage")
    assert [p["channel"] for p in posted] == ["U0PAT", "U0PAT"]
    labels = [
        [e["text"]["text"] for b in p["blocks"] if b["type"] == "actions" for e in b["elements"]]
        for p in posted
    ]
    assert labels == [["Accept", "Not me"], ["Done", "Not me"]]
    shown = str(posted)
    assert "<!here>" not in shown and "@channel" not in shown and "*everyone*" not in shown


async def test_an_action_for_a_mentioned_person_is_asked_and_declined_in_slack(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    """Slack's `<@U…>` mention names the owner; their DM gets the question; Not me opens a
    modal whose reason reaches whoever noted the action."""
    await _group(slack, fake)
    status, _ = await slack.command(FAY, "action Ring the school <@U0PAT|pat> by friday")
    assert status == 200
    await slack.adapter.settled()
    [asked] = [p for p in fake.of("chat.postMessage") if p["channel"] == "U0PAT"]
    assert "Ring the school" in str(asked["blocks"]) and "Friday 6 March" in str(asked["blocks"])
    fake.clear()
    await slack.press(PAT, actions_of(asked["blocks"]), "Not me", channel="D0PAT")
    [opened] = fake.of("views.open")
    await slack.submit(PAT, opened["view"], {"reason": "Away that week"})
    await slack.adapter.settled()
    told = [p for p in fake.of("chat.postMessage") if p["channel"] == FAY.user_id]
    assert told and "Away that week" in str(told[-1]["blocks"])
