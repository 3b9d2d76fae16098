"""The Teams adapter's settings, read from the environment like the rest (`bot.settings`).

`MICROSOFT_APP_ID` (or `MicrosoftAppId`, as Microsoft's samples spell it) switches Bot Framework
authentication on: every request must then carry a valid token for that app. Without it the Teams
route still runs, with authentication off, for local testing with a Bot Framework client; `serve`
says so loudly; `TEAMS_ENABLED=false` switches the route off altogether. `TEAMS_RETRIES` and
`TEAMS_RETRY_BACKOFF` bound the retries of connector calls answered with 429 or 5xx.
`TEAMS_OPENID_METADATA_URL` and `TEAMS_TOKEN_ISSUER` exist for tests only: they
point token checks at a local key server instead of Microsoft's.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import AliasChoices, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    def normalised_app_type(self) -> str:
        return APP_TYPES.get(self.app_type.strip().lower(), self.app_type.strip() or "MultiTenant")


def configured(environ: Mapping[str, str]) -> bool:
    """Whether these environment variables name a Teams app (for the operator report)."""
    return any(environ.get(name) for name in APP_ID_NAMES)


def auth_warning(environ: Mapping[str, str] | None = None) -> str:
    """A loud line when `POST /api/messages` would accept requests without checking tokens (""
    when it would not). None reads the settings of this process (the environment and `.env`)."""
    teams = TeamsSettings() if environ is None else TeamsSettings.model_validate(dict(environ))
    if not teams.enabled or teams.auth:
        return ""
    return (
        "!!! MICROSOFT TEAMS AUTHENTICATION IS OFF: POST /api/messages accepts requests without "
        "a Bot Framework token, because MICROSOFT_APP_ID is not set. That is only for local "
        "testing. Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD in production, or "
        "TEAMS_ENABLED=false to switch the Teams route off. !!!"
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
