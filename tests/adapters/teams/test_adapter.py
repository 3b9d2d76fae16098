"""Teams end to end: Teams-shaped activities over loopback HTTP into `POST /api/messages`
(authentication off), the real core and store, and a fake Bot Framework connector recording every
card the bot sends. Each test asserts on what a person would see and on the rows stored."""

from __future__ import annotations

import copy
import logging
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.adapters.teams import TEAMS
from bot.adapters.teams import adapter as teams_adapter
from bot.adapters.teams import settings as teams_settings
from bot.adapters.teams.settings import TeamsSettings
from bot.app import DRIVER_LOGGERS, build, configured_adapters, web_app
from bot.cards import Card
from bot.core import Core
from bot.effects import MessageMember, PostToConversation
from bot.handlers.elephants.commands import TYPED_IN_THE_OPEN
from bot.identity import Where
from bot.ops.observability import TextFormatter
from bot.settings import Settings
from bot.store.schema import (
    checkins,
    conversation_refs,
    elephants,
    inbound_events,
    members,
    round_answers,
)
from testkit.fake_teams import (
    BOT_ID,
    BOT_NAME,
    GENERAL,
    PROJECTS,
    TEAM,
    TENANT,
    FakeTeams,
    Sent,
    TeamsHarness,
    dialog_texts,
    teams_person,
)
from testkit.loopback import free_port
from tests.dialogue import FakeClock, count

FAY = teams_person("29:1fay", "Fay Okafor")
SAM = teams_person("29:1sam", "Sam Lee")
PAT = teams_person("29:1pat", "Pat Quinn")
CHANNEL = Where("teams", TENANT, GENERAL)


Teams = TeamsHarness


def last_to(fake: FakeTeams, who: Any) -> Sent:
    sent = fake.to_user(who)
    assert sent, f"nothing reached {who.display_name} privately"
    return sent[-1]


def button_starting(sent: Sent, prefix: str) -> dict[str, Any]:
    for action in sent.actions():
        if action["title"].startswith(prefix):
            return dict(action["data"])
    raise AssertionError(f"no button starting {prefix!r}")


async def group(teams: Teams) -> None:
    """Fay sets up the channel; Sam and Pat choose roles with the picker's buttons."""
    fake = teams.fake
    assert await teams.say(FAY, "setup Parents Forum") == 201
    picker = fake.in_channel()[-1]
    for who, label in ((SAM, "Lived experience"), (PAT, "Professional")):
        status, answer = await teams.dialog(who, picker.button(label))
        assert status == 200
        assert label.lower() in dialog_texts(answer).lower()
    fake.clear()


# -- commands ------------------------------------------------------------------------------------


async def test_setup_by_mention_posts_in_the_channel_and_answers_privately(teams: Teams) -> None:
    fake = teams.fake
    assert await teams.say(FAY, "setup Parents Forum") == 201
    [created] = [s for s in fake.sent if s.kind == "create"]
    assert created.body["members"] == [{"id": FAY.user_id}]
    assert created.body["channelData"] == {"tenant": {"id": TENANT}}
    assert "is set up and you're its first facilitator" in last_to(fake, FAY).texts()
    welcome, picker = fake.in_channel()
    assert welcome.kind == "send" and welcome.conversation == GENERAL  # a new post, not a reply
    assert "Welcome to Parents Forum" in welcome.texts()
    assert picker.button("Lived experience")["action"]
    content = welcome.body["attachments"][0]
    assert content["contentType"] == "application/vnd.microsoft.card.adaptive"
    # the core's backticked commands are bold in Teams, which shows no code style
    assert "**help**" in welcome.texts() and "`" not in welcome.texts()


async def test_a_role_button_in_the_channel_makes_a_member(teams: Teams) -> None:
    await group(teams)
    async with teams.bot.db.read() as conn:
        rows = (await conn.execute(select(members.c.user_id, members.c.role))).all()
    assert set(rows) >= {(SAM.user_id, "lived-experience"), (PAT.user_id, "professional")}


