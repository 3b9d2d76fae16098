"""Teams' limits: the strict fake refuses what Teams refuses, the renderer never sends it, a long
card continues in consecutive cards with every word, and a post refused for good is sent once more
smaller and then reported, never handed back to the outbox's retry loop."""

from __future__ import annotations

import json

import aiohttp

from bot.adapters.teams import limits
from bot.adapters.teams.cards import card_content, card_parts, continues, form_content, phone_fit
from bot.adapters.teams.dialogs import SENT_PRIVATELY, dialog_answer
from bot.adapters.teams.limits import ACTIVITY_BUDGET, ACTIVITY_LIMIT, activity_size
from bot.cards import Button, Card, Field, Form, FormInput
from bot.delivery.outbox import Outbox
from bot.effects import MessageMember, PostToConversation, ReplyToActor, UpdatePost
from bot.events import Choice
from bot.handlers.checkin.cards import answer_form, checkin_card
from bot.identity import Where
from bot.ops.observability import REFUSALS
from testkit.fake_teams import GENERAL, TENANT, Sent, TeamsHarness
from tests.adapters.teams.test_adapter import FAY, PAT, group

CHANNEL = Where("teams", TENANT, GENERAL)


def words(count: int, tag: str) -> str:
    """`count` distinct words, so a lost or repeated one shows."""
    return " ".join(f"{tag}{i}" for i in range(count))


def shown(sent: list[Sent]) -> str:
    return "\n".join(s.texts() for s in sent if "attachments" in s.body)


def long_card(shares: int = 52, length: int = 2000) -> Card:
    text = "\n\n".join(f"Share {n}: " + "x" * (length - 20) + f" end{n}" for n in range(shares))
    return Card(title="Round revealed", text=text, footer="Type `summary` for more.")


