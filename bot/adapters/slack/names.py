"""People's display names in Slack, looked up with `users.info` and remembered for a while.

Slack's requests carry a person's handle, not the name they go by; the group sees display names,
so each actor's is looked up. Names are remembered for a few minutes in this process (a burst of
answers from one group would otherwise ask Slack once per press), and when Slack will not say,
the caller's fallback (their handle, or nothing) stands in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.delivery import error_code

NAME_SECONDS = 300.0
"""How long a looked-up display name is trusted in this process."""
MOST_REMEMBERED = 5000
"""Past this many names, the stale ones are dropped (a long-running process meets many people)."""

log = logging.getLogger(__name__)

Auth = Callable[[str], Awaitable[dict[str, Any]]]


class DisplayNames:
    """Display names by (workspace, user), from `users.info`, cached for `NAME_SECONDS`."""

    def __init__(self, client: AsyncWebClient, auth: Auth) -> None:
        self.client = client
        self.auth = auth
        self._names: dict[tuple[str, str], tuple[float, str]] = {}

    async def of(self, team: str, user: str, *, fallback: str) -> str:
        """The person's display name; `fallback` when Slack will not say."""
        key = (team, user)
        now = time.monotonic()
        cached = self._names.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            info = await self.client.users_info(user=user, **await self.auth(team))
        except Exception as exc:
            log.warning("could not look up a person's display name: %s", error_code(exc))
            return fallback
        person = info.get("user") or {}
        profile = person.get("profile") or {}
        name = str(
            profile.get("display_name")
            or profile.get("real_name")
            or person.get("real_name")
            or person.get("name")
            or fallback
        )
        if len(self._names) > MOST_REMEMBERED:
            self._names = {k: v for k, v in self._names.items() if v[0] > now}
        self._names[key] = (now + NAME_SECONDS, name)
        return name
