"""A `Figure` drawn by pygal, then hardened into plain, self-contained SVG.

`harden` removes everything a strict Content-Security-Policy would block or that reaches outside
the page (pygal's script, its style sheet, comments, tooltips, any `href`) and gives the shapes
their look as presentation attributes, which no policy blocks. Then it marks the SVG as one image
named by its own `<title>` and `<desc>`, for screen readers.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Any

import pygal  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

from bot.pages.charts import palette
from bot.pages.trends.figure import Cell, Figure, Withheld

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH, HEIGHT = 600, 360
FONT_SIZE = 15
"""Label size in the chart's own units; a chart 600 wide shown 300 wide still reads at ~8px."""
DRAWN_KEPT = 256
MAX_X_LABELS = 8
MARKERS_UP_TO = 27
"""Lines of more points than this (half a year of weekly meetings) go without markers, which
would run together; their dash patterns and the legend still tell them apart."""
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
DROP_TAGS = frozenset({"script", "style", "desc", "title", "a", "image", "foreignObject", "use"})
DROP_CLASSES = frozenset({"tooltip-overlay", "tooltip", "text-overlay"})


def _tag(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def _value(cell: Cell) -> float | None:
    return None if isinstance(cell, Withheld) else float(cell)


class _NoTooltips:
    """pygal writes each point's tooltip data as `<desc>` elements for its script; the page
    has no script and `harden` would drop them all, so they are not written at all, nor is the
    value printed on each point looked for (`draw` asks for none): a tenth to a fifth of the
    drawing time of a chart of many bars, for the same SVG."""

    def _tooltip_data(self, *args: Any, **kwargs: Any) -> None:
        return None

    def _static_value(self, *args: Any, **kwargs: Any) -> None:
        return None

    def _tooltip_and_print_values(self, *args: Any, **kwargs: Any) -> None:
        return None


# Named as pygal's own: pygal writes the class's name into the chart's markup.
class Line(_NoTooltips, pygal.Line):  # type: ignore[misc]
    pass


class Bar(_NoTooltips, pygal.Bar):  # type: ignore[misc]
    pass


class StackedBar(_NoTooltips, pygal.StackedBar):  # type: ignore[misc]
    pass


def _chart_type(figure: Figure) -> Any:
    """pygal's chart class for the figure's kind."""
    return {"line": Line, "stacked": StackedBar}.get(figure.kind, Bar)


ID_TO_COME = "chart-id-to-come"
"""The id a kept drawing carries until `draw` gives it the page's own (ids are checked to be
short lower-case names, `markup.CHART_ID`, so this text is never anything else in a chart)."""


def draw(figure: Figure, chart_id: str) -> str:
    """The figure's drawn series as hardened SVG text, with `chart_id` as its id.

    Drawings are kept for the same figure (its every label and cell), whatever id it is shown
    under: a facilitator coming back to a page, a colleague opening it, or the impact report
    opened from the trends of the same period (its charts are the trends' own figures) gets the
    same picture without drawing it again, and a figure whose data changed is a different key,
    so nothing stale is ever shown."""
    return _drawn(figure).replace(ID_TO_COME, chart_id)


def forget_drawings() -> None:
    """Drop every kept drawing (as a new meeting does to a group's figures)."""
    _drawn.cache_clear()


@lru_cache(maxsize=DRAWN_KEPT)
def _drawn(figure: Figure) -> str:
    chart_id = ID_TO_COME
    labels = [row.label for row in figure.rows]
    every = max(1, -(-len(labels) // MAX_X_LABELS))
    chart = _chart_type(figure)(
        js=[],
        css=[],
        disable_xml_declaration=True,
        no_prefix=True,
        width=WIDTH,
        height=HEIGHT,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        legend_box_size=16,
        truncate_legend=-1,
        x_label_rotation=30,
        show_minor_x_labels=False,
        x_labels_major_every=every,
        truncate_label=-1,
        print_values=False,  # and `_NoTooltips` would not print them
        print_labels=False,
        include_x_axis=figure.unit != "rung",
        range=(1, 7) if figure.unit == "rung" else None,
        allow_interruptions=True,
        dots_size=4,
        show_dots=len(labels) <= MARKERS_UP_TO,
        margin=10,
        style=Style(
            colors=palette.OKABE_ITO,
            font_family=FONT,
            label_font_size=FONT_SIZE,
            major_label_font_size=FONT_SIZE,
            legend_font_size=FONT_SIZE,
            title_font_size=FONT_SIZE + 2,
        ),
    )
    chart.x_labels = labels
    for index, name in enumerate(figure.drawn_series):
        chart.add(name, [_value(cell) for cell in figure.column(index)])
    tree = chart.render_tree()
    harden(tree, chart_id, figure)
    # pygal's tree is in no namespace, its root carrying `xmlns` as a plain attribute, and what
    # `harden` adds is made the same way: no tag depends on ElementTree's namespace registry,
    # which is the whole process's and which other libraries change (a tag would come out as
    # `ns0:svg`, which HTML does not draw).
    return ET.tostring(tree, encoding="unicode", short_empty_elements=True)


def harden(svg: ET.Element, chart_id: str, figure: Figure) -> None:
    """Make pygal's tree safe under a strict policy and self-describing (in place)."""
    _strip(svg)
    for attribute in list(svg.attrib):
        if attribute not in ("viewBox", "class"):
            del svg.attrib[attribute]
    svg.set("id", chart_id)
    svg.set("role", "img")
    svg.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    svg.set("xmlns", SVG_NS)  # a plain attribute, as pygal writes it (see `draw`)
    svg.set("width", "100%")
    svg.set("font-family", FONT)
    svg.set("fill", palette.TEXT)
    svg.set("focusable", "false")
    title = ET.Element("title", {"id": f"{chart_id}-title"})
    title.text = figure.title
    desc = ET.Element("desc", {"id": f"{chart_id}-desc"})
    desc.text = f"{figure.description} The table below the chart gives every figure."
    defs = ET.Element("defs")
    for index in range(len(figure.drawn_series)):
        defs.append(_pattern(chart_id, index))
    for position, element in enumerate((title, desc, defs)):
        svg.insert(position, element)
    _paint(svg, chart_id, figure.kind)


def _strip(parent: ET.Element) -> None:
    for child in list(parent):
        if (
            not isinstance(child.tag, str)
            or _tag(child) in DROP_TAGS
            or _classes(child) & DROP_CLASSES
        ):
            parent.remove(child)
            continue
        for attribute in list(child.attrib):
            name = attribute.rpartition("}")[2]
            if name in ("style", "href", "id") or name.startswith("on"):
                del child.attrib[attribute]
        _strip(child)


def _pattern(chart_id: str, index: int) -> ET.Element:
    tile = {"id": f"{chart_id}-p{index}", "patternUnits": "userSpaceOnUse"}
    pattern = ET.Element("pattern", {**tile, "width": "8", "height": "8"})
    ET.SubElement(pattern, "rect", {"width": "8", "height": "8", "fill": palette.colour(index)})
    if palette.hatch(index):
        ET.SubElement(
            pattern,
            "path",
            {"d": palette.hatch(index), "stroke": "#ffffff", "stroke-width": "1.6"},
        )
    return pattern


def _series_index(element: ET.Element) -> int | None:
    for name in _classes(element):
        if name.startswith("color-") and name[6:].isdigit():
            return int(name[6:])
    return None


def _paint(svg: ET.Element, chart_id: str, kind: str) -> None:
    for element in list(svg.iter()):
        tag, classes = _tag(element), _classes(element)
        if tag == "rect" and "background" in classes:
            element.set("fill", "#ffffff")
        elif tag == "path" and "guide" in classes:
            element.set("fill", "none")
            element.set("stroke", palette.GUIDE)
        elif tag == "path" and "line" in classes and "reactive" not in classes:
            element.set("fill", "none")
            element.set("stroke", palette.AXIS)
        elif tag == "text":
            element.set("font-size", str(FONT_SIZE))
        index = _series_index(element)
        if index is None:
            continue
        if tag == "g":
            _paint_series(element, chart_id, index, kind)
        elif tag == "rect":  # a legend's box
            _paint_legend(element, chart_id, index, kind)


def _paint_series(group: ET.Element, chart_id: str, index: int, kind: str) -> None:
    colour = palette.colour(index)
    group.set("stroke", colour)
    group.set("fill", colour if kind == "line" else f"url(#{chart_id}-p{index})")
    for element in list(group.iter()):
        tag = _tag(element)
        if tag == "path" and "line" in _classes(element):
            element.set("fill", "none")
            element.set("stroke-width", "3")
            if palette.dash(index):
                element.set("stroke-dasharray", palette.dash(index))
        elif tag == "rect":
            element.set("stroke", "#1a1a1a")
            element.set("stroke-width", "0.8")
    for dots in list(group.iter()):
        for circle in [c for c in dots if _tag(c) == "circle"]:
            x, y = float(circle.get("cx", "0")), float(circle.get("cy", "0"))
            dots.remove(circle)
            ET.SubElement(
                dots,
                "path",
                {"d": palette.marker(index, x, y), "fill": colour, "stroke": colour},
            )


def _paint_legend(box: ET.Element, chart_id: str, index: int, kind: str) -> None:
    colour = palette.colour(index)
    if kind != "line":
        box.set("fill", f"url(#{chart_id}-p{index})")
        box.set("stroke", "#1a1a1a")
        return
    # A line's legend shows the line itself: its dash and its marker, not just a colour.
    x, y = float(box.get("x", "0")), float(box.get("y", "0"))
    size = float(box.get("width", "16"))
    box.tag = "path"
    for attribute in ("x", "y", "width", "height"):
        box.attrib.pop(attribute, None)
    middle = y + size / 2
    box.set(
        "d",
        f"M{x - 6},{middle} h{size + 12} " + palette.marker(index, x + size / 2, middle, 4.0),
    )
    box.set("stroke", colour)
    box.set("stroke-width", "3")
    box.set("fill", colour)
    if palette.dash(index):
        box.set("stroke-dasharray", palette.dash(index))
