"""Sharing rounds: held answers, the reciprocity lock, interleaved reveals and the ledger."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import insert, select

from bot import limits
from bot.adapters.console.render import card_text
from bot.cards import Button
from bot.context import Context, Services
from bot.core import Core
from bot.effects import Effect, PostToConversation, UpdatePost
from bot.handlers.meetings.commands import end_meeting
from bot.handlers.rounds import commands as round_handlers
from bot.handlers.rounds.reveal_rules import Sharer, interleave, lock_met, waiting_for
from bot.routing import encode
from bot.store import groups, meetings, members
from bot.store import rounds as store
from bot.store.database import Database
from bot.store.rounds import Counts
from bot.store.schema import prompt_uses, round_answers
from bot.store.schema import rounds as rounds_table
from tests.dialogue import Chat, Outcome, channel, dm, person

FAY, LEE, PAT, SAM = person("Fay"), person("Lee"), person("Pat"), person("Sam")
Job = Callable[[Context], Awaitable[list[Effect]]]
PROMPT = "What is one thing you carry into this room today?"


async def forum(chat: Chat) -> None:
    """Fay (facilitator, professional), Pat (professional), Lee and Sam (lived experience)."""
    await chat.group_of(FAY, [(LEE, "lived-experience"), (PAT, "professional")])
    await chat.say(SAM, "role lived-experience")
    await chat.say(FAY, "role professional")


async def group_id(db: Database, name: str = "general") -> int:
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel(name))
    assert group is not None
    return group.id


async def lock_on(db: Database) -> None:
    gid = await group_id(db)
    async with db.write() as conn:
        await groups.change(conn, gid, reciprocity_lock=True)


async def newest_round(db: Database) -> store.Round:
    async with db.read() as conn:
        query = select(rounds_table).order_by(rounds_table.c.id.desc()).limit(1)
        return store.Round.from_row((await conn.execute(query)).mappings().one())


async def answers(db: Database) -> dict[str, tuple[str, str | None, bool, str | None]]:
    """Display name -> (kind, text, consent, role) for the group's newest round."""
    round_ = await newest_round(db)
    async with db.read() as conn:
        rows = await store.answers(conn, round_.id)
        names = {m.id: m.display_name for m in await members.of_group(conn, round_.group_id)}
    return {names[a.member_id]: (a.kind, a.text, a.consent_summary, a.role) for a in rows}


def reveal_posts(outcome: Outcome) -> list[str]:
    return [
        card_text(e.card)
        for e in outcome.effects
        if isinstance(e, PostToConversation) and (e.key or "").startswith("round-reveal:")
    ]


def card_updates(outcome: Outcome) -> list[str]:
    return [card_text(u.card) for u in outcome.updates if u.key.startswith("round:")]


async def run(core: Core, db: Database, job: Job) -> list[Effect]:
    return await core.run_job(job, group_id=await group_id(db))


# -- opening a round -----------------------------------------------------------------------------


