"""The Microsoft Teams adapter: Bot Framework activities in as neutral events, effects out as
Adaptive Cards through the connector.

With the rest of `bot.adapters.teams` it is the only code that imports botbuilder, so the SDK
can be swapped for its successor (the Microsoft 365 Agents SDK speaks the same Activity protocol).

`POST /api/messages` is our own route, not `CloudAdapter.process`: that one answers 500 for every
invoke whose response has a body, and 500 again for a request with a malformed header or body. Ours
deserializes the activity, lets the SDK check the Bot Framework token (`PermissionError`: 401,
before anything is stored), then runs the turn: the conversation reference is kept for proactive
posts, and the activity becomes a `Command`, `Choice`, `FormSubmitted` or `MemberJoined` for the
core, with the activity's keyed id as `once`: the core records it in `inbound_events` in the
event's own transaction, so a repeated delivery changes nothing and a failed one is handled when
Teams tries again.

Teams has no message only one person in a channel can see. A button on a channel card opens a
dialog (a task module, `dialogs`) where the answer or form for that person appears; answers
to a command typed in a channel, and forms it opens, go to the person's 1:1 chat with the bot.

A command typed in a channel is marked `seen_by_others`: everyone has already seen who typed it,
so the elephant handler refuses to store an elephant typed there as "anonymous".

Nothing is acknowledged before it is saved: after the token check, a message or conversation
update is committed to the durable inbox (`bot.inbox`, the activity as JSON) and only then
answered; the inbox's worker runs its turn afterwards, with the authentication already done (the
bot's own claims, as a proactive turn has). An invoke (a dialog opened or submitted) needs its
answer in the response, so it is committed and then handled inline for up to `INVOKE_DEADLINE`
seconds; past that Teams gets an empty answer and the person's answer (or the form with its
errors and their words) comes to their 1:1 chat when it is ready.

A turn carries out only what must happen within it (the answer to the person, a form, a dialog,
the card replaced after a submit); channel posts, 1:1 messages and updates were written to the
outbox by the core with the change that caused them, and the turn wakes the outbox's drain
(`bot.delivery.drainer`) once it has answered, so a large group never makes Teams wait and a
process killed half-way leaves the rest for the next drain.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    InvokeResponse,
)
from botframework.connector.auth import AuthenticateRequestResult

from bot.adapters.base import BotParts, Handler
from bot.adapters.inline_answers import InlineAnswers, NotKept
from bot.adapters.teams import records
from bot.adapters.teams.answers import TEAMS_CHANNEL, Turn, TurnAnswers
from bot.adapters.teams.cards import (
    Json,
    errors_content,
    submitted_values,
    unpack_form,
)
from bot.adapters.teams.delivery import (
    TeamsDeliverer,
    card_message,
    describe,
    message,
    quiet_sdk_loggers,
)
from bot.adapters.teams.dialogs import FORM_SENT, dialog_answer, dialog_event, dialog_message
from bot.adapters.teams.files import INVOKE as FILE_CONSENT
from bot.adapters.teams.files import FileOffers
from bot.adapters.teams.inbound import command_text, team_of, tenant_of, where_of, who_of
from bot.adapters.teams.settings import TeamsSettings
from bot.adapters.teams.signing_keys import token_problem, use_threaded_key_fetching
from bot.cards import Card
from bot.delivery.drainer import CLOSE_WAIT, Drainer
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import Pacer
from bot.delivery.router import Deliverer
from bot.effects import Effect, FormErrors, ReplyToActor, SendFileToActor
from bot.events import Choice, Command, Event, FormSubmitted, MemberJoined
from bot.identity import Who
from bot.inbox import Inbox, InboxSettings, RetryLater, worth_retrying
from bot.store.database import Database
from bot.store.inbox import Entry

PLATFORM = records.PLATFORM
ROUTE = "/api/messages"
BOT_ADDED = (
    "Hello! I'm Common Ground. To make this channel a co-production group, mention me with "
    "`setup` and the group's name (for example `@Common Ground setup Parents Forum`). "
    "Mention me with `help` to see what I can do."
)
BOT_ADDED_PERSONAL = (
    "Hello! I'm Common Ground. This is our private chat: type `help` to see what you can do "
    "here, or `elephant` to name an elephant anonymously."
)
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."

log = logging.getLogger(__name__)


_DELIVERY: ContextVar[str | None] = ContextVar("teams_delivery", default=None)
"""The keyed id of the activity this turn is for (see `TeamsAdapter._handled`)."""
_ANSWER: ContextVar[asyncio.Future[Any] | None] = ContextVar("teams_answer", default=None)
"""Where an inline invoke's turn puts its answer while the route still waits (None: too late,
or run from the inbox, so the answer goes to the person's 1:1 chat)."""
_FROM_INBOX: ContextVar[bool] = ContextVar("teams_from_inbox", default=False)
"""Whether this turn runs from the inbox (no one waits for its HTTP answer)."""
_MAY_RETRY: ContextVar[bool] = ContextVar("teams_may_retry", default=False)
"""Whether a turn run from the inbox that fails for want of the database (or the network) is
handed back to be tried again, instead of the person being told it failed."""

