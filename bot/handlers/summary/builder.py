"""The words of the meeting summary, built from what the store read. No database here.

Choices made where the design leaves room, all in favour of the people in the room:

- Check-in words (only those their author shared with the group) are shown without names. They
  are not anonymous, but a summary travels further than the meeting, and unattributed words are
  the kinder record. Consented round shares are unattributed for the same reason; the ledger says
  who shared by role.
- Counts that come from anonymous acts ("I see it too" marks, perspectives, reflections) and the
  mood spread pass through the crowd rule (`bot.handlers.privacy.crowd_rule`): nothing below `k`
  (the summary says so plainly), then whole crowds of `k` only, so a summary and a later export
  never differ by one person's answer.
- Passing is being present and an answer: it is counted with the check-ins and listed apart from
  silence in the ledger. Nobody is ever described as not having answered or responded.
- Every piece of text a person wrote goes through `neutralise` here, at the last moment.
- Words given a plain meaning in the glossary during the meeting are listed, so that those who
  missed the moment have them. The "slow down", "jargon" and "break" signals are not shown at
  all, not even as whole-crowd counts: they asked for something in the moment, facilitators
  heard them then, and a count in a record that travels further than the room would only invite
  guessing who asked. The words asked about live on in the glossary, without anyone's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cards import Card
from bot.handlers.ladder.results import LadderResult
from bot.handlers.ladder.results import summary_section as ladder_section
from bot.handlers.privacy.crowd_rule import crowd, first_crowd
from bot.handlers.rounds.reciprocity_ledger import Ledger
from bot.handlers.verdicts.figures import feels_words
from bot.store.agenda import Item as AgendaItem
from bot.store.meeting_records import CheckinTally, ElephantItem, ReflectionTally
from bot.store.verdicts import REOPENED
from bot.text_safety import neutralise

MOOD_NAMES: dict[int, str] = {1: "Struggling", 2: "Low", 3: "Okay", 4: "Good", 5: "Great"}
STATUS_WORDS: dict[str, str] = {
    "open": "Still open",
    "discussed": "Discussed",
    "addressed": "Addressed",
    "parked": "Parked for now",
}
MAX_OPEN_ELEPHANTS = 10
"""Older elephants still open are listed up to this many; the rest are a count and a command."""
NO_NEXT_MEETING = "No next meeting scheduled."
SO_FAR_NOTE = (
    "This is a summary so far: the meeting is still going. The full summary, with everything "
    "said and done until its end, comes when the meeting ends."
)


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """A round as the summary shows it. `shares` are consented, revealed, cleaned words only."""

    prompt: str
    status: str
    revealed: bool
    shares: tuple[str, ...]
    other_shares: int
    carried: bool = False
    """Still held by the reciprocity lock when the meeting ended: not counted here, but in the
    summary of the meeting in which it is revealed or closed."""


@dataclass(frozen=True, slots=True)
class AgendaRecap:
    """What was on the meeting's agenda: covered at it, and carried on from it (while the
    meeting is under way: not reached yet)."""

    covered: tuple[AgendaItem, ...] = ()
    carried: tuple[AgendaItem, ...] = ()
    feels: tuple[tuple[int, str, str], ...] = ()
    """For items the group was asked about: (item id, the asking's state, its figures as the
    sweep last released them), shown under the crowd rule (`verdicts.figures.feels_words`)."""


@dataclass(frozen=True, slots=True)
class SummaryData:
    group_name: str
    zone: ZoneInfo
    k: int
    starts_at: datetime
    checkin: CheckinTally
    checkin_sent: bool
    elephants: tuple[ElephantItem, ...]
    rounds: tuple[RoundSummary, ...]
    ledger: Ledger | None
    last_reflections: ReflectionTally | None
    next_meeting: datetime | None
    so_far: bool = False
    """Asked for while the meeting is under way: what has happened until now, not the record."""
    decisions: tuple[str, ...] = ()
    """Decisions noted for this meeting, as short safe lines (`bot.handlers.actions.lines`)."""
    new_actions: tuple[str, ...] = ()
    """Actions noted for this meeting, as short safe lines."""
    done_actions: tuple[str, ...] = ()
    """Actions marked done since the meeting before, as short safe lines."""
    agenda: AgendaRecap = AgendaRecap()
    last_ladder: LadderResult | None = None
    """Where the meeting before felt on the ladder, as the crowd rule lets it show."""
    explained: tuple[tuple[str, str], ...] = ()
    """Glossary words given a meaning during this meeting: (word, meaning), alphabetically."""


def day_words(moment: datetime, zone: ZoneInfo) -> str:
    """ "Tuesday 3 March", in the group's time zone."""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B}"


