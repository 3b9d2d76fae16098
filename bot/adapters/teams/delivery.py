"""Sending effects to Teams through the Bot Framework connector: channel posts from stored
conversation references, 1:1 messages through `create_conversation`, updates of keyed posts.

`TeamsDeliverer` is registered on the `DeliveryRouter` for platform "teams" (the scheduler's posts
go through it) and the adapter uses it for everything a request causes beyond answering the actor.
Connector failures with 429 or 5xx are retried a bounded number of times (honouring `Retry-After`,
capped). What still fails is logged by kind and status only, never with text, and sorted
(`outcome_of`): transient (429, 5xx, a connection never made, no conversation reference yet) is
handed back for the outbox to try again later; permanent (Teams answered 400, 404, 413: it would
refuse again) is counted as a refusal and not handed back; ambiguous (no answer within
`CALL_TIMEOUT`, a read timeout, a connection dropped after the request was written: Teams may
have posted it) is not sent again but counted in `commonground_ambiguous_sends_total` and logged
by kind and outbox row (`bot.delivery.receipts`). The connector client sends through `requests` on
a worker thread with a 100-second timeout of its own; each call is bounded here by `CALL_TIMEOUT`.

The SDK's own loggers (msrest logs request bodies at DEBUG) keep only WARNING and above.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import requests
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)

from bot.adapters.teams import records
from bot.adapters.teams.cards import CONTENT_TYPE, card_content, card_summary
from bot.cards import Card
from bot.delivery.pacing import Pacer, deliver_in_lanes
from bot.delivery.receipts import ambiguous
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.ops.log_scrub import scrub_loggers
from bot.ops.observability import REFUSALS
from bot.store.database import Database

log = logging.getLogger("bot.adapters.teams")
SDK_PREFIXES = (
    "msrest",
    "botbuilder",
    "botframework",
    "msal",
    "urllib3",
    "requests",
    "requests_oauthlib",
)
SCRUBBED = (*SDK_PREFIXES, "aiohttp.client", "bot.adapters.teams")
"""Loggers whose lines may name a connector URL, with the person's conversation id in it."""
MAX_WAIT = 30.0
CALL_TIMEOUT = 10.0
"""Seconds one connector call may take before we stop waiting: past it, the post may or may not
have been made, so the window in which a send is ambiguous is kept short."""
REFUSED_FOR_GOOD = frozenset({400, 404, 413})
T = TypeVar("T")
Send = Callable[[TurnContext], Awaitable[Any]]


