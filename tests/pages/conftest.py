"""Fixtures for the pages: the real web app (`bot.app.web_app`) on loopback, built from the same
settings, database and clock as the chat; the browser fixtures live in browser_fixtures.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer

from bot import app as composition
from bot.settings import Settings
from bot.store.database import Database
from tests.dialogue import Chat, FakeClock
from tests.pages.browser_fixtures import browser, chromium, screenshots  # noqa: F401
from tests.pages.site import PUBLIC_URL, Site


@pytest.fixture
def page_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_url": PUBLIC_URL})


@pytest.fixture
async def site(page_settings: Settings, db: Database, clock: FakeClock) -> AsyncIterator[Site]:
    bot = composition.build(page_settings, clock=clock)
    try:
        server = TestServer(composition.web_app(bot))
        async with TestClient(server, cookie_jar=DummyCookieJar()) as client:
            yield Site(bot, Chat(bot.core, clock), client)
    finally:
        await bot.close()
