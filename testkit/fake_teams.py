"""A local stand-in for Microsoft Teams: a fake Bot Framework connector that records what the bot
sends, and activities shaped like those Teams sends to `POST /api/messages`.

`FakeTeams` answers the connector routes the adapter uses (send, reply, update, create a 1:1
conversation, list members), each with `{"id": ...}`, and can be told to fail a route with 429 or
500 a number of times first. It gives each person one stable 1:1 conversation, as Teams does, so
what reaches a person privately is found with `to_user`.

It is strict, like Teams: an activity over Teams' size limit (`limits.ACTIVITY_LIMIT`, measured on
the body as sent and as Microsoft counts it) is answered 413 `MessageSizeTooBig`, and an Adaptive
Card that Microsoft's Adaptive Cards library rejects at the version it declares (or a version
newer than Teams renders, or more actions in a set than Teams shows) is answered 400. Each
refusal is kept in `refused`, so a test can say none happened. `TeamsHarness` runs the real aiohttp
application over loopback HTTP and posts activities with `channelData` and tenant like Teams.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.teams.adapter import TEAMS_KEY
from bot.adapters.teams.limits import ACTIVITY_LIMIT, activity_size
from bot.app import CommonGround, web_app
from bot.identity import Who
from testkit import adaptive_cards
from testkit.adaptive_cards import CHECKER

ADAPTIVE = "application/vnd.microsoft.card.adaptive"

TENANT = "tenant-0001"
GENERAL = "19:general-0001@thread.tacv2"
TEAM = GENERAL
"""A team's id is the id of its General channel, as in Teams."""
PROJECTS = "19:projects-0001@thread.tacv2"
"""Another channel of the same team."""
BOT_ID = "28:bot-app-0001"
BOT_NAME = "Common Ground"

Json = dict[str, Any]


def teams_person(user_id: str, name: str) -> Who:
    return Who("teams", TENANT, user_id, name)


@dataclass
class Sent:
    """One call the bot made to the connector."""

    kind: str  # send | reply | update | create
    conversation: str
    body: Json
    activity_id: str = ""
    at: float = field(default_factory=time.monotonic)
    """When it arrived (monotonic seconds), to check the bot kept to Teams' pace."""

    @property
    def card(self) -> Json:
        """The first attachment's content (empty for a call that carries none, such as create)."""
        attachments = self.body.get("attachments") or [{}]
        return dict(attachments[0].get("content") or {})

    def texts(self) -> str:
        """Every text on the card, joined: what a person reads."""
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key in ("text", "title", "value", "label"):
                    if isinstance(node.get(key), str) and node.get("type") != "Action.Submit":
                        found.append(node[key])
                if node.get("type") == "Action.Submit":
                    found.append(node["title"])
                for item in node.values():
                    if isinstance(item, list | dict):
                        walk(item)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.card.get("body", []))
        walk(self.card.get("actions", []))
        return "\n".join(found)

    def actions(self) -> list[Json]:
        found = [
            a
            for b in self.card.get("body", [])
            if b.get("type") == "ActionSet"
            for a in b["actions"]
        ]
        return found + list(self.card.get("actions", []))

    def button(self, label: str) -> Json:
        for action in self.actions():
            if action["title"] == label:
                return dict(action["data"])
        raise AssertionError(f"no button {label!r} in {[a['title'] for a in self.actions()]}")


