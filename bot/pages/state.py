"""What the pages' handlers share: the database, the services (clock, secret key, settings) and
the link rate limit, kept on the web app under `PAGES`."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from bot.context import Services
from bot.pages.rate_limits import LinkRateLimit
from bot.store.database import Database


@dataclass
class PagesState:
    db: Database
    services: Services
    limit: LinkRateLimit = field(default_factory=LinkRateLimit)

    @property
    def key(self) -> bytes:
        return self.services.secret

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over https when the public address is https (behind a proxy, the app
        itself may be reached over plain http)."""
        return self.services.settings.public_url.lower().startswith("https://")


PAGES: web.AppKey[PagesState] = web.AppKey("pages", PagesState)
