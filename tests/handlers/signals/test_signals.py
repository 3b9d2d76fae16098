""" "Slow down", "jargon <word>" and "break": anonymous, counted once per person and window, and
passed to facilitators privately only in whole crowds (`set signal-crowd`, default 2)."""

from __future__ import annotations

from sqlalchemy import select

from bot.effects import MessageMember, OpenForm
from bot.events import Command
from bot.store.database import Database
from bot.store.schema import glossary_entries, signal_crowds, signal_tokens
from tests.dialogue import Chat, Outcome, count, dm, person

FAY, GUS = person("Fay"), person("Gus")  # facilitators
SAM, PAT, LEE = person("Sam"), person("Pat"), person("Lee")


async def _meeting(chat: Chat) -> None:
    await chat.group_of(
        FAY, [(SAM, "lived-experience"), (PAT, "professional"), (LEE, "professional")]
    )
    await chat.say(GUS, "role professional")
    await chat.say(FAY, "facilitator add @Gus")
    await chat.say(FAY, "meeting start")


def _alerts(outcome: Outcome) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for effect in outcome.of(MessageMember):
        assert isinstance(effect, MessageMember)
        found.setdefault(effect.user_id, []).append(effect.card.text)
    return found


async def test_one_slow_down_is_not_passed_on_two_are(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    first = await chat.say(SAM, "slow down", dm(SAM))
    assert not first.of(MessageMember)
    assert "counted it, without your name" in first.reply
    assert "once 2 people ask for the same thing within 5 minutes" in first.reply
    second = await chat.say(PAT, "slow down", dm(PAT))
    alerts = _alerts(second)
    assert set(alerts) == {FAY.user_id, GUS.user_id}
    assert alerts[FAY.user_id] == ["2 people asked to slow down, in the last few minutes."]
    third = await chat.say(LEE, "slow down", dm(LEE))
    assert not third.of(MessageMember)  # 3 is not a whole crowd of 2: nothing new is said


async def test_nothing_about_who_asked_is_stored(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    await chat.say(SAM, "break", dm(SAM))
    await chat.say(PAT, "break", dm(PAT))
    async with db.read() as conn:
        rows = [dict(r) for r in (await conn.execute(select(signal_crowds))).mappings()]
        tokens = list((await conn.execute(select(signal_tokens.c.token))).scalars())
    assert rows[0]["kind"] == "break" and rows[0]["asked"] == 2
    stored = repr(rows) + repr(tokens)
    for who in (SAM, PAT):
        assert who.user_id not in stored and who.display_name not in stored
    assert all(len(token) == 64 for token in tokens)


async def test_the_same_person_counts_once_in_a_window(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    await chat.say(SAM, "slow down", dm(SAM))
    again = await chat.say(SAM, "slow", dm(SAM))
    assert "already in the last 5 minutes" in again.reply
    assert not again.of(MessageMember)
    assert await count(db, signal_tokens) == 1


async def test_signals_further_apart_than_the_window_do_not_add_up(
    chat: Chat, db: Database
) -> None:
    await _meeting(chat)
    await chat.say(SAM, "slow down", dm(SAM))
    chat.clock.advance(minutes=5, seconds=1)
    later = await chat.say(PAT, "slow down", dm(PAT))
    assert not later.of(MessageMember)
    assert await count(db, signal_crowds) == 2
    chat.clock.advance(minutes=4)
    within = await chat.say(LEE, "slow down", dm(LEE))
    assert set(_alerts(within)) == {FAY.user_id, GUS.user_id}
    chat.clock.advance(minutes=2)  # a new window: Sam may ask again and counts again
    assert "counted it" in (await chat.say(SAM, "slow down", dm(SAM))).reply


async def test_different_kinds_and_words_are_different_crowds(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    await chat.say(SAM, "slow down", dm(SAM))
    assert not (await chat.say(PAT, "break", dm(PAT))).of(MessageMember)
    await chat.say(SAM, "jargon EHCP", dm(SAM))
    assert not (await chat.say(PAT, "jargon PfA", dm(PAT))).of(MessageMember)
    alerted = _alerts(await chat.say(LEE, "jargon éhcp", dm(LEE)))
    (text,) = alerted[FAY.user_id]
    assert text.startswith("2 people found a word hard to follow: “ehcp”")  # nobody's spelling
    assert "`glossary add ehcp <plain meaning>`" in text


async def test_a_crowd_of_one_tells_facilitators_at_once(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    assert "Signals" in (await chat.say(FAY, "set signal-crowd 1")).reply
    alone = await chat.say(SAM, "break", dm(SAM))
    assert _alerts(alone)[FAY.user_id] == ["1 person would like a break, in the last few minutes."]
    assert "told straight away, without your name" in alone.reply
    assert len(_alerts(await chat.say(PAT, "break", dm(PAT)))[FAY.user_id]) == 1


async def test_a_larger_crowd_waits_for_whole_crowds(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    await chat.say(FAY, "set signal-crowd 3")
    await chat.say(SAM, "break", dm(SAM))
    assert not (await chat.say(PAT, "break", dm(PAT))).of(MessageMember)
    alerts = _alerts(await chat.say(LEE, "break", dm(LEE)))
    assert alerts[FAY.user_id] == ["3 people would like a break, in the last few minutes."]


async def test_one_jargon_asker_leaves_no_trace_anyone_can_see(chat: Chat, db: Database) -> None:
    """One person's `jargon` must not show anywhere: not in the glossary (in their spelling or
    any other), not as a time, not to facilitators (a crowd of 2 is the default)."""
    await _meeting(chat)
    outcome = await chat.say(SAM, "jargon  EHCP ", dm(SAM))
    assert "counted it, without your name" in outcome.reply
    assert "is in the glossary" not in outcome.reply
    assert not outcome.of(MessageMember)
    assert await count(db, glossary_entries) == 0
    for reader in (LEE, FAY):
        listed = (await chat.say(reader, "glossary", dm(reader))).reply
        assert "EHCP" not in listed.upper() and "empty" in listed
    assert "asked_at" not in glossary_entries.c


async def test_jargon_enters_the_glossary_only_with_a_crowd_of_k(chat: Chat, db: Database) -> None:
    """Facilitators hear at the signal crowd (2); the word goes into the glossary everyone
    reads only once `k` (3) asked about it, in a spelling that is nobody's own."""
    await _meeting(chat)
    await chat.say(SAM, "jargon EHCP", dm(SAM))
    alerted = await chat.say(PAT, "jargon ehcp", dm(PAT))
    assert _alerts(alerted)[FAY.user_id][0].startswith("2 people found a word hard to follow")
    assert await count(db, glossary_entries) == 0
    await chat.say(LEE, "jargon Éhcp", dm(LEE))
    async with db.read() as conn:
        (row,) = (await conn.execute(select(glossary_entries))).mappings()
    assert row["word"] == "ehcp" and row["meaning"] is None
    listed = (await chat.say(LEE, "glossary", dm(LEE))).reply
    assert "Asked, not yet explained: ehcp" in listed
    explained = await chat.say(FAY, "glossary add EHCP Education, Health and Care Plan")
    assert "“EHCP” is explained now" in explained.reply
    assert "EHCP: Education, Health and Care Plan" in (await chat.say(LEE, "glossary")).reply


async def test_a_crowd_of_one_tells_facilitators_but_not_the_glossary(
    chat: Chat, db: Database
) -> None:
    await _meeting(chat)
    await chat.say(FAY, "set signal-crowd 1")
    alone = await chat.say(SAM, "jargon EHCP", dm(SAM))
    (text,) = _alerts(alone)[FAY.user_id]
    assert "“ehcp”" in text and "EHCP" not in text.replace("`glossary add ehcp", "")
    assert await count(db, glossary_entries) == 0


async def test_jargon_for_an_explained_word_says_its_meaning(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    await chat.say(FAY, "glossary add EHCP Education, Health and Care Plan")
    outcome = await chat.say(SAM, "jargon ehcp", dm(SAM))
    assert "The glossary says: EHCP: Education, Health and Care Plan." in outcome.reply


async def test_typed_in_the_channel_is_refused_and_handed_back(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    for typed in ("slow down", "break", "jargon section 19 duty"):
        seen = Command(SAM, chat.where, typed, seen_by_others=True)  # as Slack and Teams mark it
        outcome = Outcome(await chat.core.handle(seen))
        assert "could not stay anonymous" in outcome.reply
        assert "direct message" in outcome.reply
        assert typed in outcome.text()
    assert await count(db, signal_crowds) == 0
    assert await count(db, glossary_entries) == 0


async def test_outside_a_meeting_it_says_so_plainly(chat: Chat, db: Database) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience")])
    for typed in ("slow down", "break", "jargon EHCP"):
        assert "no meeting under way" in (await chat.say(SAM, typed, dm(SAM))).reply
    await chat.say(FAY, "meeting start")
    await chat.say(FAY, "meeting end")
    assert "no meeting under way" in (await chat.say(SAM, "break", dm(SAM))).reply
    assert await count(db, signal_crowds) == 0


async def test_bad_words_after_slow_and_jargon(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    assert "Type `slow down`" in (await chat.say(SAM, "slow up", dm(SAM))).reply
    assert "takes nothing after it" in (await chat.say(SAM, "break now please", dm(SAM))).reply
    too_long = await chat.say(SAM, "jargon " + "x" * 41, dm(SAM))
    assert "40" in too_long.reply
    assert await count(db, signal_crowds) == 0


async def test_the_card_buttons_and_the_jargon_form(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    card = await chat.say(SAM, "signals")
    assert card.posts and "Need something during the meeting?" in card.posts[0]
    labels = [b.label for b in card.cards()[0].buttons]
    assert labels == ["Slow down", "Too much jargon", "I need a break"]
    await chat.press(SAM, card.button("Slow down"))
    alerted = await chat.press(PAT, card.button("Slow down"))
    assert set(_alerts(alerted)) == {FAY.user_id, GUS.user_id}
    opened = await chat.press(SAM, card.button("Too much jargon"))
    (form_effect,) = opened.of(OpenForm)
    assert isinstance(form_effect, OpenForm)
    refused = await chat.submit(SAM, form_effect.form, {"word": "  "})
    assert "word" in refused.form_errors
    done = await chat.submit(SAM, form_effect.form, {"word": "PfA"})
    assert "counted it, without your name" in done.reply
    assert await count(db, glossary_entries) == 0
    opened_typed = await chat.say(SAM, "jargon", dm(SAM))
    assert opened_typed.of(OpenForm)


async def test_signals_in_a_direct_message_replies_privately(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    outcome = await chat.say(SAM, "signals", dm(SAM))
    assert not outcome.posts
    assert "Need something during the meeting?" in outcome.reply


async def test_settings_show_the_signal_crowd(chat: Chat, db: Database) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience")])
    shown = (await chat.say(FAY, "settings")).text()
    assert "Signals" in shown and "once 2 people ask for the same thing" in shown
    assert "1" in (await chat.say(FAY, "set signal-crowd 0")).reply
    assert "only facilitators" in (await chat.say(SAM, "set signal-crowd 1")).reply.lower()
    one = (await chat.say(FAY, "set signal-crowd 1")).reply
    assert "a single person's signal reaches facilitators at once" in one
    assert "still without a name" in one
    assert (
        "a single person's signal reaches facilitators at once"
        in (await chat.say(FAY, "settings")).text()
    )


async def test_forget_me_unlinks_the_token_and_the_count_stays(chat: Chat, db: Database) -> None:
    await _meeting(chat)
    await chat.say(SAM, "slow down", dm(SAM))
    async with db.read() as conn:
        before = list((await conn.execute(select(signal_tokens.c.token))).scalars())
    asked = await chat.say(SAM, "forget-me", dm(SAM))
    await chat.press(SAM, asked.button("Yes, erase my data"), dm(SAM))
    async with db.read() as conn:
        after = list((await conn.execute(select(signal_tokens.c.token))).scalars())
        asked_count = (await conn.execute(select(signal_crowds.c.asked))).scalar_one()
    assert len(after) == 1 and after != before and asked_count == 1


async def test_the_meeting_start_post_carries_the_buttons(chat: Chat, db: Database) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])
    started = await chat.say(FAY, "meeting start")
    await chat.press(SAM, started.button("I need a break"))
    told = _alerts(await chat.press(PAT, started.button("I need a break")))
    assert told == {FAY.user_id: ["2 people would like a break, in the last few minutes."]}
