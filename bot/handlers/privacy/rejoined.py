"""Someone who used `forget-me` and rejoined: what they could have marked or answered before
stays closed to them, so no count ever holds one person twice (`bot.store.forgotten`)."""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.identity import anonymous_token
from bot.store import forgotten

ALREADY_LEFT = (
    "You used `forget-me` after this was asked, so I can't take an answer to it from you now: "
    "anything you gave before still counts, without your name, and nobody can be counted twice."
)


def _token(ctx: Context) -> str:
    group = ctx.require_group()
    return anonymous_token(
        ctx.services.secret, forgotten.TOKEN_PURPOSE, group.id, ctx.require_who()
    )


async def note_forgotten(ctx: Context) -> None:
    """Called by `forget-me`: the one trace kept, with no link to anything they did."""
    await forgotten.note(ctx.conn, ctx.require_group().id, _token(ctx), now=ctx.now)


async def left_since(ctx: Context, when: datetime | None) -> bool:
    """Whether the person used `forget-me` in this group at or after `when` (None: never)."""
    if when is None:
        return False
    return await forgotten.since(ctx.conn, ctx.require_group().id, _token(ctx), when)