def when_words(moment: datetime, zone: ZoneInfo) -> str:
    """ "Tuesday 10 March at 10:00", in the group's time zone."""
    return f"{day_words(moment, zone)} at {moment.astimezone(zone):%H:%M}"


def people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def summary_card(data: SummaryData) -> Card:
    sections = [
        SO_FAR_NOTE if data.so_far else "",
        _checkin_section(data),
        _agenda_section(data),
        _elephant_section(data),
        _decisions_and_actions_section(data),
        _rounds_section(data),
        _glossary_section(data),
        _ledger_section(data),
        _reflection_section(data),
        ladder_section(data.last_ladder),
    ]
    next_meeting = (
        f"Next meeting: {when_words(data.next_meeting, data.zone)}"
        if data.next_meeting
        else NO_NEXT_MEETING
    )
    sections.append(next_meeting)
    heading = "Meeting summary so far" if data.so_far else "Meeting summary"
    return Card(
        title=f"{heading}: {day_words(data.starts_at, data.zone)}",
        text="\n\n".join(s for s in sections if s),
        footer=(
            "Passing is always an answer. Words appear here only when the person who wrote "
            "them said they could."
        ),
    )


def _checkin_section(data: SummaryData) -> str:
    tally = data.checkin
    if tally.present == 0:
        first = "No check-ins this time." if data.checkin_sent else "There was no check-in."
        return f"Check-in\n{first}"
    line = f"{people(tally.present)} checked in"
    line += f" ({tally.passed} passed)." if tally.passed else "."
    lines = ["Check-in", line]
    counted = first_crowd(tally.mood_order, data.k)
    if counted:
        moods = {mood: counted.count(mood) for mood in MOOD_NAMES}
        spread = " · ".join(
            f"{MOOD_NAMES[mood]} {moods[mood]}"
            for mood in sorted(moods, reverse=True)
            if moods[mood]
        )
        lines.append(f"How people arrived: {spread}")
    else:
        lines.append(f"Fewer than {data.k} answers, so moods aren't shown.")
    if tally.group_words:
        lines.append("Words shared with the group:")
        lines.extend(f"  “{neutralise(words)}”" for words in tally.group_words)
    return "\n".join(lines)


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _agenda_section(data: SummaryData) -> str:
    """The agenda: what was covered (and what was done), and what goes on to next time."""
    recap = data.agenda
    if not recap.covered and not recap.carried:
        return ""
    lines = ["Agenda"]
    for item in recap.covered:
        line = f"Covered: “{neutralise(item.text)}” — {item.status}"
        lines.append(line + (f": {neutralise(item.outcome)}" if item.outcome else ""))
        asked = next((f for f in recap.feels if f[0] == item.id), None)
        if asked is not None:
            lines.append(f"    {feels_words(asked[1], asked[2], data.k)}")
    for item in recap.carried:
        if data.so_far:
            lines.append(f"Not reached yet: “{neutralise(item.text)}”")
        else:
            lines.append(
                f"Carried over to next time: “{neutralise(item.text)}” "
                f"(carried over {_times(item.carried)})"
            )
    return "\n".join(lines)


def _elephant_line(item: ElephantItem, k: int) -> str:
    size = " (big)" if item.size == "big" else ""
    line = f"#{item.number}{size} “{neutralise(item.text)}” — {STATUS_WORDS.get(item.status, '')}"
    if item.outcome and item.status != "open":
        line += f": {neutralise(item.outcome)}"
    elif item.outcome and item.feels_state == REOPENED:  # asked, and it did not feel addressed
        line += f" (what was done so far: {neutralise(item.outcome)})"
    extras = []
    if item.size == "big":
        extras.append(
            f"{crowd(item.perspectives, k)} perspectives shown together"
            if item.revealed and crowd(item.perspectives, k)
            else f"perspectives stay private until {k} have come in"
        )
    if crowd(item.marks, k):
        extras.append(f"{crowd(item.marks, k)} people see it too")
    line += "".join(f" · {extra}" for extra in extras)
    if item.feels_state is not None:
        line += f"\n    {feels_words(item.feels_state, item.feels_shown, k)}"
    return line


def _elephant_section(data: SummaryData) -> str:
    if not data.elephants:
        return ""
    done = [e for e in data.elephants if e.status != "open"]
    still_open = [e for e in data.elephants if e.status == "open"]
    shown_open = still_open[:MAX_OPEN_ELEPHANTS]
    lines = ["Elephants: you said, we did"]
    lines.extend(_elephant_line(e, data.k) for e in (*done, *shown_open))
    more = len(still_open) - len(shown_open)
    if more:
        lines.append(f"…and {more} more still open. Type `elephants` to see them all.")
    return "\n".join(lines)


