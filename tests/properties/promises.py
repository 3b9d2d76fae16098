"""The promises README.md makes ("What it holds to"), as checks on what one step did.

Each broken promise raises its own subclass of `BrokenPromise`, so Hypothesis keeps failures of
different promises apart and shrinks each on its own. `COMMONGROUND_PROPERTY_SKIP` (names below,
comma-separated) switches some off, to hunt for what else fails while known bugs are being fixed.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


class BrokenPromise(AssertionError):
    name = "promise"


def _promise(name: str) -> type[BrokenPromise]:
    return type(name.replace("-", "_").title().replace("_", ""), (BrokenPromise,), {"name": name})


NAMES_AUTHOR = _promise("anonymous-names-author")
LOG_NAMES = _promise("log-names-someone")
BELOW_K = _promise("aggregate-below-k")
DIFFERENCING = _promise("aggregate-differs-by-less-than-k")
NOT_RESPONDED = _promise("passing-shown-as-not-responding")
PASSER_NUDGED = _promise("passer-reminded")
TEXT_LOST = _promise("typed-text-lost")
TYPO_STORED = _promise("status-typo-stored-as-elephant")
MEETING_BACKWARDS = _promise("meeting-ends-before-it-starts")
ROUND_TWICE = _promise("round-in-two-summaries")
LOCK_OPENED = _promise("lock-opened-one-sided")
NOT_DELAYED = _promise("anonymous-item-not-delayed")
LEDGER_SMALL = _promise("ledger-role-group-below-k")
SIGNAL_SMALL = _promise("signal-alert-below-crowd")
RECOGNITION_SEEN = _promise("recognition-record-seen-by-others")

ALL = (
    NAMES_AUTHOR, LOG_NAMES, BELOW_K, DIFFERENCING, NOT_RESPONDED, PASSER_NUDGED, TEXT_LOST,
    TYPO_STORED, MEETING_BACKWARDS, ROUND_TWICE, LOCK_OPENED, NOT_DELAYED, LEDGER_SMALL,
    SIGNAL_SMALL, RECOGNITION_SEEN,
)  # fmt: skip
SKIPPED = {
    name.strip() for name in os.environ.get("COMMONGROUND_PROPERTY_SKIP", "").split(",") if name
}
unknown = SKIPPED - {p.name for p in ALL}
if unknown:
    raise RuntimeError(f"COMMONGROUND_PROPERTY_SKIP names no promise: {sorted(unknown)}")


COLLECTED: list[tuple[str, str]] | None = None
"""When a list, broken promises are added to it instead of raised (for hunting: one scenario
then reports every promise it breaks, not only the first)."""


def check(ok: object, promise: type[BrokenPromise], detail: str) -> None:
    if ok or promise.name in SKIPPED:
        return
    if COLLECTED is not None:
        COLLECTED.append((promise.name, detail))
        return
    raise promise(f"[{promise.name}] {detail}")


# -- figures in what people are shown ------------------------------------------------------------

NOT_RESPONDING = re.compile(
    r"not (yet )?respond|no response|n[o']t responded|did not respond|didn't respond|"
    r"not answered|n't answered|did not answer|didn't answer|no answer|no-show|absent",
    re.IGNORECASE,
)
ELEPHANT_TITLE = re.compile(r"^== Elephant #(\d+) ==$", re.MULTILINE)
SEE_TOO_FIELD = re.compile(r"^I see it too: (\d+)$", re.MULTILINE)
LIST_LINE = re.compile(r"^#(\d+) \(.*· I see it too: (\d+)", re.MULTILINE)
LIST_PERSPECTIVES = re.compile(r"^#(\d+) \(.*· perspectives: (\d+) \(shown at", re.MULTILINE)
SUMMARY_TITLE = re.compile(r"^== (?:Meeting summary|Summary preview): (.+) ==$", re.MULTILINE)
"""A summary, or its private preview: both are readings of the same figures."""
SUMMARY_ELEPHANT = re.compile(r"^#(\d+)(?: \(big\))? “.*$", re.MULTILINE)
SEE_TOO_SUMMARY = re.compile(r"· (\d+) people see it too")
SHOWN_TOGETHER = re.compile(r"· (\d+) perspectives shown together")
MOODS = re.compile(r"^How people arrived: (.+)$", re.MULTILINE)
MOOD_PART = re.compile(r"(Struggling|Low|Okay|Good|Great) (\d+)")
HEARD_SUMMARY = re.compile(r"Last time, (\d+) (?:person|people) said how heard")
HEARD_NOTE = re.compile(
    r"^(\d+) (?:person|people) said how heard they felt at the meeting on (.+?):"
)
LADDER_SUMMARY = re.compile(r"^(\d+) people said where it felt: (.+)\. The middle", re.MULTILINE)
LADDER_PART = re.compile(
    r"(Coercion|Educating|Informing|Consultation|Engagement|Co-design|Co-production) (\d+)"
)
LADDER_BY_ROLE = re.compile(
    r"^By role: people with lived experience, (\d+) answers, .*; professionals, (\d+) answers,",
    re.MULTILINE,
)
CHANGES_NOTE = re.compile(r"One thing people would change:\n((?:  “.*\n?)+)")
REVEAL_TITLE = re.compile(r"^== Perspectives on elephant #(\d+) ==$", re.MULTILINE)
REVEAL_LINE = re.compile(r"^• .*?(?: \(([^()]*)\))?$", re.MULTILINE)
LEDGER_LINE = re.compile(r"^(.+): (\d+) of (\d+) shared((?: · \d+ (?:passed|quiet this time))*)$")
ACROSS = re.compile(r"^Across everyone: ")
SUMMARY_ROUND = re.compile(r"^\d+\. “(.*)”$", re.MULTILINE)
FEELS_CARD = re.compile(r"^How the group sees it: (.+)$", re.MULTILINE)
FEELS_LINE = re.compile(r"^\s+Does it feel addressed\? The group: (.+)$")
FEELS_PART = re.compile(r"(yes|partly|not really|mixed answers) (\d+)")
FIRST_SUBJECT = re.compile(r"(Elephant|Agenda question) #(\d+)")
ITEM_NUMBER = re.compile(r"^#(\d+)[ (]")
SIGNAL_ALERT = re.compile(
    r"^(\d+) (?:person|people) (asked to slow down|would like a break|found a word hard to "
    r"follow: “[^”]*”)",
    re.MULTILINE,
)
SIGNAL_TITLE = re.compile(r"^== From the meeting in .+ ==$", re.MULTILINE)


@dataclass
class Readings:
    """Every figure of an anonymous aggregate shown so far, by what it counts."""

    seen: dict[tuple[Any, ...], list[Counter[str]]] = field(default_factory=dict)
    rounds_in: dict[tuple[int, str], set[str]] = field(default_factory=dict)

    def read(self, key: tuple[Any, ...], figure: Counter[str] | int, k: int, where: str) -> None:
        """One reading: at least `k` in all, and never fewer than `k` away from a reading of the
        same thing before (else the difference is a small crowd: one person's answer)."""
        counts = figure if isinstance(figure, Counter) else Counter({"n": figure})
        total = sum(counts.values())
        check(total >= k, BELOW_K, f"{where}: {key} shows {total} with k={k}")
        for earlier in self.seen.get(key, []):
            apart = sum(((counts - earlier) + (earlier - counts)).values())
            check(
                apart == 0 or apart >= k,
                DIFFERENCING,
                f"{where}: {key} read as {dict(counts)} after {dict(earlier)} (k={k})",
            )
        self.seen.setdefault(key, []).append(counts)


def shown_texts(
    card_texts: Iterable[tuple[int, str]],
    readings: Readings,
    ks: dict[int, int],
    crowds: dict[int, int] | None = None,
) -> None:
    """Check every card shown, as `(group index, text)`; `crowds` is each group's signal crowd."""
    for g, text in card_texts:
        k = ks[g]
        _signals(g, (crowds or {}).get(g, 2), text, readings)
        check(
            not any(
                NOT_RESPONDING.search(line) and "never" not in line.lower()
                for line in text.splitlines()
            ),
            NOT_RESPONDED,
            f"a card says someone did not respond: {text!r}",
        )
        title = ELEPHANT_TITLE.search(text)
        if title:
            for n in SEE_TOO_FIELD.findall(text):
                readings.read(("see-too", g, int(title.group(1))), int(n), k, "elephant card")
        for number, n in LIST_LINE.findall(text):
            readings.read(("see-too", g, int(number)), int(n), k, "`elephants`")
        for number, n in LIST_PERSPECTIVES.findall(text):
            check(int(n) == 0 or int(n) >= k, BELOW_K,
                  f"`elephants` shows {n} perspectives on #{number} with k={k}")  # fmt: skip
        summary = SUMMARY_TITLE.search(text)
        if summary:
            _summary(g, k, summary.group(1), text, readings)
        note = HEARD_NOTE.search(text)
        if note:
            readings.read(("heard", g, note.group(2)), int(note.group(1)), k, "reflection note")
        changes = CHANGES_NOTE.search(text)
        if changes:
            n = len(changes.group(1).strip("\n").splitlines())
            check(n >= k, BELOW_K, f"reflection note lists {n} changes with k={k}")
        reveal = REVEAL_TITLE.search(text)
        if reveal:
            lines = REVEAL_LINE.findall(text)
            readings.read(("perspectives", g, int(reveal.group(1))), len(lines), k, "reveal")
            tags = Counter(tag for tag in lines if tag)
            for tag, n in tags.items():
                check(n >= k, BELOW_K, f"reveal tags {n} perspective(s) as {tag!r} with k={k}")
        _ledger(text, k)
        _feels(g, k, text, readings)


def _signals(g: int, crowd: int, text: str, readings: Readings) -> None:
    """A "slow down", "jargon" or "break" alert to facilitators: only at a whole crowd (the
    group's signal crowd), and never naming anyone (checked with every anonymous step)."""
    if not SIGNAL_TITLE.search(text):
        return
    alerts = SIGNAL_ALERT.findall(text)
    check(alerts, SIGNAL_SMALL, f"a signal alert without a count of people: {text!r}")
    for n, what in alerts:
        check(
            int(n) >= crowd and int(n) % crowd == 0,
            SIGNAL_SMALL,
            f"signal alert says {n} {what} with a crowd of {crowd}",
        )
        readings.read(("signal", g, what, crowd), int(n), crowd, "signal alert")


def _feels_figure(words: str) -> Counter[str]:
    return Counter({answer: int(n) for answer, n in FEELS_PART.findall(words)})


def _feels(g: int, k: int, text: str, readings: Readings) -> None:
    """ "Does this feel addressed?" figures: on its card and the facilitators' note (the first
    `Elephant #n` or `Agenda question #n` names the subject), and under each elephant in
    `elephants` and the summary."""
    subject = FIRST_SUBJECT.search(text)
    for words in FEELS_CARD.findall(text):
        figure = _feels_figure(words)
        if figure and subject:
            kind = "elephant" if subject.group(1) == "Elephant" else "agenda"
            readings.read(("feels", g, kind, int(subject.group(2))), figure, k, "feels card")
    number = None
    for line in text.splitlines():
        item = ITEM_NUMBER.match(line)
        if item:
            number = int(item.group(1))
        feels = FEELS_LINE.match(line)
        if feels and number is not None:
            figure = _feels_figure(feels.group(1))
            if figure:
                readings.read(("feels", g, "elephant", number), figure, k, "feels line")


def _summary(g: int, k: int, day: str, text: str, readings: Readings) -> None:
    for line in text.splitlines():
        number = SUMMARY_ELEPHANT.match(line)
        if number:
            for n in SEE_TOO_SUMMARY.findall(line):
                readings.read(("see-too", g, int(number.group(1))), int(n), k, "summary")
            for n in SHOWN_TOGETHER.findall(line):
                readings.read(("perspectives", g, int(number.group(1))), int(n), k, "summary")
    moods = MOODS.search(text)
    if moods:
        spread = Counter({name: int(n) for name, n in MOOD_PART.findall(moods.group(1))})
        readings.read(("moods-summary", g, day), spread, k, "summary moods")
    heard = HEARD_SUMMARY.search(text)
    if heard:
        check(int(heard.group(1)) >= k, BELOW_K, f"summary: {heard.group(1)} heard with k={k}")
    _ladder_summary(g, k, day, text, readings)
    if "Sharing rounds" in text:
        section = text.split("Sharing rounds", 1)[1].split("\n\n", 1)[0]
        prompts = SUMMARY_ROUND.findall(section)
        twice = [p for p, n in Counter(prompts).items() if n > 1]
        check(not twice, ROUND_TWICE, f"summary of {day} lists a round twice: {twice}")
        for prompt in prompts:
            days = readings.rounds_in.setdefault((g, prompt), set())
            days.add(day)
            check(len(days) == 1, ROUND_TWICE, f"round {prompt!r} is in summaries of {days}")


def _ladder_summary(g: int, k: int, day: str, text: str, readings: Readings) -> None:
    """ "Last meeting on the ladder": the spread at least `k`, each side's count at least `k`,
    and none of them fewer than `k` away from an earlier reading (summary preview, summary)."""
    overall = LADDER_SUMMARY.search(text)
    if overall:
        spread = Counter({rung: int(n) for rung, n in LADDER_PART.findall(overall.group(2))})
        check(sum(spread.values()) == int(overall.group(1)), BELOW_K, f"ladder: {text!r}")
        readings.read(("ladder-summary", g, day), spread, k, "summary ladder")
    sides = LADDER_BY_ROLE.search(text)
    if sides:
        check(overall is not None, BELOW_K, "ladder by role shown without the overall figure")
        for side, n in zip(("lived-experience", "professional"), sides.groups(), strict=True):
            readings.read(("ladder-summary", g, day, side), int(n), k, "summary ladder by role")


def _ledger(text: str, k: int) -> None:
    if "Who shared, by role" not in text:
        return
    section = text.split("Who shared, by role", 1)[1].split("\n\n", 1)[0]
    roles = [m for m in (LEDGER_LINE.match(line) for line in section.splitlines()) if m]
    detailed = any(m.group(4) for m in roles)
    if detailed:
        small = [(m.group(1), int(m.group(3))) for m in roles if int(m.group(3)) < k]
        check(not small, LEDGER_SMALL, f"passes/silence by role with role groups {small}, k={k}")
    if any(ACROSS.match(line) for line in section.splitlines()):
        people = sum(int(m.group(3)) for m in roles)
        check(people >= k, LEDGER_SMALL, f"totals across {people} people shown with k={k}")


def export_record(g: int, text: str, readings: Readings) -> None:
    """The `export` JSON: every anonymous total at least k, and no small differences."""
    record = json.loads(text)
    k = int(record["group"]["k"])
    for meeting in record["meetings"]:
        key = meeting["starts_at"]
        moods = meeting["checkin"]["moods"]
        if moods is not None:
            spread = Counter({mood: int(n) for mood, n in moods.items() if n})
            readings.read(("moods-export", g, key), spread, k, "export moods")
        heard = meeting["reflections"]
        if heard is not None:
            spread = Counter({s: int(n) for s, n in heard["felt_heard"].items() if n})
            readings.read(("heard-export", g, key), spread, k, "export reflections")
            check(heard["answers"] >= k, BELOW_K, f"export: {heard['answers']} reflections, k={k}")
        ladder = meeting["ladder"]
        if ladder is not None:
            spread = Counter({rung: int(n) for rung, n in ladder["rungs"].items() if n})
            check(sum(spread.values()) == ladder["answers"], BELOW_K, f"export ladder {ladder}")
            readings.read(("ladder-export", g, key), spread, k, "export ladder")
            for side, rungs in (ladder["by_role"] or {}).items():
                figure = Counter({rung: int(n) for rung, n in rungs.items() if n})
                readings.read(("ladder-export", g, key, side), figure, k, "export ladder by role")
    for elephant in record["elephants"]:
        if elephant["see_it_too"] is not None:
            readings.read(("see-too", g, elephant["number"]), elephant["see_it_too"], k, "export")
        views = elephant["perspectives"]
        if views is not None:
            number = elephant["number"]
            readings.read(("perspectives", g, number), len(views["texts"]), k, "export")
            if views["by_role"] is not None:
                by_role = Counter({r: int(n) for r, n in views["by_role"].items() if n})
                readings.read(("perspective-roles", g, number), by_role, k, "export by role")
                small = {r: n for r, n in by_role.items() if n < k}
                check(not small, BELOW_K, f"export: perspectives on #{number} by role {small}")
    for asked in record["you_said_we_did"]:
        if asked["the_group"] is not None:
            figure = Counter({a: int(n) for a, n in asked["the_group"].items() if n})
            kind, number = asked["about"].split()
            readings.read(("feels", g, kind, int(number)), figure, k, "export feels")
    ledgers = [("round", r["ledger"]) for r in record["rounds"] if r["ledger"]]
    for what, ledger in [*ledgers, ("totals", record["ledger"])]:
        if any(counts["passed"] for counts in ledger.values()):
            small = {
                role: counts
                for role, counts in ledger.items()
                if counts["shared"] + counts["passed"] < k
            }
            check(not small, LEDGER_SMALL, f"export {what} ledger shows passes with {small}, k={k}")


# -- recognition records --------------------------------------------------------------------------

CLAIM_LINE = re.compile(r"\b(Zq\d+) (?:claims|gives it to a cause)\b")
"""A line of the facilitators' claims list, naming whose claim it is."""


@dataclass(frozen=True)
class Viewer:
    """Who sees a text: one person (group, index), or everyone in a channel (`person` None)."""

    person: tuple[int, int] | None


def recognition_seen(
    viewer: Viewer,
    text: str,
    notes: dict[str, tuple[int, int]],
    facilitates: set[int],
    owner_of_name: dict[str, tuple[int, int]],
) -> None:
    """Only a record's owner and their group's facilitators ever see it: no one else is shown
    what someone's time or expenses were for (`notes`: the words, by whose they are), nor a line
    of someone's claim. `facilitates` is the groups the viewer facilitates."""
    owners = [owner for words, owner in notes.items() if words in text]
    owners += [owner_of_name[name] for name in CLAIM_LINE.findall(text) if name in owner_of_name]
    for owner in owners:
        allowed = viewer.person is not None and (viewer.person == owner or owner[0] in facilitates)
        check(
            allowed,
            RECOGNITION_SEEN,
            f"{'everyone' if viewer.person is None else viewer.person} was shown the recognition "
            f"record of {owner}: {text!r}",
        )
