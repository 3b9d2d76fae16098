"""The links at the top of every page: the members' pages, and for facilitators theirs too.

"Trends" and "Impact report" are the facilitators' pages drawn elsewhere (`bot.pages.trends`,
`bot.pages.report`); their addresses are fixed here so every page links to them."""

from __future__ import annotations

from typing import Any

MEMBERS = (
    ("", "Overview"),
    ("elephants", "Elephants"),
    ("decisions", "Decisions and actions"),
    ("agenda", "Next agenda"),
    ("sharing", "Sharing balance"),
    ("my-data", "My data"),
)
FACILITATORS = (
    ("facilitators", "For facilitators"),
    ("trends", "Trends"),
    ("report", "Impact report"),
)


def page_address(group_id: int, page: str) -> str:
    return f"/groups/{group_id}/{page}"


def nav(group_id: int, current: str, *, facilitator: bool) -> list[dict[str, Any]]:
    """The links, in order, each with `label`, `href` and `current` (the page being shown)."""
    pages = MEMBERS + (FACILITATORS if facilitator else ())
    return [
        {"label": label, "href": page_address(group_id, page), "current": page == current}
        for page, label in pages
    ]
