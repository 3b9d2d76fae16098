"""A large group through the real Slack adapter against the strict fake: 60 members, 52 round
shares of 2,000 characters with consent (revealed), a big elephant with 20 perspectives of 1,000
characters, 25 "one thing to change" reflections at the bot's own limit (500 characters), the
summaries and the export.

Slack refuses nothing, every word arrives whole (read back across a post and its thread, or a
reply and the messages after it), and every post waits for the pacer's token."""

from __future__ import annotations

import json
from typing import Any

from bot import limits
from bot.app import CommonGround
from bot.handlers.elephants.commands import post_due_elephants
from bot.handlers.elephants.perspectives import release_due
from bot.handlers.nudges.commands import reflection_nudge
from bot.identity import Where
from bot.store import groups, meetings
from testkit.fake_slack import TEAM, FakeSlack, SlackHarness, slack_person
from tests.adapters.slack.test_adapter import actions_of
from tests.dialogue import FakeClock

CHANNEL = "C0BIG"
PEOPLE = [slack_person(f"U{1000 + i}", f"person{i}") for i in range(60)]
FAY = PEOPLE[0]


def _words(tag: str, length: int) -> str:
    """Unique, sentence-shaped words of at most `length` characters."""
    text, n = "", 0
    while len(text) < length:
        text += f"{tag} word{n} is here. "
        n += 1
    return text[: length - 1].rstrip(" .") + "."


def _flat(text: str) -> str:
    return " ".join(text.split())


def _delivered(fake: FakeSlack, methods: tuple[str, ...]) -> str:
    """Every section's text in what Slack was sent, in order, unescaped and whitespace-flattened."""
    parts: list[str] = []
    for call in fake.calls:
        if call.method not in methods:
            continue
        for block in call.args.get("blocks") or []:
            if block["type"] == "section" and "text" in block:
                parts.append(block["text"]["text"])
            for item in block.get("fields") or []:
                parts.append(item["text"])
        if not call.args.get("blocks"):
            parts.append(call.args.get("text", ""))
    joined = " ".join(parts).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _flat(joined)


def _consent(fake: FakeSlack) -> dict[str, Any]:
    answer = fake.of("respond")[-1]
    return actions_of(answer["blocks"])


async def _meeting(bot: CommonGround, *, ended: bool) -> Any:
    async with bot.db.read() as conn:
        group = await groups.for_conversation(conn, Where("slack", TEAM, CHANNEL))
        assert group is not None
        meeting = (
            await meetings.latest_ended(conn, group.id)
            if ended
            else await meetings.current(conn, group.id)
        )
    return group, meeting


async def _run(
    slack: SlackHarness, bot: CommonGround, job: Any, group_id: int | None = None
) -> None:
    failed = await slack.adapter.deliverer.deliver(await bot.core.run_job(job, group_id=group_id))
    assert failed == []


