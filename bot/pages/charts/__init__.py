"""Charts drawn on the server as inline SVG, with a data table under each.

We draw with pygal: it is pure Python (nothing to compile, nothing to install beside the bot),
it makes SVG natively (so a chart is text in the page, sharp at any size and in print), it needs
no JavaScript in the browser, and it draws a chart of a few hundred points in milliseconds.

pygal's own output carries a script (its tooltips), a style sheet and comments. A page served
under a Content-Security-Policy without scripts or inline styles would block those, so
`svg.harden` takes them out and gives every shape its look as plain SVG attributes instead:
what reaches the page is only shapes, text and our own patterns, with no reference outside it.

Colour never carries meaning alone: series use the Okabe–Ito palette (told apart by people with
the common kinds of colour blindness), lines differ by dash pattern and marker shape, bars by hatch
pattern, every series is named in the legend, and the data table says every figure in words.
"""

from bot.pages.charts.markup import chart, figure_table

__all__ = ["chart", "figure_table"]