async def test_another_persons_mention_becomes_the_neutral_form(teams: Teams) -> None:
    await group(teams)
    status = await teams.say(FAY, f"facilitator <at>{SAM.display_name}</at>", mentions=(SAM,))
    assert status == 201
    async with teams.bot.db.read() as conn:
        facilitator = await conn.scalar(
            select(members.c.is_facilitator).where(members.c.user_id == SAM.user_id)
        )
    assert facilitator


async def test_plain_commands_in_the_one_to_one_chat(teams: Teams) -> None:
    await group(teams)
    assert await teams.say(SAM, "help", personal=True) == 201
    [answer] = teams.fake.to_user(SAM)
    assert answer.kind == "reply"  # straight back in the 1:1 chat, no new conversation
    assert "in Teams, our 1:1 chat" in answer.texts()  # where elephants are named
    assert not [s for s in teams.fake.sent if s.kind == "create"]


async def test_html_and_entities_in_message_text_are_read_as_plain_text(teams: Teams) -> None:
    await group(teams)
    activity = teams.message(FAY, "")
    activity["text"] = f"<p><at>{BOT_NAME}</at>&nbsp;help</p>"
    status, _ = await teams.post(activity)
    assert status == 201
    assert "For members" in last_to(teams.fake, FAY).texts()


# -- elephants: never typed into a channel -----------------------------------------------------


async def test_an_elephant_typed_in_the_channel_is_refused_and_not_stored(teams: Teams) -> None:
    await group(teams)
    fake = teams.fake
    assert await teams.say(SAM, "elephant We never hear from parents") == 201
    assert await count(teams.bot.db, elephants) == 0
    assert fake.in_channel() == []  # nothing more in the channel
    refusal = last_to(fake, SAM).texts()
    assert "haven't kept that elephant" in refusal
    assert "We never hear from parents" in refusal  # their words handed back, privately
    assert TYPED_IN_THE_OPEN.split(".")[0] in refusal


async def test_elephant_alone_sends_a_private_form_that_stores_it(teams: Teams) -> None:
    await group(teams)
    fake = teams.fake
    assert await teams.say(SAM, "elephant") == 201
    form = last_to(fake, SAM)
    kinds = {e.get("id"): e["type"] for e in form.card["body"] if "id" in e}
    assert kinds == {"in:text": "Input.Text", "in:size": "Input.ChoiceSet"}
    submit = form.card["actions"][0]
    assert submit["type"] == "Action.Submit"
    assert submit["data"]["form_id"] and submit["data"]["context"]
    assert fake.in_channel() == []
    assert await teams.fill(SAM, form, {"text": "Meetings start late", "size": "little"}) == 201
    assert await count(teams.bot.db, elephants) == 1
    replaced, thanks = fake.to_user(SAM)[-2:]
    assert (replaced.kind, replaced.activity_id) == ("update", form.activity_id)
    assert replaced.texts() == "Sent. Thank you."  # the form cannot be sent twice
    assert "Thank you for naming it" in thanks.texts()


async def test_a_rejected_form_comes_back_with_errors_and_what_was_typed(teams: Teams) -> None:
    await group(teams)
    fake = teams.fake
    await teams.say(SAM, "elephant")
    form = last_to(fake, SAM)
    too_long = "x" * 5000
    assert await teams.fill(SAM, form, {"text": too_long, "size": "big"}) == 201
    again = last_to(fake, SAM)
    assert (again.kind, again.activity_id) == ("update", form.activity_id)  # in place
    fields = {e["id"]: e for e in again.card["body"] if "id" in e}
    assert fields["in:text"]["value"] == too_long  # kept
    assert fields["in:size"]["value"] == "big"
    errors = [e for e in again.card["body"] if e.get("color") == "Attention"]
    assert errors, "the error is shown"
    assert await count(teams.bot.db, elephants) == 0