async def test_a_group_of_sixty_gets_every_word_through_slack(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround, clock: FakeClock
) -> None:
    paced = 0
    acquire = slack.adapter.deliverer.pacer.acquire

    async def counting() -> None:
        nonlocal paced
        paced += 1
        await acquire()

    slack.adapter.deliverer.pacer.acquire = counting  # type: ignore[method-assign]
    await slack.command(FAY, "setup Big Group", channel=CHANNEL)
    await slack.command(FAY, "set k 5", channel=CHANNEL)
    for n, who in enumerate(PEOPLE[1:], start=1):
        role = "professional" if n % 2 else "lived-experience"
        await slack.command(who, f"role {role}", channel=CHANNEL)
    await slack.command(FAY, "meeting start", channel=CHANNEL)
    fake.clear()

    # -- a round: 52 shares of 2,000 characters, all with consent, revealed ------------------
    await slack.command(FAY, "round What would make meetings easier for you?", channel=CHANNEL)
    shares = {who.user_id: _words(f"share{n}", 2000) for n, who in enumerate(PEOPLE[:52])}
    for who in PEOPLE[:52]:
        await slack.command(who, f"share {shares[who.user_id]}", channel=CHANNEL)
        await slack.press(who, _consent(fake), "Yes, my words may appear in the summary", CHANNEL)
    fake.clear()
    await slack.command(FAY, "round reveal", channel=CHANNEL)
    revealed = _delivered(fake, ("chat.postMessage", "chat.update"))
    missing = [n for n, who in enumerate(PEOPLE[:52]) if _flat(shares[who.user_id]) not in revealed]
    assert missing == []
    heads = [p for p in fake.of("chat.postMessage") if p["channel"] == CHANNEL]
    assert any("Continued in the thread below" in json.dumps(p["blocks"]) for p in heads)

    # -- a big elephant with 20 perspectives of 1,000 characters ------------------------------
    fake.clear()
    await slack.command(
        FAY, "big: " + _words("elephant", 900), command="/elephant", channel=CHANNEL
    )
    clock.advance(minutes=30)
    await _run(slack, bot, post_due_elephants)
    invites = {p["channel"]: p for p in fake.of("chat.postMessage") if p["channel"] != CHANNEL}
    views = {who.user_id: _words(f"view{n}", 1000) for n, who in enumerate(PEOPLE[:20])}
    for who in PEOPLE[:20]:
        fake.clear()
        dm = "D" + who.user_id[1:]
        await slack.press(who, actions_of(invites[who.user_id]["blocks"]), "Add my perspective", dm)
        [opened] = fake.of("views.open")
        await slack.submit(who, opened["view"], {"text": views[who.user_id], "role_tag": "none"})
    fake.clear()
    clock.advance(hours=6)
    await _run(slack, bot, release_due)
    shown = _delivered(fake, ("chat.postMessage", "chat.update"))
    assert [u for u, text in views.items() if _flat(text) not in shown] == []

    # -- the meeting ends: its summary holds every share given with consent ------------------
    fake.clear()
    await slack.command(FAY, "meeting end", channel=CHANNEL)
    posted = _delivered(fake, ("chat.postMessage",))
    assert "Meeting summary" in json.dumps(fake.of("chat.postMessage"))
    assert [u for u, text in shares.items() if _flat(text) not in posted] == []
    group, first = await _meeting(bot, ended=True)
    fake.clear()

    # -- 25 people say one thing to change ------------------------------------------------------
    async def nudge(ctx: Any) -> Any:
        return await reflection_nudge(ctx, first)

    await _run(slack, bot, nudge, group.id)
    questions = {p["channel"]: p for p in fake.of("chat.postMessage")}
    changes = {
        who.user_id: _words(f"change{n}", limits.REFLECTION) for n, who in enumerate(PEOPLE[:25])
    }
    for who in PEOPLE[:25]:
        fake.clear()
        dm = "D" + who.user_id[1:]
        buttons = actions_of(questions[who.user_id]["blocks"])
        await slack.press(who, buttons, "One thing to change", dm)
        [opened] = fake.of("views.open")
        await slack.submit(who, opened["view"], {"change": changes[who.user_id]})

    # -- the next meeting's summary brings the facilitators every one of them ----------------
    await slack.command(FAY, "meeting start", channel=CHANNEL)
    fake.clear()
    await slack.command(FAY, "meeting end", channel=CHANNEL)
    to_fay = _delivered(fake, ("chat.postMessage",))
    assert [u for u, text in changes.items() if _flat(text) not in to_fay] == []

    # -- export: whole, as a file ---------------------------------------------------------------
    fake.clear()
    await slack.command(FAY, "export", channel=CHANNEL)
    [file] = fake.files
    data = json.loads(file["content"])
    exported = json.dumps(data, ensure_ascii=False)
    assert all(text in exported for text in shares.values())
    assert all(text in exported for text in views.values())

    # Slack refused nothing (the fixture checks too), every post and edit waited for a token
    # of the shared pacer, and no second saw more of them than the pacer allows.
    assert fake.refusals == []
    posts = [c.at for c in fake.history if c.method in ("chat.postMessage", "chat.update")]
    assert len(posts) > 300 and paced >= len(posts)
    pacer = slack.adapter.deliverer.pacer
    for i, start in enumerate(posts):
        assert len([at for at in posts[i:] if at - start < 1.0]) <= pacer.rate + pacer.burst
