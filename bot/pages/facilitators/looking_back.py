"""The facilitators' trends page and impact report, as pages of the group's site.

Both read the period from the address (`?period=12m`, or `?from=…&to=…`), in the group's own
time zone, and hand the figures to the templates' contexts (`trends.page`, `report.page`). The
trends page links to the report of the same period, so a facilitator goes from the charts to a
page to print (or its PDF, where WeasyPrint is installed) in one step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.pages.group_pages import as_refusal, base_context, group_id_of
from bot.pages.period import Period, PeriodError, read_period
from bot.pages.rendering import render_html
from bot.pages.report import pdf
from bot.pages.report.page import report_context
from bot.pages.report.reading import report_in
from bot.pages.security_headers import protect
from bot.pages.sessions import PageRefused, Visitor, visitor
from bot.pages.state import PAGES
from bot.pages.trends import trends_in
from bot.pages.trends.page import trends_context
from bot.store.database import Connection

PERIOD_KEYS = ("period", "from", "to")
_PAGE_CSS = resources.files("bot.pages").joinpath("static/pages.css").read_text()


def _period(who: Visitor, now: datetime, query: Mapping[str, str]) -> Period:
    """The period asked for, in the group's time zone. Raises `PeriodError`."""
    group = who.group
    zone = ZoneInfo(group.timezone)
    return read_period(
        query,
        today=now.astimezone(zone).date(),
        first_day=group.created_at.astimezone(zone).date(),
    )


def _same_period(query: Mapping[str, str]) -> str:
    """The period part of an address's query, to carry from one page to the other."""
    kept = {key: query[key][:10] for key in PERIOD_KEYS if query.get(key)}
    return f"?{urlencode(kept)}" if kept else ""


async def trends(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    report = f"/groups/{who.group.id}/report{_same_period(query)}"
    try:
        period = _period(who, now, query)
    except PeriodError as error:
        return trends_context(None, query, str(error))
    found = await trends_in(conn, who.group.id, period, who.group.k, now)
    return trends_context(found, query, report_url=report)


async def impact_report(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    try:
        period = _period(who, now, query)
    except PeriodError as error:
        raise PageRefused(400, "That period can't be shown", str(error)) from None
    found = await report_in(conn, who.group.id, period, who.group.k, now)
    pdf_url = f"/groups/{who.group.id}/report.pdf{_same_period(query)}"
    return report_context(found, pdf_url if pdf.pdf_available() else None)


async def report_pdf(request: web.Request) -> web.StreamResponse:
    """The impact report as an A4 PDF, drawn from the same page without its PDF link."""
    state = request.app[PAGES]
    now = state.services.clock()
    try:
        group_id = group_id_of(request)
        async with state.db.read() as conn:
            who = await visitor(conn, request, state.key, now, group_id, facilitators=True)
            content = await impact_report(conn, who, now, request.query)
    except PageRefused as refusal:
        return as_refusal(refusal)
    html = render_html("report.html", {**base_context(who, "report"), **content, "pdf_url": None})
    try:  # seconds of layout work: off the event loop, so other requests are answered meanwhile
        document = await asyncio.to_thread(pdf.report_pdf, html, _PAGE_CSS)
    except pdf.PdfUnavailable as missing:
        return as_refusal(PageRefused(404, "No PDF here", str(missing)))
    response = web.Response(body=document, content_type="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="impact-report.pdf"'
    protect(response)
    return response