# -- check-in: buttons on a channel card, the live count updated in place ----------------------


async def test_a_checkin_answer_updates_the_channel_card(teams: Teams) -> None:
    await group(teams)
    fake = teams.fake
    assert await teams.say(FAY, "checkin") == 201
    [post] = [s for s in fake.in_channel() if s.kind == "send"]
    assert [a["title"] for a in post.actions()][-2:] == ["Pass", "Add words"]
    assert "Pass" in post.texts()
    fake.clear()
    status, answer = await teams.dialog(SAM, button_starting(post, "3"))
    assert status == 200
    assert dialog_texts(answer)  # the private answer, in a dialog where Sam pressed
    assert fake.to_user(SAM) == []  # and not in the 1:1 chat
    [update] = [s for s in fake.sent if s.kind == "update"]
    assert update.conversation == GENERAL
    assert update.activity_id == post.activity_id
    assert update.texts() != post.texts()


# -- installation and joining --------------------------------------------------------------------


async def test_the_bot_added_to_a_team_greets_it_and_suggests_setup(teams: Teams) -> None:
    status, _ = await teams.post(teams.members_added({"id": BOT_ID}))
    assert status == 201
    [greeting] = teams.fake.in_channel()
    assert "setup" in greeting.texts()


async def test_the_bot_added_to_a_personal_chat_says_hello(teams: Teams) -> None:
    status, _ = await teams.post(teams.members_added({"id": BOT_ID}, personal=True))
    assert status == 201
    [hello] = teams.fake.sent
    assert "This is our private chat" in hello.texts()


async def test_a_person_added_is_greeted_privately_with_the_role_picker(teams: Teams) -> None:
    await group(teams)
    newcomer = teams_person("29:1new", "Noor")
    teams.fake.names[newcomer.user_id] = "Noor Haddad"  # Teams sends no name; the roster has it
    status, _ = await teams.post(
        teams.members_added({"id": newcomer.user_id, "aadObjectId": "aad-new"})
    )
    assert status == 201
    welcome = last_to(teams.fake, newcomer)
    assert "Welcome to Parents Forum" in welcome.texts()
    assert welcome.button("Lived experience")
    async with teams.bot.db.read() as conn:
        name = await conn.scalar(
            select(members.c.display_name).where(members.c.user_id == newcomer.user_id)
        )
    assert name == "Noor Haddad"


# -- reliability -----------------------------------------------------------------------------------


async def test_a_repeated_delivery_changes_nothing(teams: Teams) -> None:
    await group(teams)
    await teams.say(SAM, "elephant")
    form = last_to(teams.fake, SAM)
    activity = teams.submit(
        SAM,
        form.card["actions"][0]["data"],
        inputs={"in:text": "Same one twice", "in:size": "little"},
    )
    first, _ = await teams.post(activity)
    sent = len(teams.fake.sent)
    again, _ = await teams.post(copy.deepcopy(activity))
    assert (first, again) == (201, 201)
    assert await count(teams.bot.db, elephants) == 1
    assert len(teams.fake.sent) == sent
    async with teams.bot.db.read() as conn:
        keys = (await conn.execute(select(inbound_events.c.event_id))).scalars().all()
    assert keys and all(k.startswith("h:") and SAM.user_id not in k for k in keys)


