"""What the impact report says, read and put into plain words (no HTML here: the template
escapes every piece of text people wrote).

Every figure comes from the trends (`bot.pages.trends`), which passed the crowd rule bucket by
bucket; the sentences here only add up or compare shown figures, so nothing in them is finer than
what the charts show. Recognition is counted the same way, month by month, as a number of claims
and whole hours, never who.

Three numbers are given as they are: how many times the group met (its calendar, not anyone's
answer), and how many agenda items it covered and decisions it recorded, because the report lists
every one of those items beneath, as the group saw them; counting a list shown in full tells
nobody anything more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from statistics import median_low
from zoneinfo import ZoneInfo

from bot.handlers.ladder.cards import rung_name
from bot.handlers.verdicts.figures import feels_words
from bot.handlers.verdicts.subjects import AGENDA, ELEPHANT
from bot.pages.period import Period
from bot.pages.trends import Trends, trends_in
from bot.pages.trends.elephants import CLOSED, month_label
from bot.pages.trends.figure import Cell, Figure, Withheld, fewer_than, total
from bot.store import groups
from bot.store import trend_records as records
from bot.store import verdicts as verdict_store
from bot.store.database import Connection, Database

STATUS_WORDS = {
    "discussed": "Discussed",
    "addressed": "Addressed",
    "parked": "Parked for now",
}


@dataclass(frozen=True, slots=True)
class SaidDid:
    """One "you said, we did" line: what was raised, what happened, how the group feels."""

    kind: str
    number: int
    said: str
    status: str
    did: str | None
    verdict: str | None


@dataclass(frozen=True, slots=True)
class ImpactReport:
    group_name: str
    period: Period
    k: int
    trends: Trends
    worked_on: tuple[SaidDid, ...]
    """Agenda items the group covered, with what came of them."""
    decisions: tuple[str, ...]
    said_did: tuple[SaidDid, ...]
    """Elephants closed in the period, with the group's own verdict where it was asked."""
    summary: tuple[str, ...]
    """Plain sentences for the top of the report."""
    sharing: tuple[str, ...]
    heard: tuple[str, ...]
    recognition: tuple[str, ...]

    @property
    def withheld_words(self) -> str:
        return fewer_than(self.k)


def say(cell: Cell, k: int, noun: str) -> str:
    """ "6 elephants", or "fewer than three elephants"."""
    if isinstance(cell, Withheld):
        return f"{fewer_than(k)} {noun}"
    return f"{cell} {noun}"


def _half_totals(figure: Figure, index: int) -> tuple[Cell, Cell]:
    cells = figure.column(index)
    middle = len(cells) // 2
    return total(cells[:middle]), total(cells[middle:])


def sharing_sentences(trends: Trends) -> tuple[str, ...]:
    figure, k = trends.sharing, trends.k
    if not figure.rows:
        return ("There were no sharing rounds in this period.",)
    lines = []
    for index, label in enumerate(figure.series):
        whole = total(figure.column(index))
        first, second = _half_totals(figure, index)
        lines.append(
            f"{label}: {say(whole, k, 'shares')} in all; {say(first, k, 'shares')} in the "
            f"first half of the period and {say(second, k, 'shares')} in the second."
        )
    balance = trends.balance
    if balance.rows:
        last = balance.rows[-1].cells
        for index, name in enumerate(balance.series):
            if "after the reveal" in name and not isinstance(last[index], Withheld):
                role = name.split(":")[0]
                lines.append(
                    f"{role}: {last[index]} of those shares came only after the answers were shown."
                )
    if not lines:
        lines.append(
            f"No role had {k} or more people in the rounds, so the balance can't be shown."
        )
    return tuple(lines)


def heard_sentences(trends: Trends) -> tuple[str, ...]:
    k, lines = trends.k, []
    weighted = answers = 0.0
    for row in trends.heard.rows:
        average, count = row.cells
        if isinstance(average, float | int) and isinstance(count, int):
            weighted += average * count
            answers += count
    if answers:
        lines.append(
            f"Asked “did you feel heard?” after meetings, people answered {weighted / answers:.1f} "
            f"on average, from 1 (not at all) to 5 (fully), over {int(answers)} answers."
        )
    else:
        lines.append(
            f"{fewer_than(k).capitalize()} people answered “did you feel heard?” after any one "
            "meeting, so no figure is shown."
        )
    middles = [row.cells[0] for row in trends.ladder.rows if isinstance(row.cells[0], int)]
    if middles:
        lines.append(
            "On the ladder of participation, the middle answer across meetings was "
            f"“{rung_name(median_low(middles))}”."
        )
    return tuple(lines)


