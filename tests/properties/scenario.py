"""Random groups and random things their members do, as plain data Hypothesis can shrink.

A scenario is one or two groups (3–10 people each, random roles including "both" and none, a
random `k`, reciprocity lock and anonymity delay) and a list of steps. A step is a tuple:

- `("say", group, person, template, n, in_dm)`: the person types a command from `TEMPLATES`
  (`{text}` becomes fresh words, `{n}` a small number);
- `("press", group, person, pick)`: the person presses one of the buttons they have been shown,
  counted back from the newest (`pick` wraps around);
- `("submit", group, person, pick, seed)`: the person fills in and sends one of the forms opened
  for them, newest first;
- `("wait", minutes)`: the clock moves on and the scheduler runs what has come due;
- `("mark", group, n)`: person 1 names an elephant, an hour passes (it is posted) and the
  facilitator marks elephant `n` addressed in the channel, so the group is asked "does this feel
  addressed?" often enough for its answers to reach `k`;
- `("answer", group, person, n, pick)`: the person answers that question about elephant `n` in
  a direct message (`FEELINGS[pick]`: yes, partly, not really, or taking their answer back).

Steps name people by their index in the group; `person 0` set the group up and facilitates.
Recognition of time is on in every group from the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

ROLES = ("lived-experience", "professional", "both", "prefer-not-to-say", None)

TEMPLATES: tuple[str, ...] = (
    "checkin",
    "elephant {text}",
    "elephant big: {text}",
    "elephant",
    "elephants",
    "share {text}",
    "share",
    "pass",
    "round {text}",
    "round",
    "round reveal",
    "round close",
    "summary",
    "export",
    "meeting start",
    "meeting end",
    "elephant {n} discussed {text}",
    "elephant {n} dicussed {text}",
    "elephant {n} addressed",
    "elephant {n} hidden",
    "elephant {n} open",
    "shar {text}",
    "forget-me",
    "my-data",
    "set k {k}",
    "set reciprocity-lock on",
    "set reciprocity-lock off",
    "set anonymity-delay {delay}",
    "schedule weekly {day} {hhmm} 1h",
    "schedule off",
    "quiet-hours 21:00-08:00",
    "quiet-hours off",
    "nudges off",
    "nudges on",
    "role {role}",
    "agenda",
    "agenda add {text}",
    "agenda add anon {text}",
    "agenda add",
    "agenda add elephant {n}",
    "agenda move {n} 1",
    "agenda merge 1 {n}",
    "agenda defer {n}",
    "agenda remove {n}",
    "agenda {n} done",
    "agenda {n} addressed {text}",
    "summary preview",
    "meeting skip next",
    "meeting move next to {day} {hhmm}",
    "meeting unskip {day}",
    "schedule",
    "elephant {n} addressed {text}",
    "addressed {n} yes",
    "addressed {n} partly",
    "addressed {n} not really",
    "elephant {n} feels partly",
    "addressed {n} take back",
    "ladder {n}",
    "ladder co-production",
    "ladder",
    "heard {n}",
    "slow down",
    "break",
    "jargon EHCP",
    "jargon {day}",
    "signals",
    "glossary",
    "glossary add {day} {text}",
    "glossary remove {day}",
    "set signal-crowd {n}",
    "time add 1h {text}",
    "expense add 4.50 {text}",
    "time remove {n}",
    "my-time",
    "claim",
    "decline",
    "donate",
    "claim {n}",
    "decline {n}",
    "donate {n}",
    "claims",
    "claims export",
    "claims paid {n}",
    "set recognition off",
    "set recognition on",
    "plain-text on",
    "plain-text off",
    "{n}",
)
"""What people type. Facilitator commands are typed by anyone: a refusal is part of the game.
Recognition of time is turned on in every group as it is set up, so its records are kept from
the start (`time add`, `claim` …) and the promise that only their owner and the group's
facilitators see them is checked after every step. A number on its own, typed in a direct
message by someone in plain-text mode, answers their last numbered card: anonymously when that
card's choice is anonymous, which the world checks as it checks any anonymous command."""

