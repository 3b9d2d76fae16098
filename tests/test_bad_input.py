"""Bad input in elephants, perspectives, outcomes and check-in words: what the channel shows.

Every piece of text a person typed is stored as typed (tidied) and neutralised when shown: no
mention can ping, no markup can restyle the bot's post, no link can hide its address. A platform's
own syntax is written out by that platform's adapter, so those rows check what that platform shows.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from bot.adapters.console.render import card_text
from bot.adapters.slack.text import readable as on_slack
from bot.adapters.teams.text import readable as on_teams
from bot.handlers.elephants.commands import post_due_elephants
from bot.store.database import Database
from bot.store.schema import checkins, elephants, perspectives
from bot.text_safety import WORD_JOINER
from tests.dialogue import Chat, Outcome, person

Show = Callable[[str], str]
FAY = person("Fay")
SAM = person("Sam")
PAT = person("Pat")
LEE = person("Lee")


def anywhere(text: str) -> str:
    """What every platform shows (the console prints the core's text as it is)."""
    return text


# (what someone types, what must not appear in the post, what the post shows instead, and on
# which platform: a platform's own syntax is written out by its adapter)
INJECTIONS = [
    ("tell @channel now", "@channel", f"@{WORD_JOINER}channel", anywhere),
    ("ping <!here> please", "<!here>", f"@{WORD_JOINER}here", on_slack),
    ("ask <!channel>", "<!channel>", f"@{WORD_JOINER}channel", on_slack),
    ("blame <@U123>", "<@U123>", f"@{WORD_JOINER}U123", anywhere),
    ("hi <at>Pat</at>", "<at>", f"@{WORD_JOINER}Pat", on_teams),
    ("see [x](http://evil)", "[x](http://evil)", "x (http://evil)", anywhere),
    ("go <http://evil|click>", "<http://evil|click>", "click (http://evil)", on_slack),
    ("this is *bold* and _it_", "*bold*", "\u2217bold\u2217", anywhere),
    ("`rm -rf` here", "`rm", "\u02cbrm", anywhere),
    ("> a fake quote", "> a fake", "\u203a a fake", anywhere),
    ('<a href="http://evil">safe</a>', "<a href", "safe (http://evil)", anywhere),
]
ROWS = ("typed", "absent", "shown", "on")


async def _group(chat: Chat) -> None:
    await chat.group_of(
        FAY, [(SAM, "lived-experience"), (PAT, "professional"), (LEE, "lived-experience")]
    )


async def _post_due(chat: Chat) -> Outcome:
    chat.clock.advance(minutes=10)
    effects = await chat.core.run_job(post_due_elephants)
    chat.log.extend(effects)
    return Outcome(effects)


@pytest.mark.parametrize(ROWS, INJECTIONS)
async def test_elephant_text_is_neutralised_in_the_channel_and_the_list(
    chat: Chat, db: Database, typed: str, absent: str, shown: str, on: Show
) -> None:
    await _group(chat)
    await chat.say(SAM, f"elephant {typed}")
    (post,) = (await _post_due(chat)).posts
    assert absent not in on(post) and shown in on(post)
    listed = on((await chat.say(PAT, "elephants")).reply)
    assert absent not in listed and shown in listed
    async with db.read() as conn:
        stored = (await conn.execute(select(elephants.c.text))).scalar_one()
    assert stored == typed  # stored as typed; made safe only when shown


@pytest.mark.parametrize(ROWS, INJECTIONS)
async def test_big_elephant_invitations_are_neutralised(
    chat: Chat, typed: str, absent: str, shown: str, on: Show
) -> None:
    await _group(chat)
    await chat.say(SAM, f"elephant big: {typed}")
    outcome = await _post_due(chat)
    invite = on(outcome.messages_to(PAT)[0])
    assert absent not in invite and shown in invite


@pytest.mark.parametrize(ROWS, INJECTIONS)
async def test_perspectives_are_neutralised_when_revealed(
    chat: Chat, typed: str, absent: str, shown: str, on: Show
) -> None:
    await _group(chat)
    await chat.say(SAM, "elephant big: we never hear from carers")
    posted = await _post_due(chat)
    for who in (PAT, LEE, FAY):
        form = (await chat.press(who, posted.button("Add my perspective"))).forms[0]
        await chat.submit(who, form, {"text": typed})
    chat.clock.advance(minutes=30)  # shown by the sweep, after a short random delay
    (reveal,) = (await _post_due(chat)).posts
    assert absent not in on(reveal) and shown in on(reveal)


@pytest.mark.parametrize(ROWS, INJECTIONS)
async def test_outcomes_are_neutralised_in_you_said_we_did(
    chat: Chat, typed: str, absent: str, shown: str, on: Show
) -> None:
    await _group(chat)
    await chat.say(SAM, "elephant plain words")
    await _post_due(chat)
    outcome = await chat.say(FAY, f"elephant 1 addressed {typed}")
    (post,) = outcome.posts
    assert absent not in on(post) and shown in on(post)
    assert absent not in on(card_text(outcome.updates[0].card))


@pytest.mark.parametrize(ROWS, INJECTIONS)
async def test_checkin_words_never_reach_the_channel_card(
    chat: Chat, db: Database, typed: str, absent: str, shown: str, on: Show
) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    form = (await chat.say(SAM, "checkin")).forms[0]
    outcome = await chat.submit(SAM, form, {"mood": "3", "words": typed, "visibility": "group"})
    (update,) = outcome.updates
    shown_text = on(card_text(update.card))
    assert absent not in shown_text and shown not in shown_text
    assert "Checked in: 1 of 4" in shown_text
    async with db.read() as conn:
        assert (await conn.execute(select(checkins.c.words))).scalar_one() == typed


# -- empty, huge and hidden characters ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("elephant \x00\x07\x1b", "Your elephant is empty"),
        ("elephant big:", "Your elephant is empty"),
        ("elephant big:   \u200b ", "Your elephant is empty"),
        ("elephant " + "e" * 1001, "the limit is 1,000"),
        ("elephant big: " + "e" * 5000, "4,000 characters too long"),
    ],
)
async def test_bad_elephant_commands_store_nothing_and_give_the_text_back(
    chat: Chat, db: Database, line: str, phrase: str
) -> None:
    await _group(chat)
    outcome = await chat.say(SAM, line)
    assert phrase in outcome.reply
    if "e" * 1001 in line:
        assert "e" * 1001 in outcome.reply  # their text, handed back
    async with db.read() as conn:
        assert (await conn.execute(select(elephants))).all() == []


