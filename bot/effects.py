"""Effects: what the core asks an adapter to do. Handlers return them; they never call a platform.

Posts that may change later carry a `key` chosen by the core (for example `checkin:42`); the
adapter remembers which platform message it became, so `UpdatePost(key)` can edit it in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.cards import Card, Form
from bot.identity import Where


@dataclass(frozen=True, slots=True)
class PostToConversation:
    """Post a card in a conversation (usually the group's channel) for everyone there."""

    where: Where
    card: Card
    key: str | None = None


@dataclass(frozen=True, slots=True)
class MessageMember:
    """Send a card privately to one person (Slack DM, Teams 1:1 chat).

    A keyed message is sent once: the outbox may hand it over twice after a crash. With
    `replace`, a keyed message already sent is edited in place instead, to the new card (a
    facilitator's live check-in view); every adapter keeps which message the key became."""

    platform: str
    workspace: str
    user_id: str
    card: Card
    key: str | None = None
    replace: bool = False


@dataclass(frozen=True, slots=True)
class ReplyToActor:
    """Answer only the person who acted (ephemeral in Slack, the 1:1 chat in Teams)."""

    card: Card


@dataclass(frozen=True, slots=True)
class OpenForm:
    """Open a form for the person who acted."""

    form: Form


@dataclass(frozen=True, slots=True)
class FormErrors:
    """Reject a form submission, keeping what was typed; messages are keyed by input name."""

    errors: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class SendFileToActor:
    """Give the person who acted a file (their `export`): whole, never cut to fit a message.

    Slack uploads it privately; Teams asks the person's consent in their 1:1 chat and uploads it
    to their OneDrive; the console writes it beside the database and says where."""

    filename: str
    content: bytes
    title: str
    comment: str


@dataclass(frozen=True, slots=True)
class UpdatePost:
    """Replace an earlier post (by its key) in the given conversation, e.g. a live count."""

    where: Where
    key: str
    card: Card


Effect = (
    PostToConversation
    | MessageMember
    | ReplyToActor
    | OpenForm
    | FormErrors
    | UpdatePost
    | SendFileToActor
)
