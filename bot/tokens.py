"""Keyed hashes that stop someone doing an anonymous thing twice without recording who did it.

A token is HMAC-SHA256 over (purpose, item, person) with a key kept outside the database. It is
salted by the item, so the same person's tokens for two elephants look unrelated, and it is stored
in a table of its own, never beside the anonymous text it guards.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.identity import Who


def anonymous_token(secret: bytes, purpose: str, item_id: int, who: Who) -> str:
    """The token for `who` doing `purpose` (e.g. "see-too") on item `item_id`."""
    message = "\x1f".join((purpose, str(item_id), who.platform, who.workspace, who.user_id))
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()
