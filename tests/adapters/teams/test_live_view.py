"""The facilitators' live check-in view through the real Teams deliverer and the strict fake
(size limit and Microsoft's Adaptive Cards library): a group of 60, every member's words at the
500-character limit, the view edited in place in the facilitator's 1:1 chat, part for part."""

from __future__ import annotations

from bot import limits
from bot.effects import MessageMember
from bot.events import Choice, Command
from testkit.fake_teams import Sent, TeamsHarness, teams_person
from tests.adapters.teams.test_large_group import CHANNEL, act, dm, flat, reassembled, text_of

FAY = teams_person("29:1fay", "Fay Okafor")
PEOPLE = [teams_person(f"29:1q{n:02d}", f"Member {n:02d}") for n in range(59)]


def as_it_stands(sent: list[Sent], chat: str) -> list[Sent]:
    """The facilitator's view as it reads now: each of its messages in its latest form."""
    latest: dict[str, Sent] = {}
    for s in sent:
        if s.conversation.split(";")[0] == chat and s.kind in ("send", "reply", "update"):
            latest[s.activity_id] = s
    view = [s for s in latest.values() if "How people are arriving" in s.texts()]
    first = min(int(s.activity_id[1:]) for s in view)
    return [
        s
        for key, s in sorted(latest.items(), key=lambda kv: int(kv[0][1:]))
        if int(key[1:]) >= first
    ]


async def test_the_live_view_of_sixty_is_edited_in_place_within_teams_limits(
    teams: TeamsHarness,
) -> None:
    fake = teams.fake
    assert await teams.say(FAY, "setup Live Forum") == 201
    role = fake.in_channel()[-1].button("Lived experience")
    for who in PEOPLE:
        await act(teams, Choice(who, CHANNEL, role["action"], role["value"]))
    assert await teams.say(FAY, "checkin") == 201
    fake.clear()
    watching = await act(teams, Command(FAY, dm(FAY, teams), "checkin live"))
    assert any(isinstance(e, MessageMember) and e.replace for e in watching)
    chat = fake.personal_id(FAY)
    assert "Nobody has answered yet." in reassembled(fake.to_user(FAY))

    words = {who.user_id: text_of(f"w{n}", limits.CHECKIN_WORDS) for n, who in enumerate(PEOPLE)}
    for n, who in enumerate(PEOPLE):
        line = f"checkin {1 + n % 5} facilitators: {words[who.user_id]}"
        if n % 7 == 0:
            line = "checkin pass"
        elif n % 11 == 0:
            line = f"checkin 3 nobody: {words[who.user_id]}"
        await act(teams, Command(who, dm(who, teams), line))

    assert fake.refused == []
    view = reassembled(as_it_stands(fake.sent, chat))
    assert "59 of 60" in view
    for n, who in enumerate(PEOPLE):
        if n % 7 == 0:
            assert f"{who.display_name}: passed" in view
        elif n % 11 == 0:
            assert flat(words[who.user_id]) not in view
        else:
            assert flat(words[who.user_id]) in view, n
    assert "Not answered yet: Fay Okafor." in view
    updates = [s for s in fake.sent if s.kind == "update" and s.conversation == chat]
    assert updates, "the view was not edited in place"
    heads = [
        s
        for s in fake.sent
        if s.conversation == chat and s.kind != "update" and "Arrivals: Live Forum" in s.texts()
    ]
    assert len(heads) == 1, "the view was sent again instead of being edited"
    # Only the one 1:1 chat was opened for the view; members never received it.
    assert not any(
        "How people are arriving" in s.texts()
        for s in fake.sent
        if s.conversation.split(";")[0] != chat
    )


async def test_a_view_that_shrinks_says_so_in_the_parts_it_no_longer_needs(
    teams: TeamsHarness,
) -> None:
    from bot.cards import Card
    from testkit.fake_teams import TENANT

    fake = teams.fake
    assert await teams.say(FAY, "setup Live Forum") == 201
    long = Card(title="Arrivals", text="\n".join(text_of(f"l{n}", 500) for n in range(400)))
    short = Card(title="Arrivals", text="Only a little now.")
    key = "arrivals:1:1"
    for card in (long, short):
        sent = MessageMember("teams", TENANT, FAY.user_id, card, key=key, replace=True)
        assert await teams.bot.router.deliver([sent]) == []
    chat = fake.personal_id(FAY)
    mine = [s for s in fake.sent if s.conversation == chat]
    first = [s for s in mine if s.kind in ("send", "reply") and "[l" in s.texts()]
    edits = [s for s in mine if s.kind == "update"]
    assert len(first) >= 2  # the long view took more than one message
    assert len(edits) == len(first)  # every part was edited, none sent again
    assert "Only a little now." in edits[0].texts()
    assert all("no longer needed" in e.texts() for e in edits[1:])
    assert fake.refused == []
