"""Reading Slack's payloads: who acted, where, and command text as the person typed it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.identity import Where, Who

PLATFORM = "slack"

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
BOT_MENTION = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s:,]*")
_OTHER_LINK = re.compile(r"<([#!]?)([^>|]*)(?:\|([^>]*))?>")


def neutral_text(text: str) -> str:
    """Slack's encoded command text as typed: `<@U1|sam>` becomes `<@U1>` (the core's mention
    form), channel and link markup becomes its label, and `&amp;` `&lt;` `&gt;` become characters.
    """
    text = _MENTION.sub(lambda m: f"<@{m.group(1)}>", text)

    def plain(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "#":
            return "#" + (label or target)
        return label or target

    parts = re.split(r"(<@[UW][A-Z0-9]+>)", text)
    text = "".join(p if _MENTION.fullmatch(p) else _OTHER_LINK.sub(plain, p) for p in parts)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def who_of(body: Mapping[str, Any]) -> Who:
    user = body.get("user") or {}
    team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
    name = str(user.get("name") or user.get("username") or "")
    return Who(PLATFORM, team, str(user.get("id", "")), name)


def where_of(team: str, channel: str, is_direct: bool) -> Where:
    return Where(PLATFORM, team, channel, is_direct=is_direct or channel[:1] == "D")
