"""A chart as page markup: the figure (SVG), its caption, and the data table beneath.

Everything is escaped here (`markupsafe.escape`) before it is wrapped in `Markup`, so a chart can
go into a Jinja page as it is. Today every text in a chart is ours (titles, series, meeting dates),
but escaping every piece means a name or a word from a person can never become markup later.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from bot.pages.charts.svg import draw
from bot.pages.trends.figure import Cell, Figure, Withheld, fewer_than

CHART_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


def cell_words(cell: Cell, k: int) -> str:
    """A table cell in words: a count, an average to one place, or "fewer than three"."""
    if isinstance(cell, Withheld):
        return fewer_than(k)
    if isinstance(cell, float):
        return f"{cell:.1f}"
    return str(cell)


def figure_table(figure: Figure, k: int, chart_id: str) -> Markup:
    """The figure's data as an HTML table (in a region that scrolls sideways on a phone)."""
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in figure.series)
    body = "".join(
        f'<tr><th scope="row">{escape(row.label)}</th>'
        + "".join(f"<td>{escape(cell_words(cell, k))}</td>" for cell in row.cells)
        + "</tr>"
        for row in figure.rows
    )
    return Markup(
        f'<div class="table-scroll" role="region" tabindex="0" '
        f'aria-labelledby="{chart_id}-table">'
        f'<table class="chart-data"><caption id="{chart_id}-table">'
        f"The figures: {escape(figure.title)}</caption>"
        f'<thead><tr><th scope="col">{escape(figure.bucket)}</th>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def chart(figure: Figure, k: int, chart_id: str | None = None) -> Markup:
    """The whole chart block for a page: `<figure>` with SVG, caption, notes and table."""
    chart_id = chart_id or f"chart-{figure.key}"
    if not CHART_ID.match(chart_id):
        raise ValueError(f"chart ids are short lower-case names, not {chart_id!r}")
    withheld = any(isinstance(c, Withheld) for row in figure.rows for c in row.cells)
    notes = list(figure.notes)
    if withheld:
        notes.append(
            f"Where the table says “{fewer_than(k)}”, that few people or things were counted, "
            "so the figure is kept back to protect people's privacy."
        )
    if not figure.rows:
        picture = "<p>There is nothing to show for this period yet.</p>"
    elif figure.empty:
        picture = (
            f"<p>Nothing here can be shown yet: every figure in this period is "
            f"{escape(fewer_than(k))}.</p>"
        )
    else:
        picture = draw(figure, chart_id)
    notes_html = "".join(f'<p class="chart-note">{escape(note)}</p>' for note in notes)
    table = figure_table(figure, k, chart_id) if figure.rows else ""
    return Markup(
        f'<figure class="chart" id="{chart_id}-figure" aria-labelledby="{chart_id}-caption">'
        f'<figcaption id="{chart_id}-caption"><span class="chart-title">'
        f"{escape(figure.title)}</span> {escape(figure.description)}</figcaption>"
        f"{picture}{notes_html}{table}</figure>"
    )