async def test_a_delivery_that_failed_is_handled_when_teams_tries_again(
    teams: Teams, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delivery is recorded in the event's own transaction: a failure rolls it back too."""
    await group(teams)
    real_dispatch = Core._dispatch
    calls = 0

    async def fail_once(self: Core, ctx: Any, event: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the database went away")
        return await real_dispatch(self, ctx, event)

    monkeypatch.setattr(Core, "_dispatch", fail_once)
    activity = teams.message(SAM, "elephant Nobody asks the parents first", personal=True)
    assert (await teams.post(activity))[0] == 201
    assert await count(teams.bot.db, elephants) == 0
    assert (await teams.post(copy.deepcopy(activity)))[0] == 201  # Teams tries again
    assert await count(teams.bot.db, elephants) == 1


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ("{}", {}, 415),
        ("not json", {"Content-Type": "application/json"}, 400),
        ("[1, 2]", {"Content-Type": "application/json"}, 400),
        ('{"type": 5}', {"Content-Type": "application/json"}, 400),
        ('{"type": "message", "text": "help"}', {"Content-Type": "application/json"}, 400),
    ],
)
async def test_malformed_requests_get_4xx(
    teams: Teams, body: str, headers: dict[str, str], status: int
) -> None:
    response = await teams.client.post("/api/messages", data=body, headers=headers)
    assert response.status == status
    assert await count(teams.bot.db, inbound_events) == 0


async def test_an_invoke_we_do_not_use_is_answered_with_an_empty_200(teams: Teams) -> None:
    status, body = await teams.post(teams.invoke(FAY, "composeExtension/query", {}))
    assert (status, body) == (200, "")
    status, body = await teams.post(teams.invoke(FAY, "task/fetch", {"nothing": "of ours"}))
    assert (status, body) == (200, "")


async def test_a_form_button_on_a_channel_card_opens_the_form_in_a_dialog(teams: Teams) -> None:
    """Add words on the check-in card: the form opens where Sam pressed (a task module), errors
    are shown in it with the words kept, and the answer is stored."""
    await group(teams)
    fake = teams.fake
    await teams.say(FAY, "checkin")
    [post] = [s for s in fake.in_channel() if s.kind == "send"]
    fake.clear()
    status, shown = await teams.dialog(SAM, post.button("Add words"))
    assert status == 200 and shown is not None
    assert shown["task"]["type"] == "continue"
    content = shown["task"]["value"]["card"]["content"]
    ids = [e["id"] for e in content["body"] if "id" in e]
    assert ids == ["in:mood", "in:words", "in:visibility"]
    too_long = "w" * 2000
    status, again = await teams.submit_dialog(SAM, shown, {"mood": "4", "words": too_long})
    assert status == 200 and again is not None
    kept = {e["id"]: e for e in again["task"]["value"]["card"]["content"]["body"] if "id" in e}
    assert kept["in:words"]["value"] == too_long
    assert any(
        b.get("color") == "Attention" for b in again["task"]["value"]["card"]["content"]["body"]
    )
    visibility = kept["in:visibility"]["choices"][0]["value"]
    status, done = await teams.submit_dialog(
        SAM, shown, {"mood": "4", "words": "tired but here", "visibility": visibility}
    )
    assert status == 200
    assert "Thank" in dialog_texts(done), dialog_texts(done)
    async with teams.bot.db.read() as conn:
        words = (await conn.execute(select(checkins.c.words))).scalars().all()
    assert words == ["tired but here"]
    assert fake.to_user(SAM) == []  # all of it in the dialog, nothing in the 1:1 chat


