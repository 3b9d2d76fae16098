"""Delivering effects that nobody is waiting for: scheduled posts and nudges.

An inbound request's effects go back through the adapter that received it. Effects made by the
scheduler have no request, so each adapter also offers a `Deliverer`, and `DeliveryRouter` sends
every effect to the adapter of its platform.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost

log = logging.getLogger(__name__)


class Deliverer(Protocol):
    """Something that can carry out effects on one platform without an inbound request.

    `deliver` returns the effects the platform did not accept (None or empty: all went out), so
    the outbox can try those again later. It should not stop at the first failure.
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
