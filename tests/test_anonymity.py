"""Anonymous means anonymous: elephants, perspectives, "I see it too", anonymous agenda items and
"does this feel addressed?" and where on the ladder a meeting felt leave no trace of who.

Each test runs one anonymous action inside `anonymous_action`, which compares every table before
and after, reads the logs at DEBUG, and counts the person's id and name in the database file
itself (see `tests/anonymity_helpers.py`). The last tests show the checks can fail: a check-in,
which is not anonymous, is caught by them.
"""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from bot.handlers.elephants.commands import post_due_elephants
from bot.handlers.ladder.cards import ladder_button
from bot.store.database import Database
from bot.store.schema import elephants
from tests.anonymity_helpers import (
    DRIVER_LOGGERS,
    anonymous_action,
    assert_anonymous,
    checkpoint_and_read,
    count_in_file,
    snapshot_tables,
)
from tests.dialogue import Chat, Outcome, channel, dm, person

FAY = person("Fay Okonkwo")  # facilitator
QUINN = person("Quinn Marlowe-Idris")  # the anonymous one: a name found nowhere else
PAT = person("Pat")
LEE = person("Lee")


async def _group(chat: Chat) -> None:
    await chat.group_of(
        FAY, [(QUINN, "lived-experience"), (PAT, "professional"), (LEE, "lived-experience")]
    )
    # Quinn also has ordinary, non-anonymous rows that must stay exactly as they are.
    sent = await chat.say(FAY, "checkin")
    await chat.press(QUINN, sent.button("2 Low"))


async def _posted(chat: Chat, line: str) -> Outcome:
    await chat.say(PAT, line)
    chat.clock.advance(minutes=10)
    effects = await chat.core.run_job(post_due_elephants)
    chat.log.extend(effects)
    return Outcome(effects)


