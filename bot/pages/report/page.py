"""What the impact report page (`report.html`) needs beyond what every page gets: the report,
its charts, and where the PDF is (None hides the link: no WeasyPrint here, or the PDF itself is
being made from this page)."""

from __future__ import annotations

from markupsafe import Markup

from bot.pages.charts import chart
from bot.pages.report.reading import ImpactReport
from bot.pages.trends.figure import by_month


def report_context(report: ImpactReport, pdf_url: str | None = None) -> dict[str, object]:
    trends = report.trends
    figures = {"balance": trends.balance, "heard": trends.heard, "elephants": trends.elephants}
    charts: dict[str, Markup] = {
        name: chart(by_month(figure), report.k, f"report-{figure.key}")
        for name, figure in figures.items()
    }
    return {"report": report, "charts": charts, "pdf_url": pdf_url}
