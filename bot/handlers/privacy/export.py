"""The group's record for facilitators (`export`): never more than a facilitator could already see.

What goes in, and why:

- settings, and members by display name, role and facilitation (no platform user ids: a record
  meant for people needs names, and ids would only help someone match people across systems);
- meetings with the check-in count (passes count as present), the mood spread only when at least
  `k` moods were given (and then only whole crowds of `k`, the earliest first), and check-in
  words whose owners chose "group" or "facilitators", without names, as the summary shows them;
  reflections only as a spread of whole crowds of `k` answers; where the meeting felt on the
  ladder of co-production only as the crowd-ruled result the summary shows, once its question
  has closed (`bot.handlers.ladder.results`): no rung below `k`, by role only when each side has
  `k`;
- elephants once posted, as the channel saw them: a hidden one is listed (so the numbering has no
  gaps) without its text; unposted ones are left out, since not even facilitators have seen them;
  perspectives only once shown in the channel, with a breakdown by role under the crowd rule
  (`bot.handlers.privacy.crowd_rule`): no role line below `k`;
- "you said, we did" askings ("does this feel addressed?") with what was done and how the group
  answered, only as the figures the sweep released on the card (`bot.handlers.verdicts.figures`:
  no answer line below `k`, whole crowds of `k`); a hidden subject's words are left out;
- the agenda as the group saw it: each item that has come onto it (an anonymous one still waiting
  for its delay is left out), who added it as the agenda shows it (a name only for items added
  openly), its papers link, what happened to it and how often it was carried over;
- rounds with their prompt and, once revealed, the shares whose authors agreed to the summary,
  without names. Facilitators did see every revealed share in the channel, but an export is a
  lasting record that leaves the chat, like the summary, so the consent people gave for the
  summary is honoured here too; shares without it are only counted. Held answers never appear.
  Each revealed round's ledger (shared and passed, by role) is included, and the totals.
- the glossary, the group's shared reference: each word with its plain meaning (or null for a
  word asked about and not explained yet), and when it was explained. It never had an author.
  The "slow down", "jargon" and "break" signals are not exported: they were for the moment.
- decisions and actions, named as the channel was told of them (who noted each, who owns an
  action, its day, whether it is done and the owner's note): `bot.handlers.actions.record`.

Anonymous items have no author in the database, so none can appear here. All user text is passed
through `neutralise`, because the export is shown in chat.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.handlers.access import record as access_record
from bot.handlers.actions import record as actions_record
from bot.handlers.ladder.closing import question_closed
from bot.handlers.ladder.results import for_export, result
from bot.handlers.privacy.crowd_rule import by_role, crowd, first_crowd, role_lines
from bot.handlers.recognition import record as recognition_record
from bot.handlers.verdicts import figures
from bot.scheduling.times import rule_of
from bot.store import (
    agenda,
    checkins,
    elephants,
    glossary,
    ladder,
    meetings,
    members,
    reflections,
    rounds,
    verdicts,
)
from bot.store.database import Connection
from bot.store.groups import Group
from bot.text_safety import neutralise

FORMAT = "common-ground-export/1"
NO_ROLE = "not given"


def _when(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment else None


def _group_part(group: Group, now: datetime) -> dict[str, Any]:
    rule = rule_of(group, today_from=now)
    return {
        "name": neutralise(group.name),
        "created_at": _when(group.created_at, group.zone),
        "timezone": group.timezone,
        "schedule": {"rule": group.schedule_rule, "description": rule.describe()} if rule else None,
        "quiet_hours": {"start": group.quiet_start, "end": group.quiet_end}
        if group.quiet_start
        else None,
        "k": group.k,
        "anonymity_delay_minutes": group.anonymity_delay_minutes,
        "reciprocity_lock": group.reciprocity_lock,
        "checkin_lead_minutes": group.checkin_lead_minutes,
        "reminder_after_minutes": group.reminder_after_minutes,
        "reflection_after_minutes": group.reflection_after_minutes,
        "retention_days": group.retention_days,
        "signal_crowd": group.signal_crowd,
    }


async def _members(conn: Connection, group: Group) -> dict[str, Any]:
    """Who is in the group, and how many people take part in each role.

    Roles are self-declared for counting only, so a person's role is not listed by name: the
    counts are what the summaries' reciprocity ledger already shows the whole group.
    """
    people = await members.of_group(conn, group.id)
    return {
        "people": [
            {"name": neutralise(member.display_name), "facilitator": bool(member.is_facilitator)}
            for member in people
        ],
        "roles": _role_sizes(Counter(member.role or NO_ROLE for member in people), group.k),
    }


def _role_sizes(sizes: Counter[str], k: int) -> dict[str, int]:
    """Members by role, with roles of fewer than `k` people merged or left out as the ledger
    does (membership is not anonymous, so the counts themselves are exact)."""
    merged: Counter[str] = Counter()
    for role, line in role_lines(sizes, k).items():
        merged[line] += sizes[role]
    return dict(sorted(merged.items()))


def _spread(values: list[int]) -> dict[str, int]:
    counts = Counter(values)
    return {str(n): counts.get(n, 0) for n in range(1, 6)}


async def _checkin(conn: Connection, meeting_id: int, k: int) -> dict[str, Any]:
    rows = await checkins.of_meeting(conn, meeting_id)
    # The first whole crowds of moods in the order they came: a later answer joins only with
    # k - 1 others, so two exports never differ by one person's mood.
    moods = first_crowd([int(row.mood) for row in rows if row.mood is not None], k)
    return {
        "checked_in": len(rows),
        "moods": _spread(moods) if moods else None,
        "words": [
            {"text": neutralise(row.words), "seen_by": row.visibility}
            for row in rows
            if row.words and row.visibility in ("group", "facilitators")
        ],
    }


async def _reflections(conn: Connection, meeting_id: int, k: int) -> dict[str, Any] | None:
    heard = first_crowd(await reflections.heard_scores(conn, meeting_id), k)
    if not heard:
        return None
    return {"answers": len(heard), "felt_heard": _spread(heard)}


async def _meetings(conn: Connection, group: Group, k: int, now: datetime) -> list[dict[str, Any]]:
    found = []
    for meeting in await meetings.not_cancelled(conn, group.id):
        closed = await question_closed(conn, meeting, now)
        found.append(
            {
                "starts_at": _when(meeting.starts_at, group.zone),
                "ends_at": _when(meeting.ends_at, group.zone),
                "status": meeting.status,
                "source": meeting.source,
                "checkin": await _checkin(conn, meeting.id, k),
                "reflections": await _reflections(conn, meeting.id, k),
                "ladder": for_export(
                    result(await ladder.counted(conn, meeting.id), k, closed=closed)
                ),
            }
        )
    return found


async def _perspectives(conn: Connection, elephant_id: int, k: int) -> dict[str, Any]:
    rows = await elephants.perspectives_unordered(conn, elephant_id)
    # Sorted by text, not by arrival, so the order says nothing about who answered when.
    texts = sorted(neutralise(row.text) for row in rows)
    return {"texts": texts, "by_role": by_role([row.role_tag or NO_ROLE for row in rows], k)}


async def _elephants(conn: Connection, group: Group, k: int) -> list[dict[str, Any]]:
    found = []
    for row in await elephants.posted_with_marks(conn, group.id):
        hidden = row["status"] == "hidden"
        seen_too = crowd(int(row["marks_shown"] or 0), k)
        item: dict[str, Any] = {
            "number": row["number"],
            "size": row["size"],
            "hidden": hidden,
            "text": None if hidden else neutralise(row["text"]),
            "status": row["status"],
            "outcome": neutralise(row["outcome"]) if row["outcome"] else None,
            "posted_at": _when(row["posted_at"], group.zone),
            "see_it_too": seen_too or None,
            "perspectives": None,
        }
        if row["perspectives_revealed_at"] is not None and not hidden:
            item["perspectives"] = await _perspectives(conn, row["id"], k)
        found.append(item)
    return found


async def _you_said_we_did(conn: Connection, group: Group, k: int) -> list[dict[str, Any]]:
    """Every asking of "does this feel addressed?", with the figures as last shown."""
    return [
        {
            "about": f"{verdict.kind} {verdict.number}",
            "text": neutralise(verdict.title) if verdict.title else None,
            "what_was_done": neutralise(verdict.what_was_done) if verdict.what_was_done else None,
            "asked_at": _when(verdict.asked_at, group.zone),
            "state": verdict.state,
            "reopened_at": _when(verdict.reopened_at, group.zone),
            "the_group": {
                figures.WORDS[line]: n
                for line, n in figures.released(verdict.figures_shown, k).items()
            }
            or None,
        }
        for verdict in await verdicts.of_group_all(conn, group.id)
    ]


def _ledger(rows: list[Any], k: int) -> dict[str, dict[str, int]]:
    """Shares and passes by role, with role groups below `k` answers merged or left out."""
    sizes = Counter(row.role or NO_ROLE for row in rows)
    lines = role_lines(sizes, k)
    ledger: dict[str, dict[str, int]] = {}
    for row in rows:
        line = lines.get(row.role or NO_ROLE)
        if line is None:
            continue
        counts = ledger.setdefault(line, {"shared": 0, "passed": 0})
        counts["shared" if row.kind == "share" else "passed"] += 1
    return dict(sorted(ledger.items()))


async def _rounds(
    conn: Connection, group: Group, k: int
) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    found, every_answer = [], []
    for round_ in await rounds.of_group(conn, group.id):
        item: dict[str, Any] = {
            "prompt": neutralise(round_.prompt),
            "opened_at": _when(round_.opened_at, group.zone),
            "revealed": round_.revealed_at is not None,
            "shares": [],
            "shares_without_consent": 0,
            "ledger": None,
        }
        if round_.revealed_at is not None:
            answers = await rounds.answers_by_time(conn, round_.id)
            shares = [a for a in answers if a.kind == "share"]
            item["shares"] = [neutralise(a.text or "") for a in shares if a.consent_summary]
            item["shares_without_consent"] = sum(1 for a in shares if not a.consent_summary)
            item["ledger"] = _ledger(answers, k)
            every_answer.extend(answers)
        found.append(item)
    return found, _ledger(every_answer, k)


async def _agenda(conn: Connection, group: Group, now: datetime) -> list[dict[str, Any]]:
    found = []
    for item in await agenda.of_group(conn, group.id):
        if item.shown_from > now:
            continue
        if item.elephant_number is not None:
            added_by = f"elephant #{item.elephant_number}"
        else:
            added_by = neutralise(item.author) if item.author else "anonymous"
        found.append(
            {
                "text": neutralise(item.text),
                "added_by": added_by,
                "papers": item.papers,
                "status": "deferred" if item.deferred and item.status == "open" else item.status,
                "outcome": neutralise(item.outcome) if item.outcome else None,
                "carried_over": item.carried,
            }
        )
    return found


async def _glossary(conn: Connection, group: Group) -> list[dict[str, Any]]:
    """Every glossary word, alphabetically, with its meaning (None: asked, not yet explained)."""
    return [
        {
            "word": neutralise(entry.word),
            "meaning": neutralise(entry.meaning) if entry.meaning else None,
            "explained_at": _when(entry.explained_at, group.zone),
        }
        for entry in await glossary.all_of(conn, group.id)
    ]


async def build_export(
    conn: Connection, group: Group, k: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """The group's record as a JSON-ready dict, with a stable structure (see `FORMAT`)."""
    moment = now or group.created_at
    round_items, ledger = await _rounds(conn, group, k)
    return {
        "format": FORMAT,
        "exported_at": _when(now, group.zone),
        "group": _group_part(group, moment),
        "members": await _members(conn, group),
        "meetings": await _meetings(conn, group, k, moment),
        "elephants": await _elephants(conn, group, k),
        "you_said_we_did": await _you_said_we_did(conn, group, k),
        "agenda": await _agenda(conn, group, moment),
        "rounds": round_items,
        "ledger": ledger,
        **await actions_record.export_part(conn, group),
        **await recognition_record.export_part(conn, group),
        "access_needs": await access_record.export_part(conn, group),
        "glossary": await _glossary(conn, group),
        "notes": [
            "Anonymous items (elephants, anonymous agenda items, perspectives, reflections, "
            "“I see it too”, answers to “does this feel addressed?”) were never stored with an "
            "author, so no author appears here.",
            f"Totals of anonymous answers, mood spreads and breakdowns by role appear only from "
            f"{k} answers (null when fewer), count whole groups of {k} in the order they came, "
            f"and leave out or merge any role with fewer than {k}.",
            "Hidden elephants are listed without their text. Held round answers are not "
            "included; revealed shares appear only where the sharer agreed to the summary, and "
            "without names.",
            "Check-in words appear without names, and only those meant for the group or the "
            "facilitators.",
        ],
    }
