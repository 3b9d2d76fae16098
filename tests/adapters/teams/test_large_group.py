"""A large group through Teams, against the strict fake (size limit and Microsoft's Adaptive Cards
library): 60 members, a round in which 52 share 2,000 characters each and consent to the summary,
a big elephant with 20 perspectives of 1,000 characters, 25 reflections of 500, then the summary
and the export. Teams refuses nothing, every word arrives (put back together across the parts of
a long post), and the bot keeps to Teams' pace in each conversation.

Members act through the core with Teams identities (60 people pressing buttons over HTTP would
test nothing more); everything the bot sends goes through the real Teams deliverer and SDK to the
fake connector, and the facilitator's commands come in over HTTP as Teams sends them."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bot.adapters.teams.files import CONSENT
from bot.context import Context
from bot.delivery.router import platform_of
from bot.effects import Effect, OpenForm, ReplyToActor
from bot.events import Choice, Command, Event, FormSubmitted
from bot.handlers.elephants.commands import post_due_elephants
from bot.handlers.nudges import commands as nudges
from bot.identity import Where, Who
from bot.store import groups, meetings
from testkit.fake_teams import GENERAL, TENANT, Sent, TeamsHarness, teams_person
from tests.dialogue import FakeClock

CHANNEL = Where("teams", TENANT, GENERAL)
FAY = teams_person("29:1fay", "Fay Okafor")
PEOPLE = [teams_person(f"29:1p{n:02d}", f"Person {n:02d}") for n in range(59)]
EVERYONE = [FAY, *PEOPLE]
CONTINUATION = re.compile(r"^(This continues in the next \d+ messages?\.|.*\(part \d+ of \d+\))$")
PER_SECOND, PER_TWO_SECONDS = 7, 8
"""Teams' documented limit per bot per conversation ("per thread"): 7 a second, 8 in two."""


def text_of(tag: str, length: int) -> str:
    """Distinct words filling exactly `length` characters, starting and ending with `tag`."""
    close = f" [/{tag}]"
    words = [f"[{tag}]"]
    while len(" ".join(words)) + len(f" {tag}w{len(words)}") + len(close) <= length:
        words.append(f"{tag}w{len(words)}")
    gap = length - len(" ".join(words)) - len(close)
    if gap >= 2:
        words.append("x" * (gap - 1))
    text = " ".join(words) + close
    return text


def flat(text: str) -> str:
    return " ".join(text.split())


def blocks(sent: Sent) -> list[str]:
    """The texts of a card's text blocks and facts, in order."""
    found: list[str] = []
    for block in sent.card.get("body", []):
        if block.get("type") == "TextBlock":
            found.append(str(block["text"]))
        elif block.get("type") == "FactSet":
            for fact in block["facts"]:
                found.extend([str(fact["title"]), str(fact["value"])])
    return found


def reassembled(sent: Sequence[Sent]) -> str:
    """What a person reads across consecutive cards, the parts' own notes left out."""
    texts = [t for s in sent if "attachments" in s.body for t in blocks(s)]
    return flat(" ".join(t for t in texts if not CONTINUATION.match(t)))


def dm(who: Who, teams: TeamsHarness) -> Where:
    return Where("teams", TENANT, teams.fake.personal_id(who), is_direct=True)


async def act(teams: TeamsHarness, event: Event) -> list[Effect]:
    """One member's event through the core; what it sends to others through the real Teams
    deliverer (the outbox's path), which must hand nothing back."""
    effects = await teams.bot.core.handle(event)
    await deliver(teams, effects)
    return effects


async def deliver(teams: TeamsHarness, effects: Sequence[Effect]) -> None:
    storable = [e for e in effects if platform_of(e) == "teams"]
    assert await teams.bot.router.deliver(storable) == []


async def job(teams: TeamsHarness, work: Any) -> None:
    async with teams.bot.db.read() as conn:
        group = await groups.for_conversation(conn, CHANNEL)
    assert group is not None
    await deliver(teams, await teams.bot.core.run_job(work, group_id=group.id))


def button(effects: Sequence[Effect], label: str) -> tuple[str, str]:
    for effect in effects:
        for b in getattr(getattr(effect, "card", None), "buttons", ()):
            if b.label == label:
                return b.action, b.value
    raise AssertionError(f"no button {label!r}")


def form_of(effects: Sequence[Effect]) -> Any:
    [form] = [e.form for e in effects if isinstance(e, OpenForm)]
    return form


def assert_paced(sent: Sequence[Sent]) -> None:
    by_conversation: dict[str, list[float]] = defaultdict(list)
    for s in sent:
        if s.kind != "create":
            by_conversation[s.conversation.split(";")[0]].append(s.at)
    for times in by_conversation.values():
        times.sort()
        for i, start in enumerate(times):
            assert sum(1 for t in times[i:] if t - start < 1.0) <= PER_SECOND
            assert sum(1 for t in times[i:] if t - start < 2.0) <= PER_TWO_SECONDS


