"""Name the elephant: anonymous, delayed, "I see it too", perspectives, and "you said, we did"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.adapters.console.render import card_text
from bot.cards import Button
from bot.context import Context
from bot.effects import Effect, MessageMember, PostToConversation
from bot.handlers.elephants.cards import show_tags
from bot.handlers.elephants.commands import post_due_elephants
from bot.handlers.elephants.perspectives import reveal_perspectives_at_end
from bot.store import groups, meetings, members
from bot.store.database import Database
from bot.store.elephants import Perspective
from bot.store.schema import elephants as elephants_table
from bot.store.schema import perspectives as perspectives_table
from tests.dialogue import Chat, Outcome, dm, person

FAY = person("Fay")  # facilitator
SAM = person("Sam")
PAT = person("Pat")
LEE = person("Lee")
ROLES = {SAM: "lived-experience", PAT: "professional", LEE: "lived-experience"}


async def _group(chat: Chat) -> None:
    await chat.group_of(FAY, list(ROLES.items()))


async def _rows(db: Database) -> list[dict[str, object]]:
    async with db.read() as conn:
        rows = (await conn.execute(select(elephants_table).order_by(elephants_table.c.id))).all()
    return [dict(r._mapping) for r in rows]


async def _post_due(chat: Chat) -> Outcome:
    effects = await chat.core.run_job(post_due_elephants)
    chat.log.extend(effects)
    return Outcome(effects)


async def _named_and_posted(chat: Chat, text: str = "Decisions are made before we meet") -> Outcome:
    if not chat.log:
        await _group(chat)
    await chat.say(SAM, f"elephant {text}")
    chat.clock.advance(minutes=10)
    return await _post_due(chat)


async def _big_posted(
    chat: Chat, text: str = "Professionals never share their own lives"
) -> Outcome:
    if not chat.log:
        await _group(chat)
    await chat.say(SAM, f"elephant big: {text}")
    chat.clock.advance(minutes=10)
    return await _post_due(chat)


async def _set(db: Database, **values: object) -> None:
    async with db.write() as conn:
        await groups.change(conn, 1, **values)


# -- naming ---------------------------------------------------------------------------------------


async def test_elephant_alone_opens_the_form_that_says_what_is_stored(chat: Chat) -> None:
    await _group(chat)
    outcome = await chat.say(SAM, "elephant")
    (form,) = outcome.forms
    assert form.form_id == "elephant.form"
    assert [i.name for i in form.inputs] == ["text", "size"]
    assert [o.value for o in form.inputs[1].options] == ["little", "big"]
    notes = " ".join(form.notes)
    assert (
        "We store the words and the time. We never store who sent it. "
        "It appears in the channel after a short random delay." in notes
    )
    assert "Little: something one person can name." in notes
    assert "I'll ask every member for their perspective" in notes


async def test_elephant_with_text_stores_a_little_one_with_no_author_and_a_delay(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    outcome = await chat.say(SAM, "elephant We always run out of time for parents")
    assert "It will appear in the channel after a short delay" in outcome.reply
    assert "We never store who sent it." in outcome.reply
    assert "`elephant big: <your words>`" in outcome.reply
    assert not outcome.posts
    (row,) = await _rows(db)
    assert row["text"] == "We always run out of time for parents"
    assert (row["size"], row["status"], row["number"], row["posted_at"]) == (
        "little",
        "open",
        1,
        None,
    )
    delay = row["post_after"] - chat.clock.now  # type: ignore[operator]
    assert timedelta(minutes=2.5) <= delay <= timedelta(minutes=7.5)


@pytest.mark.parametrize("prefix", ["big:", "BIG:", "Big: "])
async def test_big_prefix_names_a_big_one(chat: Chat, db: Database, prefix: str) -> None:
    await _group(chat)
    outcome = await chat.say(SAM, f"elephant {prefix}Nobody asks the parents")
    assert "It's a big one" in outcome.reply
    (row,) = await _rows(db)
    assert (row["size"], row["text"]) == ("big", "Nobody asks the parents")


async def test_the_form_names_little_and_big_elephants(chat: Chat, db: Database) -> None:
    await _group(chat)
    form = (await chat.say(SAM, "elephant")).forms[0]
    await chat.submit(SAM, form, {"text": "one", "size": "little"})
    outcome = await chat.submit(SAM, form, {"text": "two", "size": "big"})
    assert "It's a big one" in outcome.reply
    assert [(r["number"], r["size"], r["text"]) for r in await _rows(db)] == [
        (1, "little", "one"),
        (2, "big", "two"),
    ]


@pytest.mark.parametrize(
    ("values", "field", "phrase"),
    [
        ({"text": "", "size": "little"}, "text", "Your elephant is empty"),
        ({"text": " \n\t ", "size": "big"}, "text", "Your elephant is empty"),
        ({"text": "x" * 1001, "size": "little"}, "text", "the limit is 1,000"),
        ({"text": "fine", "size": "huge"}, "size", "Please choose little or big."),
    ],
)
async def test_elephant_form_mistakes_store_nothing(
    chat: Chat, db: Database, values: dict[str, str], field: str, phrase: str
) -> None:
    await _group(chat)
    form = (await chat.say(SAM, "elephant")).forms[0]
    outcome = await chat.submit(SAM, form, values)
    assert phrase in outcome.form_errors[field]
    assert await _rows(db) == []


async def test_naming_from_a_private_chat_works(chat: Chat, db: Database) -> None:
    await _group(chat)
    outcome = await chat.say(SAM, "elephant The agenda is fixed in advance", where=dm(SAM))
    assert "We never store who sent it." in outcome.reply
    assert len(await _rows(db)) == 1


async def test_someone_not_in_the_group_cannot_name_one_and_is_not_added(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    stranger = person("Stranger")
    outcome = await chat.say(stranger, "elephant hello there")
    assert "I only take them from members of the group" in outcome.reply
    assert "hello there" in outcome.reply  # their text is given back
    async with db.read() as conn:
        assert await members.get(conn, 1, stranger.user_id) is None
    assert await _rows(db) == []


async def test_no_anonymity_delay_is_warned_about_and_posts_at_the_next_run(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    await _set(db, anonymity_delay_minutes=0)
    outcome = await chat.say(SAM, "elephant right now")
    assert "no anonymity delay" in outcome.reply and "timing could hint" in outcome.reply
    form = (await chat.say(SAM, "elephant")).forms[0]
    assert any("no anonymity delay" in note for note in form.notes)
    assert len((await _post_due(chat)).posts) == 1


# -- posting --------------------------------------------------------------------------------------


async def test_post_due_waits_for_the_delay_then_posts_once(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "elephant Decisions are made before we meet")
    chat.clock.advance(minutes=2)
    assert (await _post_due(chat)).effects == []
    chat.clock.advance(minutes=6)
    outcome = await _post_due(chat)
    (post,) = outcome.of(PostToConversation)
    assert isinstance(post, PostToConversation)
    (row,) = await _rows(db)
    assert post.key == f"elephant:{row['id']}"
    text = card_text(post.card)
    assert "Someone has named an elephant (#1, little)" in text
    assert "Decisions are made before we meet" in text
    assert "I see it too: the number shows from 3" in text
    assert [b.label for b in post.card.buttons] == [
        "I see it too",
        "Put on the agenda (facilitators)",
    ]
    assert row["posted_at"] == chat.clock.now
    assert (await _post_due(chat)).effects == []


async def test_a_batch_is_posted_in_random_order(chat: Chat, db: Database) -> None:
    await _group(chat)
    for n in range(6):
        await chat.say(SAM, f"elephant number {n}")
    chat.clock.advance(minutes=10)
    orders = set()
    for seed in range(5):
        async with db.write() as conn:
            await conn.execute(elephants_table.update().values(posted_at=None))
        chat.core.services.rng.seed(seed)  # type: ignore[attr-defined]
        outcome = await _post_due(chat)
        orders.add(tuple(outcome.posts))
        assert len(outcome.posts) == 6
    assert len(orders) > 1


async def test_a_big_elephant_invites_every_member_except_those_with_nudges_off(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    async with db.write() as conn:
        lee = await members.get(conn, 1, LEE.user_id)
        assert lee is not None
        await members.change(conn, lee.id, nudges=False)
    outcome = await _big_posted(chat)
    text = outcome.posts[0]
    assert "Someone has named an elephant (#1, big)" in text
    assert "Add my perspective" in text
    assert {m.user_id for m in outcome.messages} == {FAY.user_id, SAM.user_id, PAT.user_id}
    invite = outcome.messages_to(PAT)[0]
    assert "A big elephant needs your view" in invite
    assert "Professionals never share their own lives" in invite
    assert "it's fine not to answer" in invite


# -- I see it too ---------------------------------------------------------------------------------


async def test_i_see_it_too_counts_once_per_person(chat: Chat) -> None:
    posted = await _named_and_posted(chat)
    key = posted.of(PostToConversation)[0].key  # type: ignore[attr-defined]
    assert "I see it too: the number shows from 3" in posted.posts[0]
    button = posted.button("I see it too")
    first = await chat.press(PAT, button)
    assert "I've counted it for elephant #1, without your name" in first.reply
    assert not first.updates  # the card changes in the sweep, never at the press
    again = await chat.press(PAT, button)
    assert "You've already said you see elephant #1" in again.reply
    assert not again.updates
    await chat.press(LEE, button, where=dm(LEE))
    chat.clock.advance(minutes=1)
    assert not (await _post_due(chat)).updates  # 2 is below k = 3: nothing moves
    third = await chat.press(SAM, button)
    assert not third.updates
    chat.clock.advance(minutes=1)
    swept = await _post_due(chat)
    (update,) = swept.updates
    assert "I see it too: 3" in card_text(update.card)
    assert update.key == key
    assert not (await _post_due(chat)).updates  # once


async def test_a_stranger_pressing_i_see_it_too_is_not_added(chat: Chat, db: Database) -> None:
    posted = await _named_and_posted(chat)
    stranger = person("Stranger")
    outcome = await chat.press(stranger, posted.button("I see it too"))
    assert "I only take them from members of the group" in outcome.reply
    async with db.read() as conn:
        assert await members.get(conn, 1, stranger.user_id) is None


@pytest.mark.parametrize("value", ["1|abc", "1|999", "1|", "1|99999999999999999999"])
async def test_tampered_elephant_buttons_no_longer_work(chat: Chat, value: str) -> None:
    await _named_and_posted(chat)
    outcome = await chat.press(SAM, Button("I see it too", "elephant.see-too", value))
    assert "That button no longer works" in outcome.reply


async def test_a_pending_elephant_cannot_be_reached_by_its_id(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "elephant still waiting")
    (row,) = await _rows(db)
    outcome = await chat.press(PAT, Button("I see it too", "elephant.see-too", f"1|{row['id']}"))
    assert "That button no longer works" in outcome.reply


# -- the list -------------------------------------------------------------------------------------


async def test_elephants_lists_posted_ones_with_counts_not_pending_or_hidden(chat: Chat) -> None:
    await _group(chat)
    assert "No elephants are showing in Parents Forum" in (await chat.say(SAM, "elephants")).reply
    posted = await _named_and_posted(chat, "first one")
    await chat.press(PAT, posted.button("I see it too"))
    await _big_posted(chat, "second one")
    await chat.say(SAM, "elephant third one, still pending")
    await chat.say(SAM, "elephant fourth one")
    chat.clock.advance(minutes=1)
    outcome = await chat.say(LEE, "elephants")
    assert "#1 (little, open): first one  · I see it too: the number shows from 3" in outcome.reply
    second = (
        "#2 (big, open): second one  · I see it too: the number shows from 3 · perspectives: "
        "shown together once 3 have arrived"
    )
    assert second in outcome.reply
    assert "third one" not in outcome.reply and "fourth" not in outcome.reply
    await chat.say(FAY, "elephant 1 hidden")
    assert "first one" not in (await chat.say(LEE, "elephants")).reply


# -- outcomes and moderation ----------------------------------------------------------------------


async def test_addressed_posts_you_said_we_did_with_the_outcome(chat: Chat, db: Database) -> None:
    await _named_and_posted(chat)
    outcome = await chat.say(FAY, "elephant 1 addressed Parents now see the agenda a week ahead")
    (post,) = outcome.posts
    assert "You said, we did" in post
    assert "Elephant #1: Decisions are made before we meet" in post
    assert "Status: addressed" in post
    assert "What was done: Parents now see the agenda a week ahead" in post
    assert "Recorded: elephant #1 is addressed" in outcome.reply
    assert "What was done: Parents now see" in card_text(outcome.updates[0].card)
    (row,) = await _rows(db)
    assert (row["status"], row["outcome"]) == (
        "addressed",
        "Parents now see the agenda a week ahead",
    )
    listed = (await chat.say(SAM, "elephants")).reply
    assert "(little, addressed)" in listed and "What was done: Parents now see" in listed


@pytest.mark.parametrize(("status", "word"), [("discussed", "discussed"), ("parked", "parked")])
async def test_discussed_and_parked_are_posted_too(chat: Chat, status: str, word: str) -> None:
    await _named_and_posted(chat)
    outcome = await chat.say(FAY, f"elephant 1 {status}")
    assert f"Status: {word}" in outcome.posts[0]
    assert "You can add what was done" in outcome.reply


async def test_hidden_is_moderation_and_never_shows_the_text_again(
    chat: Chat, db: Database
) -> None:
    posted = await _named_and_posted(chat, "something unkind about Pat")
    outcome = await chat.say(FAY, "elephant 1 hidden")
    (update,) = outcome.updates
    assert card_text(update.card) == "== Elephant #1 ==\nThis elephant was hidden by a facilitator."
    assert not outcome.posts
    assert "Its words won't be shown again" in outcome.reply
    assert "unkind" not in outcome.text()
    refused = await chat.press(SAM, posted.button("I see it too"))
    assert "hidden by a facilitator" in refused.reply
    again = await chat.say(FAY, "elephant 1 addressed we talked")
    assert "Elephant #1 is hidden. To show it again first, type `elephant 1 open`." in again.reply
    assert not again.posts
    reopened = await chat.say(FAY, "elephant 1 open")
    assert "Elephant #1 is shown again." in reopened.reply
    assert "something unkind" in card_text(reopened.updates[0].card)


async def test_unknown_numbers_are_explained(chat: Chat) -> None:
    await _group(chat)
    await chat.say(SAM, "elephant pending one")
    for line in ("elephant 1 addressed", "elephant 7 parked", "elephant 99999999999999999999 open"):
        outcome = await chat.say(FAY, line)
        assert "There's no elephant #" in outcome.reply
        assert "Type `elephants` to see the numbers." in outcome.reply


async def test_only_facilitators_record_outcomes(chat: Chat, db: Database) -> None:
    await _named_and_posted(chat)
    outcome = await chat.say(SAM, "elephant 1 addressed done")
    assert "Only facilitators can record what was done about an elephant" in outcome.reply
    assert [b.label for b in outcome.cards()[0].buttons] == ["Name a new elephant"]
    assert len(await _rows(db)) == 1
    assert (await _rows(db))[0]["status"] == "open"


async def test_an_outcome_that_is_too_long_is_given_back(chat: Chat, db: Database) -> None:
    await _named_and_posted(chat)
    outcome = await chat.say(FAY, "elephant 1 addressed " + "y" * 501)
    assert "the limit is 500" in outcome.reply
    assert "y" * 501 in outcome.reply
    assert (await _rows(db))[0]["status"] == "open"


# -- perspectives ---------------------------------------------------------------------------------


async def _perspective(chat: Chat, who: object, posted: Outcome, text: str, tag: str = "none"):
    opened = await chat.press(who, posted.button("Add my perspective"))  # type: ignore[arg-type]
    if not opened.forms:
        return opened
    return await chat.submit(who, opened.forms[0], {"text": text, "role_tag": tag})  # type: ignore[arg-type]


async def test_perspectives_wait_for_k_then_are_revealed_together(chat: Chat, db: Database) -> None:
    posted = await _big_posted(chat)
    first = await _perspective(chat, PAT, posted, "I hide behind my job title")
    assert "stored without your name" in first.reply and "once 3 have arrived" in first.reply
    assert "more needed" not in first.reply  # a count below k is never shown
    assert not first.posts
    second = await _perspective(chat, LEE, posted, "I tell my story every time")
    assert not second.posts
    third = await _perspective(chat, FAY, posted, "Facilitating keeps me out of it")
    assert not third.posts and not third.updates  # not the instant the k-th arrives
    assert not (await _post_due(chat)).posts  # the random delay has not passed yet
    chat.clock.advance(minutes=10)
    swept = await _post_due(chat)
    (reveal,) = swept.posts
    assert "Perspectives on elephant #1" in reveal
    for text in ("I hide behind", "I tell my story", "Facilitating keeps"):
        assert text in reveal
    assert "Add my perspective" in card_text(swept.updates[0].card)  # still open
    assert not (await _post_due(chat)).posts  # once
    async with db.read() as conn:
        assert len((await conn.execute(select(perspectives_table))).all()) == 3


async def test_later_perspectives_are_taken_and_shown_in_whole_crowds(chat: Chat) -> None:
    posted = await _big_posted(chat)
    for who, text in ((PAT, "one"), (LEE, "two"), (FAY, "three")):
        await _perspective(chat, who, posted, text)
    chat.clock.advance(minutes=10)
    await _post_due(chat)
    late = await _perspective(chat, SAM, posted, "a later view")
    assert "stored without your name" in late.reply and "3 new ones" in late.reply
    chat.clock.advance(minutes=30)
    assert not (await _post_due(chat)).posts  # one later view is never shown alone
    for n in range(2):
        extra = person(f"Extra {n}")
        await chat.say(extra, "role professional")
        await _perspective(chat, extra, posted, f"extra view {n}")
    chat.clock.advance(minutes=10)
    (more,) = (await _post_due(chat)).posts
    assert "More perspectives on elephant #1" in more
    assert "a later view" in more and "extra view 0" in more and "extra view 1" in more
    assert "• one" not in more and "• three" not in more


async def test_a_second_perspective_from_the_same_person_is_refused(
    chat: Chat, db: Database
) -> None:
    posted = await _big_posted(chat)
    opened = await chat.press(PAT, posted.button("Add my perspective"))
    await chat.submit(PAT, opened.forms[0], {"text": "first"})
    again = await chat.press(PAT, posted.button("Add my perspective"))
    assert "You've already added your perspective on elephant #1" in again.reply
    assert not again.forms
    resubmit = await chat.submit(PAT, opened.forms[0], {"text": "second"})
    assert "it can't be changed" in resubmit.reply
    async with db.read() as conn:
        texts = (await conn.execute(select(perspectives_table.c.text))).scalars().all()
    assert texts == ["first"]


async def test_perspective_form_offers_the_role_tag_only_to_those_with_a_role(
    chat: Chat, db: Database
) -> None:
    posted = await _big_posted(chat)
    form = (await chat.press(PAT, posted.button("Add my perspective"))).forms[0]
    assert [i.name for i in form.inputs] == ["text", "role_tag"]
    assert form.inputs[1].options[0].label == "Tag with my role (professional)"
    no_role = (await chat.press(FAY, posted.button("Add my perspective"))).forms[0]
    assert [i.name for i in no_role.inputs] == ["text"]
    await chat.submit(FAY, no_role, {"text": "mine", "role_tag": "tag"})
    async with db.read() as conn:
        tags = (await conn.execute(select(perspectives_table.c.role_tag))).scalars().all()
    assert tags == [None]


@pytest.mark.parametrize(
    ("text", "phrase"), [("", "Your view is empty"), ("z" * 1001, "the limit is 1,000")]
)
async def test_perspective_mistakes_store_nothing(
    chat: Chat, db: Database, text: str, phrase: str
) -> None:
    posted = await _big_posted(chat)
    form = (await chat.press(PAT, posted.button("Add my perspective"))).forms[0]
    outcome = await chat.submit(PAT, form, {"text": text})
    assert phrase in outcome.form_errors["text"]
    async with db.read() as conn:
        assert (await conn.execute(select(perspectives_table))).all() == []
    retry = await chat.submit(PAT, form, {"text": "now fine"})
    assert "stored without your name" in retry.reply


async def test_little_elephants_take_no_perspectives(chat: Chat) -> None:
    posted = await _named_and_posted(chat)
    see = posted.button("I see it too")
    forged = Button("Add my perspective", "elephant.perspective-form", see.value)
    assert "little elephant" in (await chat.press(PAT, forged)).reply


async def test_role_tags_are_shown_when_every_role_has_k(chat: Chat) -> None:
    posted = await _big_posted(chat)
    await _set(chat.core.db, k=2)  # type: ignore[arg-type]
    await _perspective(chat, SAM, posted, "one", "tag")
    await _perspective(chat, LEE, posted, "two", "tag")
    chat.clock.advance(minutes=10)
    outcome = await _post_due(chat)
    assert "• one (lived experience)" in outcome.posts[0]
    assert "• two (lived experience)" in outcome.posts[0]


async def test_role_tags_are_hidden_when_a_role_would_stand_out(chat: Chat) -> None:
    posted = await _big_posted(chat)
    await _perspective(chat, SAM, posted, "one", "tag")
    await _perspective(chat, LEE, posted, "two", "tag")
    await _perspective(chat, PAT, posted, "three", "tag")
    chat.clock.advance(minutes=10)
    (reveal,) = (await _post_due(chat)).posts
    assert "professional" not in reveal and "lived experience" not in reveal
    assert "Role tags are shown only when at least 3 share each role" in reveal


@pytest.mark.parametrize(
    ("tags", "k", "shown"),
    [
        ([], 3, False),
        ([None, None, None], 3, False),
        (["professional"] * 3, 3, True),
        (["professional"] * 3 + [None], 3, True),
        (["professional"] * 3 + ["lived-experience"], 3, False),
        (["professional"] * 2 + ["lived-experience"] * 2, 2, True),
        (["professional"] * 2, 3, False),
    ],
)
def test_show_tags_rule(tags: list[str | None], k: int, shown: bool) -> None:
    assert show_tags([Perspective("t", tag) for tag in tags], k) is shown


async def _end_meeting(chat: Chat, db: Database) -> Outcome:
    async with db.write() as conn:
        meeting = await meetings.create(conn, 1, chat.clock.now, None, status="open", source="x")

    async def job(ctx: Context) -> list[Effect]:
        return await reveal_perspectives_at_end(ctx, meeting)

    return Outcome(await chat.core.run_job(job, group_id=1))


async def test_meeting_end_says_how_many_have_arrived_but_never_shows_them(
    chat: Chat, db: Database
) -> None:
    posted = await _big_posted(chat)
    await _perspective(chat, PAT, posted, "secret view one")
    await _perspective(chat, LEE, posted, "secret view two")
    outcome = await _end_meeting(chat, db)
    (post,) = outcome.posts
    assert "Elephant #1: perspectives are shown together once 3 have arrived." in post
    assert "2 perspectives" not in post  # a count below k is never shown
    assert "secret view" not in outcome.text()


async def test_meeting_end_reveals_when_k_has_been_reached(chat: Chat, db: Database) -> None:
    posted = await _big_posted(chat)
    await _perspective(chat, PAT, posted, "view one")
    await _perspective(chat, LEE, posted, "view two")
    await _set(db, k=2)
    outcome = await _end_meeting(chat, db)
    assert "Perspectives on elephant #1" in outcome.posts[0]
    assert "view one" in outcome.posts[0] and "view two" in outcome.posts[0]
    chat.clock.advance(minutes=1)
    assert (await _end_meeting(chat, db)).effects == []  # revealed once only


async def test_meeting_end_with_no_big_elephants_posts_nothing(chat: Chat, db: Database) -> None:
    await _named_and_posted(chat)
    chat.clock.advance(minutes=1)
    assert (await _end_meeting(chat, db)).effects == []  # revealed once only


async def test_messages_go_only_to_members(chat: Chat) -> None:
    outcome = await _big_posted(chat)
    assert all(isinstance(m, MessageMember) for m in outcome.messages)
    assert len(outcome.messages) == 4


# -- an outcome or a new elephant? ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("elephant 1 dicussed we talked about it", "`elephant 1 discussed"),
        ("elephant 1 adressed we changed the rota", "`elephant 1 addressed"),
        ("elephant -1 hidden", "There's no elephant #-1"),
    ],
)
async def test_a_mistyped_outcome_is_never_stored_as_an_elephant(
    chat: Chat, db: Database, line: str, phrase: str
) -> None:
    await _named_and_posted(chat)
    for where in (chat.where, dm(FAY)):
        outcome = await chat.say(FAY, line, where=where)
        assert phrase in outcome.reply
        assert line in outcome.reply  # their text comes back
        assert [row["text"] for row in await _rows(db)] == ["Decisions are made before we meet"]
        assert (await _rows(db))[0]["status"] == "open"


async def test_an_elephant_may_still_start_with_a_number(chat: Chat, db: Database) -> None:
    await _group(chat)
    outcome = await chat.say(SAM, "elephant 2021 was a hard year", where=dm(SAM))
    assert "Thank you for naming it" in outcome.reply
    assert [row["text"] for row in await _rows(db)] == ["2021 was a hard year"]


HIDDEN_AGENDAS = "elephant 1 hidden agendas: the commissioners already picked the provider"


async def test_words_after_an_outcome_in_a_direct_message_ask_which_was_meant(
    chat: Chat, db: Database
) -> None:
    await _named_and_posted(chat)
    asked = await chat.say(FAY, HIDDEN_AGENDAS, where=dm(FAY))
    assert "1 hidden agendas: the commissioners already picked the provider" in asked.reply
    assert not asked.posts and not asked.updates
    assert [(row["text"], row["status"]) for row in await _rows(db)] == [
        ("Decisions are made before we meet", "open")
    ]
    named = await chat.press(FAY, asked.button("Name a new elephant"), where=dm(FAY))
    assert "Thank you for naming it" in named.reply
    texts = [row["text"] for row in await _rows(db)]
    assert texts == [
        "Decisions are made before we meet",
        "1 hidden agendas: the commissioners already picked the provider",
    ]
    assert (await _rows(db))[0]["status"] == "open"


async def test_the_outcome_button_records_the_outcome(chat: Chat, db: Database) -> None:
    await _named_and_posted(chat)
    asked = await chat.say(FAY, "elephant 1 addressed we moved the meeting", where=dm(FAY))
    recorded = await chat.press(FAY, asked.button("Elephant #1: addressed"), where=dm(FAY))
    assert "Recorded: elephant #1 is addressed" in recorded.reply
    (row,) = await _rows(db)
    assert (row["status"], row["outcome"]) == ("addressed", "we moved the meeting")


async def test_hidden_with_words_after_it_asks_even_in_the_channel(
    chat: Chat, db: Database
) -> None:
    await _named_and_posted(chat)
    asked = await chat.say(FAY, HIDDEN_AGENDAS)
    assert asked.button("Elephant #1: hidden") and asked.button("Name a new elephant")
    assert (await _rows(db))[0]["status"] == "open"


async def test_a_member_is_told_what_they_can_do_instead(chat: Chat, db: Database) -> None:
    await _named_and_posted(chat)
    for where in (chat.where, dm(SAM)):
        refused = await chat.say(SAM, "elephant 1 discussed", where=where)
        assert "Only facilitators can use `elephant`" not in refused.reply
        assert "Only facilitators can record what was done about an elephant" in refused.reply
        assert "`elephant [what nobody is saying]`" in refused.reply
        assert "elephant 1 discussed" in refused.reply
    asked = await chat.say(SAM, "elephant 1 discussed at length, never decided", where=dm(SAM))
    assert "Only facilitators can record what was done" in asked.reply
    assert "1 discussed at length, never decided" in asked.reply
    named = await chat.press(SAM, asked.button("Name a new elephant"), where=dm(SAM))
    assert "Thank you for naming it" in named.reply
    assert [(row["text"], row["status"]) for row in await _rows(db)] == [
        ("Decisions are made before we meet", "open"),
        ("1 discussed at length, never decided", "open"),
    ]


async def test_words_too_long_for_either_reading_are_handed_back_without_buttons(
    chat: Chat, db: Database
) -> None:
    await _named_and_posted(chat)
    typed = "elephant 1 hidden " + "w" * 1200
    refused = await chat.say(FAY, typed, where=dm(FAY))
    assert "too long" in refused.reply and "w" * 1200 in refused.reply
    assert not any(card.buttons for card in refused.cards())
    assert len(await _rows(db)) == 1
