"""The crowd rule: anonymous aggregates only from `k`, in steps of `k`, and never moved by
`forget-me`. The rule itself, then each place that shows a figure."""

from __future__ import annotations

import ast
import json
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import insert

from bot.handlers.elephants.commands import post_due_elephants
from bot.handlers.privacy.crowd_rule import by_role, crowd, first_crowd, role_lines
from bot.handlers.summary.builder import SummaryData, reflection_note, summary_card
from bot.identity import Who
from bot.store import members
from bot.store.database import Database
from bot.store.meeting_records import CheckinTally, ReflectionTally
from bot.store.schema import checkins
from tests.dialogue import Chat, Outcome, person
from tests.handlers.privacy.test_privacy import (
    ANA,
    BEN,
    CAL,
    DEE,
    START,
    a_meeting,
    exported,
    forum,
    the_group,
)
from tests.source import BOT, module_name

EVE, FIN, GUS, HAL = person("Eve"), person("Fin"), person("Gus"), person("Hal")


# -- the rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "k", "shown"),
    [(0, 3, 0), (2, 3, 0), (3, 3, 3), (4, 3, 3), (5, 3, 3), (6, 3, 6), (7, 3, 6), (9, 5, 5)],
)
def test_crowd_shows_nothing_below_k_and_then_whole_crowds(n: int, k: int, shown: int) -> None:
    assert crowd(n, k) == shown


def test_first_crowd_keeps_the_earliest_answers() -> None:
    assert first_crowd([5, 4, 3, 2, 1], 3) == [5, 4, 3]
    assert first_crowd([5, 4], 3) == []


def test_two_readings_never_differ_by_fewer_than_k() -> None:
    for k in (2, 3, 5):
        figures = [crowd(n, k) for n in range(40)]
        steps = {b - a for a, b in pairwise(figures)}
        assert steps <= {0, k}


@pytest.mark.parametrize(
    ("sizes", "lines"),
    [
        ({"a": 3, "b": 3}, {"a": "a", "b": "b"}),
        ({"a": 3, "b": 1, "c": 2}, {"a": "a", "b": "other roles", "c": "other roles"}),
        ({"a": 4, "b": 1}, {"a": "a"}),
        ({"a": 1, "b": 1}, {}),
        ({"a": 1, "b": 1, "c": 1}, {"a": "other roles", "b": "other roles", "c": "other roles"}),
    ],
)
def test_role_groups_below_k_are_merged_or_left_out(
    sizes: dict[str, int], lines: dict[str, str]
) -> None:
    assert role_lines(sizes, 3) == lines


def test_by_role_never_shows_a_line_below_k() -> None:
    assert by_role(["a", "b", "c"], 3) == {"other roles": 3}
    assert by_role(["a", "a", "a", "a", "b"], 3) == {"a": 3}
    assert by_role(["a", "b"], 3) is None


# -- the export -----------------------------------------------------------------------------------


async def _big_with_three_views(chat: Chat) -> None:
    """Ana (lived experience, tagged), Ben (professional, tagged) and Cal (untagged)."""
    await chat.say(DEE, "elephant big: Nobody asks the parents first")
    chat.clock.advance(minutes=30)
    posted = Outcome(await chat.core.run_job(post_due_elephants))
    for who, tag in ((ANA, "tag"), (BEN, "tag"), (CAL, "none")):
        opened = await chat.press(who, posted.button("Add my perspective"))
        await chat.submit(
            who, opened.forms[0], {"text": f"View of {who.display_name}", "role_tag": tag}
        )
    chat.clock.advance(minutes=30)
    await chat.core.run_job(post_due_elephants)


async def test_export_shows_no_role_group_below_k(chat: Chat) -> None:
    await forum(chat)
    await _big_with_three_views(chat)
    (item,) = (await exported(chat))["elephants"]
    assert len(item["perspectives"]["texts"]) == 3
    by_role_shown = item["perspectives"]["by_role"] or {}
    assert all(n >= 3 for n in by_role_shown.values()), by_role_shown
    assert "lived-experience" not in by_role_shown and "professional" not in by_role_shown


async def _check_in(db: Database, meeting_id: int, who: Who, mood: int) -> None:
    group = await the_group(db)
    async with db.write() as conn:
        found = await members.get(conn, group.id, who.user_id)
        assert found is not None
        await conn.execute(
            insert(checkins).values(
                meeting_id=meeting_id,
                member_id=found.id,
                mood=mood,
                passed=False,
                visibility="group",
                answered_at=START,
            )
        )


def _total(spread: dict[str, int] | None) -> int:
    return sum((spread or {}).values())