async def test_a_group_of_sixty_gets_every_word_through_teams(
    teams: TeamsHarness, clock: FakeClock
) -> None:
    fake = teams.fake
    assert await teams.say(FAY, "setup Big Forum") == 201
    picker = fake.in_channel()[-1]
    role = picker.button("Lived experience")
    for who in PEOPLE:
        await act(teams, Choice(who, CHANNEL, role["action"], role["value"]))
    assert await teams.say(FAY, "set k 5") == 201
    assert await teams.say(FAY, "meeting start") == 201

    # -- a round: 52 share 2,000 characters each, with consent; 8 pass ---------------------------
    assert await teams.say(FAY, "round What would make our meetings better?") == 201
    shares = {who.user_id: text_of(f"s{n}", 2000) for n, who in enumerate(EVERYONE[:52])}
    for who in EVERYONE[:52]:
        said = await act(teams, Command(who, dm(who, teams), f"share {shares[who.user_id]}"))
        yes = button(said, "Yes, my words may appear in the summary")
        await act(teams, Choice(who, dm(who, teams), *yes))
    fake.clear()
    for who in EVERYONE[52:]:
        await act(teams, Command(who, dm(who, teams), "pass"))
    channel = reassembled(fake.in_channel())
    missing = [u for u, text in shares.items() if flat(text) not in channel]
    assert not missing, f"{len(missing)} of 52 shares did not arrive whole in the channel"
    parts = [s for s in fake.in_channel() if "Shares" in s.texts() or "part " in s.texts()]
    assert any("This continues in the next" in s.texts() for s in fake.in_channel())
    assert len(parts) >= 2  # the reveal did not fit one card

    # -- a big elephant with 20 perspectives of 1,000 characters -------------------------------
    fake.clear()
    big = text_of("elephant", 1000)
    named = await act(teams, Command(PEOPLE[0], dm(PEOPLE[0], teams), f"elephant big: {big}"))
    assert not any(isinstance(e, ReplyToActor) and "too long" in e.card.text for e in named)
    clock.advance(minutes=30)
    await job(teams, post_due_elephants)
    posted = [s for s in fake.in_channel() if "Add my perspective" in s.texts()]
    assert posted and flat(big) in reassembled(posted)
    open_form = posted[-1].button("Add my perspective")
    views = [text_of(f"v{n}", 1000) for n in range(20)]
    for who, view in zip(PEOPLE[1:21], views, strict=True):
        opened = await act(teams, Choice(who, CHANNEL, open_form["action"], open_form["value"]))
        form = form_of(opened)
        values = {"text": view, "role_tag": "none"}
        await act(teams, FormSubmitted(who, CHANNEL, form.form_id, values, form.context))
    clock.advance(minutes=60)
    await job(teams, post_due_elephants)
    channel = reassembled(fake.in_channel())
    assert all(flat(view) in channel for view in views), "a perspective did not arrive whole"

    # -- the meeting ends; 25 reflections of 500 characters -------------------------------------
    clock.advance(minutes=45)
    fake.clear()
    assert await teams.say(FAY, "meeting end") == 201
    summary = reassembled(fake.in_channel())
    assert "Meeting summary" in summary
    assert all(flat(text) in summary for text in shares.values()), "a share is not in the summary"
    clock.advance(minutes=60)
    async with teams.bot.db.read() as conn:
        group = await groups.for_conversation(conn, CHANNEL)
        assert group is not None
        meeting = await meetings.latest_ended(conn, group.id)
    assert meeting is not None

    async def reflection(ctx: Context) -> list[Effect]:
        return await nudges.reflection_nudge(ctx, meeting)

    fake.clear()
    await job(teams, reflection)
    asked = [s for s in fake.sent if "One thing to change" in s.texts()] if fake.sent else []
    assert len(asked) >= 25
    changes = [text_of(f"r{n}", 500) for n in range(25)]
    for who, change in zip(EVERYONE[:25], changes, strict=True):
        card = next(s for s in fake.to_user(who) if "One thing to change" in s.texts())
        data = card.button("One thing to change")
        opened = await act(teams, Choice(who, dm(who, teams), data["action"], data["value"]))
        form = form_of(opened)
        done = await act(
            teams,
            FormSubmitted(who, dm(who, teams), form.form_id, {"change": change}, form.context),
        )
        assert any(isinstance(e, ReplyToActor) for e in done)

    # -- the next meeting's summary brings the facilitators all 25, privately ------------------
    clock.advance(days=6)
    assert await teams.say(FAY, "meeting start") == 201
    clock.advance(minutes=45)
    fake.clear()
    assert await teams.say(FAY, "meeting end") == 201
    note = reassembled(fake.to_user(FAY))
    assert "Reflections from the last meeting" in note
    assert all(flat(c) in note for c in changes), "a reflection did not reach the facilitators"

    # -- the export, asked for in the channel, arrives privately and whole ---------------------
    fake.clear()
    assert await teams.say(FAY, "export") == 201
    exported = flat(await exported_text(teams))
    for text in [*shares.values(), *views, big]:  # (the export keeps no reflection's words)
        assert flat(text) in exported

    assert fake.refused == []
    assert_paced(fake.sent)


async def exported_text(teams: TeamsHarness) -> str:
    """The export as Fay gets it: a file she accepts through the file-consent card (read as
    JSON), or, while `export` still answers in cards, those cards put back together."""
    fake = teams.fake
    for sent in fake.to_user(FAY):
        if sent.body.get("attachments", [{}])[0].get("contentType") == CONSENT:
            status, _ = await teams.post(teams.file_consent(FAY, sent, "accept"))
            assert status == 200
            [content] = fake.uploads.values()
            return json.dumps(json.loads(content), ensure_ascii=False)
    return reassembled(fake.to_user(FAY))
