"""Teams answers a turn first and sends the rest right after: posts, 1:1 messages and updates go
through the outbox and the app's drain, so a large group never makes Teams wait."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot.adapters.teams.adapter import TEAMS_KEY
from bot.cards import Card
from bot.delivery.outbox import enqueue, pending
from bot.effects import MessageMember
from bot.store import members as members_store
from bot.store.schema import groups
from testkit.fake_teams import TENANT, TeamsHarness, teams_person
from tests.dialogue import FakeClock

FAY = teams_person("29:1fay", "Fay Okafor")
PROMPT = "What would make this easier?"
CARD = Card(text="Words nobody else should read")


async def large_group(teams: TeamsHarness, size: int) -> list[object]:
    """Fay sets up the channel; everyone else is added straight to the store."""
    assert await teams.say(FAY, "setup Parents Forum") == 201
    others = [teams_person(f"29:member-{n:02d}", f"Member {n}") for n in range(size - 1)]
    async with teams.bot.db.write() as conn:
        group_id = await conn.scalar(select(groups.c.id))
        assert group_id is not None
        for who in others:
            await members_store.add(
                conn, group_id, who.user_id, who.display_name, now=teams.bot.services.clock()
            )
    teams.fake.clear()
    return [FAY, *others]


async def test_a_round_in_a_60_member_group_is_answered_before_the_invitations_go_out(
    teams: TeamsHarness,
) -> None:
    everyone = await large_group(teams, 60)
    fake = teams.fake
    release = fake.hold_personal_chats()  # Teams is slow to open each 1:1 chat
    activity = teams.message(FAY, f"round {PROMPT}", personal=True)
    status, _ = await teams.post(activity, settle=False)
    assert status == 201  # answered while no 1:1 chat could be opened yet
    [answer] = fake.to_user(FAY)
    assert "The round is open and I've invited everyone privately" in answer.texts()
    assert not [s for s in fake.sent if s.kind == "create"]
    release.set()
    await teams.settled()
    for who in everyone:
        invitations = [s for s in fake.to_user(who) if PROMPT in s.texts()]
        assert len(invitations) == 1, who.display_name
    assert len([s for s in fake.sent if s.kind == "create"]) == 60
    [card] = [s for s in fake.in_channel() if s.kind == "send"]
    assert PROMPT in card.texts()
    assert await pending(teams.bot.db) == 0


async def test_the_channel_card_goes_out_before_the_invitations(teams: TeamsHarness) -> None:
    await large_group(teams, 5)
    assert await teams.say(FAY, f"round {PROMPT}", personal=True) == 201
    sent = [s for s in teams.fake.sent if s.kind in ("send", "create")]
    channel = [n for n, s in enumerate(sent) if s.conversation.startswith("19:")]
    invitations = [n for n, s in enumerate(sent) if s.kind == "create"]
    assert channel == [0] and len(invitations) == 5


async def test_stopping_cancels_a_stuck_drain_and_the_outbox_keeps_the_rest(
    teams: TeamsHarness,
) -> None:
    await large_group(teams, 3)
    teams.fake.hold_personal_chats()  # never released: Teams hangs
    activity = teams.message(FAY, f"round {PROMPT}", personal=True)
    assert (await teams.post(activity, settle=False))[0] == 201
    adapter = teams.client.app[TEAMS_KEY] if teams.client.app is not None else None
    assert adapter is not None
    await adapter.close(wait=0.05)
    await adapter.settled()  # nothing is left running
    assert not [s for s in teams.fake.sent if s.kind == "create"]
    # Nothing is lost, nothing doubled: the channel card's row went as soon as the card went out
    # (if the drain got that far); the three invitations wait for a later drain.
    cards = len([s for s in teams.fake.in_channel() if s.kind == "send"])
    assert await pending(teams.bot.db) == 4 - cards


async def test_a_message_teams_took_but_answered_too_late_is_not_sent_again_and_is_counted(
    teams: TeamsHarness, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await large_group(teams, 2)  # Fay's channel and tenant are known
    adapter = teams.client.app[TEAMS_KEY] if teams.client.app is not None else None
    assert adapter is not None
    adapter.deliverer.timeout = 0.2  # each call's bound (10 s in service), made short
    release = teams.fake.hold_personal_chats()  # Teams takes the call and answers late
    labels = {"platform": "teams", "kind": "MessageMember"}
    before = REGISTRY.get_sample_value("commonground_ambiguous_sends_total", labels) or 0.0
    async with teams.bot.db.write() as conn:
        await enqueue(conn, [MessageMember("teams", TENANT, "29:1fay", CARD)], clock())
    await teams.bot.drainer.drain()
    release.set()  # the late answer arrives: the 1:1 chat was made and the message sent
    assert await pending(teams.bot.db) == 0  # not kept to be sent again
    after = REGISTRY.get_sample_value("commonground_ambiguous_sends_total", labels) or 0.0
    assert after == before + 1
    assert "a MessageMember may or may not have reached the platform" in caplog.text
    clock.advance(hours=3)
    await teams.bot.drainer.drain()
    creates = [s for s in teams.fake.sent if s.kind == "create"]
    assert len(creates) <= 1  # at most the one Teams took late; never sent again


async def test_a_message_teams_refuses_for_good_is_not_retried(
    teams: TeamsHarness, clock: FakeClock
) -> None:
    await large_group(teams, 2)
    tried = teams.fake.hits.get("create", 0)
    teams.fake.fail("create", 404)
    async with teams.bot.db.write() as conn:
        await enqueue(conn, [MessageMember("teams", TENANT, "29:1fay", CARD)], clock())
    await teams.bot.drainer.drain()
    assert await pending(teams.bot.db) == 0
    clock.advance(hours=3)
    await teams.bot.drainer.drain()
    assert teams.fake.hits["create"] == tried + 1
