"""The impact report: one printable page about a period that a facilitator can give to a board.

It says, in plain words and with the trend charts, what the group worked on, "you said, we did"
with the group's own verdicts, the sharing balance and how it moved, how people felt heard, and
the recognition given. It holds nothing a member of the group could not see: no facilitator-only
data, no check-in words, no author (anonymous items have none stored; named ones are left out
too), no one person's recognition, and every figure through the one crowd rule.
"""

from bot.pages.report.pdf import NO_PDF, PdfUnavailable, pdf_available, report_pdf
from bot.pages.report.reading import ImpactReport, SaidDid, read_report

__all__ = [
    "NO_PDF",
    "ImpactReport",
    "PdfUnavailable",
    "SaidDid",
    "pdf_available",
    "read_report",
    "report_pdf",
]
