"""What a handler gets: the open transaction, the clock, the actor and the resolved group.

Handlers never look anything up about the platform; the core has already found the group (from
the channel, or by asking in a direct message) and the actor's membership before calling them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.identity import Where, Who
from bot.prompts import PromptLibrary
from bot.settings import Settings
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.members import Member

if TYPE_CHECKING:
    from bot.routing import Routes


@dataclass(frozen=True)
class Services:
    """Process-wide things handlers need: settings, the hashing key, prompts, randomness, time."""

    settings: Settings
    secret: bytes
    prompts: PromptLibrary
    clock: Callable[[], datetime]
    rng: random.Random = field(default_factory=random.SystemRandom)


@dataclass
class Context:
    """One unit of work: an inbound event or a scheduled job, inside one database transaction."""

    conn: Connection
    services: Services
    now: datetime
    who: Who | None = None
    where: Where | None = None
    group: Group | None = None
    member: Member | None = None
    seen_by_others: bool = False
    """The command was typed where the others in the conversation read it."""
    routes: Routes | None = None
    """The routing table the core answers with (what `help` lists); None in scheduled jobs."""
    anonymous: bool = False
    """The event ran an anonymous command, button or form: nothing may be written about the
    actor (the core then leaves their plain-text card as it was, `bot.plain_text`)."""

    def require_group(self) -> Group:
        assert self.group is not None, "handler registered as group-scoped got no group"
        return self.group

    def require_member(self) -> Member:
        assert self.member is not None, "handler needs a member but the core resolved none"
        return self.member

    def require_routes(self) -> Routes:
        assert self.routes is not None, "handler needs the routing table but runs as a job"
        return self.routes

    def require_who(self) -> Who:
        assert self.who is not None, "handler needs an actor but runs as a scheduled job"
        return self.who