STORED = frozenset({ActivityTypes.message, ActivityTypes.conversation_update})
"""Activity types committed to the inbox and handled from there."""
INVOKE_DEADLINE = 2.0
"""Seconds an invoke is handled inline before Teams is answered without waiting."""
INLINE_INVOKES = 16
"""Invokes handled inline at once; more wait in the inbox (memory stays flat), their answers
going to the 1:1 chat."""


class _SdkConfig:
    """The attribute bag `ConfigurationBotFrameworkAuthentication` reads."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.APP_ID = settings.app_id or None
        self.APP_PASSWORD = settings.app_password or None
        self.APP_TYPE = settings.normalised_app_type
        self.APP_TENANTID = settings.tenant_id or None
        self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = settings.openid_metadata_url or None
        self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = settings.token_issuer or None


class TeamsAdapter:
    """Teams over the Bot Framework: the route, the turn logic and the deliverer."""

    def __init__(
        self,
        handle: Handler,
        db: Database,
        secret: bytes,
        settings: TeamsSettings,
        *,
        clock: Callable[[], datetime],
        credentials_factory: Any = None,
        router: Deliverer | None = None,
        drainer: Drainer | None = None,
        inbox: InboxSettings | None = None,
    ) -> None:
        self.handle = handle
        self.db = db
        self.secret = secret
        self.clock = clock
        self.settings = settings
        auth = ConfigurationBotFrameworkAuthentication(
            _SdkConfig(settings), credentials_factory=credentials_factory
        )
        self.cloud = CloudAdapter(auth)
        self.deliverer = TeamsDeliverer(
            self.cloud,
            db,
            settings.app_id,
            retries=settings.retries,
            backoff=settings.retry_backoff,
            pacer=Pacer(settings.posts_per_second),
            workers=settings.send_workers,
            clock=clock,
        )
        # The app's drain when there is one; else our own, through the app's router when there
        # is one (a drain may lease any platform's due rows).
        self._own_drainer = drainer is None
        self.drainer = drainer or Drainer(Outbox(db, router or self.deliverer, clock))
        self.files = FileOffers(db, clock)
        self.answers = TurnAnswers(
            self.cloud, self.deliverer, settings.app_id, self.hand_over, self.files
        )
        self.inbox = Inbox(
            db,
            PLATFORM,
            self._from_inbox,
            secret=secret,
            clock=clock,
            kind_of=_entry_kind,
            sender_of=_entry_sender,
            settings=inbox,
        )
        self.invokes: InlineAnswers[Any] = InlineAnswers(
            self.inbox, deadline=INVOKE_DEADLINE, at_once=INLINE_INVOKES, what="Teams invoke"
        )
        quiet_sdk_loggers()
        use_threaded_key_fetching()

    # -- the HTTP route ------------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        app.router.add_post(ROUTE, self.on_request)
        app[TEAMS_KEY] = self

        async def startup(_: web.Application) -> None:
            self.inbox.start()

        async def cleanup(_: web.Application) -> None:
            await self.close()

        app.on_startup.append(startup)
        app.on_cleanup.append(cleanup)

    async def hand_over(self, effects: Sequence[Effect]) -> None:
        """Everything but the answer is in the outbox already (the core stored it with the
        change): wake the drain, which sends it right after the turn, in the order stored."""
        if effects:
            self.drainer.wake()

    async def settled(self) -> None:
        """Wait until the inbox's worker finds nothing to take, inline turns have ended and what
        turns stored in the outbox has been drained (tests use this instead of sleeping)."""
        while True:
            if self.invokes.running:
                await asyncio.wait(set(self.invokes.running))
            await self.inbox.settled()
            await self.drainer.settled()
            if not self.invokes.running and self.inbox.idle:
                return

    async def close(self, wait: float = CLOSE_WAIT) -> None:
        """On shutdown: stop the inbox's worker (rows still waiting stay for the next start), let
        inline turns end, then a drain running now has `wait` seconds to finish before it is
        cancelled (when the drain is our own); what it had not sent stays in the outbox for the
        next drain."""
        await self.inbox.stop()
        if self.invokes.running:
            await asyncio.wait(set(self.invokes.running), timeout=wait)
        if self._own_drainer:  # the app's drain is closed by the app, which outlives us
            await self.drainer.close(wait)

    async def on_request(self, request: web.Request) -> web.Response:
        """Authenticate, parse, commit (or answer inline); 4xx for anything malformed, never 500.

        With authentication on, the Authorization header alone is checked first (a bearer token
        that names its expiry): a request without one is refused before its body is read. The
        SDK's full check needs the activity's serviceUrl and channel id, so it comes after the
        body is parsed, safely."""
        auth_header = request.headers.get("Authorization", "")
        if self.settings.auth and (problem := token_problem(auth_header)):
            log.warning("refused a Teams request: %s", problem)
            return web.Response(status=401, text="unauthorized")
        read = await self._read(request)
        if isinstance(read, web.Response):
            return read
        activity, body = read
        try:
            authenticated = await self.cloud.bot_framework_authentication.authenticate_request(
                activity, auth_header
            )
        except PermissionError:
            log.warning("refused a Teams request without a valid token")
            return web.Response(status=401, text="unauthorized")
        except Exception as exc:  # a malformed header, or the token could not be checked
            log.warning("refused a Teams request: %s", type(exc).__name__)
            return web.Response(status=401 if self.settings.auth else 400, text="refused")
        key = self._delivery_key(activity)
        if key is not None and activity.type in STORED:
            return await self._take_in(key, body, str(activity.type))
        if key is not None and activity.type == ActivityTypes.invoke:
            return await self._answer_in_time(authenticated, activity, key, body)
        return await self._run_now(authenticated, activity)

    async def _read(self, request: web.Request) -> tuple[Activity, str] | web.Response:
        """The activity a request carries, and its JSON as stored; or the 4xx answer."""
        if request.content_type != "application/json":
            return web.Response(status=415, text="expected application/json")
        try:
            body = await request.json()
        except (ValueError, RecursionError, LookupError):  # not JSON or UTF-8, too deep, no charset
            return web.Response(status=400, text="the body is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            return web.Response(status=400, text="the body is not an activity")
        try:
            activity = Activity().deserialize(body)
        except Exception:
            return web.Response(status=400, text="the body is not an activity")
        if not activity.service_url or activity.conversation is None:
            return web.Response(status=400, text="the activity has no serviceUrl or conversation")
        return activity, json.dumps(body)

    async def _take_in(self, key: str, body: str, kind: str) -> web.Response:
        """Commit the activity to the inbox, then answer (a redelivery adds no row). Past the
        bound, or without the database, 503: the Bot Framework tries again."""
        if self.inbox.full():
            log.warning("turned a Teams %s away: the inbox is full", kind)
            return web.Response(status=503, text="busy, please retry")
        try:
            await self.inbox.take_in(key, body, "application/json")
        except Exception as exc:
            log.warning("could not take a Teams %s in: %s", kind, type(exc).__name__)
            return web.Response(status=503, text="busy, please retry")
        return web.Response(status=HTTPStatus.CREATED)

    async def _run_now(
        self, authenticated: AuthenticateRequestResult, activity: Activity
    ) -> web.Response:
        """Run the turn within the request (activities with no id, or an invoke)."""
        try:
            response = await self.cloud.process_activity(authenticated, activity, self.on_turn)
        except Exception as exc:  # the turn itself never raises: this is the connector set-up
            log.warning("refused a Teams request: %s", type(exc).__name__)
            return web.Response(status=400, text="refused")
        return _http_answer(response)

    async def _answer_in_time(
        self, authenticated: AuthenticateRequestResult, activity: Activity, key: str, body: str
    ) -> web.Response:
        """An invoke: commit it, then run its turn inline for up to `INVOKE_DEADLINE` seconds.
        Its answer is the response when it comes in time; otherwise Teams gets an empty answer
        (a dialog closes) and the turn, finishing later, brings the answer to the 1:1 chat."""

        async def turn(answer: asyncio.Future[Any], row: int) -> None:
            _ANSWER.set(answer)  # this task's own copy of the context
            await self._run_held(authenticated, activity, row)

        try:
            found = await self.invokes.answer(key, body, "application/json", turn)
        except NotKept:  # nothing kept: Teams shows the person an error, rightly
            return web.Response(status=503, text="busy, please retry")
        return web.Response(status=200) if found is None else web.json_response(found)

    async def _run_held(
        self, authenticated: AuthenticateRequestResult, activity: Activity, row: int
    ) -> None:
        """An inline turn; its row is deleted once it ran, or handed to the worker if it failed."""
        try:
            await self.cloud.process_activity(authenticated, activity, self.on_turn)
        except Exception as exc:
            log.warning("an inline Teams turn failed: %s", type(exc).__name__)
            await self.inbox.give_back(row)
            return
        await self.inbox.finish(row)

    async def _from_inbox(self, entry: Entry) -> None:
        """The inbox's worker: run a stored activity's turn. Its token was checked when it
        arrived, so the turn runs with the bot's own claims, as a proactive turn does."""
        activity = Activity().deserialize(json.loads(entry.body))
        retry = _MAY_RETRY.set(entry.attempts < self.inbox.settings.attempts)
        stored = _FROM_INBOX.set(True)
        try:
            await self.cloud.process_activity(self._checked_already(), activity, self.on_turn)
        finally:
            _FROM_INBOX.reset(stored)
            _MAY_RETRY.reset(retry)

    def _checked_already(self) -> AuthenticateRequestResult:
        """What authentication gives a turn, for an activity whose token was checked on arrival:
        the bot's claims and a connector factory for its replies (audience: the default)."""
        claims = self.cloud.create_claims_identity(self.settings.app_id or "")
        result = AuthenticateRequestResult()
        result.claims_identity = claims
        result.connector_factory = self.cloud.bot_framework_authentication.create_connector_factory(
            claims
        )
        return result

    # -- turns ---------------------------------------------------------------------------------

    async def on_turn(self, context: TurnContext) -> None:
        """One activity; never raises (a failure is logged by kind and the person told)."""
        activity = context.activity
        if activity.type == ActivityTypes.invoke:
            await self._answer_invoke(context)
            return
        try:
            _DELIVERY.set(self._delivery_key(activity))
            await self._remember(activity)
            if activity.type == ActivityTypes.message:
                await self._on_message(context)
            elif activity.type == ActivityTypes.conversation_update:
                await self._on_members_added(context)
        except Exception as exc:
            if _MAY_RETRY.get() and worth_retrying(exc):
                log.warning("a Teams activity failed (%s); it will be tried again", describe(exc))
                raise RetryLater from None
            log.exception("a Teams activity failed: %s", describe(exc))
            if activity.type == ActivityTypes.message:
                try:
                    await context.send_activity(message(Card(text=SORRY)))
                except Exception as again:
                    log.warning("could not say sorry in Teams: %s", describe(again))

    async def _answer_invoke(self, context: TurnContext) -> None:
        """An invoke needs its answer in the HTTP response: a dialog to show, or nothing. When
        the route has stopped waiting (or the turn runs from the inbox), the answer goes to the
        person's 1:1 chat instead."""
        body: Any = None
        try:
            _DELIVERY.set(self._delivery_key(context.activity))
            await self._remember(context.activity)
            if context.activity.name == FILE_CONSENT:
                await self._on_file_consent(context)
            else:
                body = await self._on_dialog(context)
        except Exception as exc:
            if _MAY_RETRY.get() and worth_retrying(exc):
                log.warning("a Teams invoke failed (%s); it will be tried again", describe(exc))
                raise RetryLater from None
            log.exception("a Teams invoke failed: %s", describe(exc))
            body = dialog_message(SORRY)
        answer = _ANSWER.get()
        if answer is not None and not answer.done():
            answer.set_result(body)  # in time: the route answers with it
            return
        if answer is not None or _FROM_INBOX.get():
            await self._answer_late(context, body)
            return
        await context.send_activity(
            Activity(
                type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body)
            )
        )

    async def _answer_late(self, context: TurnContext, body: Any) -> None:
        """A dialog's answer that came too late for the dialog: to the person's 1:1 chat (a form
        with its errors keeps their words, and can be sent again from there)."""
        late = _late_message(body)
        if late is None:
            return
        activity = context.activity
        turn = Turn(context, who_of(activity), where_of(activity))
        try:
            await self.answers.reply_privately(late, turn)
        except Exception as exc:
            log.warning("could not bring a late dialog answer: %s", describe(exc))

    async def _on_dialog(self, context: TurnContext) -> Any:
        """A button on a channel card (`task/fetch`) or a form in a dialog (`task/submit`): the
        core's answer for the person is shown in the dialog; the rest is delivered as usual."""
        activity = context.activity
        found = dialog_event(activity, who_of(activity), where_of(activity))
        if found is None:
            return None
        event, data = found
        body, later = dialog_answer(event, data, await self._handled(event))
        private = [e for e in later if isinstance(e, SendFileToActor | ReplyToActor)]
        if private:  # a file, or an answer too long for a dialog: to the 1:1 chat
            turn = Turn(context, event.who, event.where)
            await self.answers.carry_out(private, turn)
        await self.hand_over([e for e in later if e not in private])
        return body

    async def _on_file_consent(self, context: TurnContext) -> None:
        """The person accepted or declined a file (`files`): upload it and show it, or let it go.
        A repeated delivery of the same answer does nothing."""
        key = _DELIVERY.get()
        if key and not await records.claim_activity(self.db, f"{key}:file", self.clock()):
            return
        activity = context.activity
        who = who_of(activity)
        answer = await self.files.answer(activity.value, who.workspace, who.user_id)
        await context.send_activity(answer)

    def _delivery_key(self, activity: Activity) -> str | None:
        """A keyed hash naming this delivered activity (None when Teams gave it no id)."""
        if not activity.id or not activity.conversation or not activity.conversation.id:
            return None
        return records.activity_key(self.secret, activity.conversation.id, activity.id)

    async def _handled(self, event: Event, *, part: str = "") -> list[Effect]:
        """The core's answer to one event of this turn's activity. The activity's id goes with it
        as `once`, recorded in the event's own transaction: a redelivery is handled once, and one
        whose handling failed (rolled back, record and all) is handled when Teams tries again.
        `part` tells apart several events from one activity (each member added)."""
        key = _DELIVERY.get()
        return await self.handle(event, once=f"{key}:{part}" if key and part else key)

    async def _remember(self, activity: Activity) -> None:
        """Keep how to reach this channel and this tenant later, with no person in it."""
        ref = TurnContext.get_conversation_reference(activity).serialize()
        ref.pop("user", None)
        ref.pop("activityId", None)
        ref.pop("locale", None)
        where = where_of(activity)
        tenant = tenant_of(activity)
        if not where.is_direct and where.conversation_id:
            conversation = dict(ref.get("conversation") or {})
            conversation["id"] = where.conversation_id
            conversation.pop("name", None)
            ref["conversation"] = conversation
            await records.save_reference(self.db, where.conversation_id, tenant, ref)
            team = team_of(activity)
            if team:
                await records.remember_team_channel(self.db, team, where.conversation_id, tenant)
        if tenant:
            reach = {k: ref.get(k) for k in ("serviceUrl", "bot", "channelId")}
            await records.save_reference(self.db, records.tenant_row(tenant), tenant, reach)

    async def _on_message(self, context: TurnContext) -> None:
        activity = context.activity
        turn = Turn(context, who_of(activity), where_of(activity))
        value = activity.value
        if isinstance(value, dict) and value.get("form_id"):
            await self._on_form(turn, value)
            return
        if isinstance(value, dict) and value.get("action"):
            choice = Choice(turn.who, turn.where, str(value["action"]), str(value.get("value", "")))
            await self.answers.carry_out(await self._handled(choice), turn)
            return
        in_channel = not turn.where.is_direct and activity.channel_id == TEAMS_CHANNEL
        command = Command(turn.who, turn.where, command_text(activity), seen_by_others=in_channel)
        await self.answers.carry_out(await self._handled(command), turn)

    async def _on_form(self, turn: Turn, value: dict[str, Any]) -> None:
        form_id, context = str(value["form_id"]), str(value.get("context", ""))
        values = submitted_values(value)
        effects = await self._handled(FormSubmitted(turn.who, turn.where, form_id, values, context))
        errors: dict[str, str] = {}
        for effect in effects:
            if isinstance(effect, FormErrors):
                errors.update(effect.errors)
        if errors:
            form = unpack_form(value.get("form"), form_id, context)
            again = card_message(errors_content(form, values, errors), "Please check the form")
            if not await self._replace_form(turn, again):
                await self.answers.reply_privately(again, turn)
            return
        await self._replace_form(turn, message(Card(text=FORM_SENT)))
        await self.answers.carry_out(effects, turn)

    async def _replace_form(self, turn: Turn, replacement: Activity) -> bool:
        """Show `replacement` in place of the form card just submitted in the 1:1 chat (so it
        cannot be sent twice and errors appear where the person is looking). False if not."""
        form_message = turn.context.activity.reply_to_id
        if not form_message or not turn.where.is_direct:
            return False
        replacement.id = form_message
        try:
            await turn.context.update_activity(replacement)
        except Exception as exc:
            log.info("could not replace a submitted form card: %s", describe(exc))
            return False
        return True

    async def _on_members_added(self, context: TurnContext) -> None:
        activity = context.activity
        where = where_of(activity)
        bot_id = activity.recipient.id if activity.recipient else None
        for member in activity.members_added or []:
            if member.id == bot_id:
                # No core event carries the record, so the greeting claims the delivery itself.
                key = _DELIVERY.get()
                if key and not await records.claim_activity(self.db, f"{key}:bot", self.clock()):
                    continue
                text = BOT_ADDED_PERSONAL if where.is_direct else BOT_ADDED
                await context.send_activity(message(Card(text=text)))
                continue
            if where.is_direct:
                continue  # a person opening their 1:1 chat joins no group
            name = await _member_name(context, member)
            who = Who(PLATFORM, tenant_of(activity), str(member.id), name)
            turn = Turn(context, who, where)
            for channel in await self._joined_channels(activity, where.conversation_id):
                at = replace(where, conversation_id=channel)
                part = str(member.id)
                if channel != where.conversation_id:
                    part += ":" + hashlib.sha256(channel.encode()).hexdigest()[:16]
                joined = await self._handled(MemberJoined(who, at), part=part)
                await self.answers.carry_out(joined, turn)

    async def _joined_channels(self, activity: Activity, conversation_id: str) -> list[str]:
        """Where someone who joined may have a group: the conversation Teams named and, when they
        joined the team (Teams names the team's General channel then), every channel of that team
        the bot has heard from, so a group in any of them greets them (the core greets only where
        a group lives)."""
        found = [conversation_id]
        team = team_of(activity)
        if team:
            found.extend(c for c in await records.team_channels(self.db, team) if c not in found)
        return found


