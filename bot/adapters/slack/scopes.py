"""The OAuth scopes the Slack adapter needs, derived from what it does: each Web API method it
calls and each event it listens to names the bot scope Slack requires for it (Slack's method and
event reference pages). The manifest, the default `SLACK_SCOPES` and the README list exactly these;
`tests/adapters/slack/test_scopes.py` checks the code calls nothing missing here.
"""

from __future__ import annotations

from typing import Final

METHOD_SCOPES: Final[dict[str, frozenset[str]]] = {
    # Channel posts, direct messages (to a user id: no `im:write` needed), thread replies.
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    # `export`: files_upload_v2 is these two calls and an upload to the URL the first gives.
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.completeUploadExternal": frozenset({"files:write"}),
    "users.info": frozenset({"users:read"}),
    # Modals and the App Home need no scope of their own.
    "views.open": frozenset(),
    "views.publish": frozenset(),
}
"""Every Web API method the bot token calls, with the scopes Slack requires for it."""

EVENT_SCOPES: Final[dict[str, frozenset[str]]] = {
    "member_joined_channel": frozenset({"channels:read", "groups:read"}),
    "message.im": frozenset({"im:history"}),
    "app_mention": frozenset({"app_mentions:read"}),
    "app_home_opened": frozenset(),
    "app_uninstalled": frozenset(),
    "tokens_revoked": frozenset(),
}
"""Every event the bot subscribes to, with the scopes Slack requires to receive it."""

FEATURE_SCOPES: Final = frozenset({"commands"})
"""Slash commands and shortcuts."""

NOT_BOT_TOKEN_METHODS: Final = frozenset({"auth.test", "apps.connections.open", "oauth.v2.access"})
"""Calls made with no bot scope: Bolt's own token check, Socket Mode (the app-level token's
`connections:write`) and the OAuth exchange."""


def needed_scopes() -> frozenset[str]:
    """The bot scopes the adapter needs, no more."""
    found = set(FEATURE_SCOPES)
    for scopes in (*METHOD_SCOPES.values(), *EVENT_SCOPES.values()):
        found |= scopes
    return frozenset(found)
