"""Delivering effects that nobody is waiting for: posts, direct messages and updates.

The answer to an inbound request goes back through the adapter that received it. Everything
else waits in the outbox and is sent by its drain, with no request at hand, so each adapter also
offers a `Deliverer`, and `DeliveryRouter` sends every effect to the adapter of its platform.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost

log = logging.getLogger(__name__)


class Deliverer(Protocol):
    """Something that can carry out effects on one platform without an inbound request.

    `deliver` returns the effects that failed for a passing reason (a connection never made, 429,
    5xx: None or empty when there were none), and only those: the outbox tries each again with
    growing pauses, so whatever is returned is taken to be transient. A refusal for good (trying
    again would be refused again) is dealt with inside the deliverer (split and sent once more,
    or `bot.delivery.refusals.report_refused`) and not returned; a send that may have reached the
    platform without an answer is reported with `bot.delivery.receipts.ambiguous` and not
    returned either. It should not stop at the first failure.
    """

    async def deliver(self, effects: Sequence[Effect]) -> Sequence[Effect] | None: ...


def platform_of(effect: Effect) -> str | None:
    """The platform an unsolicited effect is for (replies and forms need a request: None)."""
    if isinstance(effect, PostToConversation | UpdatePost):
        return effect.where.platform
    if isinstance(effect, MessageMember):
        return effect.platform
    return None


class DeliveryRouter:
    """Sends each effect to the deliverer registered for its platform."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Deliverer] = {}

    def register(self, platform: str, deliverer: Deliverer) -> None:
        self._by_platform[platform] = deliverer

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        """Deliver each effect through its platform's deliverer; returns those not accepted.

        Effects for a platform with no adapter configured are dropped with a log line: trying
        again would not help until an operator configures it.
        """
        failed: list[Effect] = []
        grouped: dict[str, list[Effect]] = {}
        for effect in effects:
            platform = platform_of(effect)
            if platform is None:
                log.warning("dropped a %s with no request to answer", type(effect).__name__)
                continue
            grouped.setdefault(platform, []).append(effect)
        for platform, batch in grouped.items():
            deliverer = self._by_platform.get(platform)
            if deliverer is None:
                log.error("no adapter configured for %s; %d effects not sent", platform, len(batch))
                continue
            failed.extend(await deliverer.deliver(batch) or ())
        return failed
