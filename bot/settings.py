"""Operator settings, read from the environment and an optional `.env` file.

Everything has a default that works on a laptop with no accounts: an SQLite file under `./data/`,
the Europe/London time zone and a crowd size `k` of 3. `config/example.env` documents each one.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Process-wide settings. Group-level choices (schedule, a group's `k`) live in the database."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default="", alias="DATABASE_URL")
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, alias="COMMONGROUND_DATA_DIR")
    port: int = Field(default=3000, alias="PORT", ge=1, le=65535)
    # The `clock` has no web app; with this set it serves GET /metrics and /healthz on this port.
    metrics_port: int | None = Field(default=None, alias="METRICS_PORT", ge=1, le=65535)
    default_timezone: str = Field(default="Europe/London", alias="COMMONGROUND_TIMEZONE")
    default_k: int = Field(default=3, alias="COMMONGROUND_K", ge=2, le=20)
    secret_key: str = Field(default="", alias="COMMONGROUND_SECRET_KEY")
    public_url: str = Field(default="", alias="COMMONGROUND_PUBLIC_URL")
    """Where people reach this app from their browser (`https://bot.example.org`): the group's
    pages are linked under it. Without it, `dashboard` says the pages are not set up."""
    catch_up_grace_hours: float = Field(default=12.0, alias="COMMONGROUND_CATCH_UP_HOURS", ge=0)
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    log_format: str = Field(default="text", alias="LOG_FORMAT", pattern="^(?i:text|json)$")

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.lower().startswith(("https://", "http://")):
            raise ValueError(
                f"COMMONGROUND_PUBLIC_URL {value!r} must start with https:// "
                "(e.g. https://bot.example.org)"
            )
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name like Europe/London)"
            ) from exc
        return value

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL to use: `DATABASE_URL`, or an SQLite file in the data directory."""
        if self.database_url:
            # Hosts that provide PostgreSQL set `postgres://…` or `postgresql://…`: use asyncpg.
            for prefix in ("postgres://", "postgresql://"):
                if self.database_url.startswith(prefix):
                    return "postgresql+asyncpg://" + self.database_url.removeprefix(prefix)
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'commonground.db').as_posix()}"

    def resolved_secret(self) -> bytes:
        """The key for keyed hashes ("I see it too" marks). Kept outside the database on purpose.

        Without `COMMONGROUND_SECRET_KEY` a random key is created once in the data directory, so a
        copy of the database alone cannot be used to test which member made a mark.
        """
        if self.secret_key:
            return self.secret_key.encode()
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip().encode()
