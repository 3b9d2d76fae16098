"""The facilitators' trends: a group's history over a period, as figures ready to draw.

`read_trends` reads the period in a fixed handful of queries (`bot.store.trend_records`) and
builds one `Figure` per chart, each file here one family of them. Every figure passes through
the one crowd rule (`bot.handlers.privacy.crowd_rule`) and is built from whole buckets (meetings,
months), so neither one reading nor two readings of overlapping periods show anything below `k`
(see `figure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.handlers.ladder.closing import closed
from bot.handlers.ladder.results import result as ladder_result
from bot.handlers.rounds.reciprocity_ledger import meeting_ledger
from bot.pages.period import Period
from bot.pages.trends.actions import ActionDates, actions_figure
from bot.pages.trends.attendance import MeetingCheckins, attendance_figure, moods_figure
from bot.pages.trends.elephants import CLOSED, ElephantDates, elephants_figure
from bot.pages.trends.figure import WITHHELD, Cell, Figure, Row, Withheld, fewer_than
from bot.pages.trends.heard import MeetingFeelings, heard_figure, ladder_figure
from bot.pages.trends.sharing import MeetingLedger, balance_figure, sharing_figure
from bot.store import trend_records as records
from bot.store.database import Connection, Database
from bot.store.meeting_records import RoundAnswerRow, RoundInfo
from bot.store.trend_records import ElephantRow

__all__ = [
    "WITHHELD",
    "Cell",
    "Figure",
    "GroupNotFound",
    "Row",
    "Trends",
    "Withheld",
    "fewer_than",
    "read_trends",
    "trends_in",
]


class GroupNotFound(LookupError):
    """No group has this id (the page answers 404)."""


@dataclass(frozen=True, slots=True)
class Trends:
    """A group's figures over a period. `elephant_rows` are the period's elephants as the
    group saw them (the report lists what was done about them)."""

    group_name: str
    zone: ZoneInfo
    period: Period
    k: int
    meetings: int
    months: tuple[date, ...]
    attendance: Figure
    mood_spread: Figure
    sharing: Figure
    balance: Figure
    heard: Figure
    ladder: Figure
    elephants: Figure
    elephant_time: Figure
    actions: Figure
    elephant_rows: tuple[ElephantRow, ...] = ()
    recognition: bool = False

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Every figure, in the order the page shows them."""
        return (
            self.attendance,
            self.mood_spread,
            self.sharing,
            self.balance,
            self.heard,
            self.ladder,
            self.elephants,
            self.elephant_time,
            self.actions,
        )

    @property
    def withheld_words(self) -> str:
        """What a withheld figure says instead of a number."""
        return fewer_than(self.k)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_span(period: Period) -> tuple[date, date]:
    """The first day of the period's first month and the last day of its last month."""
    last = _next_month(period.end.replace(day=1))
    return period.start.replace(day=1), date.fromordinal(last.toordinal() - 1)


def meeting_label(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y}"


def _ladder_closed(
    meeting: records.MeetingRow, n: int, meetings: list[records.MeetingRow], now: datetime
) -> bool:
    """Whether the ladder question about a meeting has closed, as `ladder.closing` decides for
    the summary: a week after it, or once a later meeting started (a later one in the list; a
    later one outside the period leaves the last meeting's figures withheld for now, never
    shown early)."""
    return closed(meeting.ends_at, later_started=n + 1 < len(meetings), now=now)


async def read_trends(
    db: Database, group_id: int, period: Period, k: int, now: datetime | None = None
) -> Trends:
    """Every trend figure of a group over a period, under the crowd rule with this `k`."""
    async with db.read() as conn:
        return await trends_in(conn, group_id, period, k, now or datetime.now(UTC))