async def test_connector_429_and_5xx_are_retried_within_bounds(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    await group(teams)
    fake = teams.fake
    fake.fail("send", 503, 429)
    await teams.bot.router.deliver([PostToConversation(CHANNEL, Card(text="After two tries"))])
    assert "After two tries" in fake.in_channel()[-1].texts()
    fake.clear()
    fake.hits.clear()
    fake.fail("send", 500, 500, 500, 500, 500)
    never = PostToConversation(CHANNEL, Card(text="Never"))
    with caplog.at_level(logging.ERROR):
        failed = await teams.bot.router.deliver([never])
    assert failed == [never]  # handed back, so the outbox tries again later
    assert fake.hits["send"] == 4  # the first try and three retries, then it stops
    assert fake.in_channel() == []
    assert (
        "Teams PostToConversation not delivered: ErrorResponseException (HTTP 500)" in caplog.text
    )
    fake.hits.clear()
    fake.failures.clear()
    fake.fail("send", 404)
    failed = await teams.bot.router.deliver([PostToConversation(CHANNEL, Card(text="Gone"))])
    assert fake.hits["send"] == 1  # a client error is not retried by the deliverer
    assert failed == []  # nor by the outbox: a conversation that is gone stays gone


async def test_a_keyed_post_or_message_delivered_twice_is_sent_once(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    """The outbox is at-least-once: a batch handed over again after a crash sends nothing new."""
    await group(teams)
    fake = teams.fake
    fake.clear()
    batch = [
        PostToConversation(CHANNEL, Card(text="Keyed channel card"), key="bench:1"),
        MessageMember("teams", TENANT, PAT.user_id, Card(text="Keyed invitation"), key="bench:1"),
    ]
    assert await teams.bot.router.deliver(batch) == []
    with caplog.at_level(logging.DEBUG, logger="bot.adapters"):
        assert await teams.bot.router.deliver(batch) == []
    assert sum("Keyed channel card" in s.texts() for s in fake.in_channel()) == 1
    assert sum("Keyed invitation" in s.texts() for s in fake.to_user(PAT)) == 1
    assert "sent before; not sent again" in caplog.text
    assert "Keyed" not in caplog.text and PAT.user_id not in caplog.text


# -- proactive: after a restart, from stored references -------------------------------------------


async def test_scheduled_posts_and_messages_reach_teams_after_a_restart(
    teams: Teams, settings: Settings, clock: FakeClock
) -> None:
    await group(teams)
    async with teams.bot.db.read() as conn:
        stored = (await conn.execute(select(conversation_refs))).mappings().all()
    assert {r["conversation_id"] for r in stored} == {GENERAL, f"tenant:{TENANT}", f"team:{TEAM}"}
    for row in stored:  # no person in any reference
        for who in (FAY, SAM, PAT):
            assert who.user_id not in row["ref"] and who.display_name not in row["ref"]
    restarted = build(settings, clock=clock)
    try:
        web_app(restarted)  # attaches the adapters to the new process's router
        await restarted.router.deliver(
            [
                PostToConversation(CHANNEL, Card(text="Meeting at ten")),
                MessageMember("teams", TENANT, PAT.user_id, Card(text="Your check-in")),
            ]
        )
    finally:
        await restarted.close()
    fake = teams.fake
    post = fake.in_channel()[-1]
    assert (post.kind, post.conversation) == ("send", GENERAL)
    assert "Meeting at ten" in post.texts()
    assert "Your check-in" in last_to(fake, PAT).texts()


# -- settings and the operator report -----------------------------------------------------------


def test_settings_accept_both_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", "app-1")
    monkeypatch.setenv("MicrosoftAppPassword", "pw")
    monkeypatch.setenv("MicrosoftAppType", "singletenant")
    monkeypatch.setenv("MicrosoftAppTenantId", "tenant-9")
    found = TeamsSettings(_env_file=None)
    assert (found.app_id, found.app_password, found.tenant_id) == ("app-1", "pw", "tenant-9")
    assert found.normalised_app_type == "SingleTenant" and found.auth
    monkeypatch.setenv("MICROSOFT_APP_ID", "app-2")
    assert TeamsSettings(_env_file=None).app_id == "app-2"


def test_the_operator_report_names_teams_and_warns_when_auth_is_off() -> None:
    assert configured_adapters({"MICROSOFT_APP_ID": "app-1"}) == ["Microsoft Teams"]
    assert configured_adapters({"MicrosoftAppId": "app-1"}) == ["Microsoft Teams"]
    assert configured_adapters({}) == []
    unauthenticated = {"TEAMS_ALLOW_UNAUTHENTICATED": "true"}
    assert configured_adapters(unauthenticated) == ["Microsoft Teams"]
    assert "AUTHENTICATION IS OFF" in TEAMS.warning(unauthenticated)
    assert TEAMS.warning({}) == ""  # off by default: nothing to warn about
    assert TEAMS.warning({"MICROSOFT_APP_ID": "app-1"}) == ""
    assert TEAMS.warning({**unauthenticated, "TEAMS_ENABLED": "false"}) == ""


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        *[("0.0.0.0", True), ("::", True), ("192.0.2.7", True), ("example.org", True)],
        *[("127.0.0.1", False), ("127.0.0.2", False), ("::1", False), ("localhost", False)],
    ],
)
def test_teams_without_authentication_listens_on_loopback_only(host: str, refused: bool) -> None:
    unauthenticated = {"TEAMS_ALLOW_UNAUTHENTICATED": "true"}
    problem = teams_settings.listen_problem(host, unauthenticated)
    assert (problem is not None) == refused
    if problem is not None:
        assert host in problem and "--host 127.0.0.1" in problem
    assert teams_settings.listen_problem(host, {"MICROSOFT_APP_ID": "app-1"}) is None
    assert teams_settings.listen_problem(host, {}) is None


