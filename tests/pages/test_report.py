"""The impact report: what the group worked on, "you said, we did" with the group's verdicts, the
sharing balance, feeling heard, recognition in whole crowds, and nothing a member could not see;
its page, the trends page, and the PDF."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import update

from bench.history import START, seed_history
from bot.pages.period import Period
from bot.pages.report import NO_PDF, PdfUnavailable, pdf_available, read_report, report_pdf
from bot.pages.report import pdf as pdf_module
from bot.pages.report.page import report_context
from bot.pages.trends import read_trends
from bot.pages.trends.page import trends_context
from bot.store.database import Database
from bot.store.schema import checkins, elephants, members
from tests.pages.templating import render

WEEKS, PEOPLE = 12, 10
FIRST = START.date()
WHOLE = Period(FIRST, FIRST + timedelta(weeks=WEEKS), "the first twelve weeks of 2023")
NASTY = '<script>alert("x")</script> @channel <https://evil.example|click here> **bold**'


async def _seeded(db: Database) -> int:
    history = await seed_history(db, weeks=WEEKS, people=PEOPLE)
    async with db.write() as conn:
        await conn.execute(
            update(elephants)
            .where(elephants.c.group_id == history.group_id, elephants.c.number == 1)
            .values(text=NASTY, outcome="We asked <b>everyone</b> https://x.example")
        )
        await conn.execute(
            update(elephants)
            .where(elephants.c.group_id == history.group_id, elephants.c.number == 3)
            .values(status="hidden", text="a hidden elephant")
        )
        await conn.execute(
            update(checkins)
            .where(checkins.c.member_id == history.member_ids[1])
            .values(words="private arrival words", visibility="facilitators")
        )
    return history.group_id


async def test_the_report_says_what_the_group_did_in_plain_words(db: Database) -> None:
    group_id = await _seeded(db)
    report = await read_report(db, group_id, WHOLE, 3)
    assert report.group_name == "Parents and Partners"
    assert report.summary[0].startswith("Parents and Partners met 12 times in the first")
    assert len(report.worked_on) == WEEKS
    assert report.worked_on[0].said == "Agenda item of week 0"
    assert report.worked_on[0].did == "Agreed step 0"
    assert len(report.decisions) == WEEKS
    said = {item.number: item for item in report.said_did}
    assert 1 in said and said[1].said == NASTY and said[1].status == "Addressed"
    assert said[1].verdict is not None and "yes 6" in said[1].verdict
    assert 3 not in said  # hidden by a facilitator: never shown
    assert any("Lived experience" in line for line in report.sharing)
    assert "on average" in report.heard[0]
    assert report.recognition[0].startswith("The group recognises the time its members")


async def test_recognition_is_said_without_a_figure_members_never_see(db: Database) -> None:
    """Each person's record is theirs and the facilitators' alone, and members see no total of
    claims anywhere, so the report, which holds nothing a member could not see, gives none."""
    group_id = await _seeded(db)
    report = await read_report(db, group_id, WHOLE, 3)
    said = " ".join(report.recognition)
    assert "private to them and the facilitators" in said
    assert not any(char.isdigit() for char in said) and "hours" not in said
    # Six "did you feel heard?" answers a meeting: none shows under k=7, said in words.
    seven = await read_report(db, group_id, WHOLE, 7)
    assert seven.heard[0].startswith("Fewer than seven people answered")


async def test_the_report_page_escapes_text_and_names_nobody(db: Database) -> None:
    group_id = await _seeded(db)
    report = await read_report(db, group_id, WHOLE, 3)
    html = render("report.html", **report_context(report, pdf_url="/groups/1/report.pdf"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "@channel" in html  # shown as words: a web page cannot ping anyone
    assert 'href="https://evil.example' not in html and "<b>everyone</b>" not in html
    assert 'href="/groups/1/report.pdf"' in html
    assert html.count("<a ") == 1  # the PDF link and no other
    async with db.read() as conn:
        names = [r.display_name for r in await conn.execute(members.select())]
    assert names and not any(name in html for name in names)
    assert "private arrival words" not in html and "a hidden elephant" not in html
    assert "Parents &lt;and&gt; Partners" not in html or "<and>" not in html
    for heading in ("What the group worked on", "You said, we did", "The sharing balance"):
        assert heading in html
    assert html.count("<svg") == 3 and "<script" not in html


async def test_without_a_pdf_url_the_page_has_no_pdf_link(db: Database) -> None:
    group_id = await _seeded(db)
    report = await read_report(db, group_id, WHOLE, 3)
    assert "PDF" not in render("report.html", **report_context(report))


async def test_the_trends_page_shows_every_chart_and_keeps_the_form(db: Database) -> None:
    group_id = await _seeded(db)
    trends = await read_trends(db, group_id, WHOLE, 3)
    html = render(
        "facilitators/trends.html", **trends_context(trends, {"from": "2023-01-03", "to": "x"})
    )
    assert html.count('<figure class="chart"') == len(trends.figures)
    assert html.count("<table") == len(trends.figures)
    assert 'value="2023-01-03"' in html
    assert "Trends for Parents &lt;and&gt; Partners" in html
    assert "<script" not in html


def test_the_trends_page_shows_a_period_error_plainly() -> None:
    html = render(
        "facilitators/trends.html",
        **trends_context(None, {"from": "<b>", "to": ""}, "Please give both dates."),
    )
    assert 'role="alert">Please give both dates.</p>' in html
    assert 'value="&lt;b&gt;"' in html
    assert "<figure" not in html


async def test_the_pdf_is_a_pdf_and_fetches_nothing(db: Database) -> None:
    if not pdf_available():
        pytest.skip("WeasyPrint is not importable here")
    group_id = await _seeded(db)
    report = await read_report(db, group_id, WHOLE, 3)
    html = render("report.html", **report_context(report))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        there = f"http://127.0.0.1:{listener.getsockname()[1]}"
        html = html.replace(
            "</main>",
            f'<img src="{there}/x.png"><link rel="stylesheet" href="{there}/s.css">'
            '<img src="file:///etc/hostname"></main>',
        )
        found = report_pdf(html, css=f"body {{ background: url({there}/b.png); }}")
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody came: the PDF fetched nothing
    assert found.startswith(b"%PDF")


def test_without_weasyprint_the_pdf_says_so_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "_weasyprint", lambda: None)
    assert not pdf_module.pdf_available()
    with pytest.raises(PdfUnavailable) as refused:
        pdf_module.report_pdf("<p>x</p>")
    assert str(refused.value) == NO_PDF


async def test_the_trends_page_over_years_has_a_heading_per_chart_and_monthly_tables(
    db: Database,
) -> None:
    history = await seed_history(db, weeks=60, people=PEOPLE)
    period = Period(FIRST, FIRST + timedelta(weeks=60), "sixty weeks")
    trends = await read_trends(db, history.group_id, period, 3)
    html = render("facilitators/trends.html", **trends_context(trends, {"period": "all"}))
    for figure in trends.figures:
        assert f'<h2 id="trend-{figure.key}-heading">{figure.title}</h2>' in html
        assert f'href="#trend-{figure.key}"' in html
    assert '<th scope="col">Month</th><th scope="col">Checked in</th>' in html
    assert "Over a long period each row is a month" in html
    assert 'value="all"\n        checked' in html or 'value="all" checked' in html