async def trends_in(
    conn: Connection, group_id: int, period: Period, k: int, now: datetime
) -> Trends:
    """`read_trends` on a connection the caller holds (a page reads its visitor on it too)."""
    facts = await records.group_facts(conn, group_id)
    if facts is None:
        raise GroupNotFound(group_id)
    zone = ZoneInfo(facts.timezone)
    first, after = period.bounds(zone)
    month_first, month_last = month_span(period)
    month_period = Period(month_first, month_last, period.label)
    span_first, span_after = month_period.bounds(zone)
    meetings = await records.ended_meetings(conn, group_id, first, after)
    checkins = records.by_meeting(await records.checkins_in(conn, group_id, first, after))
    infos, answers = await records.rounds_in(conn, group_id, first, after)
    roles = await records.member_roles(conn, group_id)
    heard = await records.heard_scores_in(conn, group_id, first, after)
    ladder = await records.ladder_in(conn, group_id, first, after)
    elephant_rows = await records.elephants_in(conn, group_id, span_first, span_after)
    action_rows = await records.actions_due(conn, group_id, month_first, month_last)
    months = tuple(_months(month_first, month_last))
    labels = {m.id: meeting_label(m.starts_at, zone) for m in meetings}
    month = {m.id: m.starts_at.astimezone(zone).date().replace(day=1) for m in meetings}
    attendance = [
        MeetingCheckins(
            labels[m.id],
            len(checkins.get(m.id, [])),
            tuple(c.mood for c in checkins.get(m.id, []) if not c.passed and c.mood),
            month[m.id],
        )
        for m in meetings
    ]
    rounds_of: dict[int | None, list[RoundInfo]] = {}
    for info in infos:
        rounds_of.setdefault(info.meeting_id, []).append(info)
    answers_of: dict[int, list[RoundAnswerRow]] = {}
    for answer in answers:
        answers_of.setdefault(answer.round_id, []).append(answer)
    ledgers = [
        MeetingLedger(
            labels[m.id],
            meeting_ledger(
                rounds_of.get(m.id, []),
                [a for i in rounds_of.get(m.id, []) for a in answers_of.get(i.id, [])],
                roles,
                k=k,
                now=now,
            ),
            month[m.id],
        )
        for m in meetings
    ]
    feelings = [
        MeetingFeelings(
            labels[m.id],
            tuple(heard.get(m.id, ())),
            ladder_result(ladder.get(m.id, []), k, closed=_ladder_closed(m, n, meetings, now)),
            month[m.id],
        )
        for n, m in enumerate(meetings)
    ]
    elephant_dates = [_elephant_dates(e, zone) for e in elephant_rows]
    named_closed, time_open = elephants_figure(months, elephant_dates, k)
    action_dates = [
        ActionDates(
            a.due_on,
            a.done_at.astimezone(zone).date() if a.status == "done" and a.done_at else None,
        )
        for a in action_rows
    ]
    return Trends(
        group_name=facts.name,
        zone=zone,
        period=period,
        k=k,
        meetings=len(meetings),
        months=months,
        attendance=attendance_figure(attendance, k),
        mood_spread=moods_figure(attendance, k),
        sharing=sharing_figure(ledgers, k),
        balance=balance_figure(ledgers, k),
        heard=heard_figure(feelings, k),
        ladder=ladder_figure(feelings, k),
        elephants=named_closed,
        elephant_time=time_open,
        actions=actions_figure(months, action_dates, k),
        elephant_rows=tuple(elephant_rows),
        recognition=facts.recognition,
    )


def _months(first: date, last: date) -> list[date]:
    found, month = [], first
    while month <= last:
        found.append(month)
        month = _next_month(month)
    return found


def _elephant_dates(row: ElephantRow, zone: ZoneInfo) -> ElephantDates:
    named = row.posted_at.astimezone(zone).date()
    closed = (
        row.status_changed_at.astimezone(zone).date()
        if row.status in CLOSED and row.status_changed_at
        else None
    )
    return ElephantDates(named, closed, (closed - named).days if closed else None)
