"""Sending effects to Slack's Web API: retries, failures logged without text, quiet SDK logs.

`SlackDeliverer` is what the outbox's effects go through (registered on the `DeliveryRouter` for
platform "slack"). Slack's SDK logs request bodies (user ids, message text) at DEBUG, so the
loggers handed to it drop records below WARNING.

Each failure is one of three kinds (`outcome_of`), because the outbox treats them differently:
- transient: the request surely did not reach Slack (connection refused, a name that does not
  resolve) or Slack said to come back (429, 5xx, `internal_error`): handed back as failed, and
  the outbox tries again with growing pauses;
- ambiguous: the request was written but no answer came (the call's `CALL_TIMEOUT`, a connection
  dropped after sending): Slack may have posted it. It is not sent again (nor retried inside the
  SDK, whose own retries are limited to connections never made), but counted in
  `commonground_ambiguous_sends_total` and logged by kind and outbox row (`bot.delivery.receipts`);
- permanent: Slack answered and refused (`channel_not_found`, `not_in_channel`, ...): sending it
  again would be refused again, so it is counted as a refusal and not handed back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientConnectionError as AiohttpConnectionError
from aiohttp import ClientConnectorError, ClientPayloadError, ConnectionTimeoutError
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import limits, records
from bot.adapters.slack.blocks import SlackMessage, card_messages, plain_messages
from bot.delivery.pacing import Pacer, deliver_in_lanes
from bot.delivery.receipts import ambiguous
from bot.delivery.refusals import report_refused
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.ops.observability import REFUSALS
from bot.store.database import Database

log = logging.getLogger("bot.adapters.slack")

CALL_TIMEOUT = 10
"""Seconds a Web API call may take (the SDK's default is 30): past it, a post may or may not have
been made, so the window in which a send is ambiguous is kept short."""
NOT_SENT = (ClientConnectorError, ConnectionTimeoutError)
"""Connection failures that happen before any byte of the request is written: safe to retry."""
TRY_LATER = frozenset({"internal_error", "fatal_error", "service_unavailable", "ratelimited"})
"""Slack error codes that mean "not now" rather than "never"."""

Tokens = Callable[[str], Awaitable[str | None]]
"""Finds a workspace's bot token (installs in many workspaces); None when not installed."""


class _BelowWarning(logging.Filter):
    """Drops DEBUG and INFO records: Slack's SDK puts request bodies in them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def _quiet_logger(name: str) -> logging.Logger:
    """The SDK's logger: WARNING as its own level, because the SDK builds its DEBUG records
    (request and response bodies) only when the level lets them through, which is work on every
    call; and the filter, so they are dropped even if something lowers that level again."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.WARNING)
    if not any(isinstance(f, _BelowWarning) for f in logger.filters):
        logger.addFilter(_BelowWarning())
    return logger


SDK_LOG = _quiet_logger("bot.adapters.slack.sdk")
BOLT_LOG = _quiet_logger("bot.adapters.slack.bolt")


class PacedRateLimitHandler(AsyncRateLimitErrorRetryHandler):
    """A 429 slows down every sender sharing `pacer` (`Pacer.push_back`); the refused request
    waits out its Retry-After alone, then takes a token like any request."""

    def __init__(self, pacer: Pacer, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.pacer = pacer

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            if error is not None:
                raise error
            return
        state.next_attempt_requested = True
        await asyncio.sleep(self.pacer.push_back(retry_after(response)))
        await self.pacer.acquire()
        state.increment_current_attempt()


def retry_after(response: HttpResponse) -> float:
    """Seconds Slack asked us to wait (1 when it did not say)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(float(values[0]), 0.0)
            except ValueError:
                break
    return 1.0


def retry_handlers(count: int, backoff: float, pacer: Pacer) -> list[AsyncRetryHandler]:
    """429s slow every sender down (the refused request waits for its Retry-After); 500/503 and
    connections that could not be made retry with a short backoff. A connection dropped after the
    request was written is not retried here: Slack may have acted on it (the post would appear
    twice)."""
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff)
    return [
        PacedRateLimitHandler(pacer, count),
        AsyncServerErrorRetryHandler(max_retry_count=count, interval_calculator=interval),
        AsyncConnectionErrorRetryHandler(
            max_retry_count=count, interval_calculator=interval, error_types=list(NOT_SENT)
        ),
    ]


def outcome_of(exc: Exception) -> str:
    """ "transient", "ambiguous" or "permanent" (see the module docstring)."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        if status == 429 or status >= 500 or error_code(exc) in TRY_LATER:
            return "transient"
        return "permanent"
    if isinstance(exc, NOT_SENT):
        return "transient"
    if isinstance(exc, TimeoutError | AiohttpConnectionError | ClientPayloadError):
        return "ambiguous"  # written, then no answer in time, or the connection dropped
    return "transient"  # not installed there (yet), or our own trouble: try again later


def error_code(exc: Exception) -> str:
    """Slack's error code, else the HTTP status (a proxy's page in front of Slack is not JSON),
    else the kind of failure."""
    if isinstance(exc, SlackApiError):
        data = exc.response.data
        code = data.get("error") if isinstance(data, dict) else None
        return str(code or exc.response.status_code)
    return type(exc).__name__


class SlackDeliverer:
    """Carries out channel posts, direct messages and updates: for requests and the scheduler.

    A card too long for one Slack message goes as several (`card_messages`): the first is the
    post, the rest are replies in its thread, each remembered under `<key>#<n>` beside the key's
    own record, so a keyed post handed over twice by the outbox is neither doubled nor left
    half-sent. An `UpdatePost` edits the first message in place and each part it still needs;
    parts the new content needs beyond those go into the thread as new replies, and parts it no
    longer needs are edited to say so (Slack cannot shrink a thread without deleting replies
    people may be reading).

    Slack refusing a payload for good (`invalid_blocks`, `msg_blocks_too_long`,
    `invalid_arguments`) is not a failure to retry later: the card is sent once more as plain text
    in smaller parts, and if Slack refuses that too the facilitators are told (`report_refused`).
    Any other failure of one effect is logged (its kind and Slack's error code, never its text or
    who it was for), the rest still go out, and the failed ones are returned for the outbox to
    retry. Up to `workers` conversations are served at once, every request paced by `pacer` (the
    same one the client's 429 handler slows down).
    """

    def __init__(
        self,
        client: AsyncWebClient,
        db: Database,
        tokens: Tokens | None,
        *,
        pacer: Pacer,
        workers: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.db = db
        self.tokens = tokens
        self.pacer = pacer
        self.workers = workers
        self.clock = clock

    async def auth(self, workspace: str) -> dict[str, Any]:
        """Per-call token arguments: none with one workspace's token, else that workspace's."""
        if self.tokens is None:
            return {}
        token = await self.tokens(workspace)
        if token is None:
            raise LookupError("the app is not installed in that workspace")
        return {"token": token}

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        return await deliver_in_lanes(effects, self._sent, self.workers)

    async def _sent(self, effect: Effect) -> bool:
        """False when it should be tried again later; True when it is settled (sent, sent
        perhaps, or refused for good)."""
        try:
            await self._one(effect, plain=False)
        except Exception as exc:
            kind, code = type(effect).__name__, error_code(exc)
            outcome = outcome_of(exc)
            if outcome == "ambiguous":
                await ambiguous(effect, f"Slack {code}")
                return True
            if refused(exc):
                log.warning("Slack refused a %s (%s); sending it as plain text", kind, code)
                return await self._plain_once_more(effect)
            if outcome == "permanent":
                REFUSALS.labels(platform="slack", kind=kind, reason=code[:40]).inc()
                log.error("Slack refused a %s for good (%s); not sent again", kind, code)
                return True
            log.warning("Slack delivery of a %s failed: %s", kind, code)
            return False
        return True

    async def _plain_once_more(self, effect: Effect) -> bool:
        """Slack refused the blocks: send the words once more as plain text in parts; if that is
        refused too, report it (`report_refused`) rather than try again for ever."""
        try:
            await self._one(effect, plain=True)
        except Exception as again:
            kind, code = type(effect).__name__, error_code(again)
            outcome = outcome_of(again)
            if outcome == "ambiguous":
                await ambiguous(effect, f"Slack {code}")
            elif outcome == "transient":
                log.warning("Slack delivery of a %s as plain text failed: %s", kind, code)
                return False
            else:
                await report_refused(self.db, effect, code, self.clock())
        return True

    async def _one(self, effect: Effect, *, plain: bool) -> None:
        render = plain_messages if plain else card_messages
        if isinstance(effect, PostToConversation):
            where = effect.where
            await self.post_messages(
                where.workspace,
                where.conversation_id,
                render(effect.card),
                effect.key,
                plain,
                previews=effect.card.link_previews,
            )
        elif isinstance(effect, MessageMember):
            head = None
            if effect.replace and effect.key:
                head = await records.find_post(self.db, effect.user_id, effect.key)
            if head is not None and effect.key:
                # A live view: the DM's messages are edited in place, like a channel post.
                await self._update_parts(
                    effect.workspace, effect.user_id, effect.key, render(effect.card), plain
                )
            else:
                await self.post_messages(
                    effect.workspace,
                    effect.user_id,
                    render(effect.card),
                    effect.key,
                    plain,
                    previews=effect.card.link_previews,
                )
        elif isinstance(effect, UpdatePost):
            await self._update(effect, render(effect.card), plain)
        else:
            log.warning("a %s needs a request to answer; not sent", type(effect).__name__)

    async def _send(self, method: str, workspace: str, **args: Any) -> dict[str, Any]:
        auth = await self.auth(workspace)
        await self.pacer.acquire()
        call = getattr(self.client, method)
        response = await call(**auth, **args)
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def post_messages(
        self,
        workspace: str,
        channel: str,
        messages: list[SlackMessage],
        key: str | None,
        plain: bool = False,
        *,
        previews: bool = True,
    ) -> None:
        """The first message as a post, the rest as replies in its thread; without `previews`,
        Slack is told not to unfurl the links in them (a private link must not be fetched)."""
        unfurl = {} if previews else {"unfurl_links": False, "unfurl_media": False}
        head = await records.find_post(self.db, channel, key) if key else None
        if head is None:
            answer = await self._send(
                "chat_postMessage", workspace, channel=channel, **_payload(messages[0]), **unfurl
            )
            head = (str(answer.get("channel") or channel), str(answer.get("ts")))
            if key:
                await records.remember_post(self.db, channel, key, *head)
        elif len(messages) == 1:
            log.debug("a keyed Slack post was sent before; not sent again")
            return
        posted_in, thread = head
        for number, message in enumerate(messages[1:], start=2):
            part = _part_key(key, number, plain)
            if part and await records.find_post(self.db, channel, part) is not None:
                continue
            answer = await self._send(
                "chat_postMessage",
                workspace,
                channel=posted_in,
                thread_ts=thread,
                **_payload(message),
                **unfurl,
            )
            if part:
                await records.remember_post(
                    self.db, channel, part, posted_in, str(answer.get("ts"))
                )

    async def _update(self, effect: UpdatePost, messages: list[SlackMessage], plain: bool) -> None:
        where = effect.where
        await self._update_parts(
            where.workspace, where.conversation_id, effect.key, messages, plain
        )

    async def _update_parts(
        self,
        workspace: str,
        conversation: str,
        key: str,
        messages: list[SlackMessage],
        plain: bool,
    ) -> None:
        """Edit the keyed post recorded under `conversation` (a channel, or a person's id for
        their DM) and its later parts; post parts it did not have, blank parts no longer needed."""
        found = await records.find_post(self.db, conversation, key)
        if found is None:
            log.warning("an update for a post that was never sent to Slack was skipped")
            return
        channel, ts = found
        await self._send(
            "chat_update", workspace, channel=channel, ts=ts, **_payload(messages[0], edit=True)
        )
        number = 2
        while True:
            part = _part_key(key, number, plain)
            assert part is not None
            old = await records.find_post(self.db, conversation, part)
            if number > len(messages):
                if old is None:
                    break
                gone = SlackMessage(NO_LONGER_NEEDED, [_note(NO_LONGER_NEEDED)])
                await self._send(
                    "chat_update", workspace, channel=old[0], ts=old[1], **_payload(gone)
                )
            elif old is None:
                answer = await self._send(
                    "chat_postMessage",
                    workspace,
                    channel=channel,
                    thread_ts=ts,
                    **_payload(messages[number - 1]),
                )
                await records.remember_post(
                    self.db, conversation, part, channel, str(answer.get("ts"))
                )
            else:
                await self._send(
                    "chat_update",
                    workspace,
                    channel=old[0],
                    ts=old[1],
                    **_payload(messages[number - 1]),
                )
            number += 1


NO_LONGER_NEEDED = "This part is no longer needed: the post above was updated."


def _note(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _part_key(key: str | None, number: int, plain: bool) -> str | None:
    """The record of a keyed post's later part (its first part is the key's own record)."""
    if key is None:
        return None
    return f"{key}#{'text' if plain else ''}{number}"


def _payload(message: SlackMessage, *, edit: bool = False) -> dict[str, Any]:
    """A message's arguments; an edit to plain text sends no blocks explicitly, since Slack
    keeps a message's old blocks when an update leaves `blocks` out."""
    if message.blocks or edit:
        return {"text": message.text, "blocks": message.blocks}
    return {"text": message.text}


def refused(exc: Exception) -> bool:
    """Whether Slack refused this payload for good (sending it again as it is cannot help)."""
    return isinstance(exc, SlackApiError) and error_code(exc) in limits.REFUSALS