def _http_answer(response: Any) -> web.Response:
    """The HTTP answer for a turn's result: an invoke's answer, or 201 for anything else."""
    if isinstance(response, InvokeResponse):
        status = int(response.status or 200)
        if response.body is None:
            return web.Response(status=status)
        return web.json_response(response.body, status=status)
    return web.Response(status=HTTPStatus.CREATED)


def _late_message(body: Any) -> Activity | None:
    """A dialog answer as a 1:1 message: its card, or its words (None for no answer)."""
    task = body.get("task") if isinstance(body, dict) else None
    if not isinstance(task, dict):
        return None
    value = task.get("value")
    if task.get("type") == "message":
        return message(Card(text=str(value or "")))
    card = (value or {}).get("card") if isinstance(value, dict) else None
    content: Json | None = card.get("content") if isinstance(card, dict) else None
    if content is None:
        return None
    return card_message(content, str((value or {}).get("title") or "Common Ground"))


def _entry_kind(entry: Entry) -> str:
    """What a stored activity is, for log lines (never who or what)."""
    try:
        return str(json.loads(entry.body).get("type") or "activity")
    except (ValueError, AttributeError):
        return "activity"


def _entry_sender(entry: Entry) -> str | None:
    """Who sent an opened activity, so their activities keep their order (never stored)."""
    try:
        sender = json.loads(entry.body).get("from") or {}
        return str(sender.get("id") or "") or None
    except (ValueError, AttributeError):
        return None


