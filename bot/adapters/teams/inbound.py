"""Reading Teams activities: who acted, in which conversation, and command text as typed.

Teams writes mentions as `<at>Name</at>` with an entity naming the account. The bot's own mention
is removed by replacing exactly the text of its mention entity; anyone else's becomes the core's
neutral `<@ID>` form, with the Teams user id (`29:...`, the id in `from.id`). The SDK's
`TurnContext.remove_recipient_mention` is not used: it turns the bot's name into a regular
expression and deletes it everywhere in the message, so `setup Common Ground Forum` would lose
words (and a name with brackets would not be removed at all). The little HTML Teams puts in
message text (`<p>`, `<br>`, entities such as `&amp;`) becomes plain text.

A channel message may arrive with its thread in the conversation id (`19:...;messageid=...`): the
channel itself (`channelData.channel.id`) is the conversation a group lives in.
"""

from __future__ import annotations

import html
import re
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.identity import Where, Who

PLATFORM = "teams"
THREAD = ";messageid="
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


def _data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def tenant_of(activity: Activity) -> str:
    tenant = (_data(activity).get("tenant") or {}).get("id")
    conversation = activity.conversation
    return str(tenant or (conversation.tenant_id if conversation else "") or "")


def team_of(activity: Activity) -> str:
    """The id of the team a channel activity comes from (`channelData.team.id`), or ""."""
    return str((_data(activity).get("team") or {}).get("id") or "")


def where_of(activity: Activity) -> Where:
    conversation = activity.conversation
    conversation_id = str(conversation.id or "") if conversation else ""
    kind = str(conversation.conversation_type or "") if conversation else ""
    channel = (_data(activity).get("channel") or {}).get("id")
    if kind == "channel" or channel:
        conversation_id = str(channel or conversation_id.split(THREAD, 1)[0])
    return Where(PLATFORM, tenant_of(activity), conversation_id, is_direct=kind == "personal")


def who_of(activity: Activity) -> Who:
    account = activity.from_property
    user_id = str(account.id or "") if account else ""
    name = str(account.name or "") if account else ""
    return Who(PLATFORM, tenant_of(activity), user_id, name)


def _mentions(activity: Activity) -> list[tuple[str, str]]:
    """(text as written, account id) of each mention entity."""
    found = []
    for entity in TurnContext.get_mentions(activity):
        props = getattr(entity, "additional_properties", None) or {}
        mentioned = props.get("mentioned") or {}
        text = str(props.get("text") or "")
        if text and mentioned.get("id"):
            found.append((text, str(mentioned["id"])))
    return found


def command_text(activity: Activity) -> str:
    """The message as a command: the bot's mention gone, other mentions as `<@ID>`, no HTML."""
    bot_id = activity.recipient.id if activity.recipient else None
    text = activity.text or ""
    people: list[str] = []
    for written, account in _mentions(activity):
        if account == bot_id:
            text = text.replace(written, "")
            continue
        if written in text:
            text = text.replace(written, f"\x00{len(people)}\x00")
            people.append(account)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
    text = _PLACEHOLDER.sub(lambda m: f"<@{people[int(m.group(1))]}>", text)
    return text.strip()