def _decisions_and_actions_section(data: SummaryData) -> str:
    """What the group decided, who will do what, and what got done: lines made safe already."""
    parts = []
    if data.decisions:
        parts.append("Decisions\n" + "\n".join(data.decisions))
    if data.new_actions:
        parts.append("Actions\n" + "\n".join(data.new_actions))
    if data.done_actions:
        parts.append("Done since last time\n" + "\n".join(data.done_actions))
    return "\n\n".join(parts)


def _glossary_section(data: SummaryData) -> str:
    """The words explained in this meeting, with their meanings (the whole list: `glossary`)."""
    if not data.explained:
        return ""
    lines = [f"{neutralise(word)}: {neutralise(meaning)}" for word, meaning in data.explained]
    return "Words explained\n" + "\n".join(lines)


def _rounds_section(data: SummaryData) -> str:
    if not data.rounds:
        return ""
    lines = ["Sharing rounds"]
    for number, item in enumerate(data.rounds, start=1):
        lines.append(f"{number}. “{neutralise(item.prompt)}”")
        if item.carried:
            lines.append(
                "  Answers are still held by the reciprocity lock. This round will be counted in "
                "the summary of the meeting in which it is revealed or closed."
            )
            continue
        if not item.revealed:
            lines.append(
                "  Answers are still held."
                if item.status == "open"
                else "  This round closed without its answers being shown."
            )
            continue
        lines.extend(f"  “{neutralise(words)}”" for words in item.shares)
        if item.other_shares:
            noun = "share stays" if item.other_shares == 1 else "shares stay"
            prefix = "" if not item.shares else "more "
            lines.append(f"  {item.other_shares} {prefix}{noun} in the room.")
    return "\n".join(lines)


def _ledger_section(data: SummaryData) -> str:
    return ledger_text(data.ledger)


def ledger_text(ledger: Ledger | None) -> str:
    """The ledger as shown to people: one line per role group of at least `k` people, with
    small groups merged or left out (see `bot.handlers.rounds.reciprocity_ledger`). Also used by
    the home tab."""
    if ledger is None or (not ledger.roles and not ledger.left_out):
        return ""
    lines = ["Who shared, by role"]
    for role in ledger.roles:
        lines.append(f"{role.label}: {role.shared} of {role.people} shared")
        lines[-1] += _passed_quiet(role.passed, role.quiet)
    if ledger.left_out:
        lines.append("Roles with too few people to keep anyone anonymous aren't shown.")
    lines.extend(_after_reveal_line(ledger))
    return "\n".join(lines)


def _after_reveal_line(ledger: Ledger) -> list[str]:
    """Who shared only after the reveal, having seen the others' words, by role; nothing if
    nobody did. Going first is what the lock asks for, so the ledger does not blur the two."""
    late = [f"{role.label} {role.after_reveal}" for role in ledger.roles if role.after_reveal]
    return [f"Shared only after the reveal: {' · '.join(late)}"] if late else []


def _passed_quiet(passed: int, quiet: int) -> str:
    parts = []
    if passed:
        parts.append(f"{passed} passed")
    if quiet:
        parts.append(f"{quiet} quiet this time")
    return "".join(f" · {part}" for part in parts)


def _reflection_section(data: SummaryData) -> str:
    tally = data.last_reflections
    scores = first_crowd(tally.scores, data.k) if tally else []
    if not scores:
        return ""
    return (
        f"Feeling heard\nLast time, {people(len(scores))} said how heard they felt: "
        f"{sum(scores) / len(scores):.1f} out of 5 on average."
    )


def reflection_note(tally: ReflectionTally, k: int, meeting_day: str) -> Card | None:
    """The facilitators' private note on last meeting's reflections, at `k` answers or more.

    The "one thing to change" answers are anonymous; they are listed (in a shuffled order chosen
    by the caller) only when at least `k` came in, so none can be told apart by being alone.
    """
    lines: list[str] = []
    scores, changes = first_crowd(tally.scores, k), first_crowd(tally.changes, k)
    if scores:
        lines.append(
            f"{people(len(scores))} said how heard they felt at the meeting on "
            f"{meeting_day}: {sum(scores) / len(scores):.1f} out of 5 on average."
        )
    if changes:
        lines.append("One thing people would change:")
        lines.extend(f"  “{neutralise(text)}”" for text in changes)
    if not lines:
        return None
    return Card(
        title="Reflections from the last meeting",
        text="\n".join(lines),
        footer="These answers are anonymous: I keep no record of who gave them.",
    )
