"""The Slack adapter: Slack requests in as neutral events, the core's effects out as Slack calls.

With the rest of `bot.adapters.slack` it is the only code that imports slack-bolt or slack-sdk.
One route, `POST /slack/events`, takes slash commands, interactivity and the Events API. The route
checks the signature itself before anything else, so a forged or stale request is refused with 401
before a single row is written; then Bolt dispatches to the listeners below. Each delivery's id
(the event id, or a keyed hash of an interaction) goes to the core as `once`, which records it in
`inbound_events` inside the event's own transaction: Slack's retries, even after a restart, are
handled exactly once, and a delivery whose handling failed (rolled back, record and all) is handled
when Slack tries again. A read of that table before dispatch drops obvious repeats cheaply.

Nothing is acknowledged before it is saved: the route commits each request to the durable inbox
(`bot.inbox`) in one insert and only then answers 200; the inbox's worker rebuilds the request
from the stored body and runs it through the same Bolt app and listeners (whose `ack()` is then a
no-op: the HTTP response already gave it). Past the inbox's bound, requests are turned away so that
Slack retries (Events API: 503) or the person tries again (commands and buttons: a busy answer).
Requests whose answer must be the response itself (URL checks, options loads) are handled inline.
A modal submission is committed too, then handled inline for up to `VIEW_DEADLINE` seconds, since
validation errors can only be shown in the acknowledgement; past that the modal is closed with an
empty acknowledgement and the handling finishes afterwards (errors then go to the person
privately, with their words handed back).

Slack's SDK logs request bodies (user ids, message text) at DEBUG, so its records below WARNING are
dropped by a filter on the loggers given to it: our own lines name only kinds of things.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import BotParts, Handler
from bot.adapters.inline_answers import InlineAnswers, NotKept
from bot.adapters.slack import records
from bot.adapters.slack.answers import Answers, Request
from bot.adapters.slack.blocks import forged_view_answer, our_action, view_metadata, view_values
from bot.adapters.slack.delivery import (
    BOLT_LOG,
    CALL_TIMEOUT,
    SDK_LOG,
    SlackDeliverer,
    retry_handlers,
)
from bot.adapters.slack.home import home_cards, home_view
from bot.adapters.slack.inbound import (
    BOT_MENTION,
    neutral_text,
    shape_problem,
    where_of,
    who_of,
)
from bot.adapters.slack.intake import BUSY, STORED, VIEW, kind_of, sender_of
from bot.adapters.slack.names import DisplayNames
from bot.adapters.slack.oauth import Installations, mount_oauth
from bot.adapters.slack.settings import SlackSettings
from bot.adapters.slack.socket_mode import SocketHandler
from bot.cards import Card
from bot.delivery.drainer import Drainer
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import Pacer
from bot.effects import (
    Effect,
    FormErrors,
    PostToConversation,
)
from bot.events import Choice, Command, Event, FormSubmitted, MemberJoined
from bot.identity import Who
from bot.inbox import Inbox, InboxSettings, RetryLater, worth_retrying
from bot.store.database import Database
from bot.store.inbox import Entry

PLATFORM = records.PLATFORM
ROUTE = "/slack/events"
COMMANDS = {"/coprod": "", "/elephant": "elephant"}
ELEPHANT_SHORTCUT = "elephant.name"
MESSAGE_SHORTCUT = "elephant.from-message"
NOT_INSTALLED = (
    "Common Ground isn't installed in this workspace (or its installation was removed). "
    "Please ask a workspace admin to add it again from the install page."
)
NO_SECRET = "socket-mode-only: no signing secret set"
BOT_ADDED = (
    "Hello! I'm Common Ground. To make this channel a co-production group, type "
    "`/coprod setup` followed by the group's name. Type `/coprod help` to see what I can do."
)

log = logging.getLogger(__name__)

ONCE = records.ONCE
MAY_RETRY = "common_ground_may_retry"  # context: a failure for want of the database is retried
RETRY = "common_ground_retry"  # context: set by a listener that failed that way
VIEW_ANSWER = "common_ground_view_answer"  # context: the future an inline view's route awaits

VIEW_DEADLINE = 2.0
"""Seconds a modal submission is handled inline before the modal is closed without waiting
(Slack allows 3 for the whole round trip)."""
INLINE_VIEWS = 16
"""Modal submissions handled inline at once; more wait in the inbox (memory stays flat)."""
BUSY_NOTICES = 4
"""Busy notices to button presses on their way at once (more are answered with no notice)."""


CORE_SLOTS = 4
"""Events handled by the core at once on PostgreSQL: enough to overlap database round trips, few
enough that the connection pool (5 + 10 overflow) never runs dry."""


class SlackAdapter:
    """One Slack workspace over HTTP: the Bolt app, the Web API client and the deliverer."""

    def __init__(
        self,
        handle: Handler,
        db: Database,
        secret: bytes,
        settings: SlackSettings,
        *,
        clock: Callable[[], datetime],
        backoff: float = 0.5,
        drainer: Drainer | None = None,
        inbox: InboxSettings | None = None,
    ) -> None:
        self.handle = handle
        # SQLite takes one writer at a time anyway: more slots would only wait on its lock.
        self._slots = asyncio.Semaphore(1 if db.is_sqlite else CORE_SLOTS)
        self.db = db
        self.secret = secret
        self.clock = clock
        # Socket Mode alone has no signing secret; the HTTP route is then not mounted at all.
        self.verifier = SignatureVerifier(settings.signing_secret or NO_SECRET)
        self.installations = Installations(db, settings) if settings.oauth else None
        tokens = self.installations.token_for if self.installations else None
        pacer = Pacer(settings.posts_per_second)
        self.client = AsyncWebClient(
            token=None if self.installations else settings.bot_token,
            base_url=settings.base_url(),
            logger=SDK_LOG,
            retry_handlers=retry_handlers(settings.retries, backoff, pacer),
            timeout=CALL_TIMEOUT,
        )
        self.deliverer = SlackDeliverer(
            self.client, db, tokens, pacer=pacer, workers=settings.send_workers, clock=clock
        )
        self.app = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret or NO_SECRET,
            # `on_request` checks every HTTP request's signature before Bolt sees it (so a forged
            # one writes nothing); Socket Mode needs none. Bolt checking again would be waste.
            request_verification_enabled=False,
            # Listeners run to their end before `async_dispatch` returns: the inbox's worker
            # deletes a row only once it was handled, and the route's answer never waits on
            # listeners (it was given before they ran, or by the modal-submission deadline).
            process_before_response=True,
            logger=BOLT_LOG,
            oauth_settings=self.installations.settings if self.installations else None,
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
        self.settings = settings
        self.socket: SocketHandler | None = None
        self._in_flight = 0
        self._settled = asyncio.Event()
        self._settled.set()
        self.names = DisplayNames(self.client, self.deliverer.auth)
        # The app's drain (it sends every platform's rows); alone, a drain of our own.
        self._own_drainer = drainer is None
        self.drainer = drainer or Drainer(Outbox(db, self.deliverer, clock))
        self.answers = Answers(self.client, self.deliverer, self.drainer.wake, secret)
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
        self.views: InlineAnswers[str] = InlineAnswers(
            self.inbox, deadline=VIEW_DEADLINE, at_once=INLINE_VIEWS, what="Slack view submission"
        )
        self._notices: set[asyncio.Task[None]] = set()
        self.app.error(self._on_listener_error)
        self._listen()

    async def _on_listener_error(self, error: Exception) -> None:
        """Bolt's report of a listener that raised: a `RetryLater` was logged already (and the
        inbox tries it again); anything else is named by its type only (never its message)."""
        if not isinstance(error, RetryLater):
            log.error("a Slack listener failed: %s", type(error).__name__)

    async def settled(self) -> None:
        """Wait until no request is still being worked on after its acknowledgement, the
        inbox's worker finds nothing left to take, and what they stored in the outbox has been
        drained (tests use this instead of sleeping)."""
        while True:
            if self.views.running or self._notices:
                await asyncio.wait(self.views.running | self._notices)
            await self._settled.wait()
            await self.inbox.settled()
            quiet = not self.views.running and not self._notices
            if quiet and self._settled.is_set() and self.inbox.idle:
                break
        await self.drainer.settled()

    def _tracked(self, listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """Count a listener as in flight from before its acknowledgement until it ends."""

        @functools.wraps(listener)  # Bolt reads the wrapped listener's argument names
        async def run(**kwargs: Any) -> None:
            self._in_flight += 1
            self._settled.clear()
            try:
                await listener(**kwargs)
            except Exception as exc:
                context = kwargs.get("context")
                if context is not None and context.get(MAY_RETRY) and worth_retrying(exc):
                    # Rolled back, `once` and all: the inbox tries it again after a pause.
                    context[RETRY] = True
                    log.warning(
                        "a Slack request failed (%s); it will be tried again", type(exc).__name__
                    )
                    raise RetryLater from None
                log.exception("a Slack request failed after it was acknowledged")
                await self.answers.sorry(kwargs.get("body"))
            finally:
                self._in_flight -= 1
                if self._in_flight == 0:
                    self._settled.set()

        return run

    # -- the HTTP route ------------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        if not self.settings.signing_secret:
            raise RuntimeError("POST /slack/events needs SLACK_SIGNING_SECRET to check requests")
        app.router.add_post(ROUTE, self.on_request)
        app.on_startup.append(self.start_inbox)
        app.on_cleanup.append(self.stop)
        if self.app.oauth_flow is not None:
            mount_oauth(app, self.app.oauth_flow)

    async def on_request(self, request: web.Request) -> web.Response:
        """Verify, drop repeats, then commit to the inbox and acknowledge (or answer inline)."""
        try:
            body = await request.text()
        except (UnicodeDecodeError, LookupError):  # not UTF-8, or a charset nobody knows
            log.warning("refused a Slack request whose body is not text")
            return web.Response(status=400, text="the body is not text")
        if not self._signed(request, body):
            log.warning("refused a Slack request with a bad or stale signature")
            return web.Response(status=401, text="invalid request")
        if (problem := shape_problem(body, request.content_type)) is not None:
            return web.Response(status=400, text=problem)
        key = self._delivery_id(body, request.content_type)
        # Only Slack's retries are looked up before the acknowledgement: a first delivery cannot
        # have been seen. Any other repeat is still dropped by the core's once-only insert.
        retry = request.headers.get("X-Slack-Retry-Num", "")
        if key is not None and retry and await records.seen(self.db, key):
            log.info("dropped a repeated Slack delivery (retry %s)", retry)
            return web.Response(status=200)
        kind = kind_of(body, request.content_type)
        if key is not None and kind in STORED:
            return await self._take_in(key, body, request.content_type, kind)
        bolt_request = await to_bolt_request(request)
        if key is not None and kind == VIEW:
            bolt_request.context[ONCE] = key
            answer = await self.answer_view(bolt_request, key, body, request.content_type)
            return await to_aiohttp_response(answer)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    def _signed(self, request: web.Request, body: str) -> bool:
        """Whether Slack signed this body, recently."""
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        try:
            return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
        except ValueError:  # a missing or non-numeric timestamp
            return False

    async def _take_in(self, key: str, body: str, content_type: str, kind: str) -> web.Response:
        """Commit the request to the inbox, then acknowledge it (a repeat adds no row)."""
        if self.inbox.full():
            log.warning("turned a Slack %s away: the inbox is full", kind)
            return self._busy(kind, body)
        try:
            await self.inbox.take_in(key, body, content_type)
        except Exception as exc:
            log.warning("could not take a Slack %s in: %s", kind, type(exc).__name__)
            return self._busy(kind, body)
        return web.Response(status=200)

    def _busy(self, kind: str, body: str) -> web.Response:
        """Turned away for now: Slack retries an Events API callback answered 503; a person who
        used a command is told in the answer itself, one who pressed a button (Slack shows no
        answer to that) through its `response_url`, at most `BUSY_NOTICES` at a time."""
        if kind == "event":
            return web.Response(status=503, text="busy, please retry")
        url = _response_url(body) if kind == "action" else ""
        if url and len(self._notices) < BUSY_NOTICES:
            task = asyncio.create_task(self.answers.notice(url, BUSY))
            self._notices.add(task)
            task.add_done_callback(self._notices.discard)
        return web.json_response({"response_type": "ephemeral", "text": BUSY})

    async def answer_view(
        self, bolt_request: AsyncBoltRequest, key: str, body: str, content_type: str
    ) -> BoltResponse:
        """A modal submission: commit it, then handle it inline for up to `VIEW_DEADLINE`
        seconds. Its errors (or an empty acknowledgement) are the answer when they come in time;
        otherwise the modal closes now and the handling finishes afterwards (a late error goes
        to the person privately). A form that is kept is never answered with an error."""

        async def turn(answer: asyncio.Future[str], row: int) -> None:
            bolt_request.context[VIEW_ANSWER] = answer
            bolt_request.context[MAY_RETRY] = True  # from the inbox, if the database was away
            await self._handle_held(bolt_request, row)

        try:
            found = await self.views.answer(key, body, content_type, turn)
        except NotKept:  # nothing kept: Slack shows the person an error, rightly
            return BoltResponse(status=503, body="")
        # The form's errors, a plain sentence in its place, or nothing: the form closes.
        return BoltResponse(status=200, body=found or "")

    async def _handle_held(self, bolt_request: AsyncBoltRequest, row: int) -> None:
        """Run an inline request through Bolt; its row is deleted when handled, or given back
        to the inbox's worker when it failed for want of the database."""
        retry = False
        try:
            await self.app.async_dispatch(bolt_request)
        except Exception as exc:  # Bolt's middleware; the listener itself never raises here
            log.warning("an inline Slack request failed: %s", type(exc).__name__)
            retry = worth_retrying(exc)
        if retry or bolt_request.context.get(RETRY):
            await self.inbox.give_back(row)
            return
        await self.inbox.finish(row)

    async def _from_inbox(self, entry: Entry) -> None:
        """The inbox's worker: rebuild the stored request and dispatch it as if just received."""
        bolt_request = AsyncBoltRequest(
            body=entry.body,
            headers={"content-type": [entry.content_type]},
            context={
                ONCE: entry.key,
                MAY_RETRY: entry.attempts < self.inbox.settings.attempts,
            },
        )
        await self.app.async_dispatch(bolt_request)
        if bolt_request.context.get(RETRY):
            raise RetryLater

    async def start_inbox(self, _app: web.Application | None = None) -> None:
        """Start this process's inbox worker (it takes over rows a dead process left too)."""
        self.inbox.start()

    async def start_socket_mode(self) -> None:
        """Open the websocket to Slack (Socket Mode); requests then arrive over it."""
        self.inbox.start()
        self.socket = SocketHandler(self, self.settings.app_token)
        await self.socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected to Slack in Socket Mode")

    async def stop(self, _app: web.Application | None = None) -> None:
        """Close the websocket, if any, finish the rows in hand, and stop the inbox's worker
        (rows still waiting stay committed for the next start)."""
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
            self.socket = None
        await self.inbox.stop()
        if self.views.running:
            await asyncio.wait(set(self.views.running))
        await self._settled.wait()
        if self._own_drainer:
            await self.drainer.close()

    def _delivery_id(self, body: str, content_type: str) -> str | None:
        """The event id of an Events API callback, or a keyed hash of any other payload."""
        if content_type == "application/json":
            try:
                data = json.loads(body)
            except ValueError:
                return None
            if not isinstance(data, dict) or data.get("type") != "event_callback":
                return None  # url_verification and friends change nothing
            event_id = data.get("event_id")
            return f"e:{event_id}" if event_id else records.body_digest(self.secret, body)
        if "ssl_check" in parse_qs(body):
            return None
        return records.body_digest(self.secret, body)

    # -- listeners -----------------------------------------------------------------------------

    def _listen(self) -> None:
        for name in COMMANDS:
            self.app.command(name)(self._tracked(self._on_command))
        self.app.action(re.compile(".*"))(self._tracked(self._on_action))
        self.app.view(re.compile(".*"))(self._tracked(self._on_view))
        self.app.event("member_joined_channel")(self._tracked(self._on_member_joined))
        self.app.shortcut(ELEPHANT_SHORTCUT)(self._tracked(self._on_elephant_shortcut))
        self.app.shortcut(MESSAGE_SHORTCUT)(self._tracked(self._on_message_shortcut))
        self.app.event("app_uninstalled")(self._tracked(self._on_uninstalled))
        self.app.event("tokens_revoked")(self._tracked(self._on_tokens_revoked))
        self.app.event("app_mention")(self._tracked(self._on_message))
        self.app.event("message")(self._tracked(self._on_message))
        self.app.event("app_home_opened")(self._tracked(self._on_home_opened))

    async def _on_home_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Publish the person's App Home tab each time they open it."""
        if event.get("tab", "home") != "home":
            return
        team = str(event.get("team") or body.get("team_id") or "")
        user = str(event.get("user", ""))
        who = Who(PLATFORM, team, user, "")
        view = home_view(await home_cards(self.db, who, self.clock()))
        await self.client.views_publish(user_id=user, view=view, **await self.deliverer.auth(team))

    async def _on_message(
        self, body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]
    ) -> None:
        """A direct message to the bot, or `@Common Ground <command>` in a channel: a command."""
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, deletions, joins and bots' own messages
        if event.get("type") == "message" and event.get("channel_type") != "im":
            return  # channel chatter is none of the bot's business; only mentions are
        team = str(event.get("team") or body.get("team_id") or "")
        user = str(event["user"])
        channel = str(event.get("channel", ""))
        where = where_of(team, channel, event.get("channel_type") == "im")
        text = BOT_MENTION.sub("", str(event.get("text", "")), count=1).strip()
        who = Who(PLATFORM, team, user, await self.names.of(team, user, fallback=""))
        command = Command(who, where, neutral_text(text), seen_by_others=not where.is_direct)
        await self._run(command, Request(who, where), context)

    async def _on_command(
        self, ack: AsyncAck, body: dict[str, Any], context: dict[str, Any]
    ) -> None:
        await ack()
        team = str(body.get("team_id", ""))
        user = str(body.get("user_id", ""))
        # `user_name` is the legacy handle; the display name is what people see in Slack.
        name = await self.names.of(team, user, fallback=str(body.get("user_name", "")))
        who = Who(PLATFORM, team, user, name)
        channel = str(body.get("channel_id", ""))
        where = where_of(team, channel, body.get("channel_name") == "directmessage")
        prefix = COMMANDS.get(str(body.get("command", "")), "")
        text = " ".join(p for p in (prefix, neutral_text(str(body.get("text", "")))) if p)
        request = Request(
            who, where, str(body.get("trigger_id", "")), str(body.get("response_url", ""))
        )
        await self._run(Command(who, where, text), request, context)

    async def _on_action(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: dict[str, Any],
    ) -> None:
        await ack()
        who = await self._who(body)
        channel = str((body.get("channel") or {}).get("id") or "")
        container = body.get("container") or {}
        channel = channel or str(container.get("channel_id") or "")
        where = where_of(who.workspace, channel or who.user_id, not channel or channel[:1] == "D")
        request = Request(
            who, where, str(body.get("trigger_id", "")), str(body.get("response_url") or "")
        )
        choice = Choice(
            who, where, our_action(str(action.get("action_id", ""))), str(action.get("value", ""))
        )
        await self._run(choice, request, context)

    async def _on_view(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        context: dict[str, Any],
    ) -> None:
        who = await self._who(body)
        meta = view_metadata(view, self.secret, who)
        if meta is None:
            log.warning("refused a Slack form whose private_metadata is not ours")
            await ack()  # Bolt's own answer is not used: the route answers from `VIEW_ANSWER`
            refused = context.get(VIEW_ANSWER)
            if isinstance(refused, asyncio.Future) and not refused.done():
                refused.set_result(forged_view_answer(view))
            return
        channel = str(meta.get("ch") or who.user_id)
        where = where_of(who.workspace, channel, bool(meta.get("d", True)))
        event = FormSubmitted(
            who, where, str(view.get("callback_id", "")), view_values(view), str(meta.get("c", ""))
        )
        effects = await self._handled(event, context)
        errors: dict[str, str] = {}
        for effect in effects:
            if isinstance(effect, FormErrors):
                errors.update(effect.errors)
        request = Request(who, where, str(body.get("trigger_id", "")))
        await ack()  # Bolt's own answer is not used: the route answers from `VIEW_ANSWER`
        answer = context.get(VIEW_ANSWER)
        if isinstance(answer, asyncio.Future) and not answer.done():
            # In time: the errors are shown on the form itself.
            answer.set_result({"response_action": "errors", "errors": errors} if errors else {})
            if not errors:
                await self.answers.carry_out(effects, request)
            return
        # Too late for the form (it has closed): the errors go to the person with their words.
        if errors:
            await self.answers.refused_form(errors, event.values, request)
        kept = [e for e in effects if not isinstance(e, FormErrors)]
        await self.answers.carry_out(kept, request)

    async def _on_elephant_shortcut(
        self, ack: AsyncAck, body: dict[str, Any], context: dict[str, Any]
    ) -> None:
        """The global shortcut "Name an elephant": the same as `/elephant` typed privately."""
        await ack()
        who = await self._who(body)
        where = where_of(who.workspace, who.user_id, True)
        request = Request(who, where, str(body.get("trigger_id", "")))
        await self._run(Command(who, where, "elephant"), request, context)

    async def _on_message_shortcut(
        self, ack: AsyncAck, body: dict[str, Any], context: dict[str, Any]
    ) -> None:
        """The message shortcut "Name as an elephant": the elephant form, opened with the
        message's text filled in, as if `/elephant` were typed in that message's channel. Nothing
        is stored unless the person submits the form (they can change or clear the words first).
        """
        await ack()
        who = await self._who(body)
        channel = str((body.get("channel") or {}).get("id") or "")
        where = where_of(who.workspace, channel or who.user_id, not channel)
        message = body.get("message") or {}
        request = Request(
            who,
            where,
            str(body.get("trigger_id", "")),
            str(body.get("response_url") or ""),
            prefill={"text": neutral_text(str(message.get("text") or ""))},
        )
        await self._run(Command(who, where, "elephant"), request, context)

    async def _on_uninstalled(self, body: dict[str, Any]) -> None:
        """The app was removed from a workspace: forget its installation."""
        await self._forget_workspace(body, "the app was uninstalled")

    async def _on_tokens_revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Tokens were revoked: when the bot's own token is among them, forget the installation
        (user tokens are never kept, so their revocation changes nothing here)."""
        tokens = event.get("tokens") or {}
        if not tokens.get("bot"):
            log.info(
                "Slack revoked user tokens in workspace %s; none are kept", body.get("team_id")
            )
            return
        await self._forget_workspace(body, "its bot token was revoked")

    async def _forget_workspace(self, body: dict[str, Any], why: str) -> None:
        team = str(body.get("team_id") or "")
        enterprise = body.get("enterprise_id") or None
        if self.installations is None:
            log.warning("Slack workspace %s: %s; SLACK_BOT_TOKEN no longer works there", team, why)
            return
        await self.installations.forget(team, enterprise)
        log.info("removed the installation of Slack workspace %s: %s", team, why)

    async def _on_member_joined(
        self, body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]
    ) -> None:
        team = str(event.get("team") or body.get("team_id") or "")
        user = str(event.get("user", ""))
        where = where_of(team, str(event.get("channel", "")), False)
        if user and user == context.get("bot_user_id"):
            # No core event carries it: the greeting claims the delivery itself and is stored in
            # the outbox in that same transaction, like everything the core stores.
            greeting = PostToConversation(where, Card(text=BOT_ADDED))
            if await records.claim_event(self.db, context.get(ONCE), self.clock(), [greeting]):
                self.drainer.wake()
            return
        who = Who(PLATFORM, team, user, await self.names.of(team, user, fallback=""))
        await self._run(MemberJoined(who, where), Request(who, where), context)

    async def _who(self, body: Mapping[str, Any]) -> Who:
        """Who acted on an interaction, with their display name rather than their handle."""
        who = who_of(body)
        name = await self.names.of(who.workspace, who.user_id, fallback=who.display_name)
        return replace(who, display_name=name)

    async def _run(self, event: Event, request: Request, context: Mapping[str, Any]) -> None:
        effects = await self._handled(event, context)
        await self.answers.carry_out(effects, request)

    async def _handled(self, event: Event, context: Mapping[str, Any]) -> list[Effect]:
        """The core's answer, with at most `CORE_SLOTS` events in the core at once.

        Work runs after the acknowledgement; under a burst, events wait here for a slot instead
        of all queueing for database connections (which would time out and fail people's
        requests). Calls to Slack happen outside the slots, so a slow API doesn't hold one.
        """
        async with self._slots:
            return await self.handle(event, once=context.get(ONCE))


def _response_url(body: str) -> str:
    """The `response_url` of a form-encoded interaction payload, if it has one."""
    try:
        payload = json.loads(parse_qs(body).get("payload", [""])[0])
    except ValueError:
        return ""
    return str(payload.get("response_url") or "") if isinstance(payload, dict) else ""


def _entry_kind(entry: Entry) -> str:
    """What a stored request is, for log lines (never who or what)."""
    return kind_of(entry.body, entry.content_type)


def _entry_sender(entry: Entry) -> str | None:
    """Who sent an opened request, so their requests keep their order (never stored)."""
    return sender_of(entry.body, entry.content_type)


def attach(
    app: web.Application | None, bot: BotParts, settings: SlackSettings | None = None
) -> SlackAdapter | None:
    """Switch Slack on when its settings are present: deliver scheduled effects to Slack and, given
    a web app, serve `POST /slack/events` there (finishing acknowledged work on shutdown)."""
    settings = SlackSettings() if settings is None else settings
    if not settings.enabled:
        return None
    adapter = SlackAdapter(
        bot.core.handle,
        bot.db,
        bot.services.secret,
        settings,
        clock=bot.services.clock,
        drainer=bot.drainer,
    )
    bot.router.register(PLATFORM, adapter.deliverer)
    if app is not None:
        if settings.signing_secret:
            adapter.mount(app)
        if settings.socket_mode:

            async def connect(_app: web.Application) -> None:
                await adapter.start_socket_mode()

            app.on_startup.append(connect)
            if not settings.signing_secret:  # `mount` stops it otherwise
                app.on_cleanup.append(adapter.stop)
    return adapter
