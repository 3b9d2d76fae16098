"""The Slack adapter's settings, read from the environment like the rest (`bot.settings`).

`SLACK_BOT_TOKEN` and `SLACK_SIGNING_SECRET` together switch the adapter on for one workspace over
HTTP; `SLACK_BOT_TOKEN` and `SLACK_APP_TOKEN` switch it on in Socket Mode. `SLACK_API_URL` points
the Web API client somewhere else: a proxy, or a test server.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SCOPES = (
    "commands,chat:write,files:write,users:read,channels:read,groups:read,im:history,"
    "app_mentions:read"
)
"""Exactly `bot.adapters.slack.scopes.needed_scopes()` (a test keeps them equal)."""


class SlackSettings(BaseSettings):
    """What the Slack adapter needs to know about the operator's Slack app."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    bot_token: str = Field(default="", alias="SLACK_BOT_TOKEN")
    signing_secret: str = Field(default="", alias="SLACK_SIGNING_SECRET")
    app_token: str = Field(default="", alias="SLACK_APP_TOKEN")
    client_id: str = Field(default="", alias="SLACK_CLIENT_ID")
    client_secret: str = Field(default="", alias="SLACK_CLIENT_SECRET")
    scopes: str = Field(default=DEFAULT_SCOPES, alias="SLACK_SCOPES")
    api_url: str = Field(default=SLACK_API_URL, alias="SLACK_API_URL")
    retries: int = Field(default=3, alias="SLACK_RETRIES", ge=0, le=10)
    # Posts a second across all channels (Slack allows about one a second per channel, in bursts).
    posts_per_second: float = Field(default=40.0, alias="SLACK_POSTS_PER_SECOND", gt=0, le=1000)
    send_workers: int = Field(default=6, alias="SLACK_SEND_WORKERS", ge=1, le=64)

    @property
    def enabled(self) -> bool:
        """True when the adapter can serve one workspace: over HTTP (signing secret) or Socket
        Mode (app-level token)."""
        if self.oauth:
            return bool(self.signing_secret)
        return bool(self.bot_token and (self.signing_secret or self.app_token))

    @property
    def oauth(self) -> bool:
        """`SLACK_CLIENT_ID` + `SLACK_CLIENT_SECRET`: installs into many workspaces over OAuth,
        each workspace's token kept in the database (needs `SLACK_SIGNING_SECRET`, HTTP only)."""
        return bool(self.client_id and self.client_secret)

    def scope_list(self) -> list[str]:
        return [s.strip() for s in self.scopes.split(",") if s.strip()]

    @property
    def socket_mode(self) -> bool:
        """`SLACK_APP_TOKEN` switches to Socket Mode: Slack is reached over a websocket we open,
        so no public URL is needed."""
        return bool(self.app_token)

    def base_url(self) -> str:
        """The Web API base URL with the trailing slash the client expects."""
        return self.api_url if self.api_url.endswith("/") else self.api_url + "/"


def configured(environ: Mapping[str, str]) -> bool:
    """Whether these environment variables switch the Slack adapter on (for the operator report,
    without importing Slack's SDK): the same answer as `SlackSettings.enabled`."""
    if environ.get("SLACK_CLIENT_ID") and environ.get("SLACK_CLIENT_SECRET"):
        return bool(environ.get("SLACK_SIGNING_SECRET"))
    switch = environ.get("SLACK_SIGNING_SECRET") or environ.get("SLACK_APP_TOKEN")
    return bool(environ.get("SLACK_BOT_TOKEN") and switch)


def half_configured(environ: Mapping[str, str]) -> str | None:
    """What is missing when Slack settings are present but not enough to switch it on."""
    if configured(environ):
        return None
    if environ.get("SLACK_CLIENT_ID") or environ.get("SLACK_CLIENT_SECRET"):
        return (
            "SLACK_CLIENT_ID is set, but installing in many workspaces also needs "
            "SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET."
        )
    if environ.get("SLACK_BOT_TOKEN"):
        return (
            "SLACK_BOT_TOKEN is set, but Slack also needs SLACK_SIGNING_SECRET (over HTTP) or "
            "SLACK_APP_TOKEN (Socket Mode)."
        )
    return None
