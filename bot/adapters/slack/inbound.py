"""Reading Slack's payloads: who acted, where, and command text as the person typed it; and
`shape_problem`, the check that a signed request has the shape Slack gives it before Bolt reads it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from bot.identity import Where, Who

PLATFORM = "slack"

log = logging.getLogger(__name__)

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


# -- the shape of a signed request --------------------------------------------------------------

_INTERACTIONS_WITH_CALLBACK = {"shortcut", "message_action"}
_VIEWS = {"view_submission", "view_closed"}
_OBJECTS = ("user", "team", "channel", "container", "message")


def _json_object(text: str) -> dict[str, Any] | None:
    """`text` as a JSON object, or None (not JSON, nested too deep, or not an object)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _optional_object(data: Mapping[str, Any], key: str) -> bool:
    return data.get(key) is None or isinstance(data.get(key), dict)


def _event_problem(data: Mapping[str, Any]) -> str | None:
    authorizations = data.get("authorizations", [])
    if not isinstance(authorizations, list) or not all(isinstance(a, dict) for a in authorizations):
        return "an event whose authorizations are not a list"  # Bolt reads them on any event
    if "event" in data and not isinstance(data["event"], dict):
        return "an event that is not an object"
    if data.get("type") != "event_callback":
        return None
    event = data.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "an event callback without an event"
    return None


def _view_problem(view: object) -> str | None:
    if not isinstance(view, dict) or not isinstance(view.get("callback_id", ""), str):
        return "a view payload without a view"
    state = view.get("state") or {}
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(state, dict) or not isinstance(values or {}, dict):
        return "a view whose state is not an object"
    for actions in (values or {}).values():
        if not isinstance(actions, dict) or not all(isinstance(a, dict) for a in actions.values()):
            return "a view whose state is not an object"
    return None


def _payload_problem(payload: Mapping[str, Any]) -> str | None:
    kind = payload.get("type")
    if not isinstance(kind, str):
        return "an interaction without a type"
    if not all(_optional_object(payload, key) for key in _OBJECTS):
        return "an interaction whose user, team, channel or message is not an object"
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            return "a button press without actions"
        for action in actions:
            if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
                return "a button press with an action that is not one"
    if kind in _VIEWS:
        return _view_problem(payload.get("view"))
    if kind in _INTERACTIONS_WITH_CALLBACK and not isinstance(payload.get("callback_id"), str):
        return "a shortcut without a callback id"
    return None


def shape_problem(body: str, content_type: str) -> str | None:
    """Why a signed Slack request cannot be what Slack sends (None: it can): logged by kind and
    answered 400, where Bolt would otherwise fail on it with 500. Checks only what the listeners
    rely on: an event callback's `event`, an interaction's `type`, `actions`, `view`, `user`."""
    if content_type == "application/json":
        data = _json_object(body)
        problem = "a JSON body that is not an object" if data is None else _event_problem(data)
    else:
        # Blank values kept: `payload=` is an empty payload, not a slash command.
        payloads = parse_qs(body, keep_blank_values=True).get("payload")
        if not payloads:
            return None  # a slash command, an SSL check, or something Bolt answers 404
        payload = _json_object(payloads[0])
        problem = "a payload that is not a JSON object" if payload is None else None
        problem = problem or _payload_problem(payload or {})
    if problem is not None:
        log.warning("refused a signed Slack request: %s", problem)
    return problem