async def test_the_fake_refuses_an_activity_over_the_limit_and_a_card_the_library_rejects(
    teams: TeamsHarness,
) -> None:
    url = teams.fake.url + "v3/conversations/19:x/activities"
    small = {
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [{"type": "TextBlock", "text": "hi"}],
    }
    big = {**small, "body": [{"type": "TextBlock", "text": "y" * ACTIVITY_LIMIT}]}
    unknown = {**small, "body": [{"type": "Carousel"}]}
    too_new = {**small, "version": "1.6"}
    crowded = {
        **small,
        "body": [{"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "x"}] * 7}],
    }
    answers = []
    async with aiohttp.ClientSession() as http:
        for content in (small, big, unknown, too_new, crowded):
            activity = {
                "type": "message",
                "attachments": [
                    {"contentType": "application/vnd.microsoft.card.adaptive", "content": content}
                ],
            }
            async with http.post(url, json=activity) as response:
                answers.append((response.status, await response.text()))
    assert [status for status, _ in answers] == [200, 413, 400, 400, 400]
    assert "MessageSizeTooBig" in answers[1][1]
    assert "Carousel" in answers[2][1]
    assert "1.6" in answers[3][1]
    assert "actions" in answers[4][1]
    teams.fake.refused.clear()  # these were meant to be refused


def test_a_long_card_continues_in_parts_within_the_limit_with_every_word_in_order() -> None:
    card = long_card()
    whole = card_content(card)
    assert activity_size({"attachments": [whole]}) > ACTIVITY_LIMIT  # one card would be refused
    parts = card_parts(card)
    assert len(parts) >= 2
    for part in parts:
        assert activity_size({"type": "message", "attachments": [part]}) <= ACTIVITY_BUDGET
    texts = [Sent("send", "", {"attachments": [{"content": p}]}).texts() for p in parts]
    assert continues(len(parts) - 1) in texts[0]
    assert f"This continues in the next {len(parts) - 1} messages." in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert f"Round revealed, continued (part {number} of {len(parts)})" in text
    together = "\n".join(texts)
    ends = [together.index(f"end{n}") for n in range(52)]
    assert ends == sorted(ends)  # all 52, in order
    assert together.count("x" * 1980) == 52
    assert "**summary**" in texts[-1]


def test_a_single_text_longer_than_a_card_is_divided_between_words() -> None:
    text = words(40_000, "w")  # about 270,000 characters in one paragraph
    parts = card_parts(Card(text=text))
    assert len(parts) >= 4
    blocks = [b["text"] for p in parts for b in p["body"] if b["type"] == "TextBlock"]
    assert " ".join(b for b in blocks if not b.startswith(("This continues", "Continued"))) == text


def test_many_facts_are_divided_between_facts() -> None:
    facts = tuple(Field(f"Perspective {n}", "z" * 1000) for n in range(120))
    parts = card_parts(Card(title="Elephant", fields=facts))
    assert len(parts) >= 2
    found = [
        f["title"] for p in parts for b in p["body"] if b["type"] == "FactSet" for f in b["facts"]
    ]
    assert found == [f"Perspective {n}" for n in range(120)]


def test_buttons_fit_a_phone_and_a_required_field_shows_one_marker() -> None:
    card = card_content(checkin_card(1, 2, "Anything to say?", 3, 9))
    sets = [b["actions"] for b in card["body"] if b["type"] == "ActionSet"]
    assert [a["title"] for s in sets for a in s][:2] == ["1 Struggling", "2 Low"]
    for actions in sets:
        assert 1 <= len(actions) <= 5
        for action in actions:
            assert len(action["title"]) <= phone_fit(len(actions)) or len(actions) == 1
    form = form_content(Form("f", "T", (FormInput("a", "Your name"),)))
    [field] = [b for b in form["body"] if b.get("id") == "in:a"]
    assert field["label"] == "Your name" and field["isRequired"] is True


def test_the_checkin_form_asks_how_you_are_arriving_once() -> None:
    content = form_content(answer_form(1, 2, "Anything to say?", None))
    shown = json.dumps(content["body"])  # what the person reads (the submit data is not shown)
    assert shown.count("How are you arriving today?") == 1


async def test_a_long_post_reaches_the_channel_as_consecutive_cards(teams: TeamsHarness) -> None:
    await group(teams)
    effect = PostToConversation(CHANNEL, long_card(), key="reveal:1")
    assert await teams.bot.router.deliver([effect]) == []
    sent = teams.fake.in_channel()
    assert len(sent) >= 2 and all(s.kind == "send" for s in sent)
    assert all(f"end{n}" in shown(sent) for n in range(52))
    # handed over again (after a crash): nothing is sent twice
    teams.fake.clear()
    assert await teams.bot.router.deliver([effect]) == []
    assert teams.fake.in_channel() == []
    # an update replaces the parts one for one
    update = UpdatePost(CHANNEL, "reveal:1", long_card(length=1990))
    assert await teams.bot.router.deliver([update]) == []
    updated = teams.fake.in_channel()
    assert [s.kind for s in updated] == ["update"] * len(sent)
    assert [s.activity_id for s in updated] == [s.activity_id for s in sent]


async def test_a_long_private_message_arrives_whole(teams: TeamsHarness) -> None:
    await group(teams)
    message = MessageMember("teams", TENANT, PAT.user_id, long_card(30), key="summary:1")
    assert await teams.bot.router.deliver([message]) == []
    assert all(f"end{n}" in shown(teams.fake.to_user(PAT)) for n in range(30))


async def test_a_post_refused_as_too_big_is_sent_once_more_in_smaller_parts(
    teams: TeamsHarness,
) -> None:
    await group(teams)
    teams.fake.fail("send", 413)
    post = PostToConversation(CHANNEL, long_card(20), key="k")
    assert await teams.bot.router.deliver([post]) == []  # not handed to the outbox
    sent = teams.fake.in_channel()
    assert all(f"end{n}" in shown(sent) for n in range(20))
    assert len(sent) >= 2  # half the size: more parts than the first try


async def test_a_card_teams_cannot_read_is_sent_again_as_plain_words(teams: TeamsHarness) -> None:
    await group(teams)
    teams.fake.fail("send", 400)
    card = Card(title="Vote", text="Pick one", buttons=(Button("Yes", "v", "1"),))
    assert await teams.bot.router.deliver([PostToConversation(CHANNEL, card)]) == []
    [again] = teams.fake.in_channel()
    assert "Pick one" in again.texts() and again.actions() == []


async def test_a_post_refused_twice_is_reported_to_the_facilitators_and_counted(
    teams: TeamsHarness,
) -> None:
    await group(teams)
    counted = REFUSALS.labels(platform="teams", kind="PostToConversation", reason="413")
    before = counted._value.get()
    teams.fake.fail("send", 413, 413)
    post = PostToConversation(CHANNEL, Card(text="Refused twice"))
    assert await teams.bot.router.deliver([post]) == []  # never to the retry loop
    await Outbox(teams.bot.db, teams.bot.router, teams.bot.services.clock).drain()
    assert counted._value.get() == before + 1
    told = shown(teams.fake.to_user(FAY))
    assert "did not arrive" in told
    assert "Refused twice" not in shown(teams.fake.sent)


def test_an_answer_too_long_for_a_dialog_goes_to_the_one_to_one_chat() -> None:
    event = Choice(FAY, CHANNEL, "x", "y")
    short = ReplyToActor(Card(text="Short"))
    body, later = dialog_answer(event, {}, [short])
    assert body["task"]["type"] == "continue" and later == []
    long = ReplyToActor(long_card())
    body, later = dialog_answer(event, {}, [long])
    assert body == {"task": {"type": "message", "value": SENT_PRIVATELY}}
    assert later == [long]


def test_the_limits_agree_with_each_other_and_with_the_cards() -> None:
    assert limits.ACTIVITY_BUDGET < limits.ACTIVITY_LIMIT
    assert limits.ACTIONS_PER_SET <= limits.TEAMS_MAX_ACTIONS
    version = tuple(int(p) for p in limits.CARD_VERSION.split("."))
    assert version <= tuple(int(p) for p in limits.TEAMS_MAX_CARD_VERSION.split("."))
    assert card_content(Card(text="x"))["version"] == limits.CARD_VERSION
    # UTF-16 is what Microsoft names: plain text counts twice, and so does it here
    assert limits.activity_size({"t": "a" * 1000}) > 2000


async def test_an_answer_refused_for_good_is_sent_once_more_smaller(teams: TeamsHarness) -> None:
    await group(teams)
    teams.fake.fail("reply", 413)  # in the 1:1 chat, the answer replies to the command
    assert await teams.say(PAT, "help", personal=True) == 201
    assert "privacy" in shown(teams.fake.to_user(PAT))
    teams.fake.clear()
    teams.fake.fail("reply", 400)  # from a channel, the answer goes to a 1:1 chat it opens
    assert await teams.say(PAT, "help") == 201
    private = teams.fake.to_user(PAT)
    assert "privacy" in shown(private)
    assert all(s.actions() == [] for s in private if "attachments" in s.body)  # plain words
    assert "couldn't open our 1:1 chat" not in shown(teams.fake.in_channel())
    assert all(not pending for pending in teams.fake.failures.values()), teams.fake.failures