def recognition_sentences(policy: str | None) -> tuple[str, ...]:
    """What the report says about recognition of members' time: that the group offers it, in its
    own words. No figures: each person's record (meetings, time, claims) is theirs and the
    facilitators' alone, members see no total anywhere, and the report holds nothing a member
    could not see."""
    offered = f" Its policy: “{policy.strip()}”" if policy and policy.strip() else ""
    return (
        f"The group recognises the time its members with lived experience give.{offered}",
        "Each person's record of time and claims is private to them and the facilitators, so "
        "this report gives no figures.",
    )


async def read_report(
    db: Database, group_id: int, period: Period, k: int, now: datetime | None = None
) -> ImpactReport:
    """The impact report of a group over a period, under the crowd rule with this `k`."""
    async with db.read() as conn:
        return await report_in(conn, group_id, period, k, now or datetime.now(UTC))


async def report_in(
    conn: Connection, group_id: int, period: Period, k: int, now: datetime
) -> ImpactReport:
    """`read_report` on a connection the caller holds (a page reads its visitor on it too)."""
    trends = await trends_in(conn, group_id, period, k, now)
    zone: ZoneInfo = trends.zone
    first, after = period.bounds(zone)
    month_first, month_last = trends.months[0], trends.months[-1]
    agenda = await records.agenda_closed_in(conn, group_id, first, after)
    decided = await records.decisions_in(conn, group_id, first, after)
    elephant_verdicts = await verdict_store.latest_of_kind(conn, group_id, ELEPHANT)
    agenda_verdicts = await verdict_store.latest_of_kind(conn, group_id, AGENDA)
    group = await groups.get(conn, group_id)
    worked_on = tuple(
        SaidDid(
            "Agenda item",
            0,
            item.text,
            STATUS_WORDS.get(item.status, item.status),
            item.outcome,
            _verdict(agenda_verdicts.get(item.id), k),
        )
        for item in agenda
    )
    said_did = tuple(
        SaidDid(
            "Elephant",
            e.number,
            e.text,
            STATUS_WORDS[e.status],
            e.outcome,
            _verdict(elephant_verdicts.get(e.id), k),
        )
        for e in trends.elephant_rows
        if e.status in CLOSED and e.status_changed_at and first <= e.status_changed_at < after
    )
    named = total(trends.elephants.column(0))
    closed = total(trends.elephants.column(1))
    summary = [
        f"{trends.group_name} met {trends.meetings} "
        f"{'time' if trends.meetings == 1 else 'times'} in {period.label} "
        f"(elephants counted by month, {month_label(month_first)} to {month_label(month_last)}).",
        f"The group named {say(named, k, 'elephants')} and closed {say(closed, k, 'elephants')}.",
        f"It covered {len(worked_on)} agenda "
        f"{'item' if len(worked_on) == 1 else 'items'} and recorded {len(decided)} "
        f"{'decision' if len(decided) == 1 else 'decisions'}.",
    ]
    due, on_time = total(trends.actions.column(0)), total(trends.actions.column(1))
    if not isinstance(due, Withheld):
        summary.append(f"Of {due} actions due, {say(on_time, k, 'were')} done on time.")
    recognition: tuple[str, ...] = ()
    if trends.recognition:
        recognition = recognition_sentences(group.recognition_policy if group else None)
    return ImpactReport(
        group_name=trends.group_name,
        period=period,
        k=k,
        trends=trends,
        worked_on=worked_on,
        decisions=tuple(decided),
        said_did=said_did,
        summary=tuple(summary),
        sharing=sharing_sentences(trends),
        heard=heard_sentences(trends),
        recognition=recognition,
    )


def _last_day(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _verdict(found: verdict_store.Verdict | None, k: int) -> str | None:
    if found is None:
        return None
    return feels_words(found.state, found.figures_shown, k)
