"""A post a platform refuses for good is counted and told to its group's facilitators, never
retried, and the telling names neither what the post said nor who it was for."""

from __future__ import annotations

from prometheus_client import REGISTRY

from bot.cards import Card
from bot.delivery.codec import decode
from bot.delivery.refusals import TITLE, report_refused
from bot.effects import MessageMember, PostToConversation
from bot.store.database import Database
from bot.store.outbox import lease_due
from tests.dialogue import Chat, FakeClock, channel, person

SAM, ALEX, JO = person("Sam"), person("Alex"), person("Jo")
SECRET_WORDS = "the words of a share nobody else should see in a report"


def refusals(reason: str) -> float:
    labels = {"platform": "console", "kind": "PostToConversation", "reason": reason}
    return REGISTRY.get_sample_value("commonground_refusals_total", labels) or 0.0


async def queued(db: Database, clock: FakeClock) -> list[MessageMember]:
    async with db.write() as conn:
        rows = await lease_due(conn, clock(), limit=100, until=clock())
    told = (decode(row.effect) for row in rows)
    return [e for e in told if isinstance(e, MessageMember) and e.card.title == TITLE]


async def test_the_facilitators_of_the_group_are_told_in_plain_words(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await chat.say(SAM, "setup Parents Forum")
    await chat.say(ALEX, "role lived experience")
    await chat.say(JO, "role professional")
    await chat.say(SAM, "facilitator @Jo")
    before = refusals("invalid_blocks")

    refused = PostToConversation(channel(), Card(title="Round", text=SECRET_WORDS))
    await report_refused(db, refused, "invalid_blocks", clock())

    told = await queued(db, clock)
    assert sorted(m.user_id for m in told) == sorted([SAM.user_id, JO.user_id])
    assert all(SECRET_WORDS not in m.card.text for m in told)
    assert "summary" in told[0].card.text and "export" in told[0].card.text
    assert refusals("invalid_blocks") == before + 1


async def test_a_refused_private_message_is_counted_but_names_no_group(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    await chat.say(SAM, "setup Parents Forum")
    refused = MessageMember("console", "local", ALEX.user_id, Card(text=SECRET_WORDS))
    await report_refused(db, refused, "413", clock())
    assert await queued(db, clock) == []
