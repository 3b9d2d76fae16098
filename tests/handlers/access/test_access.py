"""Access profiles: each member's needs in their own words, their preferences, and who may see
them; facilitators see only what was shared, with a name only where the person chose it."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot import limits
from bot.effects import SendFileToActor
from bot.events import Command
from bot.store.database import Database
from bot.store.schema import access_profiles
from tests.dialogue import Chat, Outcome, channel, count, dm, person

FAY, SAM, PAT, LEE = person("Fay"), person("Sam"), person("Pat"), person("Lee")


async def forum(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])


async def test_access_alone_explains_what_it_is_for(chat: Chat) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "access", where=dm(SAM))).reply
    assert "in your own words" in said and "access needs" in said and "private" in said


async def test_needs_are_saved_privately_and_shown_back(chat: Chat, db: Database) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "access needs Large print, and papers a week ahead", dm(SAM))).reply
    assert "Saved" in said and "only you can see them" in said
    assert "“Large print, and papers a week ahead”" in said
    shown = (await chat.say(SAM, "access", where=dm(SAM))).reply
    assert "Large print" in shown and "nobody else sees them" in shown
    assert await count(db, access_profiles) == 1


async def test_needs_typed_in_the_channel_are_not_kept(chat: Chat, db: Database) -> None:
    await forum(chat)
    typed = Command(SAM, chat.where, "access needs BSL interpreter please", seen_by_others=True)
    said = Outcome(await chat.core.handle(typed)).reply
    assert "direct message" in said and "BSL interpreter please" in said
    assert await count(db, access_profiles) == 0


async def test_needs_must_have_words_and_fit(chat: Chat, db: Database) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "access needs", where=dm(SAM))).reply
    assert "in your own words" in said
    long = "x" * (limits.ACCESS_NEEDS + 1)
    said = (await chat.say(SAM, f"access needs {long}", where=dm(SAM))).reply
    assert "too long" in said and long in said
    assert await count(db, access_profiles) == 0


async def test_unknown_access_words_get_a_suggestion(chat: Chat) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "access shar named", where=dm(SAM))).reply
    assert "Did you mean `access share`?" in said
    said = (await chat.say(SAM, "access share maybe", where=dm(SAM))).reply
    assert "access share named" in said and "access share no" in said
    said = (await chat.say(SAM, "access prefer pigeons", where=dm(SAM))).reply
    assert "access prefer plain-text" in said
    said = (await chat.say(SAM, "access clear now", where=dm(SAM))).reply
    assert "takes nothing after it" in said


async def test_preferences_turn_on_and_off(chat: Chat, db: Database) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "access prefer fewer messages", where=dm(SAM))).reply
    assert "reflection questions" in said and "fewer messages" in said
    said = (await chat.say(SAM, "access prefer earlier-reminders", where=dm(SAM))).reply
    assert "earlier reminders" in said
    said = (await chat.say(SAM, "access prefer fewer-messages off", where=dm(SAM))).reply
    assert "is off" in said
    async with db.read() as conn:
        row = (await conn.execute(select(access_profiles))).mappings().one()
    assert not row["fewer_messages"] and row["earlier_reminders"]
    said = (await chat.say(SAM, "access prefer none", where=dm(SAM))).reply
    assert "back to the usual" in said


async def test_clear_deletes_the_profile(chat: Chat, db: Database) -> None:
    await forum(chat)
    assert "nothing" in (await chat.say(SAM, "access clear", where=dm(SAM))).reply
    await chat.say(SAM, "access needs Step-free access", where=dm(SAM))
    said = (await chat.say(SAM, "access clear", where=dm(SAM))).reply
    assert "deleted your access profile" in said
    assert await count(db, access_profiles) == 0


async def test_facilitators_see_only_what_was_shared_and_names_only_when_chosen(
    chat: Chat,
) -> None:
    await forum(chat)
    await chat.group_of(FAY, [(LEE, "lived-experience")])
    await chat.say(SAM, "access needs A break every hour", where=dm(SAM))
    await chat.say(SAM, "access share named", where=dm(SAM))
    await chat.say(PAT, "access needs Phone on for caring duties", where=dm(PAT))
    await chat.say(PAT, "access share anonymous", where=dm(PAT))
    await chat.say(LEE, "access needs Papers in large print", where=dm(LEE))  # not shared
    seen = (await chat.say(FAY, "access list", where=dm(FAY))).reply
    assert "- Sam: A break every hour" in seen
    assert "Phone on" not in seen and "Pat" not in seen  # without a name: only before a meeting
    assert "large print" not in seen and "Lee" not in seen
    assert "before each meeting" in seen
    note = "\n".join((await chat.say(FAY, "checkin")).messages_to(FAY))
    assert "- Sam: A break every hour" in note and "- Phone on for caring duties" in note
    assert "Pat" not in note and "large print" not in note


async def test_a_need_shared_without_a_name_never_arrives_on_its_own(chat: Chat) -> None:
    """Were a nameless need shown as it comes (a notice, or `access list` read before and
    after), the moment it appeared would point at whoever just shared it."""
    await forum(chat)
    before = (await chat.say(FAY, "access list", where=dm(FAY))).reply
    shared = await chat.say(PAT, "access needs Phone on for caring duties", where=dm(PAT))
    shared_too = await chat.say(PAT, "access share anonymous", where=dm(PAT))
    assert not shared.messages_to(FAY) and not shared_too.messages_to(FAY)
    after = (await chat.say(FAY, "access list", where=dm(FAY))).reply
    assert after == before  # nothing to compare
    (file,) = (await chat.say(FAY, "export", where=dm(FAY))).of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    assert "Phone on" not in file.content.decode("utf-8")


async def test_the_note_before_a_meeting_lists_nameless_needs_in_alphabetical_order(
    chat: Chat,
) -> None:
    await forum(chat)
    await chat.group_of(FAY, [(LEE, "lived-experience")])
    for who, words in ((SAM, "Quiet room"), (PAT, "Breaks every hour"), (LEE, "Large print")):
        await chat.say(who, f"access needs {words}", where=dm(who))
        await chat.say(who, "access share anonymous", where=dm(who))
    (note,) = [t for t in (await chat.say(FAY, "checkin")).messages_to(FAY) if "Access" in t]
    assert note.index("Breaks every hour") < note.index("Large print") < note.index("Quiet room")


async def test_only_facilitators_may_list(chat: Chat) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "access list", where=dm(SAM))).reply
    assert "Only facilitators" in said and "access" in said


async def test_an_empty_list_says_so(chat: Chat) -> None:
    await forum(chat)
    await chat.say(SAM, "access needs Step-free access", where=dm(SAM))
    said = (await chat.say(FAY, "access list", where=dm(FAY))).reply
    assert "No member has shared" in said


async def test_without_a_name_in_a_small_group_warns(chat: Chat) -> None:
    """Lee is only in Tiny, a group of two (k is 3): without a name may still point at Lee."""
    tiny = channel("tiny")
    await chat.say(FAY, "setup Tiny", where=tiny)
    await chat.say(LEE, "role lived-experience", where=tiny)
    said = (await chat.say(LEE, "access share without name", where=tiny)).reply
    assert "only 2 members" in said and "guess" in said and "access share no" in said


async def test_without_a_name_in_a_crowd_still_mentions_words(chat: Chat) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "access share anonymous", where=dm(SAM))).reply
    assert "without your name" in said and "Your own words may still" in said
    assert "haven't written any needs yet" in said


async def test_the_checkin_tells_facilitators_privately(chat: Chat) -> None:
    await forum(chat)
    await chat.say(SAM, "access needs Papers a week ahead", where=dm(SAM))
    await chat.say(SAM, "access share anonymous", where=dm(SAM))
    await chat.say(PAT, "access needs Kept to myself", where=dm(PAT))
    sent = await chat.say(FAY, "checkin")
    to_fay = "\n".join(sent.messages_to(FAY))
    assert "Before this meeting" in to_fay and "- Papers a week ahead" in to_fay
    assert "Kept to myself" not in sent.text()
    assert not any("Papers a week ahead" in text for text in sent.messages_to(SAM))
    assert not any("Papers a week ahead" in post for post in sent.posts)


async def test_no_note_when_nobody_shared(chat: Chat) -> None:
    await forum(chat)
    sent = await chat.say(FAY, "checkin")
    assert not any("Access needs" in text for text in sent.messages_to(FAY))


async def test_forget_me_erases_the_profile(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(SAM, "access needs BSL interpreter", where=dm(SAM))
    await chat.say(SAM, "access share named", where=dm(SAM))
    mine = (await chat.say(SAM, "my-data", where=dm(SAM))).reply
    assert "BSL interpreter" in mine
    await chat.say(SAM, "forget-me yes", where=dm(SAM))
    assert await count(db, access_profiles) == 0
    seen = (await chat.say(FAY, "access list", where=dm(FAY))).reply
    assert "BSL" not in seen


async def test_the_form_saves_the_whole_profile(chat: Chat, db: Database) -> None:
    await forum(chat)
    shown = await chat.say(SAM, "access", where=dm(SAM))
    opened = await chat.press(SAM, shown.button("Fill in the form"), where=dm(SAM))
    (form,) = opened.forms
    values = {
        "needs": "Step-free access",
        "share": "anonymous",
        "plain_text": "no",
        "fewer_messages": "yes",
        "earlier_reminders": "no",
    }
    saved = await chat.submit(SAM, form, values, where=dm(SAM))
    assert "Saved" in saved.reply and "without your name" in saved.reply
    assert "fewer messages" in saved.reply
    (again,) = (await chat.press(SAM, shown.button("Fill in the form"), where=dm(SAM))).forms
    assert [i.initial for i in again.inputs] == ["Step-free access", "anonymous", "no", "yes", "no"]


async def test_a_refused_form_stores_nothing(chat: Chat, db: Database) -> None:
    await forum(chat)
    shown = await chat.say(SAM, "access", where=dm(SAM))
    (form,) = (await chat.press(SAM, shown.button("Fill in the form"), where=dm(SAM))).forms
    long = "y" * (limits.ACCESS_NEEDS + 1)
    refused = await chat.submit(SAM, form, {"needs": long, "share": "named"}, where=dm(SAM))
    assert "too long" in refused.form_errors["needs"]
    refused = await chat.submit(SAM, form, {"needs": "Breaks", "share": "all"}, where=dm(SAM))
    assert "who may see" in refused.form_errors["share"]
    assert await count(db, access_profiles) == 0


async def test_the_export_holds_only_shared_needs_named_only_where_chosen(chat: Chat) -> None:
    await forum(chat)
    await chat.say(SAM, "access needs A break every hour", where=dm(SAM))
    await chat.say(SAM, "access share named", where=dm(SAM))
    await chat.say(PAT, "access needs Phone on for caring duties", where=dm(PAT))
    await chat.say(PAT, "access share anonymous", where=dm(PAT))
    await chat.say(PAT, "access prefer earlier-reminders", where=dm(PAT))
    await chat.say(FAY, "access needs Kept to myself", where=dm(FAY))
    (file,) = (await chat.say(FAY, "export", where=dm(FAY))).of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    record = json.loads(file.content)
    assert record["access_needs"] == [  # a nameless need only in the note before a meeting
        {"name": "Sam", "needs": "A break every hour", "earlier_reminders": False},
    ]
    assert "Kept to myself" not in file.content.decode()
