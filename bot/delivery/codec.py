"""Effects as JSON, so the ones nobody is waiting for can wait in the database (the outbox).

Only effects that need no request can be stored: channel posts, direct messages and updates.
"""

from __future__ import annotations

import json
from typing import Any

from bot.cards import Button, Card, Field
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.identity import Where

Storable = PostToConversation | MessageMember | UpdatePost


def _card(card: Card) -> dict[str, Any]:
    return {
        "title": card.title,
        "text": card.text,
        "fields": [[f.label, f.value] for f in card.fields],
        "buttons": [[b.label, b.action, b.value, b.style, b.typed] for b in card.buttons],
        "footer": card.footer,
        **({} if card.link_previews else {"link_previews": False}),
    }


def _card_from(data: dict[str, Any]) -> Card:
    return Card(
        title=data["title"],
        text=data["text"],
        fields=tuple(Field(label, value) for label, value in data["fields"]),
        # rows stored before buttons said what typing them is have four parts
        buttons=tuple(Button(*parts) for parts in data["buttons"]),
        footer=data["footer"],
        link_previews=data.get("link_previews", True) is not False,
    )


def _where(where: Where) -> list[Any]:
    return [where.platform, where.workspace, where.conversation_id, where.is_direct]


def encode(effect: Effect) -> str:
    """JSON for a storable effect; `TypeError` for one that needs a request (a reply, a form)."""
    if isinstance(effect, PostToConversation):
        data: dict[str, Any] = {"post": _where(effect.where), "key": effect.key}
    elif isinstance(effect, MessageMember):
        data = {
            "message": [effect.platform, effect.workspace, effect.user_id],
            "key": effect.key,
        }
        if effect.replace:
            data["replace"] = True
    elif isinstance(effect, UpdatePost):
        data = {"update": _where(effect.where), "key": effect.key}
    else:
        raise TypeError(f"a {type(effect).__name__} cannot wait in the outbox")
    data["card"] = _card(effect.card)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Storable:
    data = json.loads(text)
    card = _card_from(data["card"])
    if "post" in data:
        return PostToConversation(Where(*data["post"]), card, data["key"])
    if "message" in data:
        platform, workspace, user_id = data["message"]
        return MessageMember(
            platform, workspace, user_id, card, data["key"], bool(data.get("replace"))
        )
    return UpdatePost(Where(*data["update"]), data["key"], card)


def storable(effect: Effect) -> bool:
    return isinstance(effect, PostToConversation | MessageMember | UpdatePost)
