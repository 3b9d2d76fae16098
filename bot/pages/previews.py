"""Link-preview fetchers: chat platforms fetch a link posted in a message to draw a preview.

Ours are sent with previews off, but a fetcher that comes anyway, and says who it is, gets a
plain page and does not use up the link (`opening`). So does any HEAD request, which a person's
browser never sends to open a link, and a browser's prefetch (the person has not clicked yet).
"""

from __future__ import annotations

FETCHERS = (
    "slackbot-linkexpanding",
    "slack-imgproxy",
    "slackbot",
    "skypeuripreview",
    "microsoft teams",
    "teamsbot",
    "msteams",
    "bingpreview",
    "discordbot",
    "whatsapp",
    "facebookexternalhit",
    "twitterbot",
    "linkedinbot",
    "embedly",
)


def is_preview_fetcher(user_agent: str, method: str = "GET", purpose: str = "") -> bool:
    """Whether a request for a link is a preview, a HEAD, or a browser's prefetch (`Purpose` or
    `Sec-Purpose: prefetch`): none of them is the person opening it."""
    agent = user_agent.lower()
    if method.upper() == "HEAD" or "prefetch" in purpose.lower():
        return True
    return any(name in agent for name in FETCHERS)
