"""Sending effects to Slack's Web API: retries, failures logged without text, quiet SDK logs.

`SlackDeliverer` is what the scheduler's effects go through (registered on the `DeliveryRouter` for
platform "slack"), and what the adapter uses for posts after a request. Slack's SDK logs request
bodies (user ids, message text) at DEBUG, so the loggers handed to it drop records below WARNING.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_store
from bot.adapters.slack_blocks import card_blocks, card_fallback
from bot.cards import Card
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.store.database import Database

log = logging.getLogger("bot.adapters.slack")

Tokens = Callable[[str], Awaitable[str | None]]
"""Finds a workspace's bot token (installs in many workspaces); None when not installed."""


class _BelowWarning(logging.Filter):
    """Drops DEBUG and INFO records: Slack's SDK puts request bodies in them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def _quiet_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if not any(isinstance(f, _BelowWarning) for f in logger.filters):
        logger.addFilter(_BelowWarning())
    return logger


SDK_LOG = _quiet_logger("bot.adapters.slack.sdk")
BOLT_LOG = _quiet_logger("bot.adapters.slack.bolt")


def retry_handlers(count: int, backoff: float = 0.5) -> list[AsyncRetryHandler]:
    """429s wait for Retry-After; 500/503 and dropped connections retry with a short backoff."""
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff)
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=count),
        AsyncServerErrorRetryHandler(max_retry_count=count, interval_calculator=interval),
        AsyncConnectionErrorRetryHandler(max_retry_count=count, interval_calculator=interval),
    ]


def error_code(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


class SlackDeliverer:
    """Carries out channel posts, direct messages and updates: for requests and the scheduler.

    A failure of one effect is logged (its kind and Slack's error code, never its text or who it
    was for), the rest still go out, and the failed ones are returned for the outbox to retry.
    """

    def __init__(self, client: AsyncWebClient, db: Database, tokens: Tokens | None = None) -> None:
        self.client = client
        self.db = db
        self.tokens = tokens

    async def auth(self, workspace: str) -> dict[str, Any]:
        """Per-call token arguments: none with one workspace's token, else that workspace's."""
        if self.tokens is None:
            return {}
        token = await self.tokens(workspace)
        if token is None:
            raise LookupError("the app is not installed in that workspace")
        return {"token": token}

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        failed: list[Effect] = []
        for effect in effects:
            try:
                await self._one(effect)
            except Exception as exc:
                failed.append(effect)
                log.warning(
                    "Slack delivery of a %s failed: %s", type(effect).__name__, error_code(exc)
                )
        return failed

    async def _one(self, effect: Effect) -> None:
        if isinstance(effect, PostToConversation):
            where = effect.where
            await self._post(where.workspace, where.conversation_id, effect.card, effect.key)
        elif isinstance(effect, MessageMember):
            await self._post(effect.workspace, effect.user_id, effect.card, effect.key)
        elif isinstance(effect, UpdatePost):
            found = await slack_store.find_post(self.db, effect.where.conversation_id, effect.key)
            if found is None:
                log.warning("an update for a post that was never sent to Slack was skipped")
                return
            channel, ts = found
            await self.client.chat_update(
                **await self.auth(effect.where.workspace),
                channel=channel,
                ts=ts,
                text=card_fallback(effect.card),
                blocks=card_blocks(effect.card),
            )
        else:
            log.warning("a %s needs a request to answer; not sent", type(effect).__name__)

    async def _post(self, workspace: str, channel: str, card: Card, key: str | None) -> None:
        response = await self.client.chat_postMessage(
            **await self.auth(workspace),
            channel=channel,
            text=card_fallback(card),
            blocks=card_blocks(card),
        )
        if key:
            posted_in = str(response.get("channel") or channel)
            await slack_store.remember_post(
                self.db, channel, key, posted_in, str(response.get("ts"))
            )