async def test_two_exports_never_reveal_one_persons_mood(chat: Chat, db: Database) -> None:
    await forum(chat)
    for who in (EVE, FIN, GUS, HAL):
        await chat.say(who, "role professional")
    seven = [(ANA, 4), (BEN, 3), (CAL, 5), (DEE, 4), (EVE, 1), (FIN, 3), (GUS, 4)]
    meeting = await a_meeting(db, [(who, mood, None, "group") for who, mood in seven])
    before = (await exported(chat))["meetings"][0]["checkin"]["moods"]
    await _check_in(db, meeting, HAL, 1)
    after = (await exported(chat))["meetings"][0]["checkin"]["moods"]
    changed = sum(abs(after[m] - before[m]) for m in after)
    assert changed == 0 or changed >= 3, (before, after)
    assert _total(before) % 3 == 0 and _total(after) % 3 == 0


# -- forget-me ------------------------------------------------------------------------------------


def _see_too(data: dict[str, Any]) -> list[Any]:
    return [item["see_it_too"] for item in data["elephants"]]


async def test_forget_me_does_not_change_i_see_it_too(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(DEE, "elephant We never hear from the commissioners")
    chat.clock.advance(minutes=30)
    posted = Outcome(await chat.core.run_job(post_due_elephants))
    for who in (ANA, BEN, CAL):
        await chat.press(who, posted.button("I see it too"))
    chat.clock.advance(minutes=1)
    swept = Outcome(await chat.core.run_job(post_due_elephants))
    before = _see_too(await exported(chat))
    assert before == [3]
    asked = await chat.say(CAL, "forget-me")
    await chat.press(CAL, asked.button("Yes, erase my data"))
    chat.clock.advance(minutes=1)
    later = Outcome(await chat.core.run_job(post_due_elephants))
    assert _see_too(await exported(chat)) == before
    assert "a few" not in json.dumps([u.card.text for u in later.updates])
    del swept


# -- the ledger -----------------------------------------------------------------------------------


def test_the_ledger_merges_or_leaves_out_role_groups_below_k() -> None:
    from datetime import UTC, datetime

    from bot.handlers.rounds.reciprocity_ledger import meeting_ledger
    from bot.handlers.summary.builder import ledger_text
    from bot.store.meeting_records import MemberRole, RoundAnswerRow, RoundInfo

    joined = datetime(2026, 1, 1, tzinfo=UTC)
    roles = ["lived-experience"] * 3 + ["professional"] * 3 + ["both", None]
    roster = [MemberRole(n, role, joined) for n, role in enumerate(roles, start=1)]
    answers = [RoundAnswerRow(1, 7, "both", "share"), RoundAnswerRow(1, 1, roles[0], "share")]
    info = RoundInfo(1, 1, datetime(2026, 3, 3, 9, tzinfo=UTC), None)
    ledger = meeting_ledger([info], answers, roster, k=3, now=datetime(2026, 3, 3, 12, tzinfo=UTC))
    text = ledger_text(ledger)
    assert "Both lived experience and professional" not in text
    assert "Role not said" not in text
    assert ledger is not None and all(role.people >= 3 for role in ledger.roles)
    assert "Lived experience: 1 of 3 shared" in text


# -- no figure bypasses the rule ------------------------------------------------------------------

ANONYMOUS_FIGURES = {
    # store readers of anonymous contributions, and the released "I see it too" figure
    "mark_count",
    "marks_shown",
    "waiting_count",
    "shown_count",
    "waiting_perspectives",
    "perspectives_unordered",
    "heard_scores",
    "reflection_tally",
    "checkin_tally",
    "uncounted",
    "moods",
    "share_rates",
    "answers_given",
    "figures_shown",
    "feels_shown",
}
"""Names through which code reads an anonymous aggregate. A module outside `bot/store/` that
uses one must apply the crowd rule itself, or hand what it read to a module that does."""
HANDED_TO = {
    "bot.handlers.elephants.entries": "bot.handlers.elephants.cards",
    "bot.handlers.summary.commands": "bot.handlers.summary.builder",
    "bot.pages.report.reading": "bot.handlers.verdicts.figures",
    "bot.handlers.verdicts.cards": "bot.handlers.verdicts.figures",
    "bot.handlers.verdicts.subjects": "bot.handlers.elephants.cards",
    "bot.pages.members.elephants_board": "bot.handlers.elephants.cards",
}
"""The summary's reading is done in `commands`, its words (and the rule) in `builder`. The
ledger (`meeting_ledger`) applies the rule inside `bot.handlers.rounds.reciprocity_ledger`.
"Does this feel addressed?" figures are drawn on cards by `verdicts.cards` in the words of
`verdicts.figures`, and an elephant reopened by `verdicts.subjects` is drawn by the elephant's
card, which shows its "I see it too" figure through the rule, as do an elephant's lines in the
list and on its own (`elephants.entries`, with the card's words). The elephants board page shows
the same two figures in the same words (`marks_text` of `elephants.cards`, `feels_words` of
`verdicts.figures`), each applying the rule."""
RULE = "bot.handlers.privacy.crowd_rule"


def _imports_rule(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.ImportFrom) and node.module == RULE for node in ast.walk(tree))


