"""What the facilitators' trends page (`facilitators/trends.html`) needs beyond what every page
gets (`group`, `person`, `csrf_token`, `nav`): the figures drawn as charts, and the period form
with the facilitator's own values kept in it (and a plain sentence when they did not make a
period)."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from bot.pages.charts import chart
from bot.pages.period import PRESETS
from bot.pages.trends import Trends
from bot.pages.trends.figure import by_month


def trends_context(
    trends: Trends | None,
    query: Mapping[str, str],
    error: str | None = None,
    report_url: str | None = None,
) -> dict[str, object]:
    """The template's own variables. `trends` is None when the period could not be read;
    `report_url` is the impact report of the same period, linked from the page."""
    charts: list[Markup] = []
    if trends is not None:
        charts = [chart(by_month(figure), trends.k) for figure in trends.figures]
    return {
        "trends": trends,
        "charts": charts,
        "period_error": error,
        "report_url": report_url,
        "presets": PRESETS,
        "chosen": {
            "period": query.get("period", "")[:10],
            "from": query.get("from", "")[:10],
            "to": query.get("to", "")[:10],
        },
    }