@dataclass
class FakeTeams:
    """The Bot Framework connector of one Teams service URL, on a local port."""

    sent: list[Sent] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)
    personal: dict[str, str] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    server: TestServer | None = None
    hits: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    hold_creates: asyncio.Event | None = None
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    strict: bool = True
    uploads: dict[str, bytes] = field(default_factory=dict)

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    def personal_id(self, who: Who) -> str:
        """The person's 1:1 conversation with the bot (stable, like Teams's)."""
        return self.personal.setdefault(who.user_id, f"a:personal-{len(self.personal) + 1}")

    def fail(self, kind: str, *statuses: int) -> None:
        self.failures.setdefault(kind, []).extend(statuses)

    def clear(self) -> None:
        self.sent.clear()

    def to_user(self, who: Who) -> list[Sent]:
        conversation = self.personal.get(who.user_id)
        return [s for s in self.sent if s.conversation == conversation and s.kind != "create"]

    def in_channel(self, channel: str = GENERAL) -> list[Sent]:
        return [s for s in self.sent if s.conversation.split(";")[0] == channel]

    def _failure(self, kind: str) -> web.Response | None:
        self.hits[kind] = self.hits.get(kind, 0) + 1
        pending = self.failures.get(kind)
        if pending:
            status = pending.pop(0)
            headers = {"Retry-After": "0"} if status == 429 else {}
            return web.json_response(
                {"error": {"code": "Throttled", "message": "x"}}, status=status, headers=headers
            )
        return None

    def _refusal(self, kind: str, raw: bytes, body: Json) -> web.Response | None:
        """413 for an activity over the size limit, 400 for a card Teams cannot read."""
        if not self.strict:
            return None
        size = max(len(raw), activity_size(body))
        if size > ACTIVITY_LIMIT:
            self.refused.append((kind, 413, f"{size} bytes"))
            message = f"The request content length {size} exceeded limit of {ACTIVITY_LIMIT} bytes."
            error = {"error": {"code": "MessageSizeTooBig", "message": message}}
            return web.json_response(error, status=413)
        for attachment in body.get("attachments") or []:
            if attachment.get("contentType") != ADAPTIVE or adaptive_cards.problem():
                continue  # (the Teams tests refuse to run without the library; see conftest)
            errors = CHECKER.errors(attachment.get("content"))
            if errors:
                self.refused.append((kind, 400, "; ".join(errors)))
                error = {"error": {"code": "BadArgument", "message": "; ".join(errors)}}
                return web.json_response(error, status=400)
        return None

    async def _record(self, kind: str, request: web.Request) -> web.Response:
        failed = self._failure(kind)
        if failed is not None:
            return failed
        raw = await request.read()
        body = json.loads(raw)
        refused = self._refusal(kind, raw, body)
        if refused is not None:
            return refused
        conversation = request.match_info.get("cid", "")
        activity_id = request.match_info.get("aid", "")
        new_id = activity_id if kind == "update" else f"m{next(self._ids)}"
        self.sent.append(Sent(kind, conversation, body, new_id))
        return web.json_response({"id": new_id})

    async def send(self, request: web.Request) -> web.Response:
        return await self._record("send", request)

    async def reply(self, request: web.Request) -> web.Response:
        return await self._record("reply", request)

    async def update(self, request: web.Request) -> web.Response:
        return await self._record("update", request)

    def hold_personal_chats(self) -> asyncio.Event:
        """Make every 1:1 conversation creation wait until the returned event is set."""
        self.hold_creates = asyncio.Event()
        return self.hold_creates

    async def create(self, request: web.Request) -> web.Response:
        if self.hold_creates is not None:
            await self.hold_creates.wait()
        failed = self._failure("create")
        if failed is not None:
            return failed
        body = await request.json()
        [member] = body["members"]
        who = Who("teams", TENANT, member["id"], "")
        conversation = self.personal_id(who)
        self.sent.append(Sent("create", conversation, body))
        return web.json_response({"id": conversation})

    async def members(self, request: web.Request) -> web.Response:
        return web.json_response([])

    async def member(self, request: web.Request) -> web.Response:
        """One member of a team's roster: only those in `names` are known."""
        self.hits["member"] = self.hits.get("member", 0) + 1
        member_id = request.match_info["mid"]
        if member_id not in self.names:
            return web.json_response({"error": {"code": "NotFound", "message": "x"}}, status=404)
        return web.json_response(
            {"id": member_id, "name": self.names[member_id], "aadObjectId": "aad-x"}
        )

    def check_dialog(self, attachment: Json) -> None:
        """A dialog's card (in an invoke answer, not sent through the connector) checked like a
        message's: within the size limit and readable by the Adaptive Cards library."""
        activity = {"type": "message", "attachments": [attachment]}
        raw = json.dumps(activity).encode()
        self._refusal("dialog", raw, activity)

    def upload_url(self, name: str) -> str:
        """Where Teams would let the bot upload an accepted file (OneDrive's upload session)."""
        return self.url + f"upload/{name}"

    async def upload(self, request: web.Request) -> web.Response:
        """A OneDrive upload session: the whole file in one PUT with its Content-Range."""
        content = await request.read()
        expected = f"bytes 0-{max(len(content) - 1, 0)}/{len(content)}"
        if request.headers.get("Content-Range") != expected:
            return web.json_response({"error": {"code": "invalidRange"}}, status=400)
        self.uploads[request.match_info["name"]] = content
        return web.json_response({"id": "file-1", "name": request.match_info["name"]}, status=201)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_put("/upload/{name}", self.upload)
        app.router.add_post("/v3/conversations", self.create)
        app.router.add_post("/v3/conversations/{cid}/activities", self.send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self.reply)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self.update)
        app.router.add_get("/v3/conversations/{cid}/members", self.members)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self.member)
        return app


