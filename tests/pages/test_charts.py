"""Charts: inline SVG with nothing a strict policy would block and nothing outside the page,
a title, a description, a caption and the data table, and every piece of text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from bot.pages.charts import chart, figure_table
from bot.pages.charts.palette import OKABE_ITO
from bot.pages.charts.svg import ID_TO_COME, _drawn, forget_drawings
from bot.pages.trends.figure import WITHHELD, Figure, Row

NASTY = '<script>alert("x")</script> @channel <https://evil.example|click> & "q"'


def _figure(kind: str = "line", label: str = "Tue 3 Jan 2023", series: str = "Shares") -> Figure:
    return Figure(
        key="test",
        title="Who shared",
        description="Shares by role.",
        series=(series, "Professionals"),
        rows=tuple(
            Row(f"{label} {i}", (3 * i, WITHHELD if i % 4 == 0 else 6)) for i in range(1, 9)
        ),
        kind=kind,  # type: ignore[arg-type]
        unit="shares",
    )


def _svg(markup: str) -> str:
    found = re.search(r"<svg.*?</svg>", markup, re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize("kind", ["line", "bar", "stacked"])
def test_the_svg_has_no_script_style_or_outside_reference(kind: str) -> None:
    markup = chart(_figure(kind), 3)
    assert isinstance(markup, Markup)
    svg = _svg(markup)
    for forbidden in ("<script", "<style", "style=", "href", "javascript:", "<!--", "http:"):
        assert forbidden not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "url(#" not in svg or all(
        ref.startswith("chart-test-") for ref in re.findall(r"url\(#([^)]*)\)", svg)
    )
    ET.fromstring(svg)  # well-formed


@pytest.mark.parametrize("kind", ["line", "bar", "stacked"])
def test_each_chart_has_a_title_a_description_a_caption_and_its_table(kind: str) -> None:
    markup = str(chart(_figure(kind), 3))
    svg = ET.fromstring(_svg(markup))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img"
    assert svg.find(f"{ns}title") is not None and svg.find(f"{ns}title").text == "Who shared"  # type: ignore[union-attr]
    assert "Shares by role." in (svg.find(f"{ns}desc").text or "")  # type: ignore[union-attr]
    assert svg.get("aria-labelledby") == "chart-test-title chart-test-desc"
    assert "<figcaption" in markup and "Who shared" in markup
    assert '<table class="chart-data">' in markup
    assert markup.count("<tr>") == 9  # heading and eight rows
    assert "fewer than three" in markup
    assert "Where the table says “fewer than three”" in markup


def test_series_differ_by_more_than_colour() -> None:
    line = _svg(str(chart(_figure("line"), 3)))
    assert 'stroke-dasharray="10,5"' in line  # the second series is dashed
    assert line.count("stroke-dasharray") >= 2  # its line and its legend entry
    bars = _svg(str(chart(_figure("bar"), 3)))
    assert "<pattern" in bars and 'd="M0,8 L8,0"' in bars  # the second series is hatched
    assert OKABE_ITO[0].lower() in bars.lower() and OKABE_ITO[1].lower() in bars.lower()
    assert ">Shares<" in bars and ">Professionals<" in bars  # the legend names each series


def test_user_text_is_escaped_everywhere() -> None:
    markup = str(chart(_figure("bar", label=NASTY, series=NASTY), 3))
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "<a " not in markup and "href" not in markup
    table = str(figure_table(_figure("bar", label=NASTY), 3, "chart-x"))
    assert "<script>" not in table and "&lt;script&gt;" in table


def test_a_figure_with_nothing_to_show_says_so_without_a_picture() -> None:
    figure = Figure("empty", "Empty", "Nothing.", ("A",), (Row("March 2023", (WITHHELD,)),))
    markup = str(chart(figure, 4))
    assert "<svg" not in markup
    assert "every figure in this period is fewer than four" in markup
    none = Figure("none", "None", "Nothing.", ("A",), ())
    assert "nothing to show for this period yet" in str(chart(none, 3))


def test_chart_ids_are_checked() -> None:
    with pytest.raises(ValueError):
        chart(_figure(), 3, 'x" onload="alert(1)')


@pytest.mark.parametrize("kind", ["line", "bar", "stacked"])
def test_charts_keep_plain_svg_tags_whatever_other_libraries_register(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ElementTree's namespace prefixes are the whole process's: a library that names the SVG
    namespace (or takes the default prefix) must not turn the tags into `svg:svg` or `ns0:svg`,
    which a browser does not draw inside HTML."""
    taken = {"http://www.w3.org/2000/svg": "svg", "http://www.w3.org/1999/xhtml": ""}
    monkeypatch.setattr(ET, "_namespace_map", {**ET._namespace_map, **taken})
    svg = _svg(chart(_figure(kind), 3))
    assert svg.startswith("<svg ") and 'xmlns="http://www.w3.org/2000/svg"' in svg.split(">")[0]
    assert "svg:" not in svg and "ns0" not in svg
    assert "<pattern" in svg or kind == "line"


def test_a_figure_shown_under_two_ids_is_drawn_once_each_copy_with_its_own_ids() -> None:
    """The impact report shows the trends' own figures under its own ids: the drawing is kept
    for the figure, and each page's copy names only its own id (its title, patterns, labels)."""
    figure = _figure("bar", label="Shown twice")
    forget_drawings()
    on_trends = _svg(chart(figure, 3, "chart-twice"))
    on_report = _svg(chart(figure, 3, "report-twice"))
    assert _drawn.cache_info().misses == 1 and _drawn.cache_info().hits == 1
    assert on_report == on_trends.replace("chart-twice", "report-twice")
    for svg, mine, other in (
        (on_trends, "chart-twice", "report-twice"),
        (on_report, "report-twice", "chart-twice"),
    ):
        root = ET.fromstring(svg)
        assert root.get("id") == mine
        assert root.get("aria-labelledby") == f"{mine}-title {mine}-desc"
        assert f"url(#{mine}-p0)" in svg
        assert other not in svg and ID_TO_COME not in svg
