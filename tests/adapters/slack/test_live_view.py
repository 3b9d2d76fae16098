"""The facilitators' live check-in view through the real Slack adapter and the strict fake: a
group of 60, every member's words at the 500-character limit, the view edited in place in the
facilitator's DM (its head message and the parts in its thread) and within Slack's limits."""

from __future__ import annotations

from typing import Any

from bot import limits
from bot.app import CommonGround
from testkit.fake_slack import FakeSlack, SlackHarness, slack_person

CHANNEL = "C0LIVE"
PEOPLE = [slack_person(f"U{2000 + i}", f"member{i}") for i in range(60)]
FAY = PEOPLE[0]
FAY_DM = "D" + FAY.user_id[1:]


def _words(tag: str, length: int) -> str:
    text, n = "", 0
    while len(text) < length:
        text += f"{tag} word{n} here. "
        n += 1
    return text[: length - 1].rstrip(" .") + "."


def _text_of(args: dict[str, Any]) -> str:
    parts: list[str] = []
    for block in args.get("blocks") or []:
        if block["type"] == "section":
            parts.extend([block["text"]["text"]] if "text" in block else [])
            parts.extend(item["text"] for item in block.get("fields") or [])
    return " ".join(parts or [args.get("text", "")]).replace("&amp;", "&")


def _as_it_stands(fake: FakeSlack, channel: str, head: str) -> dict[str, str]:
    """The message `head` in `channel` and the parts in its thread, each as it reads now: its
    post, then its latest edit."""
    now: dict[str, str] = {}
    for call in fake.history:
        if call.method == "chat.postMessage" and call.answer.get("channel") == channel:
            if head in (call.answer["ts"], call.args.get("thread_ts")):
                now[str(call.answer["ts"])] = _text_of(call.args)
        elif call.method == "chat.update" and call.args["ts"] in now:
            now[str(call.args["ts"])] = _text_of(call.args)
    return now


async def test_the_live_view_of_sixty_is_edited_in_place_within_slacks_limits(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround
) -> None:
    await slack.command(FAY, "setup Live Group", channel=CHANNEL)
    for n, who in enumerate(PEOPLE[1:], start=1):
        role = "professional" if n % 2 else "lived-experience"
        await slack.command(who, f"role {role}", channel=CHANNEL)
    await slack.command(FAY, "checkin", channel=CHANNEL)
    fake.clear()
    await slack.command(FAY, "checkin live", channel=CHANNEL)
    (head,) = [p for p in fake.of("chat.postMessage") if p["channel"] == FAY.user_id]
    (head_ts,) = [
        c.answer["ts"]
        for c in fake.calls
        if c.method == "chat.postMessage" and c.args["channel"] == FAY.user_id
    ]
    assert head["text"].startswith("Arrivals: Live Group")
    assert "Nobody has answered yet." in _text_of(head)
    assert "0 of 60" in str(head["blocks"])

    words = {who.user_id: _words(who.display_name, limits.CHECKIN_WORDS) for who in PEOPLE}
    for n, who in enumerate(PEOPLE[1:], start=1):
        said = words[who.user_id]
        line = f"checkin {1 + n % 5} facilitators: {said}"
        if n % 7 == 0:
            line = "checkin pass"
        elif n % 11 == 0:
            line = f"checkin 3 nobody: {said}"
        await slack.command(who, line, channel=CHANNEL)

    view = " ".join(_as_it_stands(fake, FAY_DM, head_ts).values())
    assert "59 of 60" in view, view[-300:]
    for n, who in enumerate(PEOPLE[1:], start=1):
        if n % 7 == 0:
            assert f"{who.display_name}: passed" in view
        elif n % 11 == 0:
            assert words[who.user_id] not in view  # kept for nobody: never shown
        else:
            assert words[who.user_id] in view, n
    assert "Not answered yet: member0." in view

    # One view, edited: a single head post in the DM, the rest are edits and thread parts.
    heads = [
        c
        for c in fake.history
        if c.method == "chat.postMessage"
        and c.answer.get("channel") == FAY_DM
        and "thread_ts" not in c.args
        and c.args["text"].startswith("Arrivals")
    ]
    assert len(heads) == 1
    assert any(c.method == "chat.update" and c.args["channel"] == FAY_DM for c in fake.history)
    assert len(_as_it_stands(fake, FAY_DM, head_ts)) >= 3  # 30,000 characters take several messages
    # Members never see it.
    others = {c.answer.get("channel") for c in fake.history if c.method == "chat.postMessage"}
    assert not any(
        "Arrivals" in _text_of(c.args)
        for c in fake.history
        if c.method in ("chat.postMessage", "chat.update")
        and c.answer.get("channel") != FAY_DM
        and c.args.get("channel") not in (FAY_DM, FAY.user_id)
    )
    assert others
