"""The owner's private cards for an action at their longest reach a person in Teams as cards
Microsoft's library accepts (the strict fake checks each), with both buttons."""

from __future__ import annotations

from bot.effects import MessageMember
from bot.handlers.actions.cards import ask_card, reminder_card
from testkit.fake_teams import TENANT, TeamsHarness
from tests.adapters.slack.test_action_cards import TODAY, longest_action
from tests.adapters.teams.test_adapter import FAY, PAT, group


async def test_the_owners_cards_fit_teams_at_their_longest(teams: TeamsHarness) -> None:
    await group(teams)
    action = longest_action()
    cards = (
        ask_card(action.group_id, "G" * 100, action, "R" * 200, TODAY),
        reminder_card(action.group_id, "G" * 100, action, TODAY),
    )
    effects = [MessageMember("teams", TENANT, PAT.user_id, card) for card in cards]
    assert await teams.bot.router.deliver(effects) == []
    sent = [s for s in teams.fake.to_user(PAT) if "attachments" in s.body]
    assert len(sent) == 2
    assert [a["title"] for a in sent[0].actions()] == ["Accept", "Not me"]
    assert [a["title"] for a in sent[1].actions()] == ["Done", "Not me"]
    assert sent[0].button("Accept")["action"] == "actions.accept"
    assert "@channel" not in sent[0].texts()


async def test_an_action_for_a_mentioned_person_is_asked_and_accepted_in_teams(
    teams: TeamsHarness,
) -> None:
    """Teams' `<at>` mention names the owner; their 1:1 chat gets the question; Accept works."""
    await group(teams)
    text = f"action Ring the school <at>{PAT.display_name}</at> by friday"
    assert await teams.say(FAY, text, mentions=(PAT,)) == 201
    await teams.settled()
    [asked] = [s for s in teams.fake.to_user(PAT) if "Action #1 for you" in s.texts()]
    assert "Ring the school" in asked.texts() and "Friday 6 March" in asked.texts()
    teams.fake.clear()
    assert await teams.press(PAT, asked.button("Accept"), personal=True) == 201
    await teams.settled()
    assert any("action #1 is yours" in s.texts() for s in teams.fake.to_user(PAT))
    assert any("said yes to action #1" in s.texts() for s in teams.fake.to_user(FAY))