@asynccontextmanager
async def running_fake() -> AsyncIterator[FakeTeams]:
    fake = FakeTeams()
    fake.server = TestServer(fake.app(), host="127.0.0.1")
    await fake.server.start_server()
    try:
        yield fake
    finally:
        await fake.server.close()


ENV = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "MICROSOFT_APP_ID",
    "MicrosoftAppId",
    "MICROSOFT_APP_PASSWORD",
    "MicrosoftAppPassword",
    "MICROSOFT_APP_TYPE",
    "MICROSOFT_APP_TENANT_ID",
    "TEAMS_ENABLED",
    "TEAMS_RETRIES",
)


def teams_environment(monkeypatch: Any) -> None:
    """No operator settings; Teams with authentication off, no retry pauses, no proxy."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEAMS_RETRY_BACKOFF", "0")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


class TeamsHarness:
    """Posts Teams-shaped activities to the real web app over loopback HTTP."""

    def __init__(
        self, client: TestClient, fake: FakeTeams, bot: CommonGround | None = None
    ) -> None:
        self.client = client
        self.fake = fake
        self._bot = bot
        self._ids = itertools.count(1_700_000_000_001)
        self.token = ""

    @property
    def bot(self) -> CommonGround:
        assert self._bot is not None
        return self._bot

    def _base(self, who: Who, *, personal: bool, channel: str = GENERAL) -> Json:
        activity_id = str(next(self._ids))
        if personal:
            conversation = {
                "conversationType": "personal",
                "tenantId": TENANT,
                "id": self.fake.personal_id(who),
            }
            data: Json = {"tenant": {"id": TENANT}}
        else:
            conversation = {
                "isGroup": True,
                "conversationType": "channel",
                "tenantId": TENANT,
                "id": f"{channel};messageid={activity_id}",
            }
            data = {
                "teamsChannelId": channel,
                "teamsTeamId": TEAM,
                "channel": {"id": channel},
                "team": {"id": TEAM},
                "tenant": {"id": TENANT},
            }
        return {
            "type": "message",
            "id": activity_id,
            "timestamp": "2026-11-27T10:00:00.000Z",
            "localTimestamp": "2026-11-27T10:00:00.000+00:00",
            "serviceUrl": self.fake.url,
            "channelId": "msteams",
            "from": {"id": who.user_id, "name": who.display_name, "aadObjectId": "aad-x"},
            "conversation": conversation,
            "recipient": {"id": BOT_ID, "name": BOT_NAME},
            "entities": [{"type": "clientInfo", "locale": "en-GB", "country": "GB"}],
            "channelData": data,
            "locale": "en-GB",
        }

    def message(
        self,
        who: Who,
        text: str,
        *,
        personal: bool = False,
        mentions: tuple[Who, ...] = (),
        channel: str = GENERAL,
    ) -> Json:
        activity = self._base(who, personal=personal, channel=channel)
        entities = activity["entities"]
        if not personal:
            text = f"<at>{BOT_NAME}</at> {text}"
            entities.append(
                {
                    "type": "mention",
                    "text": f"<at>{BOT_NAME}</at>",
                    "mentioned": {"id": BOT_ID, "name": BOT_NAME},
                }
            )
        for other in mentions:
            entities.append(
                {
                    "type": "mention",
                    "text": f"<at>{other.display_name}</at>",
                    "mentioned": {"id": other.user_id, "name": other.display_name},
                }
            )
        activity["text"] = text
        activity["textFormat"] = "plain"
        return activity

    def submit(
        self,
        who: Who,
        data: Json,
        *,
        personal: bool = True,
        inputs: Json | None = None,
        reply_to: str = "",
    ) -> Json:
        activity = self._base(who, personal=personal)
        activity["value"] = {**data, **(inputs or {})}
        if reply_to:
            activity["replyToId"] = reply_to
        return activity

    def members_added(self, *accounts: Json, personal: bool = False) -> Json:
        """`conversationUpdate` with `membersAdded`. In a team it has Microsoft's documented
        `teamMemberAdded` shape: the conversation is the team (its General channel), and
        `channelData` names the team and the event, but no channel."""
        activity = self._base(Who("teams", TENANT, "29:admin", "Admin"), personal=personal)
        activity["type"] = "conversationUpdate"
        activity["membersAdded"] = list(accounts)
        activity.pop("text", None)
        if not personal:
            activity["conversation"] = {
                "isGroup": True,
                "conversationType": "channel",
                "tenantId": TENANT,
                "id": TEAM,
            }
            activity["channelData"] = {
                "team": {"aadGroupId": "aad-team-0001", "name": "Parents", "id": TEAM},
                "eventType": "teamMemberAdded",
                "tenant": {"id": TENANT},
            }
        return activity

    async def post(
        self, activity: Json, headers: dict[str, str] | None = None, *, settle: bool = True
    ) -> tuple[int, str]:
        """Post an activity; then (unless `settle` is False) wait until what the turn handed
        to the outbox has been sent, so the fake connector holds all of it."""
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self.token:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        response = await self.client.post("/api/messages", data=json.dumps(activity), headers=sent)
        answer = response.status, await response.text()
        if settle:
            await self.settled()
        return answer

    async def settled(self) -> None:
        """Wait for the adapter's drains (none to wait for when Teams is switched off)."""
        adapter = self.client.app.get(TEAMS_KEY) if self.client.app is not None else None
        if adapter is not None:
            await adapter.settled()

    async def say(self, who: Who, text: str, **kwargs: Any) -> int:
        status, _ = await self.post(self.message(who, text, **kwargs))
        return status

    async def press(self, who: Who, data: Json, *, personal: bool = False) -> int:
        """Press a button: a dialog button (on channel cards) sends `task/fetch`, others a
        message with `value`, as Teams does."""
        if (data.get("msteams") or {}).get("type") == "task/fetch":
            status, _ = await self.dialog(who, data, personal=personal)
            return status
        status, _ = await self.post(self.submit(who, data, personal=personal))
        return status

    def invoke(self, who: Who, name: str, data: Json, *, personal: bool = False) -> Json:
        activity = self._base(who, personal=personal)
        activity.update(
            type="invoke", name=name, value={"data": data, "context": {"theme": "default"}}
        )
        return activity

    def file_consent(self, who: Who, consent: Sent, action: str = "accept") -> Json:
        """The invoke Teams sends when the person answers a file-consent card (Microsoft's
        documented shape): accepting carries the upload session Teams opened in their OneDrive."""
        attachment = consent.body["attachments"][0]
        context_key = "acceptContext" if action == "accept" else "declineContext"
        value: Json = {
            "type": "fileUpload",
            "action": action,
            "context": attachment["content"][context_key],
        }
        if action == "accept":
            name = attachment["name"]
            value["uploadInfo"] = {
                "contentUrl": f"https://contoso.sharepoint.com/personal/x/Documents/{name}",
                "name": name,
                "uploadUrl": self.fake.upload_url(name),
                "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
                "fileType": name.rsplit(".", 1)[-1],
            }
        activity = self._base(who, personal=True)
        activity.update(type="invoke", name="fileConsent/invoke", value=value)
        return activity

    async def dialog(
        self, who: Who, data: Json, *, personal: bool = False
    ) -> tuple[int, Json | None]:
        """`task/fetch` for a dialog button; the invoke answer (None when empty)."""
        status, body = await self.post(self.invoke(who, "task/fetch", data, personal=personal))
        return status, self.checked_dialog(body)

    def checked_dialog(self, body: str) -> Json | None:
        """The invoke answer, its card checked as Teams would (recorded in `refused` if not)."""
        answer = json.loads(body) if body else None
        card = ((answer or {}).get("task") or {}).get("value")
        if isinstance(card, dict) and isinstance(card.get("card"), dict):
            self.fake.check_dialog(card["card"])
        return answer

    async def submit_dialog(
        self, who: Who, shown: Json, values: dict[str, str]
    ) -> tuple[int, Json | None]:
        """Fill the form a dialog shows and send it (`task/submit`)."""
        card = shown["task"]["value"]["card"]["content"]
        data = {**card["actions"][0]["data"], **{f"in:{k}": v for k, v in values.items()}}
        status, body = await self.post(self.invoke(who, "task/submit", data))
        return status, self.checked_dialog(body)

    async def fill(self, who: Who, form: Sent, values: dict[str, str]) -> int:
        data = form.card["actions"][0]["data"]
        inputs = {f"in:{name}": value for name, value in values.items()}
        activity = self.submit(who, data, inputs=inputs, reply_to=form.activity_id)
        status, _ = await self.post(activity)
        return status


@asynccontextmanager
async def running_teams(bot: CommonGround) -> AsyncIterator[TeamsHarness]:
    """The whole web app (Teams attached from the environment) and a fake connector."""
    async with running_fake() as fake:
        client = TestClient(TestServer(web_app(bot), host="127.0.0.1"))
        await client.start_server()
        try:
            yield TeamsHarness(client, fake, bot)
        finally:
            await client.close()


def dialog_texts(answer: Json | None) -> str:
    """What a dialog answer shows: its card's texts, or its message."""
    assert answer is not None, "no dialog"
    task = answer["task"]
    if task["type"] == "message":
        return str(task["value"])
    content = task["value"]["card"]
    return Sent("dialog", "", {"attachments": [content]}).texts()
