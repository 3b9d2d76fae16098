"""The bot's real web app on loopback beside a chat on the same database and clock: people type
`dashboard` in the chat, and the tests open the links and pages it sends over HTTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http.cookies import SimpleCookie

from aiohttp import ClientResponse, DummyCookieJar, web
from aiohttp.test_utils import TestClient

from bot.app import CommonGround
from bot.effects import ReplyToActor
from bot.pages.sessions import COOKIE
from tests.dialogue import Chat, Who

PUBLIC_URL = "https://cg.example.org"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
_LINK = re.compile(re.escape(PUBLIC_URL) + r"(/pages/open/[A-Za-z0-9_-]+)")


@dataclass
class Site:
    bot: CommonGround
    chat: Chat
    client: TestClient[web.Request, web.Application]

    async def link_for(self, who: Who, where: object = None) -> str:
        """The path of the link `dashboard` sends `who` (typed in the group's channel)."""
        outcome = await self.chat.say(who, "dashboard")
        sent = [e for e in outcome.effects if isinstance(e, ReplyToActor)]
        assert len(sent) == 1, outcome.effects
        assert sent[0].card.link_previews is False
        found = _LINK.search(sent[0].card.text)
        assert found, sent[0].card.text
        return found.group(1)

    async def open(self, path: str, *, cookie: str = "", agent: str = BROWSER) -> ClientResponse:
        headers = {"User-Agent": agent}
        if cookie:
            headers["Cookie"] = f"{COOKIE}={cookie}"
        return await self.client.get(path, headers=headers, allow_redirects=False)

    async def sign_in(self, who: Who) -> str:
        """Open a fresh link for `who`; the session cookie's value."""
        response = await self.open(await self.link_for(who))
        assert response.status == 303, await response.text()
        return cookie_of(response)

    async def get(self, path: str, cookie: str) -> ClientResponse:
        return await self.open(path, cookie=cookie)

    async def post(self, path: str, cookie: str, data: dict[str, str]) -> ClientResponse:
        return await self.client.post(
            path, data=data, headers={"Cookie": f"{COOKIE}={cookie}"}, allow_redirects=False
        )


def cookie_of(response: ClientResponse) -> str:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.getall("Set-Cookie", []):
        jar.load(header)
    return jar[COOKIE].value


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


NO_JAR = DummyCookieJar
