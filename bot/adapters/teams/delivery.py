"""Sending effects to Teams through the Bot Framework connector: channel posts from stored
conversation references, 1:1 messages through `create_conversation`, updates of keyed posts.

`TeamsDeliverer` is registered on the `DeliveryRouter` for platform "teams" (the scheduler's posts
go through it) and the adapter uses it for everything a request causes beyond answering the actor.
Connector failures with 429 or 5xx are retried a bounded number of times (honouring `Retry-After`,
capped). What still fails is logged by kind and status only, never with text, and sorted
(`outcome_of`): transient (429, 5xx, a connection never made, no conversation reference yet) is
handed back for the outbox to try again later; permanent (Teams answered 400, 404, 413: it would
refuse again) is never handed back (404, a conversation that is gone, is counted as a refusal;
400 and 413 are tried once more, smaller, as below); ambiguous (no answer within
`CALL_TIMEOUT`, a read timeout, a connection dropped after the request was written: Teams may
have posted it) is not sent again but counted in `commonground_ambiguous_sends_total` and logged
by kind and outbox row (`bot.delivery.receipts`). The connector client sends through `requests` on
a worker thread with a 100-second timeout of its own; each call is bounded here by `CALL_TIMEOUT`.

A card too long for one message goes as consecutive cards (`cards.card_parts`). Teams refuses
some posts for good: 413 (too big) and 400 (a card it cannot read). Those are not handed back,
since trying the same post again would be refused again: the post is sent once more, divided
into smaller parts (for 400, as plain text without buttons or facts), and if that is refused too,
`report_refused` counts it and tells the group's facilitators.

Keyed posts: the key names the first card; its continuation parts are recorded under the key
with `#2`, `#3`, ... so a post handed over twice is not sent twice, even part by part. An update
replaces the parts it was first sent as, one for one; when the new card needs more parts, the
extra ones are posted after (the first says how many follow); parts no longer needed are left
as they were. A keyed message to a member is recorded the same way. When a second, smaller try
follows a refusal part-way through, the parts already sent stay and the rest goes in the smaller
parts: a few words may be shown twice, none is lost.

The SDK's own loggers (msrest logs request bodies at DEBUG) keep only WARNING and above.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
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
from msrest.universal_http.requests import ClientRetryPolicy

from bot.adapters.teams import limits, records
from bot.adapters.teams.cards import CONTENT_TYPE, card_content, card_parts, card_summary
from bot.cards import Card
from bot.delivery.pacing import Pacer, deliver_in_lanes
from bot.delivery.receipts import ambiguous
from bot.delivery.refusals import report_refused
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.ops.log_scrub import scrub_loggers
from bot.ops.observability import REFUSALS
from bot.store.database import Database

# msrest builds a retry policy for every connector client, and botbuilder makes two clients for
# every proactive send; each policy tests 999 status codes for membership in a 500-item list, about
# 2 ms of CPU per send, which held a Teams fan-out on a busy machine to half the enforced limit.
# The same codes as a frozenset make the same policy for a thousandth of the work.
ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]

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
    """ "transient", "ambiguous" or "permanent" (see the module docstring)."""
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
    """One message for a card known to be short (the bot's own fixed answers)."""
    return card_message(card_content(card, in_channel=in_channel), card_summary(card))


def messages(card: Card, *, in_channel: bool = False, budget: int | None = None) -> list[Activity]:
    """The card as consecutive messages, each within Teams' size limit (usually one)."""
    summary = card_summary(card)
    parts = card_parts(card, in_channel=in_channel, budget=budget)
    return [card_message(content, summary) for content in parts]


def plain(card: Card) -> Card:
    """The card reduced to its words, for a second try after Teams could not read it: the
    title, text, fields as lines and footer, without buttons."""
    lines = [card.text, *(f"{f.label}: {f.value}" for f in card.fields), card.footer]
    return Card(title=card.title, text="\n\n".join(line for line in lines if line))


def _sending(post: Activity) -> Send:
    return lambda context: context.send_activity(post)


def _updating(post: Activity) -> Send:
    return lambda context: context.update_activity(post)


PERMANENT = (400, 413)
"""Statuses with which Teams refuses a post for good (400: a card it cannot read; 413: too big)."""


def part_key(key: str, number: int) -> str:
    """The key a keyed post's part `number` is recorded under (the first: the key itself)."""
    return key if number == 1 else f"{key}#{number}"


CHAT = "chat"
"""The key under a person's row (`member_row`) naming their 1:1 chat, kept only for messages that
are edited later (`MessageMember.replace`): editing needs the chat, which Teams names only once
it is made."""
NO_LONGER_NEEDED = "This part is no longer needed: the message above was updated."


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
    a 429 slows all of them down while the refused call waits for its Retry-After. A keyed post
    or message already sent is not sent again, since the outbox may hand a batch over twice after
    a crash.
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
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.cloud = cloud
        self.db = db
        self.app_id = app_id
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.pacer = pacer
        self.workers = workers
        self.clock = clock

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        """Send each effect; those Teams did not accept for now (429, 5xx, network) are returned
        for the outbox to retry. Refused for good: see `_refused`."""
        return await deliver_in_lanes(effects, self._sent, self.workers)

    async def _sent(self, effect: Effect) -> bool:
        try:
            await self._send(effect, None)
        except Exception as exc:
            kind = type(effect).__name__
            outcome = outcome_of(exc)
            if outcome == "ambiguous":
                await ambiguous(effect, f"Teams {describe(exc)}")
                return True
            status = status_of(exc)
            if status in PERMANENT:
                return await self._refused(effect, status)
            if outcome == "permanent":  # 404: the conversation is gone; asking again won't help
                REFUSALS.labels(platform="teams", kind=kind, reason=str(status)).inc()
                log.error("Teams refused a %s for good (HTTP %s); not sent again", kind, status)
                return True
            log.error("Teams %s not delivered: %s", kind, describe(exc))
            return False
        return True

    async def _send(self, effect: Effect, budget: int | None, *, reduce: bool = False) -> None:
        if isinstance(effect, PostToConversation):
            card = plain(effect.card) if reduce else effect.card
            await self.post(effect.where.conversation_id, card, effect.key, budget=budget)
        elif isinstance(effect, MessageMember):
            card = plain(effect.card) if reduce else effect.card
            await self.message_member(
                effect.workspace,
                effect.user_id,
                card,
                key=effect.key,
                budget=budget,
                replace=effect.replace,
            )
        elif isinstance(effect, UpdatePost):
            card = plain(effect.card) if reduce else effect.card
            await self.update(effect.where.conversation_id, effect.key, card, budget=budget)
        else:
            log.warning("a %s cannot be sent without a request", type(effect).__name__)

    async def _refused(self, effect: Effect, status: int) -> bool:
        """Teams refused the post for good: send it once more, in parts of half the size (413) or
        as plain words (400); if that is refused too, report it. Never handed back to the outbox.
        Parts already sent of a keyed post are not sent again."""
        kind = type(effect).__name__
        log.warning("Teams refused a %s (HTTP %d); trying it smaller", kind, status)
        try:
            await self._send(effect, limits.ACTIVITY_BUDGET // 2, reduce=status == 400)
        except Exception as exc:
            again = status_of(exc)
            if outcome_of(exc) == "ambiguous":
                await ambiguous(effect, f"Teams {describe(exc)}")
                return True
            if again not in PERMANENT:
                log.error("Teams %s not delivered: %s", type(effect).__name__, describe(exc))
                return False
            await report_refused(self.db, effect, str(again), self.clock())
        return True

    async def retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt` (each try paced, and given up after `timeout` seconds), again after 429
        or 5xx, at most `retries` more times. A 429 slows down every sender on the same pacer,
        not only this one (`Pacer.push_back`). A timeout is not retried: the call may have been
        carried out."""
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
                wait = min(max(wait, 0.0), MAX_WAIT)
                await asyncio.sleep(self.pacer.push_back(wait) if status == 429 else wait)
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

    async def post(
        self, conversation_id: str, card: Card, key: str | None = None, *, budget: int | None = None
    ) -> None:
        """The card in the channel, as consecutive cards when it is long. A keyed post's parts
        already sent (recorded one by one) are not sent again."""
        ref = await records.load_reference(self.db, conversation_id)
        if ref is None:
            # Kept for the outbox: the first activity from that channel brings its reference.
            raise LookupError("the bot has had no activity from that conversation yet")
        # References are kept for shared conversations only.
        parts = messages(card, in_channel=True, budget=budget)
        for number, post in enumerate(parts, start=1):
            if key and await records.find_post(self.db, conversation_id, part_key(key, number)):
                log.debug("a keyed Teams post was sent before; not sent again")
                continue
            sent = await self._continue(ref, _sending(post))
            if key and sent is not None and getattr(sent, "id", None):
                await records.remember_post(
                    self.db, conversation_id, part_key(key, number), str(sent.id)
                )

    async def update(
        self, conversation_id: str, key: str, card: Card, *, budget: int | None = None
    ) -> None:
        """Replace the keyed post's parts one for one; post any new parts after them."""
        ref = await records.load_reference(self.db, conversation_id)
        if await records.find_post(self.db, conversation_id, key) is None or ref is None:
            log.info("a Teams post to update was never sent; nothing updated")
            return
        for number, updated in enumerate(messages(card, in_channel=True, budget=budget), start=1):
            activity_id = await records.find_post(self.db, conversation_id, part_key(key, number))
            if activity_id is None:
                sent = await self._continue(ref, _sending(updated))
                if sent is not None and getattr(sent, "id", None):
                    await records.remember_post(
                        self.db, conversation_id, part_key(key, number), str(sent.id)
                    )
                continue
            updated.id = activity_id
            await self._continue(ref, _updating(updated))

    async def message_member(
        self,
        tenant: str,
        user_id: str,
        card: Card,
        *,
        key: str | None = None,
        budget: int | None = None,
        replace: bool = False,
    ) -> None:
        """A card in the person's 1:1 chat with the bot (Teams makes it, or finds it), as
        consecutive cards when it is long. With `replace`, a keyed message sent before is edited
        in place (`_edit_personal`)."""
        row = member_row(tenant, user_id)
        parts = messages(card, budget=budget)
        numbers = list(range(1, len(parts) + 1))
        if key and replace:
            chat = await records.find_post(self.db, row, CHAT)
            if chat and await records.find_post(self.db, row, part_key(key, 1)):
                await self._edit_personal(tenant, chat, row, key, parts)
                return
        if key:
            found = [await records.find_post(self.db, row, part_key(key, n)) for n in numbers]
            numbers = [n for n, activity_id in zip(numbers, found, strict=True) if not activity_id]
            if not numbers:
                log.debug("a keyed Teams message was sent before; not sent again")
                return
        known = await records.load_reference(self.db, records.tenant_row(tenant))
        if known is None:
            raise LookupError("the bot has had no activity from that tenant yet")
        service_url = str(known.get("serviceUrl") or "")
        parameters = personal(tenant, user_id, str((known.get("bot") or {}).get("id") or ""))

        for number in numbers:
            activity_id, chat = await self._send_personal(
                parameters, service_url, parts[number - 1]
            )
            if key and activity_id:
                await records.remember_post(self.db, row, part_key(key, number), activity_id)
            if key and replace and chat:
                await records.remember_post(self.db, row, CHAT, chat)

    async def _edit_personal(
        self, tenant: str, chat: str, row: str, key: str, parts: list[Activity]
    ) -> None:
        """Edit a keyed message in the person's 1:1 chat `chat`, part for part; post parts it did
        not have, and say so in parts no longer needed (Teams keeps a message's place)."""
        known = await records.load_reference(self.db, records.tenant_row(tenant))
        if known is None:
            raise LookupError("the bot has had no activity from that tenant yet")
        ref = {
            "channelId": "msteams",
            "serviceUrl": str(known.get("serviceUrl") or ""),
            "bot": known.get("bot") or {},
            "conversation": {"id": chat, "conversationType": "personal", "tenantId": tenant},
        }
        number = 1
        while True:
            activity_id = await records.find_post(self.db, row, part_key(key, number))
            if number > len(parts):
                if activity_id is None:
                    break
                gone = message(Card(text=NO_LONGER_NEEDED))
                gone.id = activity_id
                await self._continue(ref, _updating(gone))
            elif activity_id is None:
                sent = await self._continue(ref, _sending(parts[number - 1]))
                if sent is not None and getattr(sent, "id", None):
                    await records.remember_post(self.db, row, part_key(key, number), str(sent.id))
            else:
                parts[number - 1].id = activity_id
                await self._continue(ref, _updating(parts[number - 1]))
            number += 1

    async def _send_personal(
        self, parameters: ConversationParameters, service_url: str, post: Activity
    ) -> tuple[str | None, str | None]:
        """Send `post` in the 1:1 chat `parameters` open; the id Teams gave it, and the chat's."""
        sent: list[Any] = []
        chats: list[str] = []

        async def callback(context: TurnContext) -> None:
            conversation = getattr(context.activity, "conversation", None)
            if conversation is not None and getattr(conversation, "id", None):
                chats.append(str(conversation.id))
            sent.append(await context.send_activity(post))

        async def attempt() -> None:
            sent.clear()
            await self.cloud.create_conversation(
                self.app_id, callback, parameters, "msteams", service_url
            )

        await self.retrying(attempt)
        activity_id = getattr(sent[0], "id", None) if sent else None
        return (str(activity_id) if activity_id else None), (chats[-1] if chats else None)
