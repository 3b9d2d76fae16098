"""More of the product through Slack: the check-in's "Add words" and "Pass", big-elephant
perspectives, the which-group picker in a direct message, the App Home tab's open items and the
facilitators' ledger, the message shortcut, and display names from `users.info`."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.adapter import MESSAGE_SHORTCUT
from bot.app import CommonGround
from bot.handlers.elephants.commands import post_due_elephants
from bot.handlers.home.page import NO_LEDGER
from bot.handlers.nudges.commands import reflection_nudge
from bot.identity import Where
from bot.store import groups, meetings, members
from bot.store.schema import elephants, perspectives, reflections
from testkit.fake_slack import TEAM, FakeSlack, SlackHarness, slack_person
from tests.adapters.slack.test_adapter import _group, _home_event, actions_of, texts
from tests.dialogue import FakeClock, count

FAY = slack_person("U0FAY", "fay")
PAT = slack_person("U0PAT", "pat")
LEE = slack_person("U0LEE", "lee")
CHANNEL = "C0GENERAL"


# -- check-in ------------------------------------------------------------------------------------


async def test_checkin_add_words_opens_the_modal_and_pass_is_an_answer(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    await slack.command(FAY, "checkin")
    card = actions_of(fake.of("chat.postMessage")[0]["blocks"])
    fake.clear()

    await slack.press(PAT, card, "Add words")
    [opened] = fake.of("views.open")
    view = opened["view"]
    assert view["callback_id"] == "checkin.form"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "mood",
        "words",
        "visibility",
    ]
    fake.clear()
    status, body = await slack.submit(
        PAT, view, {"mood": "3", "words": "Tired but here", "visibility": "facilitators"}
    )
    assert (status, body) == (200, "")
    [thanks] = fake.of("chat.postEphemeral")
    assert thanks["text"].startswith("Thanks for checking in.")
    assert "*Checked in*\n1 of 3" in texts(fake.of("chat.update")[-1]["blocks"])
    fake.clear()

    await slack.press(LEE, card, "Pass")
    [answer] = fake.of("respond")
    assert "passing is always fine" in answer["text"]
    assert "*Checked in*\n2 of 3" in texts(fake.of("chat.update")[-1]["blocks"])


# -- big elephants -------------------------------------------------------------------------------


async def test_a_big_elephant_invitation_opens_the_perspective_modal(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround, clock: FakeClock
) -> None:
    await _group(slack, fake)
    await slack.command(PAT, "big: Professionals never share their own lives", command="/elephant")
    clock.advance(minutes=30)
    await slack.adapter.deliverer.deliver(await bot.core.run_job(post_due_elephants))
    invites = {p["channel"]: p for p in fake.of("chat.postMessage") if p["channel"] != CHANNEL}
    assert set(invites) == {FAY.user_id, PAT.user_id, LEE.user_id}
    invite = invites[LEE.user_id]
    assert "A big elephant needs your view" in invite["text"]
    fake.clear()

    await slack.press(LEE, actions_of(invite["blocks"]), "Add my perspective", channel="D0LEE")
    [opened] = fake.of("views.open")
    view = opened["view"]
    assert view["callback_id"] == "elephant.perspective"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["text", "role_tag"]
    fake.clear()

    status, body = await slack.submit(LEE, view, {"text": "", "role_tag": "none"})
    assert json.loads(body)["response_action"] == "errors"
    assert await count(bot.db, perspectives) == 0

    status, body = await slack.submit(
        LEE, view, {"text": "It would help to hear from staff", "role_tag": "tag"}
    )
    assert (status, body) == (200, "")
    [thanks] = fake.of("chat.postMessage")
    assert thanks["channel"] == LEE.user_id
    assert "stored without your name" in thanks["text"]
    assert await count(bot.db, perspectives) == 1


# -- which group ---------------------------------------------------------------------------------


async def test_in_a_direct_message_a_person_in_two_groups_is_asked_which(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    await slack.command(FAY, "setup Carers Panel", channel="C0OTHER")
    picker = actions_of(fake.of("chat.postMessage")[-1]["blocks"])
    await slack.press(PAT, picker, "Professional", channel="C0OTHER")
    fake.clear()

    await slack.command(PAT, "elephants", channel="D0PAT")
    [question] = fake.of("respond")
    assert question["text"] == (
        "You're in more than one group. Which group is this for? Press its name, or type its "
        "number: 1 Carers Panel, 2 Parents Forum."
    )
    choices = actions_of(question["blocks"])
    assert sorted(e["text"]["text"] for e in choices["elements"]) == [
        "Carers Panel",
        "Parents Forum",
    ]
    fake.clear()

    await slack.press(PAT, choices, "Carers Panel", channel="D0PAT")
    [answer] = fake.of("respond")
    assert "Carers Panel" in answer["text"] or "Carers Panel" in texts(answer["blocks"])
    assert "Parents Forum" not in str(answer)

    # Typing the number does what pressing does.
    await slack.command(PAT, "elephants", channel="D0PAT")
    fake.clear()
    await slack.command(PAT, "2", channel="D0PAT")
    [typed] = fake.of("respond")
    assert "Parents Forum" in typed["text"] or "Parents Forum" in texts(typed["blocks"])
    assert "Carers Panel" not in str(typed)


# -- App Home ------------------------------------------------------------------------------------


async def _home(slack: SlackHarness, fake: FakeSlack, who_id: str, n: int) -> dict[str, Any]:
    body = slack.event_body(_home_event(who_id), f"Ev0HOMEFLOW{n}")
    assert (await slack.post(body, "application/json"))[0] == 200
    published = fake.of("views.publish")[-1]
    assert published["user_id"] == who_id
    view: dict[str, Any] = published["view"]
    return view


PAGES = "Open the group's pages"


def _buttons(view: dict[str, Any]) -> list[str]:
    return [
        e["text"]["text"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


async def test_the_home_tab_offers_the_open_checkin_and_round_and_a_press_there_counts(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    view = await _home(slack, fake, PAT.user_id, 1)
    assert _buttons(view) == [PAGES]  # nothing open yet: only the link to the group's pages
    assert "Reciprocity" not in texts(view["blocks"])

    await slack.command(FAY, "checkin")
    await slack.command(FAY, "round What would make this easier?")
    fake.clear()
    view = await _home(slack, fake, PAT.user_id, 2)
    shown = texts(view["blocks"])
    assert "Check-in" in shown and "What would make this easier?" in shown
    assert _buttons(view) == [
        PAGES,
        "1 Struggling",
        "2 Low",
        "3 Okay",
        "4 Good",
        "5 Great",
        "Pass",
        "Add words",
        "Share",
        "Pass",
    ]
    checkin = next(
        b
        for b in view["blocks"]
        if b["type"] == "actions" and b["elements"][0]["text"]["text"] == "1 Struggling"
    )
    fake.clear()

    # Pressed on the home tab (no channel, no response URL): answered in a direct message.
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": PAT.user_id, "username": "pat", "team_id": TEAM},
        "team": {"id": TEAM},
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": "trigger-home",
        "view": {"id": "VHOME", "type": "home"},
        "actions": [
            {
                "action_id": checkin["elements"][3]["action_id"],
                "value": checkin["elements"][3]["value"],
                "type": "button",
                "block_id": "b1",
                "action_ts": "1700000000.1",
            }
        ],
    }
    assert (await slack.interaction(payload))[0] == 200
    [thanks] = fake.of("chat.postMessage")
    assert thanks["channel"] == PAT.user_id
    assert thanks["text"].startswith("Thanks for checking in.")
    view = await _home(slack, fake, PAT.user_id, 3)
    assert "*Your answer*\n4 Good" in texts(view["blocks"])


async def test_facilitators_see_the_recent_ledger_with_small_crowds_folded(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    view = await _home(slack, fake, FAY.user_id, 4)
    assert NO_LEDGER in texts(view["blocks"])

    await slack.command(FAY, "round What would make this easier?")
    await slack.command(PAT, "share More notice before meetings")
    await slack.command(LEE, "pass")
    # A round still holding its answers is not counted yet: a share may still be withdrawn.
    assert NO_LEDGER in texts((await _home(slack, fake, FAY.user_id, 7))["blocks"])
    await slack.command(FAY, "round reveal")
    fake.clear()
    shown = texts((await _home(slack, fake, FAY.user_id, 5))["blocks"])
    assert "Reciprocity in Parents Forum (facilitators)" in shown
    assert "Who shared, by role" in shown
    # One person per role is fewer than k: the three small role groups are merged into one
    # line, as in the summary, so nobody's share, pass or silence can be picked out.
    lines = shown.split("\n")
    assert "Other roles: 1 of 3 shared · 1 passed · 1 quiet this time" in lines
    assert not any(line.startswith(("Lived", "Professionals", "Role not said")) for line in lines)
    # Members who are not facilitators do not see it.
    assert "Reciprocity" not in texts((await _home(slack, fake, PAT.user_id, 6))["blocks"])


# -- the message shortcut ------------------------------------------------------------------------


async def test_the_message_shortcut_opens_the_elephant_form_filled_in_and_stores_nothing(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround
) -> None:
    await _group(slack, fake)
    payload = {
        "type": "message_action",
        "token": "legacy",
        "action_ts": "1700000000.2",
        "team": {"id": TEAM, "domain": "testers"},
        "user": {"id": PAT.user_id, "username": "pat", "team_id": TEAM},
        "channel": {"id": CHANNEL, "name": "general"},
        "callback_id": MESSAGE_SHORTCUT,
        "trigger_id": "trigger-message",
        "response_url": fake.response_url(99),
        "message_ts": "1700000000.000100",
        "message": {
            "type": "message",
            "user": LEE.user_id,
            "ts": "1700000000.000100",
            "text": "We keep &lt;deciding&gt; things before <@U0LEE|lee> arrives",
        },
    }
    assert (await slack.interaction(payload))[0] == 200
    [opened] = fake.of("views.open")
    assert opened["trigger_id"] == "trigger-message"
    view = opened["view"]
    assert view["callback_id"] == "elephant.form"
    text_input = next(b for b in view["blocks"] if b.get("block_id") == "text")
    assert (
        text_input["element"]["initial_value"]
        == "We keep <deciding> things before <@U0LEE> arrives"
    )
    assert await count(bot.db, elephants) == 0
    fake.clear()

    await slack.submit(PAT, view, {"text": "We keep deciding things early", "size": "little"})
    [thanks] = fake.of("chat.postEphemeral")
    assert (thanks["channel"], thanks["user"]) == (CHANNEL, PAT.user_id)
    assert await count(bot.db, elephants) == 1


# -- display names -------------------------------------------------------------------------------


async def test_display_names_come_from_users_info_cached_with_the_handle_as_fallback(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    fake.names[FAY.user_id] = "Fay Okafor"
    await slack.command(FAY, "setup Parents Forum")
    assert "Fay Okafor is the facilitator" in texts(fake.of("chat.postMessage")[0]["blocks"])
    await slack.command(FAY, "help")
    assert fake.of("users.info") == [{"user": FAY.user_id}]  # remembered, not asked again

    fake.fail("users.info", 500, 500, 500, 500)
    picker = actions_of(fake.of("chat.postMessage")[1]["blocks"])
    await slack.press(PAT, picker, "Professional")
    await slack.command(FAY, f"facilitator add <@{PAT.user_id}>")
    assert fake.of("respond")[-1]["text"].startswith("Done. pat is now a facilitator too.")


# -- after the meeting, rounds and erasing -------------------------------------------------------


async def test_the_reflection_question_buttons_and_change_modal_work_through_slack(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround
) -> None:
    await _group(slack, fake)
    await slack.command(FAY, "checkin")
    await slack.press(PAT, actions_of(fake.of("chat.postMessage")[0]["blocks"]), "3 Okay")
    await slack.command(FAY, "meeting end")
    async with bot.db.read() as conn:
        group = await groups.for_conversation(conn, Where("slack", TEAM, CHANNEL))
        assert group is not None
        meeting = await meetings.latest_ended(conn, group.id)
    assert meeting is not None
    fake.clear()

    async def job(ctx: Any) -> Any:
        return await reflection_nudge(ctx, meeting)

    await slack.adapter.deliverer.deliver(await bot.core.run_job(job, group_id=group.id))
    [question] = fake.of("chat.postMessage")
    assert question["channel"] == PAT.user_id
    buttons = actions_of(question["blocks"])
    before = await count(bot.db, reflections)
    fake.clear()

    await slack.press(PAT, buttons, "4", channel="D0PAT")
    assert await count(bot.db, reflections) == before + 1
    assert fake.of("respond")[0]["response_type"] == "ephemeral"
    fake.clear()

    await slack.press(PAT, buttons, "One thing to change", channel="D0PAT")
    [opened] = fake.of("views.open")
    view = opened["view"]
    assert view["callback_id"] == "nudges.reflection"
    fake.clear()
    status, body = await slack.submit(PAT, view, {"change": "Shorter meetings, please"})
    assert (status, body) == (200, "")
    assert [m["channel"] for m in fake.of("chat.postMessage")] == [PAT.user_id]


async def test_round_pass_button_and_forget_me_buttons_through_slack(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround
) -> None:
    await _group(slack, fake)
    await slack.command(FAY, "round What would make this easier?")
    card = actions_of(fake.of("chat.postMessage")[0]["blocks"])
    fake.clear()
    await slack.press(LEE, card, "Pass")
    [answer] = fake.of("respond")
    assert answer["text"] == "Thanks — you've passed. Passing is always fine."
    assert "*Answers*\n1 of 3 has answered" in texts(fake.of("chat.update")[-1]["blocks"])
    fake.clear()

    await slack.command(PAT, "forget-me")
    [ask] = fake.of("respond")
    confirm = actions_of(ask["blocks"])
    assert [e["text"]["text"] for e in confirm["elements"]] == [
        "Yes, erase my data",
        "No, keep it",
    ]
    fake.clear()

    async def pat_is_member() -> bool:
        async with bot.db.read() as conn:
            group = await groups.for_conversation(conn, Where("slack", TEAM, CHANNEL))
            assert group is not None
            return await members.get(conn, group.id, PAT.user_id) is not None

    await slack.press(PAT, confirm, "No, keep it")
    assert fake.of("respond")
    assert await pat_is_member()
    await slack.press(PAT, confirm, "Yes, erase my data")
    assert not await pat_is_member()


async def test_a_message_longer_than_the_form_takes_is_filled_in_up_to_a_word_and_says_so(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    long = " ".join(f"word{i}" for i in range(400))  # about 3,000 characters
    payload = {
        "type": "message_action",
        "token": "legacy",
        "action_ts": "1700000000.2",
        "team": {"id": TEAM, "domain": "testers"},
        "user": {"id": PAT.user_id, "username": "pat", "team_id": TEAM},
        "channel": {"id": CHANNEL, "name": "general"},
        "callback_id": MESSAGE_SHORTCUT,
        "trigger_id": "trigger-long",
        "response_url": fake.response_url(98),
        "message_ts": "1700000000.000100",
        "message": {"type": "message", "user": LEE.user_id, "ts": "1.1", "text": long},
    }
    assert (await slack.interaction(payload))[0] == 200
    [opened] = fake.of("views.open")
    view = opened["view"]
    text_input = next(b for b in view["blocks"] if b.get("block_id") == "text")
    filled = text_input["element"]["initial_value"]
    assert len(filled) <= 1000 and long.startswith(filled) and long[len(filled)] == " "
    assert "The message is longer than this form takes (1,000 characters)" in json.dumps(view)
