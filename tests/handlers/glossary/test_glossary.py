"""The group's glossary: anyone reads and adds, facilitators fix and remove; words match without
case or accents; words asked about wait as "asked, not yet explained"."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot import limits
from bot.effects import SendFileToActor
from bot.store.database import Database
from bot.store.schema import glossary_entries
from tests.dialogue import Chat, count, dm, person

FAY, SAM = person("Fay"), person("Sam")
PAT, LEE = person("Pat"), person("Lee")


async def _group(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional"), (LEE, "both")])


async def _crowd_asks(chat: Chat, word: str) -> None:
    """A whole crowd (`k`, 3) asks about `word`: only then is it in the glossary."""
    for who in (SAM, PAT, LEE):
        await chat.say(who, f"jargon {word}", dm(who))


async def test_an_empty_glossary_says_how_to_add(chat: Chat, db: Database) -> None:
    await _group(chat)
    shown = (await chat.say(SAM, "glossary")).text()
    assert "The glossary is empty so far." in shown
    assert "`glossary add <word> <plain meaning>`" in shown


async def test_anyone_adds_and_everyone_reads(chat: Chat, db: Database) -> None:
    await _group(chat)
    added = await chat.say(SAM, "glossary add EHCP Education, Health and Care Plan")
    assert (
        added.reply == "Thank you. “EHCP” is in the glossary now: Education, Health and Care Plan"
    )
    await chat.say(SAM, 'glossary add "care plan" what support a person gets, written down')
    shown = (await chat.say(FAY, "glossary", dm(FAY))).text()
    assert "care plan: what support a person gets, written down\nEHCP: Education" in shown
    async with db.read() as conn:
        row = (await conn.execute(select(glossary_entries))).mappings().first()
    assert row is not None and SAM.user_id not in repr(dict(row))


async def test_a_colon_after_the_word_and_in_the_meaning(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "glossary add EHCP: Education, Health and Care Plan: a legal document")
    await chat.say(FAY, "meeting start")
    await _crowd_asks(chat, "short breaks")
    await chat.say(FAY, "glossary add Short Breaks time off for carers: a few hours")
    shown = (await chat.say(SAM, "glossary")).text()
    assert "EHCP: Education, Health and Care Plan: a legal document" in shown
    assert "Short Breaks: time off for carers: a few hours" in shown


async def test_a_word_is_the_same_whatever_its_case_or_accents(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "glossary add Séance a meeting")
    again = await chat.say(FAY, "glossary add SEANCE something else")
    assert "“Séance” is in the glossary already: a meeting" in again.reply
    assert "`glossary fix <word> <new meaning>`" in again.reply
    assert "glossary add SEANCE something else" in again.text()  # handed back
    assert await count(db, glossary_entries) == 1


async def test_adding_a_meaning_to_an_asked_word_explains_it(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(FAY, "meeting start")
    await _crowd_asks(chat, "PfA")
    assert "Asked, not yet explained: pfa" in (await chat.say(SAM, "glossary")).text()
    done = await chat.say(FAY, "glossary add PfA Preparing for Adulthood")  # its spelling now
    assert "“PfA” is explained now: Preparing for Adulthood" in done.reply
    shown = (await chat.say(SAM, "glossary")).text()
    assert "PfA: Preparing for Adulthood" in shown and "Asked" not in shown


async def test_mistakes_are_answered_and_nothing_is_stored(chat: Chat, db: Database) -> None:
    await _group(chat)
    assert "Please say the word and its meaning" in (await chat.say(SAM, "glossary add")).reply
    no_meaning = await chat.say(SAM, "glossary add EHCP")
    assert "Please add what “EHCP” means, in plain words" in no_meaning.reply
    too_long = await chat.say(SAM, f"glossary add {'w' * 41} x")
    assert "40" in too_long.reply
    long_meaning = "a" * (limits.GLOSSARY_MEANING + 1)
    refused = await chat.say(SAM, f"glossary add EHCP {long_meaning}")
    assert str(limits.GLOSSARY_MEANING) in refused.reply
    assert long_meaning in refused.text()
    assert "isn't in the glossary yet" in (await chat.say(SAM, "glossary change x y")).reply
    assert await count(db, glossary_entries) == 0


async def test_a_word_is_looked_up_whatever_its_case_or_accents(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "glossary add Séance a meeting")
    await chat.say(SAM, 'glossary add "care plan" what support a person gets')
    assert (await chat.say(FAY, "glossary SEANCE")).reply == "Séance: a meeting"
    assert (await chat.say(FAY, "glossary seance?", dm(FAY))).reply == "Séance: a meeting"
    found = await chat.say(SAM, "glossary Care  Plan")
    assert found.reply == "care plan: what support a person gets"
    assert (await chat.say(SAM, 'glossary "care plan"')).reply == found.reply
    assert "glossary <word>" in (await chat.say(SAM, "help")).text()


async def test_a_word_not_there_is_answered_kindly(chat: Chat, db: Database) -> None:
    await _group(chat)
    missing = await chat.say(SAM, "glossary EHCP")
    assert missing.reply.startswith("“EHCP” isn't in the glossary yet, sorry.")
    assert "`glossary add EHCP <plain meaning>`" in missing.reply
    phrase = await chat.say(SAM, "glossary short breaks")
    assert '`glossary add "short breaks" <plain meaning>`' in phrase.reply
    await chat.say(FAY, "meeting start")
    await chat.say(SAM, "jargon PfA", dm(SAM))
    alone = await chat.say(FAY, "glossary pfa")  # one asker leaves no trace
    assert alone.reply.startswith("“pfa” isn't in the glossary yet, sorry.")
    await _crowd_asks(chat, "PfA")
    asked = await chat.say(FAY, "glossary pfa")
    assert "People asked what “pfa” means, and nobody has explained it yet." in asked.reply
    assert "`glossary add pfa <plain meaning>`" in asked.reply
    pinged = await chat.say(SAM, "glossary @channel")
    assert "@channel" not in pinged.reply
    assert await count(db, glossary_entries) == 1


async def test_no_pings_or_links_come_through(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "glossary add @channel <!here> see <https://x.example|here>")
    shown = (await chat.say(FAY, "glossary")).text()
    assert "@channel" not in shown and "@\u2060channel" in shown  # angle brackets: the adapter


async def test_facilitators_fix_and_remove(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "glossary add LA Local Authority")
    fixed = await chat.say(FAY, "glossary fix la the council, Local Authority")
    assert fixed.reply == "Done. “LA” now means: the council, Local Authority"
    assert "LA: the council, Local Authority" in (await chat.say(SAM, "glossary")).text()
    removed = await chat.say(FAY, "glossary remove la")
    assert removed.reply == "Done. “LA” is no longer in the glossary."
    assert await count(db, glossary_entries) == 0
    missing = await chat.say(FAY, "glossary remove LA")
    assert "“LA” isn't in the glossary" in missing.reply
    assert "isn't in the glossary" in (await chat.say(FAY, "glossary fix LA x")).reply
    assert "Please say which word" in (await chat.say(FAY, "glossary remove")).reply
    assert "Please add what" in (await chat.say(FAY, "glossary fix LA")).reply


async def test_members_cannot_fix_or_remove(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "glossary add LA Local Authority")
    for typed in ("glossary fix LA the council", "glossary remove LA"):
        refused = await chat.say(SAM, typed)
        assert "facilitator" in refused.reply.lower()
    assert "LA: Local Authority" in (await chat.say(SAM, "glossary")).text()


async def test_a_full_glossary_says_so(chat: Chat, db: Database) -> None:
    await _group(chat)
    for n in range(limits.GLOSSARY_ENTRIES):
        await chat.say(SAM, f"glossary add word{n} meaning {n}")
    full = await chat.say(SAM, "glossary add one-more meaning")
    assert f"The glossary is full ({limits.GLOSSARY_ENTRIES} words)" in full.reply
    assert await count(db, glossary_entries) == limits.GLOSSARY_ENTRIES


async def test_the_summary_lists_the_words_explained_that_meeting(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "glossary add LA Local Authority")  # before the meeting: not listed
    await chat.say(FAY, "meeting start")
    await chat.say(SAM, "slow down", dm(SAM))
    await chat.say(FAY, "glossary add EHCP Education, Health and Care Plan")
    summary = "\n".join((await chat.say(FAY, "meeting end")).posts)
    assert "Words explained\nEHCP: Education, Health and Care Plan" in summary
    assert "LA:" not in summary
    assert "slow" not in summary.lower()  # signals are for the moment, never in the record


async def test_the_export_holds_the_glossary(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(FAY, "meeting start")
    await _crowd_asks(chat, "PfA")
    await chat.say(SAM, "glossary add EHCP Education, Health and Care Plan")
    (file,) = (await chat.say(FAY, "export")).of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    data = json.loads(file.content.decode("utf-8"))
    words = [(e["word"], e["meaning"]) for e in data["glossary"]]
    assert words == [("EHCP", "Education, Health and Care Plan"), ("pfa", None)]
    assert data["group"]["signal_crowd"] == 2
    assert "signal" not in json.dumps(data["meetings"])
