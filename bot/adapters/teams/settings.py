"""The Teams adapter's settings, read from the environment like the rest (`bot.settings`).

`MICROSOFT_APP_ID` (or `MicrosoftAppId`, as Microsoft's samples spell it) switches the Teams route
on, with Bot Framework authentication: every request must then carry a valid token for that app.
Without it the route is off (a Slack-only installation has no open door). Only
`TEAMS_ALLOW_UNAUTHENTICATED=true`, a development setting for the Bot Framework Emulator, runs the
route without an app id, and so without authentication: `serve` says so loudly, and refuses to
start with it on any address but loopback (`listen_problem`). `TEAMS_ENABLED=false` switches the
route off even when an app id is set. `TEAMS_RETRIES` and
`TEAMS_RETRY_BACKOFF` bound the retries of connector calls answered with 429 or 5xx.
`TEAMS_OPENID_METADATA_URL` and `TEAMS_TOKEN_ISSUER` exist for tests only: they
point token checks at a local key server instead of Microsoft's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pydantic import AliasChoices, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

APP_ID_NAMES = ("MICROSOFT_APP_ID", "MicrosoftAppId")
APP_TYPES = {"multitenant": "MultiTenant", "singletenant": "SingleTenant"}


def _names(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class TeamsSettings(BaseSettings):
    """What the Teams adapter needs to know about the operator's Azure Bot registration."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    app_id: str = Field(default="", validation_alias=_names(*APP_ID_NAMES))
    app_password: str = Field(
        default="", validation_alias=_names("MICROSOFT_APP_PASSWORD", "MicrosoftAppPassword")
    )
    app_type: str = Field(
        default="MultiTenant", validation_alias=_names("MICROSOFT_APP_TYPE", "MicrosoftAppType")
    )
    tenant_id: str = Field(
        default="",
        validation_alias=_names("MICROSOFT_APP_TENANT_ID", "MicrosoftAppTenantId"),
    )
    enabled: bool = Field(default=True, validation_alias=_names("TEAMS_ENABLED"))
    allow_unauthenticated: bool = Field(
        default=False, validation_alias=_names("TEAMS_ALLOW_UNAUTHENTICATED")
    )
    retries: int = Field(default=3, validation_alias=_names("TEAMS_RETRIES"), ge=0, le=10)
    retry_backoff: float = Field(
        default=0.5, validation_alias=_names("TEAMS_RETRY_BACKOFF"), ge=0, le=30
    )
    # Connector calls a second across all conversations, and how many conversations at once.
    posts_per_second: float = Field(
        default=40.0, validation_alias=_names("TEAMS_POSTS_PER_SECOND"), gt=0, le=1000
    )
    send_workers: int = Field(default=6, validation_alias=_names("TEAMS_SEND_WORKERS"), ge=1, le=64)
    openid_metadata_url: str = Field(
        default="", validation_alias=_names("TEAMS_OPENID_METADATA_URL")
    )
    token_issuer: str = Field(default="", validation_alias=_names("TEAMS_TOKEN_ISSUER"))

    @model_validator(mode="after")
    def _single_tenant_needs_its_tenant(self) -> TeamsSettings:
        if self.app_id and self.normalised_app_type == "SingleTenant" and not self.tenant_id:
            raise ValueError(
                "MICROSOFT_APP_TYPE=SingleTenant needs MICROSOFT_APP_TENANT_ID (the Directory "
                "(tenant) ID of your Azure Bot's app registration)"
            )
        return self

    @property
    def auth(self) -> bool:
        """Bot Framework tokens are checked only when an app id is configured."""
        return bool(self.app_id)

    @property
    def active(self) -> bool:
        """Whether the route and the deliverer are switched on: an app id, or the explicit
        development setting for running without one; never by default."""
        return self.enabled and (self.auth or self.allow_unauthenticated)

    @property
    def normalised_app_type(self) -> str:
        return APP_TYPES.get(self.app_type.strip().lower(), self.app_type.strip() or "MultiTenant")


class _GivenSettings(TeamsSettings):
    """Teams settings from the given variables alone, not this process's environment."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def _read(environ: Mapping[str, str] | None) -> TeamsSettings:
    """The settings of this process (None: the environment and `.env`) or of `environ`."""
    return TeamsSettings() if environ is None else _GivenSettings(**dict[str, Any](environ))


def configured(environ: Mapping[str, str]) -> bool:
    """Whether these environment variables switch Teams on (for the operator report)."""
    try:
        return _read(environ).active
    except ValidationError:
        return any(environ.get(name) for name in APP_ID_NAMES)


def auth_warning(environ: Mapping[str, str] | None = None) -> str:
    """A loud line when `POST /api/messages` would accept requests without checking tokens (""
    when it would not). None reads the settings of this process (the environment and `.env`)."""
    teams = _read(environ)
    if not teams.active or teams.auth:
        return ""
    return (
        "!!! MICROSOFT TEAMS AUTHENTICATION IS OFF: POST /api/messages accepts requests without "
        "a Bot Framework token, because TEAMS_ALLOW_UNAUTHENTICATED=true and MICROSOFT_APP_ID is "
        "not set. That is only for local testing on this machine. Set MICROSOFT_APP_ID and "
        "MICROSOFT_APP_PASSWORD in production, and remove TEAMS_ALLOW_UNAUTHENTICATED. !!!"
    )


def is_loopback(host: str) -> bool:
    """Whether `host` is only reachable from this machine (`localhost`, 127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def listen_problem(host: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Why serving on `host` is refused (None: it is not): the route without authentication is
    for this machine only, so any address others can reach stops `serve` before it starts."""
    teams = _read(environ)
    if not teams.active or teams.auth or is_loopback(host):
        return None
    return (
        f"TEAMS_ALLOW_UNAUTHENTICATED=true runs the Teams route without authentication, which "
        f"is only allowed on this machine, but the server would listen on {host}. Listen on "
        "127.0.0.1 (--host 127.0.0.1), or set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD and "
        "remove TEAMS_ALLOW_UNAUTHENTICATED."
    )


def settings_problem() -> str | None:
    """What is wrong with the Teams settings in the environment, in one line (None: nothing),
    so `serve` can say so plainly instead of stopping with a traceback."""
    try:
        TeamsSettings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            text = str(error["msg"]).removeprefix("Value error, ")
            where = ".".join(str(p) for p in error["loc"])
            problems.append(f"{where}: {text}" if where else text)
        return "; ".join(problems)
    return None
