"""Link-preview fetchers: chat platforms fetch a link posted in a message to draw a preview.

Ours are sent with previews off, but a fetcher that comes anyway, and says who it is, gets a
plain page and does not use up the link (`opening`). So does any HEAD request, which a person's
browser never sends to open a link.
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


def is_preview_fetcher(user_agent: str, method: str = "GET") -> bool:
    agent = user_agent.lower()
    return method.upper() == "HEAD" or any(name in agent for name in FETCHERS)