TEAMS_KEY = web.AppKey("teams", TeamsAdapter)
"""Where the web app keeps its Teams adapter (tests wait for its drains through it)."""


async def _member_name(context: TurnContext, member: ChannelAccount) -> str:
    """A joining member's display name: Teams rarely sends it, so ask the team's roster."""
    if member.name:
        return str(member.name)
    try:
        account = await TeamsInfo.get_member(context, member.id)
    except Exception as exc:
        log.info("could not look up a joining member's name: %s", describe(exc))
        return ""
    return str(getattr(account, "name", "") or "")


def attach(
    app: web.Application | None, bot: BotParts, settings: TeamsSettings | None = None
) -> TeamsAdapter | None:
    """Switch Teams on (when its settings say so, `TeamsSettings.active`): deliver scheduled
    effects to Teams and, given a web app, serve `POST /api/messages` there."""
    settings = TeamsSettings() if settings is None else settings
    if not settings.active:
        return None
    adapter = TeamsAdapter(
        bot.core.handle,
        bot.db,
        bot.services.secret,
        settings,
        clock=bot.services.clock,
        router=bot.router,
        drainer=bot.drainer,
    )
    bot.router.register(PLATFORM, adapter.deliverer)
    if app is not None:
        adapter.mount(app)
    return adapter