@pytest.mark.parametrize("where", ["channel", "dm"])
async def test_elephant_by_command(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    await _group(chat)
    place = dm(QUINN) if where == "dm" else None
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.say(QUINN, "elephant Nobody reads our feedback", where=place)
    assert "We never store who sent it." in seen.outcome.reply
    assert len(seen.after["elephants"]) == 1


@pytest.mark.parametrize("size", ["little", "big"])
async def test_elephant_by_form(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture, size: str
) -> None:
    await _group(chat)
    form = (await chat.say(QUINN, "elephant")).forms[0]
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.submit(
            QUINN, form, {"text": "The budget is decided", "size": size}
        )
    assert "We never store who sent it." in seen.outcome.reply
    (row,) = seen.after["elephants"].values()
    assert row["size"] == size


async def test_big_elephant_by_command(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.say(QUINN, "elephant big: We are consulted, not involved")
    assert "It's a big one" in seen.outcome.reply


async def test_posting_a_named_elephant_later_does_not_point_at_its_author(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    await chat.say(QUINN, "elephant big: We are consulted, not involved")
    chat.clock.advance(minutes=10)
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = Outcome(await chat.core.run_job(post_due_elephants))
    assert len(seen.outcome.posts) == 1


async def test_i_see_it_too(chat: Chat, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    await _group(chat)
    posted = await _posted(chat, "elephant The agenda is fixed")
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.press(QUINN, posted.button("I see it too"))
    assert "I've counted it" in seen.outcome.reply
    assert len(seen.after["elephant_marks"]) == 1
    async with anonymous_action(db, QUINN, caplog) as again:
        again.outcome = await chat.press(QUINN, posted.button("I see it too"), where=dm(QUINN))
    assert "already" in again.outcome.reply


async def test_perspective_button_and_form(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    posted = await _posted(chat, "elephant big: Professionals never share")
    async with anonymous_action(db, QUINN, caplog) as opened:
        opened.outcome = await chat.press(QUINN, posted.button("Add my perspective"))
    (form,) = opened.outcome.forms
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.submit(
            QUINN, form, {"text": "I share and nobody else does", "role_tag": "tag"}
        )
    assert "stored without your name" in seen.outcome.reply
    (row,) = seen.after["perspectives"].values()
    assert row["role_tag"] == "lived-experience"
    async with anonymous_action(db, QUINN, caplog) as twice:
        twice.outcome = await chat.submit(QUINN, form, {"text": "and again"})
    assert "already added your perspective" in twice.outcome.reply


async def test_the_perspective_that_triggers_the_reveal(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    posted = await _posted(chat, "elephant big: Professionals never share")
    for who in (PAT, LEE):
        form = (await chat.press(who, posted.button("Add my perspective"))).forms[0]
        await chat.submit(who, form, {"text": f"view of someone {who.user_id[-3:]}"})
    form = (await chat.press(QUINN, posted.button("Add my perspective"))).forms[0]
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.submit(QUINN, form, {"text": "the third view"})
    assert not seen.outcome.posts  # never the instant the k-th arrives
    chat.clock.advance(minutes=30)
    shown = Outcome(await chat.core.run_job(post_due_elephants))
    assert "Perspectives on elephant #1" in shown.posts[0]
    assert QUINN.user_id not in shown.text() and QUINN.display_name not in shown.text()


async def test_perspective_ids_do_not_follow_the_order_they_were_given(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    posted = await _posted(chat, "elephant big: Professionals never share")
    for who in (PAT, LEE):
        form = (await chat.press(who, posted.button("Add my perspective"))).forms[0]
        await chat.submit(who, form, {"text": "a view"})
    ids = sorted((await snapshot_tables(db))["perspectives"])
    assert ids != [(ids[0][0],), (ids[0][0] + 1,)]


@pytest.mark.parametrize("where", ["channel", "dm"])
async def test_anonymous_agenda_item_by_command(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    """A slash command in the channel is private to its typer; so is a direct message."""
    await _group(chat)
    place = dm(QUINN) if where == "dm" else None
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.say(
            QUINN, "agenda add anonymously Nobody reads our feedback papers: https://e.org/x", place
        )
    assert "We never store who added them." in seen.outcome.reply
    (row,) = seen.after["agenda_items"].values()
    assert row["papers"] == "https://e.org/x"
    assert not seen.after["agenda_authors"]


async def test_anonymous_agenda_item_by_button_and_form(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    shown = await chat.say(PAT, "agenda")
    async with anonymous_action(db, QUINN, caplog) as opened:
        opened.outcome = await chat.press(QUINN, shown.button("Add an item"))
    (form,) = opened.outcome.forms
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.submit(
            QUINN, form, {"text": "The budget is decided", "papers": "", "name": "anonymous"}
        )
    assert "without your name" in seen.outcome.reply
    assert len(seen.after["agenda_items"]) == 1


async def test_an_anonymous_item_coming_onto_the_agenda_does_not_point_at_its_author(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    await chat.say(QUINN, "agenda add anon The budget is decided", where=dm(QUINN))
    await chat.say(FAY, "checkin")
    chat.clock.advance(minutes=10)
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.say(PAT, "agenda")
    assert "The budget is decided (added anonymously)" in seen.outcome.reply


async def _asked(chat: Chat) -> Outcome:
    """Elephant #1 posted and marked addressed: the "does this feel addressed?" card."""
    await _posted(chat, "elephant Papers come too late")
    return await chat.say(FAY, "elephant 1 addressed Papers now go out a week ahead")


async def test_does_it_feel_addressed_by_button_and_by_typing(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    asked = await _asked(chat)
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.press(QUINN, asked.button("Not really"))
    assert "I've counted your answer" in seen.outcome.reply
    assert len(seen.after["verdict_answers"]) == 1 and len(seen.after["verdict_tokens"]) == 1
    async with anonymous_action(db, QUINN, caplog) as again:
        again.outcome = await chat.press(QUINN, asked.button("Partly"), where=dm(QUINN))
    assert "You've already answered" in again.outcome.reply
    (row,) = again.after["verdict_answers"].values()
    assert row["answer"] == "not-really"
    (token,) = again.after["verdict_tokens"].values()
    assert set(token) == {"verdict_id", "token"}  # nothing beside it to test an answer against
    async with anonymous_action(db, QUINN, caplog) as typed:
        typed.outcome = await chat.say(QUINN, "elephant 1 feels partly", where=dm(QUINN))
    assert "You've already answered" in typed.outcome.reply
    async with anonymous_action(db, QUINN, caplog) as taken:
        taken.outcome = await chat.say(QUINN, "addressed 1 take back", where=dm(QUINN))
    assert "can't be changed or taken back" in taken.outcome.reply
    assert len(taken.after["verdict_answers"]) == 1 and len(taken.after["verdict_tokens"]) == 1


async def test_the_sweep_that_reopens_does_not_point_at_anyone(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    asked = await _asked(chat)
    for who in (PAT, LEE, QUINN):
        await chat.press(who, asked.button("Not really"))
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = Outcome(await chat.core.run_job(post_due_elephants))
    assert seen.outcome.messages_to(FAY) and "open again" in seen.outcome.messages_to(FAY)[0]


async def test_answer_ids_do_not_follow_the_order_they_were_given(chat: Chat, db: Database) -> None:
    await _group(chat)
    asked = await _asked(chat)
    for who in (PAT, LEE):
        await chat.press(who, asked.button("Yes"))
    ids = sorted((await snapshot_tables(db))["verdict_answers"])
    assert ids != [(ids[0][0],), (ids[0][0] + 1,)]


# -- the checks can fail ---------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["see 1", "me too 1", "see it too #1"])
async def test_i_see_it_too_typed(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture, line: str
) -> None:
    await _group(chat)
    await _posted(chat, "elephant The agenda is fixed")
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.say(QUINN, line, where=dm(QUINN))
    assert "I've counted it" in seen.outcome.reply
    assert len(seen.after["elephant_marks"]) == 1
    posted = Outcome([e for e in chat.log if hasattr(e, "card")])
    async with anonymous_action(db, QUINN, caplog) as pressed:
        pressed.outcome = await chat.press(QUINN, posted.button("I see it too"))
    assert "already" in pressed.outcome.reply  # the same token as the button's


async def test_perspective_typed(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    await _posted(chat, "elephant big: Professionals never share")
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.say(
            QUINN, "perspective 1 tag: I share and nobody else does", where=dm(QUINN)
        )
    assert "stored without your name" in seen.outcome.reply
    (row,) = seen.after["perspectives"].values()
    assert row["role_tag"] == "lived-experience"
    async with anonymous_action(db, QUINN, caplog) as opened:
        opened.outcome = await chat.say(QUINN, "perspective 1", where=dm(QUINN))
    assert "already added your perspective" in opened.outcome.reply


async def test_did_you_feel_heard_typed(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    await chat.say(FAY, "meeting end")
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.say(QUINN, "heard partly", where=dm(QUINN))
    assert "Thank you." in seen.outcome.reply
    async with anonymous_action(db, QUINN, caplog) as change:
        change.outcome = await chat.say(QUINN, "heard change shorter agendas", where=dm(QUINN))
    assert "The facilitators will see it, without your name" in change.outcome.reply


@pytest.mark.parametrize("how", ["typed", "form"])
async def test_where_on_the_ladder(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    await _group(chat)
    await chat.say(FAY, "meeting end")
    if how == "form":
        button = ladder_button(1, 1)
        async with anonymous_action(db, QUINN, caplog) as opened:
            opened.outcome = await chat.press(QUINN, button, where=dm(QUINN))
        (form,) = opened.outcome.forms
        async with anonymous_action(db, QUINN, caplog) as seen:
            seen.outcome = await chat.submit(QUINN, form, {"rung": "3"}, where=dm(QUINN))
    else:
        async with anonymous_action(db, QUINN, caplog) as seen:
            seen.outcome = await chat.say(QUINN, "ladder informing", where=dm(QUINN))
    assert "I don't keep who answered" in seen.outcome.reply
    (row,) = seen.after["ladder_answers"].values()
    assert (row["rung"], row["side"]) == (3, "lived-experience")  # a side, never a person


async def test_an_elephant_sent_to_a_group_by_its_number(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    await chat.say(FAY, "setup Other", where=channel("other"))
    await chat.say(QUINN, "role lived-experience", where=channel("other"))
    async with anonymous_action(db, QUINN, caplog) as asked:
        asked.outcome = await chat.say(QUINN, "elephant Nobody reads our feedback", where=dm(QUINN))
    assert "Which group is this for?" in asked.outcome.reply
    async with anonymous_action(db, QUINN, caplog) as seen:
        seen.outcome = await chat.say(
            QUINN, "2 elephant Nobody reads our feedback", where=dm(QUINN)
        )
    assert "We never store who sent it." in seen.outcome.reply
    assert len(seen.after["elephants"]) == 1


async def test_the_table_check_catches_a_non_anonymous_action(chat: Chat, db: Database) -> None:
    await _group(chat)
    sent = [e for e in chat.log if getattr(e, "key", None) == "checkin:1"]
    assert sent
    before = await snapshot_tables(db)
    await chat.press(LEE, Outcome(sent).button("3 Okay"))  # a check-in row with Lee's member id
    after = await snapshot_tables(db)
    with pytest.raises(AssertionError, match="member id"):
        assert_anonymous(before, after, LEE)


async def test_the_table_check_catches_a_named_agenda_item(chat: Chat, db: Database) -> None:
    await _group(chat)
    before = await snapshot_tables(db)
    await chat.say(LEE, "agenda add Transport costs")  # an author row with Lee's member id
    after = await snapshot_tables(db)
    with pytest.raises(AssertionError, match="member id"):
        assert_anonymous(before, after, LEE)


async def test_the_table_check_catches_a_changed_own_row(chat: Chat, db: Database) -> None:
    await _group(chat)
    before = await snapshot_tables(db)
    await chat.say(QUINN, "nudges off")
    after = await snapshot_tables(db)
    with pytest.raises(AssertionError, match=r"names them|rows changed"):
        assert_anonymous(before, after, QUINN)


async def test_the_log_check_catches_a_logged_id(
    chat: Chat, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _group(chat)
    with pytest.raises(AssertionError, match="log line"):
        async with anonymous_action(db, QUINN, caplog):
            logging.getLogger("bot.somewhere").debug("acted: %s", QUINN.user_id)


@pytest.mark.sqlite_only(reason="counts copies of an id in the SQLite database file")
async def test_the_file_check_counts_new_copies_of_the_id(chat: Chat, db: Database) -> None:
    await _group(chat)
    names = {QUINN.user_id}
    before = count_in_file(checkpoint_and_read(db), names)
    assert before[QUINN.user_id] >= 1  # legitimately in the members table
    async with db.write() as conn:
        await conn.execute(
            elephants.insert().values(
                group_id=1,
                number=9,
                size="little",
                text=f"by {QUINN.user_id}",
                status="open",
                post_after=chat.clock.now,
            )
        )
    after = count_in_file(checkpoint_and_read(db), names)
    assert after[QUINN.user_id] == before[QUINN.user_id] + 1


def test_the_database_drivers_are_quiet_even_at_debug() -> None:
    """The drivers log every statement with its parameters at DEBUG (the membership lookup by
    user id, then the elephant insert), so the app must keep them at WARNING whatever LOG_LEVEL
    says. `anonymous_action` leaves them out of its log check on the strength of this test."""
    names = ", ".join(repr(n) for n in DRIVER_LOGGERS)
    script = (
        "import logging; from bot.app import configure_logging; configure_logging('DEBUG'); "
        f"print(min(logging.getLogger(n).getEffectiveLevel() for n in ({names},)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert int(done.stdout.strip()) >= logging.WARNING