async def test_opening_a_round_posts_the_card_and_invites_everyone(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    outcome = await chat.say(FAY, f"round {PROMPT}")
    assert "The round is open" in outcome.reply
    assert "I started one" in outcome.reply  # there was no meeting
    posts = [e for e in outcome.effects if isinstance(e, PostToConversation)]
    assert len(posts) == 1
    round_ = await newest_round(db)
    assert posts[0].key == f"round:{round_.id}"
    card = outcome.posts[0]
    for phrase in (PROMPT, "professionals too", "not even facilitators", "0 of 4 have answered"):
        assert phrase in card
    assert [b.label for b in posts[0].card.buttons] == ["Share", "Pass"]
    for who in (FAY, LEE, PAT, SAM):
        [message] = outcome.messages_to(who)
        assert PROMPT in message and "[1] Share" in message and "[2] Pass" in message
    assert round_.status == "open" and round_.meeting_id is not None


async def test_a_round_uses_the_current_meeting(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, "meeting start")
    outcome = await chat.say(FAY, "round How was your week?")
    assert "I started one" not in outcome.reply
    async with db.read() as conn:
        current = await meetings.current(conn, await group_id(db))
    assert current is not None and (await newest_round(db)).meeting_id == current.id


async def test_a_second_round_while_one_is_open_is_refused(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    outcome = await chat.say(FAY, "round Another question")
    assert "A round is already open" in outcome.reply
    assert "`round reveal`" in outcome.reply and "`round close`" in outcome.reply
    assert "Another question" in outcome.reply  # their text back
    assert not outcome.posts


async def test_a_prompt_that_is_too_long_is_refused_with_the_text_back(chat: Chat) -> None:
    await forum(chat)
    long_prompt = "why " * 100
    outcome = await chat.say(FAY, f"round {long_prompt}")
    assert f"the limit is {limits.ROUND_PROMPT}" in outcome.reply
    assert "why why why" in outcome.reply
    assert not outcome.posts


async def test_members_cannot_open_rounds(chat: Chat) -> None:
    await forum(chat)
    outcome = await chat.say(LEE, f"round {PROMPT}")
    assert "Only facilitators" in outcome.reply and not outcome.posts


async def test_library_prompts_do_not_repeat_until_all_are_used(
    chat: Chat, db: Database, services: Services
) -> None:
    await forum(chat)
    gid = await group_id(db)
    async with db.write() as conn:  # a check-in use, which a round reset must leave alone
        await conn.execute(
            insert(prompt_uses).values(
                group_id=gid, kind="checkin", prompt_id="checkin-01", used_at=chat.clock.now
            )
        )
    library = {p.text for p in services.prompts.round}
    seen: list[str] = []
    for _ in library:
        await chat.say(FAY, "round")
        seen.append((await newest_round(db)).prompt)
        await chat.say(FAY, "round close")
    assert sorted(seen) == sorted(library)
    await chat.say(FAY, "round")
    assert (await newest_round(db)).prompt in library
    async with db.read() as conn:
        rows = (await conn.execute(select(prompt_uses.c.kind))).all()
    assert Counter(row.kind for row in rows) == {"round": 1, "checkin": 1}


# -- answering -----------------------------------------------------------------------------------


async def test_share_by_command_asks_for_consent_and_defaults_to_no(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    outcome = await chat.say(LEE, "share My son had a hard night")
    assert "your answer is held" in outcome.reply
    assert "May your words also appear in the meeting summary?" in outcome.reply
    yes = outcome.button("Yes, my words may appear in the summary")
    no = outcome.button("No, keep them out")
    assert (await answers(db))["Lee"] == (
        "share",
        "My son had a hard night",
        False,
        "lived-experience",
    )
    flipped = await chat.press(LEE, yes)
    assert "may appear in the meeting summary" in flipped.reply
    assert (await answers(db))["Lee"][2] is True
    flipped = await chat.press(LEE, no)
    assert "stay out of the meeting summary" in flipped.reply
    assert (await answers(db))["Lee"][2] is False


async def test_the_count_updates_and_never_names_anyone(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    first = await chat.say(LEE, "share Tired but here")
    [update] = first.updates
    assert isinstance(update, UpdatePost) and update.key.startswith("round:")
    assert "1 of 4 has answered" in card_text(update.card)
    second = await chat.say(PAT, "pass")
    [text] = card_updates(second)
    assert "2 of 4 have answered" in text
    for name in ("Fay", "Lee", "Pat", "Sam"):
        assert name not in text
    assert "not responded" not in text.lower()


async def test_answers_are_held_from_everyone_until_the_reveal(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share SECRET-WORDS-ONE")
    await chat.say(PAT, "share SECRET-WORDS-TWO")
    await chat.say(FAY, "pass")
    held = "\n".join(card_text(c) for c in Outcome(chat.log).cards())
    # Lee's and Pat's words appear nowhere: not in posts, updates, or any reply (even Fay's).
    assert "SECRET-WORDS" not in held
    revealed = await chat.say(SAM, "pass")
    [post] = reveal_posts(revealed)
    assert "Lee: SECRET-WORDS-ONE" in post and "Pat: SECRET-WORDS-TWO" in post
    assert "2 people passed — passing is always fine." in post
    assert "Fay" not in post and "Sam" not in post  # passes are a number, never names


async def test_share_alone_opens_the_form_and_the_form_stores_consent(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    outcome = await chat.say(SAM, "share")
    [form] = outcome.forms
    assert form.form_id == "round.share"
    assert "the group will see it with your name" in form.intro
    consent = next(i for i in form.inputs if i.name == "consent")
    assert not consent.optional and {o.value for o in consent.options} == {"yes", "no"}
    done = await chat.submit(SAM, form, {"text": "Glad to be here", "consent": "yes"})
    assert "Your words may appear in the meeting summary." in done.reply
    assert (await answers(db))["Sam"][:3] == ("share", "Glad to be here", True)
    again = await chat.say(SAM, "share")  # the form comes back filled in, to change it
    [form] = again.forms
    assert [i.initial for i in form.inputs] == ["Glad to be here", "yes"]


@pytest.mark.parametrize(
    ("values", "field", "phrase"),
    [
        ({"text": "   ", "consent": "yes"}, "text", "empty"),
        ({"text": "x" * (limits.SHARE + 1), "consent": "no"}, "text", "too long"),
        ({"text": "Fine words"}, "consent", "Please choose whether your words"),
        ({"text": "Fine words", "consent": "maybe"}, "consent", "Please choose"),
    ],
)
async def test_the_share_form_rejects_and_keeps_what_was_typed(
    chat: Chat, db: Database, values: dict[str, str], field: str, phrase: str
) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    [form] = (await chat.say(SAM, "share")).forms
    outcome = await chat.submit(SAM, form, values)
    assert phrase in outcome.form_errors[field]
    assert not outcome.replies and "Sam" not in await answers(db)


async def test_a_share_that_is_too_long_is_refused_with_the_text_back(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    words = "long story " * 200
    outcome = await chat.say(LEE, f"share {words}")
    assert f"the limit is {limits.SHARE:,}" in outcome.reply
    assert "long story long story" in outcome.reply
    assert await answers(db) == {}


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("share something", "There's no round open right now"),
        ("share", "There's no round open right now"),
        ("pass", "There's no round open right now"),
        ("round reveal", "There's no round open to reveal"),
        ("round close", "There's no round open to close"),
    ],
)
async def test_answering_or_steering_with_no_round(chat: Chat, line: str, phrase: str) -> None:
    await forum(chat)
    outcome = await chat.say(FAY, line)
    assert phrase in outcome.reply


async def test_passing_twice_is_a_kind_no(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    first = await chat.say(PAT, "pass")
    assert "Passing is always fine" in first.reply
    second = await chat.say(PAT, "pass")
    assert "You've already passed on this round" in second.reply
    assert "`share`" in second.reply and not second.updates


async def test_answers_can_change_until_the_reveal(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(PAT, "pass")
    changed = await chat.say(PAT, "share Actually, my dad is ill")
    assert "replaces your pass" in changed.reply
    assert (await answers(db))["Pat"][:2] == ("share", "Actually, my dad is ill")
    updated = await chat.say(PAT, "share My dad is ill and I am worried")
    assert "Your answer is updated" in updated.reply
    back = await chat.say(PAT, "pass")
    assert "Your share is removed" in back.reply
    assert (await answers(db))["Pat"][:2] == ("pass", None)


async def test_the_role_is_recorded_when_answering(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share Hello")
    await chat.say(LEE, "role professional")
    assert (await answers(db))["Lee"][3] == "lived-experience"
    nia = person("Nia")  # types in the channel, so joins, but has not said a role
    await chat.say(nia, "pass")
    assert (await answers(db))["Nia"][3] is None


# -- buttons -------------------------------------------------------------------------------------


async def test_the_buttons_open_the_form_and_pass(chat: Chat, db: Database) -> None:
    await forum(chat)
    opened = await chat.say(FAY, f"round {PROMPT}")
    share, pass_ = opened.button("Share"), opened.button("Pass")
    [form] = (await chat.press(LEE, share, where=dm(LEE))).forms
    done = await chat.submit(LEE, form, {"text": "From my phone", "consent": "no"}, where=dm(LEE))
    assert "stay out of the meeting summary" in done.reply
    passed = await chat.press(PAT, pass_)
    assert "you've passed" in passed.reply
    assert {k: v[0] for k, v in (await answers(db)).items()} == {"Lee": "share", "Pat": "pass"}


async def test_someone_from_another_group_cannot_press_the_buttons(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    opened = await chat.say(FAY, f"round {PROMPT}")
    oli = person("Oli")
    await chat.say(oli, "setup Other Group", where=channel("other"))
    for label in ("Share", "Pass"):
        outcome = await chat.press(oli, opened.button(label), where=channel("other"))
        assert "You're not a member of Parents Forum" in outcome.reply
        assert not outcome.forms and not outcome.updates
    # A button of their own group pointing at this group's round is refused too.
    other = await group_id(db, "other")
    round_ = await newest_round(db)
    forged = Button("Pass", "round.pass", encode(other, str(round_.id)))
    outcome = await chat.press(oli, forged, where=channel("other"))
    assert "That round has closed" in outcome.reply
    assert await answers(db) == {}


async def test_buttons_of_a_closed_round_say_so(chat: Chat) -> None:
    await forum(chat)
    opened = await chat.say(FAY, f"round {PROMPT}")
    await chat.say(FAY, "round close")
    for label in ("Share", "Pass"):
        outcome = await chat.press(LEE, opened.button(label))
        assert "That round has closed, so it no longer takes answers" in outcome.reply


async def test_consent_without_a_share_is_explained(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    shared = await chat.say(LEE, "share Hello")
    outcome = await chat.press(PAT, shared.button("Yes, my words may appear in the summary"))
    assert "You haven't shared in that round" in outcome.reply


# -- revealing -----------------------------------------------------------------------------------


async def test_facilitator_reveal_and_its_refusals(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(PAT, "pass")
    nothing = await chat.say(FAY, "round reveal")
    assert "Nobody has shared yet, so there's nothing to reveal" in nothing.reply
    assert "`round close`" in nothing.reply
    await chat.say(LEE, "share Here we go")
    revealed = await chat.say(FAY, "round reveal")
    assert "Revealed." in revealed.reply
    [post] = reveal_posts(revealed)
    assert "Lee: Here we go" in post and "1 person passed" in post
    assert "revealed" in card_updates(revealed)[0]
    again = await chat.say(FAY, "round reveal")
    assert "already been revealed" in again.reply and not again.posts


async def test_everyone_answering_reveals_by_itself(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    for who in (FAY, LEE, PAT):
        outcome = await chat.say(who, f"share words of {who.display_name}")
        assert not reveal_posts(outcome)
    last = await chat.say(SAM, "share words of Sam")
    [post] = reveal_posts(last)
    assert "Everyone has answered" in post
    assert all(f"{n}: words of {n}" in post for n in ("Fay", "Lee", "Pat", "Sam"))
    assert (await newest_round(db)).status == "revealed"


async def test_everyone_passing_is_fine(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    for who in (FAY, LEE, PAT):
        await chat.say(who, "pass")
    last = await chat.say(SAM, "pass")
    [post] = reveal_posts(last)
    assert "Nobody shared this time — and that's fine." in post
    assert "4 people passed" in post


async def test_revealed_answers_are_interleaved_by_role(chat: Chat) -> None:
    people = [person(n) for n in ("Ann", "Bea", "Cal", "Dee", "Eve")]
    roles = ["lived-experience"] * 3 + ["professional"] * 2
    await chat.group_of(FAY, list(zip(people, roles, strict=True)))
    await chat.say(FAY, "role professional")
    role_of = {p.display_name: r for p, r in zip(people, roles, strict=True)}
    role_of["Fay"] = "professional"
    await chat.say(FAY, f"round {PROMPT}")
    last = Outcome([])
    for who in [*people, FAY]:
        last = await chat.say(who, f"share from {who.display_name}")
    [post] = reveal_posts(last)
    order = [line.split(":")[0] for line in post.splitlines() if ": from " in line]
    assert sorted(order) == sorted(role_of)
    assert all(role_of[a] != role_of[b] for a, b in itertools.pairwise(order))


def _possible(counts: Counter[str]) -> bool:
    total = sum(counts.values())
    return max(counts.values()) <= total - max(counts.values()) + 1


@pytest.mark.parametrize("seed", range(40))
def test_interleave_avoids_neighbours_of_one_role_whenever_it_can(seed: int) -> None:
    rng = random.Random(seed)
    classes = ["lived-experience", "professional", "both", "other"]
    roles = [rng.choice(classes[: rng.randint(1, 4)]) for _ in range(rng.randint(1, 12))]
    items = list(range(len(roles)))
    ordered = interleave(items, dict(enumerate(roles)), rng)
    assert sorted(ordered) == items
    adjacent_same = any(roles[a] == roles[b] for a, b in itertools.pairwise(ordered))
    if _possible(Counter(roles)):
        assert not adjacent_same


async def test_late_shares_after_the_reveal_are_added_for_everyone(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share First words")
    await chat.say(PAT, "pass")
    await chat.say(FAY, "round reveal")
    late = await chat.say(SAM, "share Sorry I was late")
    assert "added to the round for everyone to see" in late.reply
    assert any("Sam: Sorry I was late" in p for p in late.posts)
    assert "3 of 4 have answered" in card_updates(late)[0]
    changed_mind = await chat.say(PAT, "share Now I will")  # a pass may become a late share
    assert any("Pat: Now I will" in p for p in changed_mind.posts)
    for line in ("share Changing it", "pass", "share"):
        refused = await chat.say(LEE, line)
        assert "already been shown to the group" in refused.reply
    assert (await answers(db))["Lee"][1] == "First words"


async def test_closing_without_a_reveal_keeps_the_answers_private_for_good(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share Private words")
    await chat.say(PAT, "pass")
    closed = await chat.say(FAY, "round close")
    assert "without a reveal" in closed.reply and "stay private" in closed.reply
    assert "`round reveal` would have shown them" in closed.reply
    assert "closed without being revealed" in card_updates(closed)[0]
    assert "Private words" not in Outcome(chat.log).text()
    assert (await answers(db))["Lee"][:3] == ("share", None, False)
    round_ = await newest_round(db)
    async with db.read() as conn:
        ledger = await store.round_ledger(conn, round_.id)
    assert ledger == {
        "lived-experience": Counts(shared=1, passed=0, silent=1),
        "professional": Counts(shared=0, passed=1, silent=1),
    }
    consent = Button("Yes", "round.consent", encode(round_.group_id, f"{round_.id}:yes"))
    gone = await chat.press(LEE, consent)
    assert "closed without a reveal" in gone.reply


async def test_closing_a_revealed_round_and_opening_the_next(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share Hi")
    await chat.say(FAY, "round reveal")
    closed = await chat.say(FAY, "round close")
    assert "Late answers are no longer taken" in closed.reply
    await chat.say(FAY, "round One more")
    await chat.say(LEE, "share Hi again")
    await chat.say(FAY, "round reveal")
    nxt = await chat.say(FAY, "round And another")  # a revealed round is closed by the next
    assert "previous round, already revealed, is now closed" in nxt.reply
    assert any("closed" in t for t in card_updates(nxt))
    async with db.read() as conn:
        statuses = [r.status for r in await store.unfinished(conn, await group_id(db))]
    assert statuses == ["open"]


# -- the reciprocity lock ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sharers", "expected"),
    [
        ([], "a professional and someone with lived experience"),
        ([("lived-experience", 1)], "waiting for a professional to share"),
        ([("professional", 1)], "waiting for someone with lived experience to share"),
        ([("both", 1)], "one more person"),
        ([("prefer-not-to-say", 1), (None, 2)], "a professional and someone"),
        ([("both", 1), ("professional", 2)], ""),
        # People who are "both" count on each side only beside someone who is not: two of them
        # alone are not a professional and someone with lived experience sharing.
        ([("both", 1), ("both", 2)], "one more person"),
        ([("both", 1), ("both", 2), ("both", 3)], "one more person"),
        ([("both", 1), ("lived-experience", 2)], ""),
        ([("both", 1), ("both", 2), ("lived-experience", 3)], ""),
        ([("lived-experience", 1), ("professional", 2)], ""),
    ],
)
def test_what_the_lock_waits_for(sharers: list[tuple[str | None, int]], expected: str) -> None:
    found = [Sharer(member_id, role) for role, member_id in sharers]
    assert lock_met(found) is (expected == "")
    assert expected in waiting_for(found)


async def test_the_lock_holds_each_kind_of_reveal_until_both_sides_share(
    chat: Chat, db: Database
) -> None:
    """The demo: a professional passes at first; the lock holds; they share; the reveal comes."""
    await forum(chat)
    await lock_on(db)
    opened = await chat.say(FAY, f"round {PROMPT}")
    assert "reciprocity lock is on" in opened.reply
    assert "reciprocity lock is on" in opened.posts[0]
    await chat.say(LEE, "share Bath time is hard at the moment")
    waiting = await chat.say(FAY, "round reveal")
    assert "waiting for a professional to share" in waiting.reply
    assert "Lee" not in waiting.reply and not waiting.posts
    await chat.say(SAM, "share I slept badly")
    await chat.say(FAY, "pass")
    everyone = await chat.say(PAT, "pass")
    assert not reveal_posts(everyone)  # everyone answered, but no professional shared
    [card] = card_updates(everyone)
    assert "Everyone has answered. The answers are held, waiting for a professional" in card
    ended = await run(chat.core, db, _end_current)
    held = [card_text(e.card) for e in ended if isinstance(e, PostToConversation)]
    assert any("still held" in t and "waiting for a professional to share" in t for t in held)
    assert not any("Bath time" in t for t in held)
    assert (await newest_round(db)).status == "open"
    revealed = await chat.say(PAT, "share My own mum is in hospital this week")
    [post] = reveal_posts(revealed)
    assert "Pat: My own mum is in hospital this week" in post
    assert "Lee: Bath time is hard at the moment" in post


async def test_two_people_who_are_both_do_not_open_the_lock_and_the_card_says_what_did(
    chat: Chat, db: Database
) -> None:
    """With only "both" sharing, no professional and nobody with lived experience alone has
    shared: the lock holds. When it opens, the round card says who opened it, by role."""
    await forum(chat)
    await lock_on(db)
    await chat.say(LEE, "role both")
    await chat.say(PAT, "role both")
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share Both hats today")
    held = await chat.say(PAT, "share Me too")
    assert not reveal_posts(held)
    refused = await chat.say(FAY, "round reveal")
    assert "still held" in refused.reply and "one more person" in refused.reply
    assert (await newest_round(db)).status == "open"
    await chat.say(SAM, "share Tired but here")
    opened = await chat.say(FAY, "round reveal")
    assert reveal_posts(opened)
    [card] = card_updates(opened)
    assert (
        "The reciprocity lock opened when someone with lived experience and someone who is "
        "both had shared." in card
    )


async def test_the_card_says_a_professional_and_lived_experience_opened_the_lock(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await lock_on(db)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share Hi")
    await chat.say(PAT, "share Hello")
    revealed = await chat.say(FAY, "round reveal")
    [card] = card_updates(revealed)
    assert (
        "The reciprocity lock opened when a professional and someone with lived experience "
        "had shared." in card
    )


async def test_without_the_lock_the_card_says_nothing_about_it(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share Hi")
    revealed = await chat.say(FAY, "round reveal")
    [card] = card_updates(revealed)
    assert "reciprocity lock" not in card


async def test_the_lock_waits_for_lived_experience_too(chat: Chat, db: Database) -> None:
    await forum(chat)
    await lock_on(db)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(PAT, "share Work is a lot")
    waiting = await chat.say(FAY, "round reveal")
    assert "waiting for someone with lived experience to share" in waiting.reply
    await chat.say(LEE, "share Same here")
    assert reveal_posts(await chat.say(FAY, "round reveal"))


# -- the end of a meeting ------------------------------------------------------------------------


async def _end_current(ctx: Context) -> list[Effect]:
    current = await meetings.current(ctx.conn, ctx.require_group().id)
    assert current is not None
    return await end_meeting(ctx, current)


async def test_meeting_end_reveals_and_closes_the_round(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share End of the day words")
    ended = await chat.say(FAY, "meeting end")
    [post] = reveal_posts(ended)
    assert "The meeting has ended, so here are the answers" in post
    assert "Lee: End of the day words" in post
    assert (await newest_round(db)).status == "closed"
    assert any("now closed" in t for t in card_updates(ended))


async def test_meeting_end_closes_a_round_nobody_shared_in(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "pass")
    ended = await chat.say(FAY, "meeting end")
    assert not reveal_posts(ended)
    assert "Nobody shared this time — and that's fine." in card_updates(ended)[0]
    assert (await newest_round(db)).status == "closed"


async def test_a_held_round_is_reported_with_the_meeting_where_it_finishes(
    chat: Chat, db: Database, core: Core
) -> None:
    await forum(chat)
    await lock_on(db)
    await chat.say(FAY, f"round {PROMPT}")
    first = (await newest_round(db)).meeting_id
    await chat.say(LEE, "share Held over")
    await chat.say(FAY, "meeting end")
    assert (await newest_round(db)).meeting_id == first
    chat.clock.advance(days=7)
    await chat.say(FAY, "meeting start")
    await chat.say(PAT, "share Finally")
    await chat.say(FAY, "round reveal")
    second = (await newest_round(db)).meeting_id
    assert second != first
    ended = await chat.say(FAY, "meeting end")
    assert (await newest_round(db)).status == "closed" and ended.reply


# -- what the summary reads ----------------------------------------------------------------------


async def test_ledger_and_rounds_of_meeting(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    shared = await chat.say(LEE, "share Consented words")
    await chat.press(LEE, shared.button("Yes, my words may appear in the summary"))
    await chat.say(FAY, "share Private to the room")
    await chat.say(PAT, "pass")
    nia = person("Nia")
    await chat.say(nia, "pass")
    round_ = await newest_round(db)
    async with db.read() as conn:
        before = await store.rounds_of_meeting(conn, round_.meeting_id or 0)
    assert before[0].shares == () and not before[0].revealed  # held: nothing yet
    await chat.say(FAY, "round reveal")
    async with db.read() as conn:
        ledger = await store.round_ledger(conn, round_.id)
        [report] = await store.rounds_of_meeting(conn, round_.meeting_id or 0)
    assert ledger == {
        "lived-experience": Counts(shared=1, passed=0, silent=1),
        "not-said": Counts(shared=0, passed=1, silent=0),
        "professional": Counts(shared=1, passed=1, silent=0),
    }
    assert report.prompt == PROMPT and report.status == "revealed" and report.revealed
    assert report.shares == ("Consented words",)
    assert report.ledger == ledger


async def test_round_answers_never_hold_a_silent_member(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "pass")
    async with db.read() as conn:
        rows = (await conn.execute(select(round_answers.c.kind))).all()
    assert [r.kind for r in rows] == ["pass"]


async def test_closing_rounds_at_meeting_end_is_safe_to_run_twice(
    chat: Chat, db: Database, core: Core
) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(LEE, "share Once only")
    round_ = await newest_round(db)

    async def twice(ctx: Context) -> list[Effect]:
        meeting = await meetings.get(ctx.conn, round_.meeting_id or 0)
        assert meeting is not None
        first = await round_handlers.close_rounds_at_end(ctx, meeting)
        return first + await round_handlers.close_rounds_at_end(ctx, meeting)

    effects = await run(core, db, twice)
    reveals = [e for e in effects if isinstance(e, PostToConversation)]
    assert len(reveals) == 1 and "Once only" in card_text(reveals[0].card)