async def test_teams_is_off_unless_configured_or_explicitly_allowed_without_authentication(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """A Slack-only installation has no open Teams door: no app id, no development setting,
    no route (and no deliverer)."""
    monkeypatch.delenv("TEAMS_ALLOW_UNAUTHENTICATED")
    bot = build(settings, clock=clock)
    client = TestClient(TestServer(web_app(bot), host="127.0.0.1"))
    await client.start_server()
    try:
        response = await client.post(
            "/api/messages", data="{}", headers={"Content-Type": "application/json"}
        )
        assert response.status in (404, 405)
    finally:
        await client.close()
        await bot.close()
    assert teams_adapter.attach(None, bot, TeamsSettings(_env_file=None)) is None
    allowed = TeamsSettings(TEAMS_ALLOW_UNAUTHENTICATED="true", _env_file=None)
    assert allowed.active and not allowed.auth
    with_app = TeamsSettings(MICROSOFT_APP_ID="app-1", _env_file=None)
    assert with_app.active and with_app.auth


async def test_teams_can_be_switched_off(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    monkeypatch.setenv("TEAMS_ENABLED", "false")
    bot = build(settings, clock=clock)
    client = TestClient(TestServer(web_app(bot), host="127.0.0.1"))
    await client.start_server()
    try:
        response = await client.post("/api/messages", data="{}")
        assert response.status in (404, 405)
    finally:
        await client.close()
        await bot.close()
    assert teams_adapter.attach(None, bot, TeamsSettings(TEAMS_ENABLED="false")) is None


async def test_the_bots_name_inside_a_command_is_kept(teams: Teams) -> None:
    assert await teams.say(FAY, f"setup {BOT_NAME} Forum") == 201
    assert f"Welcome to {BOT_NAME} Forum" in teams.fake.in_channel()[0].texts()


async def test_a_failure_inside_is_answered_kindly(
    teams: Teams, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(event: object, **_: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(teams.bot.core, "handle", broken)
    # Only the new process (with the broken core) may take the activity from the shared inbox.
    assert teams.client.app is not None
    await teams.client.app[teams_adapter.TEAMS_KEY].inbox.stop()
    client = TestClient(TestServer(web_app(teams.bot), host="127.0.0.1"))
    await client.start_server()
    try:
        harness = TeamsHarness(client, teams.fake, teams.bot)
        assert await harness.say(SAM, "help", personal=True) == 201
    finally:
        await client.close()
    [sorry] = teams.fake.to_user(SAM)
    assert "Sorry, something went wrong on my side" in sorry.texts()
    assert "a Teams activity failed: RuntimeError" in caplog.text


async def test_when_no_private_chat_can_be_opened_the_channel_is_told_without_details(
    teams: Teams,
) -> None:
    await group(teams)
    teams.fake.fail("create", 403)
    assert await teams.say(SAM, "elephant Our budget is decided elsewhere") == 201
    [notice] = teams.fake.in_channel()
    assert notice.kind == "reply"  # in the thread of the message
    assert "couldn't open our 1:1 chat" in notice.texts()
    assert "budget" not in notice.texts()
    assert await count(teams.bot.db, elephants) == 0


async def test_someone_joining_a_channel_without_a_group_gets_nothing(teams: Teams) -> None:
    status, _ = await teams.post(teams.members_added({"id": "29:1new", "name": "Noor"}))
    assert status == 201
    assert teams.fake.sent == []


# -- every command, and the round's share form --------------------------------------------------

EVERY_COMMAND: list[tuple[str, bool]] = [  # (line, typed in the 1:1 chat)
    ("help", False),
    ("privacy", False),
    ("role professional", False),
    ("settings", False),
    ("set k 4", False),
    ("timezone Europe/Paris", False),
    ("schedule weekly tue 10:00 90m", False),
    ("schedule", False),
    ("meeting skip next tuesday", False),
    ("meeting unskip next tuesday", True),
    ("meeting move next tuesday to next wednesday 6.30pm", False),
    ("quiet-hours 21:00-08:00", False),
    ("quiet-hours off", False),
    (f"facilitator add <at>{PAT.display_name}</at>", False),
    (f"facilitator remove <at>{PAT.display_name}</at>", False),
    ("meeting start", False),
    ("checkin", False),
    ("elephant Nobody reads our feedback", True),
    ("elephants", False),
    ("round What would make this easier?", False),
    ("share More notice before meetings", True),
    ("pass", True),
    ("round reveal", False),
    ("round close", False),
    ("nudges off", True),
    ("summary preview", False),
    ("summary", False),
    ("meeting end", False),
    ("elephant 1 discussed we talked", False),
    ("export", False),
    ("my-data", True),
    ("schedule off", False),
    ("forget-me", True),
    ("not-a-command", False),
]


async def test_every_command_gets_an_answer_through_teams(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    """Each line of the grammar, by @mention in the channel or plainly in the 1:1 chat, is
    answered and nothing fails."""
    await group(teams)
    fake = teams.fake
    for line, personal in EVERY_COMMAND:
        fake.clear()
        caplog.clear()
        status = await teams.say(FAY, line, personal=personal, mentions=(PAT,))
        assert status == 201, line
        answered = [s for s in fake.sent if s.kind != "create"]
        assert answered, f"no answer to {line!r}"
        shown = " ".join(s.texts() for s in answered)
        assert "something went wrong" not in shown, line
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert warnings == [], (line, [r.getMessage() for r in warnings])


async def test_a_round_invitation_in_the_one_to_one_chat_opens_the_share_form(
    teams: Teams,
) -> None:
    await group(teams)
    fake = teams.fake
    assert await teams.say(FAY, "round What would make this easier?") == 201
    invitation = last_to(fake, PAT)
    fake.clear()
    assert await teams.press(PAT, invitation.button("Share"), personal=True) == 201
    form = last_to(fake, PAT)
    inputs = {e["id"]: e for e in form.card["body"] if "id" in e}
    assert inputs["in:consent"]["type"] == "Input.ChoiceSet"
    choices = [c["value"] for c in inputs["in:consent"]["choices"]]
    assert choices == ["yes", "no"]
    assert await teams.fill(PAT, form, {"text": "More notice", "consent": "no"}) == 201
    assert "Sent. Thank you." in fake.to_user(PAT)[-2].texts()
    async with teams.bot.db.read() as conn:
        answers = (await conn.execute(select(round_answers.c.text))).scalars().all()
    assert answers == ["More notice"]


async def test_the_bot_framework_emulator_gets_answers_in_its_one_conversation(
    teams: Teams,
) -> None:
    activity = teams.message(FAY, "help", personal=True)
    activity["channelId"] = "emulator"
    activity["conversation"] = {"id": "emulator-conversation-1"}
    activity.pop("channelData")
    status, _ = await teams.post(activity)
    assert status == 201
    [answer] = teams.fake.sent
    assert (answer.kind, answer.conversation) == ("reply", "emulator-conversation-1")
    assert "setup" in answer.texts()


def test_single_tenant_needs_its_tenant_id() -> None:
    with pytest.raises(ValueError, match="needs MICROSOFT_APP_TENANT_ID"):
        TeamsSettings(MICROSOFT_APP_ID="app-1", MICROSOFT_APP_TYPE="SingleTenant", _env_file=None)
    found = TeamsSettings(
        MICROSOFT_APP_ID="app-1",
        MICROSOFT_APP_TYPE="SingleTenant",
        MICROSOFT_APP_TENANT_ID="tenant-9",
        _env_file=None,
    )
    assert found.tenant_id == "tenant-9"


async def test_a_post_to_a_channel_never_heard_from_is_handed_back(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    """No reference yet: nothing is sent, and the effects go back for the outbox to try later."""
    effects = [
        PostToConversation(Where("teams", TENANT, "19:other@thread.tacv2"), Card(text="Hi")),
        MessageMember("teams", "another-tenant", SAM.user_id, Card(text="Hello")),
    ]
    with caplog.at_level(logging.ERROR):
        failed = await teams.bot.router.deliver(effects)
    assert failed == effects
    assert teams.fake.sent == []
    assert "Teams PostToConversation not delivered: LookupError" in caplog.text
    assert SAM.user_id not in caplog.text and "Hello" not in caplog.text


async def test_an_unreachable_connector_never_puts_a_conversation_id_in_the_log(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    """urllib3 names the URL it retries ("Retrying ... /v3/conversations/a%3A.../activities/...");
    at the moment someone names an anonymous elephant that would tie them to it."""
    caplog.set_level(logging.DEBUG)
    assert await teams.say(FAY, "setup Parents Forum") == 201
    activity = teams.message(FAY, "elephant nobody listens to us", personal=True)
    activity["serviceUrl"] = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    conversation = activity["conversation"]["id"]
    caplog.clear()
    status, _ = await teams.post(activity)
    assert status == 201
    # The database drivers' DEBUG lines hold statements' parameters: the bot keeps those loggers
    # at WARNING whatever the level (`bot.app.configure_logging`), so they are left out here.
    quiet = {"aiohttp", *DRIVER_LOGGERS}
    lines = [TextFormatter().format(r) for r in caplog.records if r.name.split(".")[0] not in quiet]
    assert any("Retrying" in line for line in lines), "urllib3 did retry the unreachable connector"
    for line in lines:
        for written in (conversation, quote(conversation, safe=""), activity["id"]):
            assert written not in line
    assert any("/v3/conversations/{id}/activities/{id}" in line for line in lines)


async def test_a_deeply_nested_body_is_a_400_not_a_server_error(teams: Teams) -> None:
    response = await teams.client.post(
        "/api/messages",
        data="[" * 100_000 + "]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 400


async def test_someone_joining_the_team_is_greeted_by_a_group_in_another_channel(
    teams: Teams,
) -> None:
    """Teams tells of a new team member in the team's General channel (documented shape), even
    when the group lives elsewhere; the group there greets them privately all the same."""
    assert await teams.say(FAY, "setup Projects Circle", channel=PROJECTS) == 201
    teams.fake.clear()
    newcomer = teams_person("29:1noor", "Noor")
    teams.fake.names[newcomer.user_id] = "Noor Haddad"
    added = teams.members_added({"id": newcomer.user_id, "aadObjectId": "aad-noor"})
    assert added["conversation"]["id"] == TEAM and "channel" not in added["channelData"]
    assert await teams.post(added) == (201, "")
    welcome = last_to(teams.fake, newcomer)
    assert "Welcome to Projects Circle" in welcome.texts()
    assert welcome.button("Lived experience")
    assert teams.fake.in_channel(GENERAL) == []  # nothing about them in the channel
    # the same delivery again greets nobody twice
    teams.fake.clear()
    await teams.post(added)
    assert teams.fake.to_user(newcomer) == []