COMMON = tuple(
    TEMPLATES.index(t)
    for t in (
        "checkin", "elephant big: {text}", "elephant {text}", "share {text}", "pass",
        "round {text}", "round reveal", "summary", "export", "meeting start", "meeting end",
        "forget-me", "elephants", "agenda add anon {text}", "agenda add {text}",
        "elephant {n} addressed {text}", "addressed {n} not really", "ladder {n}",
        "elephant {n} addressed {text}", "addressed {n} not really", "slow down", "break",
        "jargon EHCP",
    )
)  # fmt: skip
"""Templates drawn more often, so the things that add up (marks, perspectives, moods, shares)
reach `k` within a scenario."""

STEP_KINDS = ("say", "say", "press", "press", "submit", "wait", "mark", "answer", "answer")
FEELINGS = ("yes", "partly", "not really", "not really", "take back")
"""How people answer "does this feel addressed?" in `answer` steps ("not really" twice, so that
`k` of them, which reopen the elephant, come about)."""

WORDS = (
    "nobody", "listens", "budget", "agenda", "decided", "before", "parents", "arrive",
    "funding", "voices", "quiet", "always", "same", "people", "talk", "over", "carers",
    "waiting", "lists", "again", "minutes", "late", "never", "asked", "first",
)  # fmt: skip
"""Typed words: lowercase, so they never contain a person's name (names are `Zq…`)."""


@dataclass(frozen=True)
class GroupPlan:
    roles: tuple[str | None, ...]
    k: int
    lock: bool
    delay: int
    schedule: str | None


@dataclass(frozen=True)
class Scenario:
    groups: tuple[GroupPlan, ...]
    steps: tuple[tuple[Any, ...], ...]


def group_plans() -> st.SearchStrategy[GroupPlan]:
    return st.builds(
        GroupPlan,
        roles=st.lists(st.sampled_from(ROLES), min_size=3, max_size=10).map(tuple),
        k=st.integers(2, 5),
        lock=st.booleans(),
        delay=st.sampled_from([0, 5, 30]),
        schedule=st.sampled_from([None, "weekly tue 10:00 1h", "weekly wed 09:30 2h"]),
    )


@st.composite
def scenarios(draw: st.DrawFn, max_steps: int = 30) -> Scenario:
    plans = tuple(draw(st.lists(group_plans(), min_size=1, max_size=2)))

    def who() -> tuple[int, int]:
        g = draw(st.integers(0, len(plans) - 1))
        return g, draw(st.integers(0, len(plans[g].roles) - 1))

    steps: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(1, max_steps))):
        kind = draw(st.sampled_from(STEP_KINDS))
        if kind == "mark":
            steps.append(("mark", draw(st.integers(0, len(plans) - 1)), draw(st.integers(1, 2))))
            continue
        if kind == "answer":
            g, i = who()
            pick = draw(st.integers(0, len(FEELINGS) - 1))
            steps.append(("answer", g, i, draw(st.integers(1, 2)), pick))
            continue
        if kind == "wait":
            minutes = draw(st.sampled_from([1, 5, 10, 30, 60, 120, 600, 1440, 10080]))
            steps.append(("wait", minutes))
            continue
        g, i = who()
        if kind == "say":
            template = draw(st.one_of(st.integers(0, len(TEMPLATES) - 1), st.sampled_from(COMMON)))
            steps.append(("say", g, i, template, draw(st.integers(1, 4)), draw(st.booleans())))
        elif kind == "press":
            steps.append(("press", g, i, draw(st.one_of(st.integers(0, 11), st.integers(0, 2)))))
        else:
            steps.append(
                (
                    "submit",
                    g,
                    i,
                    draw(st.one_of(st.just(0), st.integers(0, 3))),
                    draw(st.integers(0, 99)),
                )
            )
    return Scenario(plans, tuple(steps))
