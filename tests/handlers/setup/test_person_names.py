"""`facilitator <name>` finds people by name without accents or case, or asks which one."""

from __future__ import annotations

import pytest

from bot.identity import Who
from bot.store import members
from bot.store.database import Database
from tests.dialogue import Chat, person
from tests.handlers.setup.test_setup import ANA, member, the_group

SIAN = person("Siân Jones")
SIAN_E = person("Sian Evans")
ZOE = person("Zoë")
ALENA = person("Алёна")
NGUYEN = person("Nguyễn Thị Minh")


async def _forum(chat: Chat, *people: Who) -> None:
    await chat.say(ANA, "setup Parents Forum")
    for who in people:
        await chat.say(who, "role both")


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("sian jones", SIAN),
        ("SIAN JONES", SIAN),
        ("@zoe", ZOE),
        ("Zoe", ZOE),
        ("алена", ALENA),
        ("nguyen thi minh", NGUYEN),
        ("nguyen", NGUYEN),  # a first name alone, when only one person has it
    ],
)
async def test_a_name_typed_without_accents_or_capitals_finds_the_person(
    chat: Chat, db: Database, typed: str, who: Who
) -> None:
    await _forum(chat, SIAN, ZOE, ALENA, NGUYEN)
    outcome = await chat.say(ANA, f"facilitator {typed}")
    assert "is now a facilitator too" in outcome.reply, outcome.reply
    found = await member(db, who)
    assert found is not None and found.is_facilitator


async def test_a_first_name_two_people_share_asks_which_listing_them(
    chat: Chat, db: Database
) -> None:
    await _forum(chat, SIAN, SIAN_E)
    outcome = await chat.say(ANA, "facilitator sian")
    assert (
        "More than one member is called “sian”: Siân Jones, Sian Evans. Please type the full "
        "name of the one you mean, or @mention them." in outcome.reply
    )
    assert "facilitator sian" in outcome.text()  # their words handed back
    for who in (SIAN, SIAN_E):
        found = await member(db, who)
        assert found is not None and not found.is_facilitator
    done = await chat.say(ANA, "facilitator sian evans")
    assert "Sian Evans is now a facilitator too" in done.reply


async def test_remove_finds_names_the_same_way(chat: Chat, db: Database) -> None:
    await _forum(chat, ZOE)
    await chat.say(ANA, "facilitator zoe")
    outcome = await chat.say(ANA, "facilitator remove ZOE")
    assert "Zoë is no longer a facilitator" in outcome.reply


async def test_an_unknown_name_is_still_explained(chat: Chat) -> None:
    await _forum(chat, SIAN)
    outcome = await chat.say(ANA, "facilitator siobhan")
    assert "I can't find “siobhan” among the members of Parents Forum" in outcome.reply


async def test_find_by_mention_in_the_store(chat: Chat, db: Database) -> None:
    await _forum(chat, SIAN, SIAN_E, ZOE)
    group = await the_group(db)
    async with db.read() as conn:
        by_first = await members.find_by_mention(conn, group.id, "@SIAN")
        by_id = await members.find_by_mention(conn, group.id, f"<@{ZOE.user_id}>")
        nobody = await members.find_by_mention(conn, group.id, "   ")
    assert sorted(m.display_name for m in by_first) == ["Sian Evans", "Siân Jones"]
    assert [m.display_name for m in by_id] == ["Zoë"]
    assert nobody == []
