"""The agenda: adding (openly, anonymously, by form, from an elephant), the facilitators' changes,
carrying on at a meeting's end, and the check-in and summary that carry it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import limits
from bot.adapters.console.render import card_text
from bot.cards import Form
from bot.effects import SendFileToActor
from bot.events import Command
from bot.handlers.agenda.cards import agenda_card
from bot.handlers.elephants.commands import post_due_elephants
from bot.identity import Who
from bot.store.database import Database
from bot.store.schema import agenda_authors, agenda_items
from tests.dialogue import Chat, Outcome, count, dm, person

FAY = person("Fay")  # facilitator
SAM = person("Sam")
PAT = person("Pat")
STRANGER = person("Stranger")


async def _group(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])


async def _items(db: Database) -> list[dict[str, object]]:
    async with db.read() as conn:
        rows = (await conn.execute(select(agenda_items).order_by(agenda_items.c.id))).all()
    return [dict(r._mapping) for r in rows]


async def _agenda(chat: Chat, who: Who = SAM) -> str:
    return (await chat.say(who, "agenda")).reply


async def _three(chat: Chat) -> None:
    await _group(chat)
    for words in ("Transport costs", "Respite hours", "The new form"):
        await chat.say(SAM, f"agenda add {words}")


# -- adding ---------------------------------------------------------------------------------------


async def test_adding_with_a_name_shows_it_numbered_for_the_next_meeting(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    added = await chat.say(SAM, "agenda add Transport costs for parents")
    assert "Added to the agenda for the next meeting, as item 1, with your name." in added.reply
    shown = await _agenda(chat, PAT)
    assert "Agenda for the next meeting" in shown
    assert "1. Transport costs for parents (added by Sam)" in shown
    assert await count(db, agenda_authors) == 1


async def test_the_agenda_names_the_scheduled_meeting(chat: Chat) -> None:
    await _group(chat)
    await chat.say(FAY, "schedule weekly tue 10:00 90m")
    await chat.say(SAM, "agenda add Transport costs")
    assert "Agenda for the meeting on Tuesday" in await _agenda(chat)


async def test_an_empty_agenda_says_how_to_add(chat: Chat) -> None:
    await _group(chat)
    shown = await _agenda(chat)
    assert "Nothing on the agenda yet." in shown
    assert "`agenda add <what to talk about>`" in shown


async def test_papers_link_is_checked_and_shown_on_its_own_line(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "agenda add Budget report papers: https://example.org/budget.pdf.")
    (row,) = await _items(db)
    assert (row["text"], row["papers"]) == ("Budget report", "https://example.org/budget.pdf")
    assert "    Papers: https://example.org/budget.pdf" in await _agenda(chat)


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("javascript:alert(1)", "starting with https://"),
        ("https://trusted.org@evil.example/x", "an @ sign"),
        ("https://example.org/a b", "spaces or characters"),
        ("https://example.org/<b>", "spaces or characters"),
        ("https://example.org/a_", "can't show safely"),
        ("www.example.org", "starting with https://"),
        ("https://" + "a" * limits.PAPERS_LINK, "the limit is 500"),
    ],
)
async def test_a_bad_papers_link_is_refused_and_nothing_is_stored(
    chat: Chat, db: Database, link: str, says: str
) -> None:
    await _group(chat)
    refused = await chat.say(SAM, f"agenda add Budget report papers: {link}")
    assert says in refused.reply
    assert "Budget report" in refused.reply  # their words handed back
    assert await _items(db) == []


async def test_empty_and_too_long_items_are_refused_and_handed_back(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    empty = await chat.say(SAM, "agenda add papers: https://example.org")
    assert "Your agenda item is empty" in empty.reply
    long = "word " * 100
    refused = await chat.say(SAM, f"agenda add {long}")
    assert f"the limit is {limits.AGENDA_ITEM}" in refused.reply
    assert "word word" in refused.reply
    assert await _items(db) == []


async def test_agenda_add_alone_opens_the_form(chat: Chat, db: Database) -> None:
    await _group(chat)
    (form,) = (await chat.say(SAM, "agenda add")).forms
    assert [i.name for i in form.inputs] == ["text", "papers", "name"]
    assert form.inputs[2].initial == "named"
    named = await chat.submit(SAM, form, {"text": "Respite", "papers": "", "name": "named"})
    assert "with your name" in named.reply
    anon = await chat.submit(PAT, form, {"text": "Power", "papers": "", "name": "anonymous"})
    assert "without your name" in anon.reply
    rows = await _items(db)
    assert [r["text"] for r in rows] == ["Respite", "Power"]
    assert await count(db, agenda_authors) == 1


async def test_form_mistakes_store_nothing_and_say_which_field(chat: Chat, db: Database) -> None:
    await _group(chat)
    (form,) = (await chat.say(SAM, "agenda add")).forms
    empty = await chat.submit(SAM, form, {"text": " ", "name": "named"})
    assert "empty" in empty.form_errors["text"]
    bad = await chat.submit(SAM, form, {"text": "Budget", "papers": "ftp://x", "name": "named"})
    assert "https://" in bad.form_errors["papers"]
    unsure = await chat.submit(SAM, form, {"text": "Budget", "name": "maybe"})
    assert "name" in unsure.form_errors
    assert await _items(db) == []


async def test_the_add_button_opens_the_form(chat: Chat) -> None:
    await _group(chat)
    shown = await chat.say(SAM, "agenda")
    opened = await chat.press(SAM, shown.button("Add an item"))
    assert opened.forms[0].title == "Add to the agenda"


async def test_anonymous_items_have_no_author_and_wait_for_the_delay(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    added = await chat.say(SAM, "agenda add anonymously Nobody reads our feedback", where=dm(SAM))
    assert "without your name" in added.reply
    assert "We never store who added them." in added.reply
    (row,) = await _items(db)
    assert row["position"] is None
    assert await count(db, agenda_authors) == 0
    delay = row["shown_from"] - chat.clock.now  # type: ignore[operator]
    assert timedelta(minutes=2.5) <= delay <= timedelta(minutes=7.5)
    assert "Nobody reads" not in await _agenda(chat, FAY)
    chat.clock.advance(minutes=8)
    assert "1. Nobody reads our feedback (added anonymously)" in await _agenda(chat, FAY)


@pytest.mark.parametrize("word", ["anon", "anonymously:", "anonymous:", "ANON"])
async def test_every_way_of_saying_anonymously(chat: Chat, db: Database, word: str) -> None:
    await _group(chat)
    await chat.say(SAM, f"agenda add {word} Power imbalance", where=dm(SAM))
    (row,) = await _items(db)
    assert row["text"] == "Power imbalance"
    assert await count(db, agenda_authors) == 0


async def test_anonymous_feedback_without_a_colon_is_an_ordinary_item(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    await chat.say(SAM, "agenda add anonymous feedback forms")
    (row,) = await _items(db)
    assert row["text"] == "anonymous feedback forms"
    assert await count(db, agenda_authors) == 1


async def test_anonymous_typed_in_the_open_is_refused(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "role lived-experience")
    typed = Command(SAM, chat.where, "agenda add anon Power imbalance", seen_by_others=True)
    outcome = Outcome(await chat.core.handle(typed))
    assert "could not stay anonymous" in outcome.reply
    assert "Power imbalance" in outcome.reply
    assert await _items(db) == []


async def test_anonymous_with_no_words_opens_the_form_set_to_anonymous(chat: Chat) -> None:
    await _group(chat)
    (form,) = (await chat.say(SAM, "agenda add anon", where=dm(SAM))).forms
    assert form.inputs[2].initial == "anonymous"


async def test_a_stranger_cannot_add_anonymously_and_is_not_made_a_member(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    refused = await chat.say(STRANGER, "agenda add anon Power imbalance")
    assert "only take them from members" in refused.reply
    assert await _items(db) == []


async def test_outside_a_group(chat: Chat) -> None:
    outcome = await chat.say(SAM, "agenda add Transport")
    assert "isn't a co-production group yet" in outcome.reply
    private = await chat.say(SAM, "agenda", where=dm(SAM))
    assert "You're not in a co-production group yet" in private.reply


async def test_the_agenda_has_room_for_a_limited_number(chat: Chat, db: Database) -> None:
    await _group(chat)
    for n in range(limits.AGENDA_ITEMS):
        await chat.say(SAM, f"agenda add Item {n}")
    full = await chat.say(SAM, "agenda add One more thing to talk about")
    assert "as many as I keep" in full.reply
    assert "One more thing" in full.reply
    assert len(await _items(db)) == limits.AGENDA_ITEMS


# -- facilitators' changes ------------------------------------------------------------------------


async def test_move_to_a_place_and_up(chat: Chat) -> None:
    await _three(chat)
    moved = await chat.say(FAY, "agenda move 3 1")
    assert "Moved “The new form” to place 1." in moved.reply
    assert "1. The new form" in moved.reply and "2. Transport costs" in moved.reply
    up = await chat.say(FAY, "agenda move 3 up")
    assert "2. Respite hours" in up.reply and "3. Transport costs" in up.reply


async def test_merge_keeps_both_words_under_the_first(chat: Chat, db: Database) -> None:
    await _three(chat)
    merged = await chat.say(FAY, "agenda merge 1 3")
    assert "Merged “The new form” into “Transport costs”." in merged.reply
    shown = await _agenda(chat)
    assert "1. Transport costs (added by Sam)\n    With: The new form (added by Sam)" in shown
    assert "2. Respite hours" in shown
    refused = await chat.say(FAY, "agenda merge 2 2")
    assert "two different items" in refused.reply


async def test_defer_moves_an_item_to_the_meeting_after_and_move_brings_it_back(
    chat: Chat,
) -> None:
    await _three(chat)
    deferred = await chat.say(FAY, "agenda defer 1")
    assert "to the meeting after the next one" in deferred.reply
    shown = await _agenda(chat)
    assert "1. Respite hours" in shown
    assert "Deferred to the meeting after\n3. Transport costs" in shown
    again = await chat.say(FAY, "agenda defer 3")
    assert "already deferred" in again.reply
    back = await chat.say(FAY, "agenda move 3 1")
    assert "It is back on the next agenda." in back.reply
    assert "1. Transport costs" in back.reply


async def test_remove_deletes_the_item(chat: Chat, db: Database) -> None:
    await _three(chat)
    removed = await chat.say(FAY, "agenda remove 2")
    assert "Removed “Respite hours”" in removed.reply
    assert [r["text"] for r in await _items(db)] == ["Transport costs", "The new form"]
    assert await count(db, agenda_authors) == 2


async def test_done_and_addressed(chat: Chat, db: Database) -> None:
    await _three(chat)
    done = await chat.say(FAY, "agenda 1 done")
    assert "“Transport costs” is discussed." in done.reply
    addressed = await chat.say(FAY, "agenda 1 addressed We changed the form to one page")
    assert "“Respite hours” is addressed. I've told the channel." in addressed.reply
    assert any("You said, we did" in p and "one page" in p for p in addressed.posts)
    rows = {r["text"]: r for r in await _items(db)}
    assert rows["Respite hours"]["status"] == "addressed"
    assert rows["Respite hours"]["outcome"] == "We changed the form to one page"
    assert "1. The new form" in await _agenda(chat)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("agenda move 9 1", "no item 9 on the agenda: the numbers go from 1 to 3"),
        ("agenda move 0 1", "no item 0"),
        ("agenda move x 1", "“x” isn't an item number"),
        ("agenda move 1", "Please give two numbers"),
        ("agenda merge 1 two", "“two” isn't an item number"),
        ("agenda defer", "Please give one item number"),
        ("agenda remove 1 2", "Please give one item number"),
        ("agenda 2 finished", "Please say what happened to item 2"),
        ("agenda mvoe 1 2", "Did you mean `agenda move …`?"),
        ("agenda ad Transport", "Did you mean `agenda add …`?"),
        ("agenda please", "I didn't understand that."),
    ],
)
async def test_mistakes_are_explained(chat: Chat, db: Database, line: str, says: str) -> None:
    await _three(chat)
    before = await _items(db)
    assert says in (await chat.say(FAY, line)).reply
    assert await _items(db) == before


async def test_changes_on_an_empty_agenda(chat: Chat) -> None:
    await _group(chat)
    assert "The agenda is empty" in (await chat.say(FAY, "agenda remove 1")).reply


@pytest.mark.parametrize(
    "line",
    [
        "agenda move 2 1",
        "agenda merge 1 2",
        "agenda defer 1",
        "agenda remove 1",
        "agenda 1 done",
        "agenda 2 addressed We did it",
        "agenda add elephant 1",
    ],
)
async def test_members_are_told_politely_what_they_can_do(
    chat: Chat, db: Database, line: str
) -> None:
    await _three(chat)
    before = await _items(db)
    refused = await chat.say(SAM, line)
    assert (
        "Only facilitators can reorder, merge, defer, remove or mark agenda items" in refused.reply
    )
    assert "You could ask Fay" in refused.reply
    assert "You can use `agenda" in refused.reply
    assert await _items(db) == before


async def test_members_get_no_change_buttons_and_their_presses_are_refused(chat: Chat) -> None:
    await _three(chat)
    theirs = await chat.say(SAM, "agenda")
    assert [b.label for b in theirs.cards()[0].buttons] == ["Add an item"]
    mine = await chat.say(FAY, "agenda")
    labels = [b.label for b in mine.cards()[0].buttons]
    assert labels[1:] == [
        "Move an item",
        "Merge two items",
        "Defer an item",
        "Remove an item",
        "Mark an item done",
    ]
    refused = await chat.press(SAM, mine.button("Remove an item"))
    assert "Only facilitators of Parents Forum can do that." in refused.reply


def _values(form: Form, name: str = "item") -> dict[str, str]:
    """The option values of a form's list, by the item's words."""
    (chosen,) = [i for i in form.inputs if i.name == name]
    return {o.label.split(". ", 1)[1]: o.value for o in chosen.options}


async def test_change_forms_do_what_the_commands_do(chat: Chat, db: Database) -> None:
    await _three(chat)
    shown = await chat.say(FAY, "agenda")
    (move,) = (await chat.press(FAY, shown.button("Move an item"))).forms
    ids = _values(move)
    moved = await chat.submit(FAY, move, {"item": ids["The new form"], "place": "1"})
    assert "1. The new form" in moved.reply
    (merge,) = (await chat.press(FAY, shown.button("Merge two items"))).forms
    same = await chat.submit(
        FAY, merge, {"item": ids["Respite hours"], "other": ids["Respite hours"]}
    )
    assert "different item" in same.form_errors["other"]
    (done,) = (await chat.press(FAY, shown.button("Mark an item done"))).forms
    marked = await chat.submit(
        FAY, done, {"item": ids["Respite hours"], "status": "addressed", "outcome": "More hours"}
    )
    assert "is addressed" in marked.reply
    (defer,) = (await chat.press(FAY, shown.button("Defer an item"))).forms
    assert "meeting after" in (await chat.submit(FAY, defer, {"item": ids["The new form"]})).reply
    (remove,) = (await chat.press(FAY, shown.button("Remove an item"))).forms
    await chat.submit(FAY, remove, {"item": ids["Transport costs"]})
    stale = await chat.submit(FAY, remove, {"item": ids["Transport costs"]})
    assert "no longer on the agenda" in stale.reply


async def test_form_options_say_nothing_about_when_an_item_arrived(
    chat: Chat, db: Database
) -> None:
    """Row ids count up as items arrive, so an anonymous item's id beside named ones would say
    when it came (and so, perhaps, who sent it). The options carry nothing of the sort, and
    still find the right item after the agenda was reordered."""
    await _three(chat)
    await chat.say(PAT, "agenda add Quiet room please", where=dm(PAT))  # after the rest
    shown = await chat.say(FAY, "agenda")
    (remove,) = (await chat.press(FAY, shown.button("Remove an item"))).forms
    values = _values(remove)
    ids = {str(r["id"]) for r in await _items(db)}
    assert not ids & set(values.values())
    assert not any(value.isdigit() for value in values.values())
    await chat.say(FAY, "agenda move 3 1")  # the form's places are out of date now
    await chat.submit(FAY, remove, {"item": values["Respite hours"]})
    left = await _agenda(chat)
    assert "Respite hours" not in left and "Transport costs" in left and "The new form" in left


# -- elephants ------------------------------------------------------------------------------------


async def _elephant(chat: Chat, text: str = "Decisions are made before we meet") -> Outcome:
    await chat.say(SAM, f"elephant {text}", where=dm(SAM))
    chat.clock.advance(minutes=10)
    effects = await chat.core.run_job(post_due_elephants)
    return Outcome(effects)


async def test_an_elephant_goes_on_the_agenda_by_command_and_button(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    posted = await _elephant(chat, "word " * 150)
    added = await chat.say(FAY, "agenda add elephant 1")
    assert "Elephant #1 is on the agenda" in added.reply
    (row,) = await _items(db)
    assert row["elephant_number"] == 1
    assert len(str(row["text"])) <= 201 and str(row["text"]).endswith("…")
    assert await count(db, agenda_authors) == 0
    assert "(from elephant #1)" in await _agenda(chat)
    again = await chat.press(FAY, posted.button("Put on the agenda (facilitators)"))
    assert "already on the agenda" in again.reply
    member = await chat.press(SAM, posted.button("Put on the agenda (facilitators)"))
    assert "Only facilitators" in member.reply
    assert "There's no elephant #7" in (await chat.say(FAY, "agenda add elephant 7")).reply


async def test_agenda_add_elephant_with_words_is_an_ordinary_item(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(SAM, "agenda add elephant in the room: budgets")
    (row,) = await _items(db)
    assert (row["text"], row["elephant_number"]) == ("elephant in the room: budgets", None)


# -- meetings: the check-in, carrying on, the summary ---------------------------------------------


async def test_the_checkin_carries_the_first_items_and_says_how_many_more(chat: Chat) -> None:
    await _group(chat)
    for n in range(1, 8):
        await chat.say(SAM, f"agenda add Item number {n}")
    sent = await chat.say(FAY, "checkin")
    (post,) = sent.posts
    assert "On the agenda:\n1. Item number 1" in post
    assert "5. Item number 5" in post and "Item number 6" not in post
    assert "…and 2 more. Type `agenda` for all of it." in post
    pressed = await chat.press(SAM, sent.button("3 Okay"))
    assert "5. Item number 5" in card_text(pressed.updates[0].card)


async def test_items_not_reached_are_carried_over_with_a_count(chat: Chat, db: Database) -> None:
    await _three(chat)
    await chat.say(FAY, "agenda defer 3")
    await chat.say(FAY, "meeting start")
    await chat.say(FAY, "agenda 1 done")
    ended = await chat.say(FAY, "meeting end")
    summary = "\n".join(ended.posts)
    assert "Covered: “Transport costs” — discussed" in summary
    assert "Carried over to next time: “Respite hours” (carried over once)" in summary
    assert "The new form" not in summary  # deferred, not carried
    shown = await _agenda(chat)
    assert "1. Respite hours (added by Sam, carried over once)" in shown
    assert "2. The new form (added by Sam)" in shown  # the deferral is used up
    await chat.say(FAY, "meeting start")
    await chat.say(FAY, "meeting end")
    shown = await _agenda(chat)
    assert "Respite hours (added by Sam, carried over twice)" in shown
    assert "The new form (added by Sam, carried over once)" in shown


async def test_summary_so_far_lists_what_is_not_reached_yet(chat: Chat) -> None:
    await _three(chat)
    await chat.say(FAY, "meeting start")
    await chat.say(FAY, "agenda 2 addressed More respite")
    so_far = "\n".join((await chat.say(FAY, "summary")).posts)
    assert "Covered: “Respite hours” — addressed: More respite" in so_far
    assert "Not reached yet: “Transport costs”" in so_far


async def test_an_item_added_during_its_delay_is_not_carried(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(FAY, "meeting start")
    await chat.say(SAM, "agenda add anon Power", where=dm(SAM))
    await chat.say(FAY, "meeting end")
    (row,) = await _items(db)
    assert row["carried"] == 0


# -- privacy --------------------------------------------------------------------------------------


async def test_my_data_shows_named_items_and_forget_me_deletes_them(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    await chat.say(SAM, "agenda add Transport costs papers: https://example.org/t")
    await chat.say(SAM, "agenda add anon Power", where=dm(SAM))
    await chat.say(PAT, "agenda add Respite")
    await chat.say(FAY, "agenda merge 1 2")  # Pat's item merged into Sam's
    mine = (await chat.say(SAM, "my-data", where=dm(SAM))).reply
    assert "Agenda items you added with your name" in mine
    assert "“Transport costs” (waiting on the agenda, papers: https://example.org/t)" in mine
    assert "Power" not in mine
    asked = await chat.say(SAM, "forget-me", where=dm(SAM))
    await chat.press(SAM, asked.button("Yes, erase my data"), where=dm(SAM))
    rows = await _items(db)
    assert sorted(str(r["text"]) for r in rows) == ["Power", "Respite"]
    respite = next(r for r in rows if r["text"] == "Respite")
    assert (respite["status"], respite["merged_into_id"]) == ("open", None)
    chat.clock.advance(minutes=10)
    shown = await _agenda(chat, FAY)
    assert "Respite (added by Pat)" in shown and "Power (added anonymously)" in shown


async def test_privacy_statement_says_what_happens_to_agenda_items(chat: Chat) -> None:
    await _group(chat)
    said = (await chat.say(SAM, "privacy")).reply
    assert "agenda items added anonymously" in said
    assert "the agenda items you added with your name: they are deleted" in said


async def test_help_lists_the_agenda_commands(chat: Chat) -> None:
    await _group(chat)
    members_help = (await chat.say(SAM, "help")).reply
    assert "agenda add <what to talk about>" in members_help
    assert "agenda add anonymously" in members_help


async def test_export_holds_the_agenda_as_the_group_saw_it(chat: Chat) -> None:
    await _group(chat)
    await chat.say(SAM, "agenda add Transport costs papers: https://example.org/t")
    await chat.say(PAT, "agenda add anon Power imbalance", where=dm(PAT))
    await chat.say(PAT, "agenda add anon Not shown yet", where=dm(PAT))
    chat.clock.advance(minutes=8)
    await chat.say(PAT, "agenda add anon Still waiting", where=dm(PAT))
    await chat.say(FAY, "agenda 1 addressed We paid the bus fares")
    outcome = await chat.say(FAY, "export")
    (file,) = outcome.of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    exported = json.loads(file.content.decode("utf-8"))["agenda"]
    assert exported[0] == {
        "text": "Transport costs",
        "added_by": "Sam",
        "papers": "https://example.org/t",
        "status": "addressed",
        "outcome": "We paid the bus fares",
        "carried_over": 0,
    }
    assert {e["added_by"] for e in exported[1:]} == {"anonymous"}
    assert "Still waiting" not in str(exported)


def test_open_actions_come_first_and_are_made_safe() -> None:
    card = agenda_card(1, "Agenda", [], {}, facilitator=False, open_actions=["Ask @channel *now*"])
    assert card.text.startswith("Open actions from last time\nAsk @\u2060channel ∗now∗")
    assert card.text.endswith("Nothing on the agenda yet.")
    assert "Open actions" not in agenda_card(1, "Agenda", [], {}, facilitator=False).text


async def test_a_member_can_add_from_a_direct_message(chat: Chat) -> None:
    await _group(chat)
    added = await chat.say(SAM, "agenda add Respite hours", where=dm(SAM))
    assert "with your name" in added.reply
    assert "1. Respite hours (added by Sam)" in await _agenda(chat, FAY)


async def test_with_no_anonymity_delay_an_anonymous_item_is_on_at_once_with_a_warning(
    chat: Chat,
) -> None:
    await _group(chat)
    await chat.say(FAY, "set anonymity-delay 0")
    added = await chat.say(SAM, "agenda add anon Power imbalance", where=dm(SAM))
    assert "It is on the agenda now, without your name." in added.reply
    assert "the timing could hint at who added it" in added.reply
    assert "1. Power imbalance (added anonymously)" in await _agenda(chat, FAY)
