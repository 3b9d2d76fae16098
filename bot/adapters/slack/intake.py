"""What kind of Slack request a body is, which decides where it is handled.

Most requests are committed to the inbox and answered with an empty acknowledgement; those whose
answer must be in the response itself (a URL check, an options load, a modal submission) are
handled inline. Kinds name no one and are what log lines about a request may say.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

STORED = frozenset({"event", "command", "action", "shortcut", "view_closed"})
"""Kinds committed to the inbox and handled from there."""
VIEW = "view"
"""A modal submission: committed, then answered inline within Slack's deadline if it can be."""

BUSY = (
    "I'm very busy right now and couldn't take that in. Nothing was saved "
    "\u2014 please try again in a minute."
)
"""What a person hears when a command or button press is turned away (the inbox is full)."""

_PAYLOAD_KINDS = {
    "block_actions": "action",
    "interactive_message": "action",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "view_submission": VIEW,
    "view_closed": "view_closed",
    "block_suggestion": "options",
    "dialog_suggestion": "options",
}


def payload_kind(payload: Any) -> str:
    """The kind of an interaction payload (already parsed)."""
    if not isinstance(payload, dict):
        return "malformed"
    return _PAYLOAD_KINDS.get(str(payload.get("type", "")), "other")


def kind_of(body: str, content_type: str) -> str:
    """The kind of a request body as Slack sent it over HTTP (or as stored in the inbox)."""
    if content_type == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            return "malformed"
        if not isinstance(data, dict):
            return "malformed"
        if data.get("type") == "event_callback":
            return "event"
        if "command" in data:  # a slash command over Socket Mode
            return "command"
        if data.get("type") == "url_verification":
            return "url_verification"
        return payload_kind(data)
    form = parse_qs(body)
    if "ssl_check" in form:
        return "ssl_check"
    if "command" in form:
        return "command"
    if "payload" in form:
        try:
            return payload_kind(json.loads(form["payload"][0]))
        except ValueError:
            return "malformed"
    return "other"


def sender_of(body: str, content_type: str) -> str | None:
    """Who sent a request body (team and user id), so one person's requests are handled in the
    order they came; None when it names no one. Read in memory only, never stored or logged."""
    data: Any
    try:
        if content_type == "application/json":
            data = json.loads(body)
        else:
            form = parse_qs(body)
            if "command" in form:
                return _person(form.get("team_id", [""])[0], form.get("user_id", [""])[0])
            data = json.loads(form.get("payload", ["null"])[0])
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if "command" in data:  # a slash command over Socket Mode
        return _person(str(data.get("team_id") or ""), str(data.get("user_id") or ""))
    event = data.get("event")
    if isinstance(event, dict):
        return _person(str(data.get("team_id") or ""), str(event.get("user") or ""))
    user = data.get("user")
    team = data.get("team")
    if isinstance(user, dict):
        team_id = team.get("id") if isinstance(team, dict) else user.get("team_id")
        return _person(str(team_id or ""), str(user.get("id") or ""))
    return None


def _person(team: str, user: str) -> str | None:
    return f"{team}:{user}" if user else None