def _uses(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ANONYMOUS_FIGURES:
            found.add(node.attr)
        if isinstance(node, ast.Name) and node.id == "share_rates":
            found.add(node.id)
    return found


def test_every_module_showing_an_anonymous_figure_applies_the_crowd_rule() -> None:
    trees = {
        module_name(path): ast.parse(path.read_text())
        for path in BOT.rglob("*.py")
        if "store" not in path.relative_to(BOT).parts[:1]
    }
    bypassing = []
    for name, tree in trees.items():
        if name == RULE or not _uses(tree):
            continue
        applier = HANDED_TO.get(name, name)
        if not _imports_rule(trees[applier]):
            bypassing.append(f"{name}: {sorted(_uses(tree))}")
    assert bypassing == [], "read an anonymous figure without the crowd rule"


# -- the summary ----------------------------------------------------------------------------------


def _summary(tally: CheckinTally, reflections: ReflectionTally | None = None) -> str:
    from zoneinfo import ZoneInfo

    data = SummaryData(
        group_name="Parents Forum",
        zone=ZoneInfo("Europe/London"),
        k=3,
        starts_at=START,
        checkin=tally,
        checkin_sent=True,
        elephants=(),
        rounds=(),
        ledger=None,
        last_reflections=reflections,
        next_meeting=None,
    )
    return summary_card(data).text


def _tally(order: list[int]) -> CheckinTally:
    moods = {m: order.count(m) for m in range(1, 6)}
    return CheckinTally(len(order), 0, moods, (), tuple(order))


def test_the_summarys_moods_count_whole_crowds_in_the_order_they_came() -> None:
    seven = [4, 3, 5, 4, 1, 3, 4]

    def arrived(text: str) -> str:
        return next(line for line in text.split("\n") if line.startswith("How people arrived"))

    before, after = arrived(_summary(_tally(seven))), arrived(_summary(_tally([*seven, 1])))
    assert before == after  # the eighth (Struggling) changes nothing until two more come
    assert "Struggling 1" in before and "Struggling 2" not in after


def test_the_summarys_reflections_count_whole_crowds() -> None:
    text = _summary(_tally([]), ReflectionTally((1, 2, 3, 5), ()))
    assert "Last time, 3 people said how heard they felt" in text
    note = reflection_note(ReflectionTally((1, 2, 3, 5), ("a", "b", "c", "d")), 3, "Tuesday")
    assert note is not None and "3 people said" in note.text
    assert note.text.count("“") == 3


async def test_reflections_are_counted_only_in_whole_crowds(chat: Chat, db: Database) -> None:
    from bot.cards import Button
    from bot.handlers.nudges.cards import HEARD
    from bot.routing import encode

    await forum(chat)
    meeting = await a_meeting(db, [])
    group = await the_group(db)
    chat.clock.now = START + timedelta(hours=2)
    answers = []
    for who, score in ((ANA, 4), (BEN, 5), (CAL, 3), (DEE, 1)):
        await chat.press(who, Button(str(score), HEARD, encode(group.id, f"{meeting}:{score}")))
        answers.append((await exported(chat))["meetings"][0]["reflections"])
    assert answers[:2] == [None, None]
    assert answers[2] == answers[3]  # the fourth answer moves nothing
    assert answers[3]["answers"] == 3


# -- the home page --------------------------------------------------------------------------------


async def test_the_home_pages_ledger_shows_no_role_group_below_k(chat: Chat, db: Database) -> None:
    from bot.handlers.home.page import home_cards

    await forum(chat)
    await chat.say(ANA, "meeting start")
    await chat.say(ANA, "round What would make this easier?")
    await chat.say(BEN, "share More notice before meetings")
    await chat.say(CAL, "pass")
    async with db.read() as conn:
        held = await home_cards(conn, ANA, chat.clock.now)
    # A round still holding its answers is not counted yet (a share may still be withdrawn).
    assert "1 of 4 shared" not in "\n".join(c.text for c in held)
    await chat.say(ANA, "round reveal")
    async with db.read() as conn:
        cards = await home_cards(conn, ANA, chat.clock.now)
    (ledger,) = [c for c in cards if c.title.startswith("Reciprocity")]
    # Two people in each role (k = 3): one merged line, never a role of two.
    assert "Other roles: 1 of 4 shared · 1 passed · 2 quiet this time" in ledger.text
    assert "Lived experience" not in ledger.text and "Professionals" not in ledger.text