async def test_hidden_characters_are_removed_before_storing(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "elephant pay\u202eslip\x00 gap\u200b here\r\nnext")
    async with db.read() as conn:
        stored = (await conn.execute(select(elephants.c.text))).scalar_one()
    assert stored == "payslip gap here\nnext"


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("checkin now", "I didn't understand “now”. Type `checkin 1` to `checkin 5`"),
        ("elephants three", "`elephants` and a number to read one whole"),
        ("elephant 3", "There's no elephant #3 showing"),
        ("elephant 3 fixed", "Please say what happened to elephant 3"),
        ("elephant 0 addressed", "There's no elephant #0"),
    ],
)
async def test_command_mistakes_say_what_would_work(chat: Chat, line: str, phrase: str) -> None:
    await _group(chat)
    assert phrase in (await chat.say(FAY, line)).reply


@pytest.mark.parametrize(
    ("command", "field", "phrase"),
    [
        ("elephant", "text", "Your elephant is empty"),
        ("checkin", "mood", "Please choose how you're arriving"),
    ],
)
async def test_forms_sent_with_nothing_filled_in(
    chat: Chat, command: str, field: str, phrase: str
) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    form = (await chat.say(SAM, command)).forms[0]
    assert phrase in (await chat.submit(SAM, form, {})).form_errors[field]


async def test_an_empty_perspective_form_is_refused(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "elephant big: a big one")
    posted = await _post_due(chat)
    form = (await chat.press(PAT, posted.button("Add my perspective"))).forms[0]
    outcome = await chat.submit(PAT, form, {"text": "\x00 \n "})
    assert "Your view is empty" in outcome.form_errors["text"]
    async with db.read() as conn:
        assert (await conn.execute(select(perspectives))).all() == []


async def test_a_form_with_a_forged_context_is_refused(chat: Chat) -> None:
    await _group(chat)
    form = (await chat.say(SAM, "elephant")).forms[0]
    forged = type(form)(form.form_id, form.title, form.inputs, context="not-ours")
    outcome = await chat.submit(SAM, forged, {"text": "x", "size": "little"})
    assert "no longer works" in outcome.reply


async def test_a_form_sent_back_for_long_text_says_the_words_are_kept(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    form = (await chat.say(SAM, "elephant")).forms[0]
    refused = await chat.submit(SAM, form, {"text": "z" * 1001, "size": "little"})
    message = refused.form_errors["text"]
    assert "the limit is 1,000" in message
    assert "Here it is" not in message  # a form error shows no text after it
    assert "Your words are kept, so you can shorten them." in message
    async with db.read() as conn:
        assert (await conn.execute(select(elephants))).all() == []


async def test_a_mention_in_handed_back_words_reads_as_the_name_not_the_platform_id(
    chat: Chat,
) -> None:
    fay, pat = person("Fay"), person("Pat")
    await chat.say(fay, "setup Forum")
    await chat.say(pat, "role professional")
    outcome = await chat.say(fay, f"action Book the room <@{pat.user_id}> by someday soon")
    assert "Your text:" in outcome.reply
    assert f"@{WORD_JOINER}Pat by someday soon" in outcome.reply
    assert pat.user_id not in outcome.reply
    stranger = await chat.say(fay, "action Book the room <@U-nobody> by someday soon")
    assert f"@{WORD_JOINER}U-nobody" in stranger.reply  # not in the group: left as it was
