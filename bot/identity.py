"""Who did something and where: the only notion of identity the core knows.

Adapters translate a platform's user and conversation into these neutral values. Ids are the
platform's own strings; the core never interprets them beyond equality.

`anonymous_token` is the one way a person's identity touches an anonymous thing: a keyed hash that
stops someone doing it twice without recording who did it. It is HMAC-SHA256 over (purpose, item,
person) with a key kept outside the database, salted by the item so the same person's tokens for
two elephants look unrelated, and stored in a table of its own, never beside the text it guards.

`signature` is the same keyed hash for values we hand to a platform and read back (a Slack modal's
`private_metadata`): whatever comes back unsigned, or signed for someone else, was not ours.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Who:
    """A person on a platform: `workspace` is the Slack team id or the Teams tenant id."""

    platform: str
    workspace: str
    user_id: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Where:
    """A conversation: a channel (a possible group) or a direct chat with one person."""

    platform: str
    workspace: str
    conversation_id: str
    is_direct: bool = False


def anonymous_token(secret: bytes, purpose: str, item_id: int, who: Who) -> str:
    """The token for `who` doing `purpose` (e.g. "see-too") on item `item_id`."""
    message = "\x1f".join((purpose, str(item_id), who.platform, who.workspace, who.user_id))
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def signature(secret: bytes, purpose: str, *parts: str) -> str:
    """HMAC-SHA256 of `parts` for `purpose`: what proves a round-tripped value is ours."""
    message = "\x1f".join((purpose, *parts))
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def signature_matches(secret: bytes, given: str, purpose: str, *parts: str) -> bool:
    """Whether `given` is `signature(secret, purpose, *parts)` (compared in constant time)."""
    return hmac.compare_digest(given.encode(), signature(secret, purpose, *parts).encode())
