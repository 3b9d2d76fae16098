"""Who did something and where: the only notion of identity the core knows.

Adapters translate a platform's user and conversation into these neutral values. Ids are the
platform's own strings; the core never interprets them beyond equality.
"""

from __future__ import annotations

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
