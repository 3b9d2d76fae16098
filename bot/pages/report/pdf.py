"""The impact report as a PDF, made with WeasyPrint (the optional `pdf` extra).

WeasyPrint lays out HTML and CSS for print in pure Python, so the PDF is the same page a
facilitator sees, on A4. It needs system libraries (Pango) that a small host may not have: when
it cannot be imported, `pdf_available()` says so and the page hides its PDF link, and
`report_pdf` refuses with a plain sentence instead of failing deep inside.

The PDF is made from the page's own HTML and never fetches anything: every URL (a style sheet, an
image, anything a piece of text might name) is refused, so making a PDF cannot reach the network
or read a file.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

NO_PDF = (
    "PDF files can't be made on this server (the optional WeasyPrint library isn't installed). "
    "You can still print the report from your browser, or save it as a PDF from the print window."
)


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot be used here; `str(error)` is the sentence to show."""


@cache
def _weasyprint() -> Any | None:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError):  # not installed, or its system libraries are missing
        return None
    # It logs, as errors, every address it is refused (the page's style sheet link, which is
    # passed in as text instead) and every screen-only rule of the style sheet: noise for an
    # operator, and a log line per PDF.
    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    return weasyprint


def pdf_available() -> bool:
    """Whether `report_pdf` can work here (the page offers the PDF link only then)."""
    return _weasyprint() is not None


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
    raise ValueError(f"the report's PDF fetches nothing (asked for {url[:80]!r})")


def _fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that allows no protocol at all (WeasyPrint's own class where it has one)."""
    urls = getattr(weasyprint, "urls", None)
    if urls is not None and hasattr(urls, "URLFetcher"):
        return urls.URLFetcher(allowed_protocols=(), allow_redirects=False)
    return _refuse


def report_pdf(html: str, css: str = "") -> bytes:
    """The report page's HTML (and optionally the page's style sheet text) as an A4 PDF."""
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise PdfUnavailable(NO_PDF)
    fetcher = _fetcher(weasyprint)
    sheets = [weasyprint.CSS(string="@page { size: A4; margin: 18mm 16mm; }")]
    if css:
        sheets.append(weasyprint.CSS(string=css, url_fetcher=fetcher))
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    found = document.write_pdf(stylesheets=sheets)
    assert isinstance(found, bytes)
    return found