class _BelowWarning(logging.Filter):
    """Drops DEBUG and INFO records: the SDK puts request bodies and ids in them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def quiet_sdk_loggers() -> None:
    """Quiet every SDK logger that exists now (they are made when the SDK is imported): WARNING
    as its level, so DEBUG records are not even built, and a filter, so they are dropped even if
    something lowers that level again. What they still write (urllib3's "Retrying ... /v3/
    conversations/a%3A.../activities/..." when the connector is unreachable) and our own Teams
    lines have conversation and activity ids replaced by `{id}` (`bot.ops.log_scrub`)."""
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in SDK_PREFIXES]
    for name in [*SDK_PREFIXES, *names]:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if not any(isinstance(f, _BelowWarning) for f in logger.filters):
            logger.addFilter(_BelowWarning())
    scrub_loggers(*SCRUBBED)


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a connector failure, when it has one."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return status if isinstance(status, int) else None


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        return float(headers.get("Retry-After", ""))
    except (TypeError, ValueError, AttributeError):
        return None


def outcome_of(exc: BaseException) -> str:
    """"transient", "ambiguous" or "permanent" (see the module docstring)."""
    status = status_of(exc)
    if status is not None:
        return "permanent" if status in REFUSED_FOR_GOOD else "transient"
    if isinstance(exc, TimeoutError):
        return "ambiguous"  # our own bound on the call: it went out, no answer came
    inner = getattr(exc, "inner_exception", None) or exc  # msrest wraps what requests raised
    if isinstance(inner, requests.ConnectTimeout):
        return "transient"
    if isinstance(inner, requests.Timeout):
        return "ambiguous"  # a read timeout: the request was written
    if isinstance(inner, requests.ConnectionError):
        first = inner.args[0] if inner.args else None
        if getattr(first, "reason", None) is not None:
            return "transient"  # urllib3 could not make the connection, even after retrying
        return "ambiguous"  # dropped after the request was written
    return "transient"


def describe(exc: BaseException) -> str:
    status = status_of(exc)
    return type(exc).__name__ + (f" (HTTP {status})" if status else "")


def card_message(content: dict[str, Any], summary: str) -> Activity:
    """A message carrying one Adaptive Card."""
    return Activity(
        type=ActivityTypes.message,
        summary=summary,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=content)],
    )


def message(card: Card, *, in_channel: bool = False) -> Activity:
    return card_message(card_content(card, in_channel=in_channel), card_summary(card))


def member_row(tenant: str, user_id: str) -> str:
    """The `platform_posts` conversation a keyed 1:1 message is recorded under (Teams names the
    1:1 conversation only once it is made)."""
    return f"member:{tenant}:{user_id}"[:200]


def personal(tenant: str, user_id: str, bot_id: str) -> ConversationParameters:
    """The parameters that open (or find) a person's 1:1 chat with the bot."""
    return ConversationParameters(
        is_group=False,
        bot=ChannelAccount(id=bot_id),
        members=[ChannelAccount(id=user_id)],
        tenant_id=tenant,
        channel_data={"tenant": {"id": tenant}},
    )


class TeamsDeliverer:
    """Carries out posts, messages and updates in Teams without a request to answer.

    Up to `workers` conversations are served at once, every connector call paced by `pacer`, and
    a 429 pauses all of them for its Retry-After. A keyed post or message already sent is not
    sent again, since the outbox may hand a batch over twice after a crash.
    """

    def __init__(
        self,
        cloud: CloudAdapter,
        db: Database,
        app_id: str,
        *,
        retries: int,
        backoff: float,
        pacer: Pacer,
        workers: int,
        timeout: float = CALL_TIMEOUT,
    ) -> None:
        self.cloud = cloud
        self.db = db
        self.app_id = app_id
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.pacer = pacer
        self.workers = workers

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        """Send each effect; those Teams did not accept are returned for the outbox to retry."""
        return await deliver_in_lanes(effects, self._sent, self.workers)

    async def _sent(self, effect: Effect) -> bool:
        try:
            if isinstance(effect, PostToConversation):
                await self.post(effect.where.conversation_id, effect.card, effect.key)
            elif isinstance(effect, MessageMember):
                await self.message_member(
                    effect.workspace, effect.user_id, effect.card, key=effect.key
                )
            elif isinstance(effect, UpdatePost):
                await self.update(effect.where.conversation_id, effect.key, effect.card)
            else:
                log.warning("a %s cannot be sent without a request", type(effect).__name__)
        except Exception as exc:
            kind = type(effect).__name__
            outcome = outcome_of(exc)
            if outcome == "ambiguous":
                await ambiguous(effect, f"Teams {describe(exc)}")
                return True
            if outcome == "permanent":
                reason = str(status_of(exc))
                REFUSALS.labels(platform="teams", kind=kind, reason=reason).inc()
                log.error("Teams refused a %s for good (HTTP %s); not sent again", kind, reason)
                return True
            log.error("Teams %s not delivered: %s", kind, describe(exc))
            return False
        return True

    async def retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt` (each try paced, and given up after `timeout` seconds), again after 429
        or 5xx, at most `retries` more times. A 429 pauses every sender on the same pacer, not
        only this one. A timeout is not retried: the call may have been carried out."""
        for tried in range(self.retries + 1):
            try:
                await self.pacer.acquire()
                return await asyncio.wait_for(attempt(), self.timeout)
            except Exception as exc:
                status = status_of(exc)
                if status is None or (status != 429 and status < 500) or tried == self.retries:
                    raise
                wait = _retry_after(exc)
                wait = self.backoff * 2**tried if wait is None else wait
                log.info(
                    "Teams answered %d; trying again (%d of %d)", status, tried + 1, self.retries
                )
                if status == 429:
                    self.pacer.pause(min(max(wait, 0.0), MAX_WAIT))
                else:
                    await asyncio.sleep(min(max(wait, 0.0), MAX_WAIT))
        raise AssertionError("unreachable")

    async def _continue(self, ref: dict[str, Any], send: Send) -> Any:
        """Run `send` in a turn on the referenced conversation; its result."""
        results: list[Any] = []

        async def callback(context: TurnContext) -> None:
            # The continuation has a made-up id; answering it would make a thread reply.
            context.activity.id = None
            results.append(await send(context))

        reference = ConversationReference().deserialize(ref)

        async def attempt() -> None:
            results.clear()
            await self.cloud.continue_conversation(reference, callback, bot_app_id=self.app_id)

        await self.retrying(attempt)
        return results[0] if results else None

    async def post(self, conversation_id: str, card: Card, key: str | None = None) -> None:
        if key and await records.find_post(self.db, conversation_id, key) is not None:
            log.debug("a keyed Teams post was sent before; not sent again")
            return
        ref = await records.load_reference(self.db, conversation_id)
        if ref is None:
            # Kept for the outbox: the first activity from that channel brings its reference.
            raise LookupError("the bot has had no activity from that conversation yet")
        post = message(card, in_channel=True)  # references are kept for shared conversations only
        sent = await self._continue(ref, lambda context: context.send_activity(post))
        if key and sent is not None and getattr(sent, "id", None):
            await records.remember_post(self.db, conversation_id, key, str(sent.id))

    async def update(self, conversation_id: str, key: str, card: Card) -> None:
        activity_id = await records.find_post(self.db, conversation_id, key)
        ref = await records.load_reference(self.db, conversation_id)
        if activity_id is None or ref is None:
            log.info("a Teams post to update was never sent; nothing updated")
            return
        updated = message(card, in_channel=True)
        updated.id = activity_id
        await self._continue(ref, lambda context: context.update_activity(updated))

    async def message_member(
        self,
        tenant: str,
        user_id: str,
        card: Card,
        *,
        key: str | None = None,
    ) -> None:
        """A card in the person's 1:1 chat with the bot (Teams makes it, or finds it)."""
        row = member_row(tenant, user_id)
        if key and await records.find_post(self.db, row, key) is not None:
            log.debug("a keyed Teams message was sent before; not sent again")
            return
        known = await records.load_reference(self.db, records.tenant_row(tenant))
        if known is None:
            raise LookupError("the bot has had no activity from that tenant yet")
        service_url = str(known.get("serviceUrl") or "")
        parameters = personal(tenant, user_id, str((known.get("bot") or {}).get("id") or ""))

        sent: list[Any] = []

        async def callback(context: TurnContext) -> None:
            sent.append(await context.send_activity(message(card)))

        async def attempt() -> None:
            sent.clear()
            await self.cloud.create_conversation(
                self.app_id, callback, parameters, "msteams", service_url
            )

        await self.retrying(attempt)
        activity_id = getattr(sent[0], "id", None) if sent else None
        if key and activity_id:
            await records.remember_post(self.db, row, key, str(activity_id))
