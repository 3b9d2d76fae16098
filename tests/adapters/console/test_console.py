"""Scripted console sessions: switching person, commands, buttons, forms, DM and channel.

Most tests use a stand-in core that records the events it receives and answers with effects the
test chose, so they pin down the adapter's own behaviour (what it sends, how it shows things).
A few run against the real core to show the pieces fit.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest

from bot.adapters.console.adapter import ConsoleAdapter, ConsoleDeliverer, Handler
from bot.cards import Button, Card, Form, FormInput, Option
from bot.core import Core
from bot.effects import (
    Effect,
    FormErrors,
    MessageMember,
    OpenForm,
    PostToConversation,
    ReplyToActor,
    UpdatePost,
)
from bot.events import Choice, Command, Event, FormSubmitted, MemberJoined
from bot.identity import Where

CHANNEL = Where("console", "local", "C-general")
E = TypeVar("E", bound=Event)


class StandIn:
    """A core that records events and answers each with whatever `answer` returns."""

    def __init__(self, answer: Callable[[Event], Sequence[Effect]] | None = None) -> None:
        self.events: list[Event] = []
        self.answer = answer or (lambda event: [])

    async def handle(self, event: Event) -> list[Effect]:
        self.events.append(event)
        return list(self.answer(event))

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]


def console(core: Handler, script: str = "") -> tuple[ConsoleAdapter, io.StringIO]:
    out = io.StringIO()
    adapter = ConsoleAdapter(core, stdin=io.StringIO(script), stdout=out, echo=True)
    return adapter, out


async def session(core: Handler, *lines: str) -> str:
    """Run a whole scripted session through `run()` and return everything printed."""
    adapter, out = console(core, "".join(line + "\n" for line in lines))
    await adapter.run()
    return out.getvalue()


def replying(card: Card) -> Callable[[Event], Sequence[Effect]]:
    """A stand-in answer: every command gets `card` back as a private reply."""
    return lambda event: [ReplyToActor(card)] if isinstance(event, Command) else []


# -- people -------------------------------------------------------------------------------------


async def test_as_creates_people_once_switches_and_lists_them() -> None:
    core = StandIn()
    out = await session(core, "as", "as Priya", "as Dr Sam Jones", "as priya", "as")

    assert "Nobody is here yet" in out
    assert "You are now Priya (new here: joining #general)." in out
    assert "You are now Dr Sam Jones (new here" in out
    assert "You are now Priya." in out  # the second time: no new person
    assert "People here: Priya (you), Dr Sam Jones." in out
    joined = core.of(MemberJoined)
    assert [(e.who.user_id, e.who.display_name) for e in joined] == [
        ("U-priya", "Priya"),
        ("U-dr-sam-jones", "Dr Sam Jones"),
    ]
    assert all(e.where == CHANNEL for e in joined)


@pytest.mark.parametrize("name", ["!!!", "x" * 41])
async def test_as_refuses_names_it_cannot_use(name: str) -> None:
    core = StandIn()
    out = await session(core, f"as {name}")
    assert "Please use a name of letters or numbers, up to 40 characters." in out
    assert core.events == []


async def test_commands_need_someone_to_say_them() -> None:
    core = StandIn()
    out = await session(core, "help", "1")
    assert out.count("Say who you are first: type `as <name>`") == 2
    assert core.events == []


# -- commands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("help", "help"),
        ("/coprod help", "help"),
        ("/COPROD   round reveal", "round reveal"),
        ("/coprod", ""),
        ("/elephant nobody asks the parents", "elephant nobody asks the parents"),
        ("facilitator @Sam", "facilitator <@U-sam>"),
        ("facilitator @sam", "facilitator <@U-sam>"),
        ("facilitator @Samantha", "facilitator @Samantha"),  # not someone here: left alone
        ("facilitator <@Sam>", "facilitator <@U-sam>"),  # typed as a platform would send it
        ("facilitator <@sam>", "facilitator <@U-sam>"),
        ("facilitator <@U-sam>", "facilitator <@U-sam>"),  # already a user id: left alone
        ("facilitator <@Samantha>", "facilitator <@Samantha>"),
        ("share my email is me@Sam.org", "share my email is me@Sam.org"),
    ],
)
async def test_typed_lines_become_commands(typed: str, sent: str) -> None:
    core = StandIn()
    await session(core, "as Sam", "as Priya", typed)
    commands = core.of(Command)
    assert [c.text for c in commands] == [sent]
    assert commands[0].who.user_id == "U-priya"
    assert commands[0].where == CHANNEL


async def test_dm_and_channel_switch_where_commands_go() -> None:
    core = StandIn()
    out = await session(core, "as Priya", "dm", "my-data", "channel", "elephants")
    where = [c.where for c in core.of(Command)]
    assert where == [Where("console", "local", "D-U-priya", is_direct=True), CHANNEL]
    assert "You're in your direct chat with Common Ground now." in out
    assert "Priya DM> my-data" in out
    assert "You're back in #general." in out
    assert "Priya #general> elephants" in out


async def test_quit_ends_the_session_and_ignores_the_rest() -> None:
    core = StandIn()
    out = await session(core, "as Priya", "quit", "help")
    assert core.of(Command) == []
    assert out.rstrip().endswith("Bye for now.")


async def test_end_of_input_ends_the_session() -> None:
    out = await session(StandIn(), "as Priya")
    assert out.rstrip().endswith("Bye for now.")
    assert out.startswith("Common Ground console")


async def test_blank_lines_do_nothing() -> None:
    core = StandIn()
    await session(core, "as Priya", "", "   ")
    assert core.of(Command) == []


# -- what each person sees ----------------------------------------------------------------------


async def test_each_effect_is_marked_for_who_sees_it() -> None:
    effects: list[Effect] = [
        ReplyToActor(Card(text="Thanks, that's saved.")),
        PostToConversation(CHANNEL, Card(title="Check-in", text="How are you arriving?")),
        MessageMember("console", "local", "U-sam", Card(text="A check-in for you.")),
        UpdatePost(CHANNEL, "checkin:1", Card(text="1 of 2 checked in")),
    ]
    core = StandIn(lambda e: effects if isinstance(e, Command) else [])
    out = await session(core, "as Sam", "as Priya", "checkin")
    assert "to Priya (only you can see this):\n    Thanks, that's saved." in out
    assert "#general:\n    == Check-in ==\n    How are you arriving?" in out
    assert "→ DM to Sam:\n    A check-in for you." in out
    assert "#general (updated):\n    1 of 2 checked in" in out


async def test_a_private_message_edited_in_place_says_so() -> None:
    view = Card(title="Arrivals", text="• Sam: 3 Okay")
    effects: list[Effect] = [
        MessageMember("console", "local", "U-priya", view, key="arrivals:1:0", replace=True),
        MessageMember("console", "local", "U-sam", Card(text="once"), key="x:1"),
    ]
    core = StandIn(lambda e: effects if isinstance(e, Command) else [])
    out = await session(core, "as Sam", "as Priya", "checkin live", "checkin live")
    assert out.count("→ DM to Priya:\n    == Arrivals ==\n    • Sam: 3 Okay") == 1
    assert out.count("→ DM to Priya (updated):\n    == Arrivals ==\n    • Sam: 3 Okay") == 1
    assert "→ DM to Sam:\n    once" in out


async def test_scheduled_messages_sent_one_by_one_still_print_once() -> None:
    """The scheduler delivers one effect per call; the deliverer shows them as one batch."""
    adapter, out = console(StandIn())
    await adapter.become("Sam")
    await adapter.become("Jo")
    deliverer = ConsoleDeliverer(adapter)
    card = Card(text="Did you feel heard today?")
    for user in ("U-sam", "U-jo"):
        await deliverer.deliver([MessageMember("console", "local", user, card)])
    assert "Did you feel heard" not in out.getvalue()  # gathered until the loop turns
    await asyncio.sleep(0)  # one turn of the event loop, as between the scheduler's jobs
    assert out.getvalue().count("Did you feel heard today?") == 1
    assert "→ DM to each of Sam and Jo:" in out.getvalue()


async def test_the_same_card_to_several_people_prints_once_with_every_name() -> None:
    card = Card(text="How are you arriving?", buttons=(Button("Pass", "checkin.answer", "1|p"),))
    other = Card(text="Something else")
    effects: list[Effect] = [
        MessageMember("console", "local", "U-sam", card),
        MessageMember("console", "local", "U-jo", card),
        MessageMember("console", "local", "U-priya", card),
        MessageMember("console", "local", "U-sam", other),
    ]
    core = StandIn(lambda e: effects if isinstance(e, Command) else [])
    out = await session(core, "as Sam", "as Jo", "as Priya", "checkin", "1", "as Sam", "1")
    assert out.count("How are you arriving?") == 1
    assert "→ DM to each of Sam, Jo and Priya:\n    How are you arriving?" in out
    assert "→ DM to Sam:\n    Something else" in out
    # each of them got their own copy to press, in their own direct chat
    assert [(c.who.user_id, c.where.conversation_id) for c in core.of(Choice)] == [
        ("U-priya", "D-U-priya"),
        ("U-sam", "D-U-sam"),
    ]


async def test_scheduled_effects_print_through_the_deliverer() -> None:
    adapter, out = console(StandIn())
    deliverer = ConsoleDeliverer(adapter)
    await deliverer.deliver(
        [PostToConversation(CHANNEL, Card(title="Summary", text="4 people checked in."))]
    )
    await deliverer.deliver(
        [MessageMember("console", "local", "U-nobody-known", Card(text="Did you feel heard?"))]
    )
    deliverer.flush()
    text = out.getvalue()
    assert "#general:\n    == Summary ==\n    4 people checked in." in text
    assert "→ DM to U-nobody-known:\n    Did you feel heard?" in text


# -- buttons ------------------------------------------------------------------------------------

MOODS = Card(
    text="How are you arriving today?",
    buttons=(Button("Low", "checkin.answer", "1|2"), Button("Great", "checkin.answer", "1|5")),
)


async def test_typing_a_number_presses_that_button_on_the_last_card() -> None:
    core = StandIn(replying(MOODS))
    out = await session(core, "as Priya", "checkin", "2")
    assert "  [1] Low\n    [2] Great" not in out  # card lines are indented as a block
    assert "    [2] Great" in out
    assert "(Priya presses “Great”)" in out
    (choice,) = core.of(Choice)
    assert (choice.action, choice.value, choice.who.user_id) == ("checkin.answer", "1|5", "U-priya")
    assert choice.where == CHANNEL


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("3", "The last card has 2 button(s): please type a number from 1 to 2."),
        ("0", "The last card has 2 button(s): please type a number from 1 to 2."),
    ],
)
async def test_a_number_out_of_range_says_what_would_work(typed: str, says: str) -> None:
    core = StandIn(replying(MOODS))
    out = await session(core, "as Priya", "checkin", typed)
    assert says in out
    assert core.of(Choice) == []


async def test_a_number_with_no_card_says_there_is_nothing_to_press() -> None:
    core = StandIn()
    out = await session(core, "as Priya", "1")
    assert "There's nothing to press yet." in out
    assert core.of(Choice) == []


async def test_numbers_press_only_cards_the_person_can_see() -> None:
    """A card sent privately to Sam is not Priya's to press; the channel card is."""
    channel_card = Card(text="Round open", buttons=(Button("Share", "round.share", "1|"),))
    sam_card = Card(text="For Sam", buttons=(Button("Pass", "round.pass", "1|"),))

    def answer(event: Event) -> list[Effect]:
        if isinstance(event, Command):
            return [
                PostToConversation(CHANNEL, channel_card),
                MessageMember("console", "local", "U-sam", sam_card),
            ]
        return []

    core = StandIn(answer)
    await session(core, "as Sam", "as Priya", "round", "1", "as Sam", "1")
    priya_press, sam_press = core.of(Choice)
    assert (priya_press.who.user_id, priya_press.action) == ("U-priya", "round.share")
    assert priya_press.where == CHANNEL
    assert (sam_press.who.user_id, sam_press.action) == ("U-sam", "round.pass")
    assert sam_press.where == Where("console", "local", "D-U-sam", is_direct=True)


async def test_press_label_finds_the_newest_visible_button() -> None:
    core = StandIn(replying(MOODS))
    adapter, _out = console(core)
    await adapter.become("Priya")
    await adapter.type("checkin")
    assert await adapter.press_label("great")
    assert not await adapter.press_label("Struggling")
    assert [c.value for c in core.of(Choice)] == ["1|5"]


async def test_press_label_can_pick_the_card_by_its_text() -> None:
    first = Card(
        text="Elephant #1: meetings at 10am", buttons=(Button("I see it too", "e", "7|1"),)
    )
    second = Card(
        text="Elephant #2: decided already", buttons=(Button("I see it too", "e", "7|2"),)
    )
    core = StandIn(
        lambda e: (
            [PostToConversation(CHANNEL, first), PostToConversation(CHANNEL, second)]
            if isinstance(e, Command)
            else []
        )
    )
    adapter, _out = console(core)
    await adapter.become("Priya")
    await adapter.type("elephants")
    assert await adapter.press_label("I see", on="#1")
    assert await adapter.press_label("I see")
    assert not await adapter.press_label("I see", on="#3")
    assert [c.value for c in core.of(Choice)] == ["7|1", "7|2"]


CONSENT = Card(
    title="Your share",
    text="May your words appear in the meeting summary?",
    buttons=(
        Button("Yes, my words may appear", "round.consent", "1|yes"),
        Button("No, keep them out", "round.consent", "1|no"),
    ),
)
ROUND_CARD = Card(
    text="Round open: 1 shared so far",
    buttons=(Button("Share", "round.share", "1|"), Button("Pass", "round.pass", "1|")),
)


def share_then_round_update(event: Event) -> list[Effect]:
    """Like the real `share`: a question for the sharer, then the channel's round card updated."""
    if isinstance(event, Command):
        return [ReplyToActor(CONSENT), UpdatePost(CHANNEL, "round:1", ROUND_CARD)]
    return []


async def test_numbers_press_the_reply_to_you_before_a_channel_post_printed_after_it() -> None:
    core = StandIn(share_then_round_update)
    out = await session(core, "as Jo", "share my words", "1")
    (choice,) = core.of(Choice)
    assert (choice.action, choice.value) == ("round.consent", "1|yes")
    assert "(Jo presses “Yes, my words may appear”)" in out
    note = (
        "(Numbers now press the message to Jo above, not the channel post after it: "
        "[1] Yes, my words may appear, [2] No, keep them out.)"
    )
    assert note in out
    assert out.index("[1] Yes, my words may appear") < out.index("(updated):") < out.index(note)


async def test_others_still_press_the_channel_card_and_later_posts_take_over_again() -> None:
    """The reply outranks only what came with it: someone else, or a later card, is unaffected."""

    def answer(event: Event) -> list[Effect]:
        if isinstance(event, Command) and event.text == "share my words":
            return share_then_round_update(event)
        if isinstance(event, Command):
            return [PostToConversation(CHANNEL, MOODS)]
        return []

    core = StandIn(answer)
    await session(core, "as Jo", "share my words", "as Sam", "1", "as Jo", "checkin", "2")
    sam_press, jo_press = core.of(Choice)
    assert (sam_press.who.user_id, sam_press.action) == ("U-sam", "round.share")
    assert (jo_press.who.user_id, jo_press.value) == ("U-jo", "1|5")


async def test_no_note_when_the_reply_is_already_the_last_card() -> None:
    core = StandIn(
        lambda e: (
            [UpdatePost(CHANNEL, "round:1", ROUND_CARD), ReplyToActor(CONSENT)]
            if isinstance(e, Command)
            else []
        )
    )
    out = await session(core, "as Jo", "share my words", "1")
    assert "Numbers now press" not in out
    assert core.of(Choice)[0].value == "1|yes"


# -- forms --------------------------------------------------------------------------------------

FORM = Form(
    "elephant.new",
    "Name an elephant",
    (
        FormInput("text", "What is nobody saying?", kind="multiline"),
        FormInput(
            "size",
            "Little or big?",
            kind="radio",
            options=(Option("Little: one person can name it", "little"), Option("Big", "big")),
        ),
        FormInput("role", "Your role", kind="select", optional=True, options=(Option("A", "a"),)),
        FormInput("note", "Anything else?", optional=True, initial="no"),
    ),
    intro="Nobody will know it was you.",
    context="7|",
)


def form_answer(event: Event) -> list[Effect]:
    if isinstance(event, Command):
        return [OpenForm(FORM)]
    if isinstance(event, FormSubmitted):
        return [ReplyToActor(Card(text="Thank you. It will be posted soon."))]
    return []


async def test_a_form_asks_each_input_in_turn_and_submits() -> None:
    core = StandIn(form_answer)
    out = await session(core, "as Priya", "elephant", "We never talk about money", "2", "", "")
    (submitted,) = core.of(FormSubmitted)
    assert submitted.form_id == "elephant.new"
    assert submitted.context == "7|"
    assert submitted.where == CHANNEL
    assert dict(submitted.values) == {
        "text": "We never talk about money",
        "size": "big",
        "role": "",
        "note": "no",
    }
    assert "A form for Priya: Name an elephant" in out
    assert "Nobody will know it was you." in out
    assert "    1) Little: one person can name it\n    2) Big" in out
    assert "(press Enter to skip)" in out
    assert "(press Enter to keep “no”)" in out
    assert "Thank you. It will be posted soon." in out


@pytest.mark.parametrize("answer", ["big", "BIG", "Big", "2"])
async def test_options_can_be_chosen_by_number_value_or_label(answer: str) -> None:
    core = StandIn(form_answer)
    await session(core, "as Priya", "elephant", "words", answer, "", "")
    (submitted,) = core.of(FormSubmitted)
    assert submitted.values["size"] == "big"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("7", "Please type a number from 1 to 2."),
        ("medium", "Please type a number from 1 to 2."),
        ("", "This one is needed. Type your answer, or `cancel` to close the form."),
    ],
)
async def test_a_bad_answer_is_asked_again(bad: str, says: str) -> None:
    core = StandIn(form_answer)
    out = await session(core, "as Priya", "elephant", "words", bad, "1", "", "")
    assert says in out
    (submitted,) = core.of(FormSubmitted)
    assert submitted.values["size"] == "little"


async def test_an_optional_select_says_enter_skips_when_the_answer_is_wrong() -> None:
    core = StandIn(form_answer)
    out = await session(core, "as Priya", "elephant", "words", "1", "9", "", "")
    assert "Please type a number from 1 to 1 or press Enter to skip." in out
    assert len(core.of(FormSubmitted)) == 1


async def test_a_required_text_cannot_be_left_empty() -> None:
    core = StandIn(form_answer)
    out = await session(core, "as Priya", "elephant", "", "now some words", "1", "", "")
    assert "This one is needed." in out
    (submitted,) = core.of(FormSubmitted)
    assert submitted.values["text"] == "now some words"


async def test_cancel_closes_the_form_and_sends_nothing() -> None:
    core = StandIn(form_answer)
    out = await session(core, "as Priya", "elephant", "half a thought", "cancel", "help")
    assert "Form closed. Nothing was sent." in out
    assert core.of(FormSubmitted) == []
    assert [c.text for c in core.of(Command)] == ["elephant", "help"]


async def test_form_errors_ask_again_only_what_was_wrong_and_keep_the_rest() -> None:
    submissions: list[FormSubmitted] = []

    def answer(event: Event) -> list[Effect]:
        if isinstance(event, Command):
            return [OpenForm(FORM)]
        if isinstance(event, FormSubmitted):
            submissions.append(event)
            if len(submissions) == 1:
                return [FormErrors({"text": "Please keep it under 1000 characters."})]
            return [ReplyToActor(Card(text="Thank you."))]
        return []

    core = StandIn(answer)
    out = await session(core, "as Priya", "elephant", "far too long", "2", "1", "", "shorter")
    assert "The form needs another look:\n    What is nobody saying?: Please keep it under" in out
    assert "(Your other answers are kept." in out
    first, second = submissions
    assert first.values["text"] == "far too long"
    assert dict(second.values) == {"text": "shorter", "size": "big", "role": "a", "note": "no"}
    assert "Thank you." in out


async def test_while_a_form_is_open_every_line_answers_it() -> None:
    core = StandIn(form_answer)
    await session(core, "as Priya", "elephant", "as Sam", "1", "", "")
    (submitted,) = core.of(FormSubmitted)
    assert submitted.values["text"] == "as Sam"
    assert submitted.who.user_id == "U-priya"


# -- with the real core -------------------------------------------------------------------------


async def test_unknown_input_gets_the_cores_plain_answer(core: Core) -> None:
    out = await session(core, "as Priya", "frobnicate the widgets")
    assert "to Priya (only you can see this):" in out
    assert "I don't know the command “frobnicate”." in out
    assert "Type `help` to see what you can do." in out


async def test_commands_reach_the_real_core_from_both_places(core: Core) -> None:
    out = await session(core, "as Priya", "/coprod elephant", "dm", "elephant x")
    # Not a group yet: the channel and the direct chat each say what would work.
    assert "This channel isn't a co-production group yet." in out
    assert "You're not in a co-production group yet." in out


async def test_a_typed_raw_mention_of_a_name_reaches_the_right_person(core: Core) -> None:
    out = await session(
        core,
        "as Priya",
        "setup Parents Forum",
        "as Sam",
        "role professional",
        "as Priya",
        "facilitator <@Sam>",
    )
    assert "I can't find" not in out
    assert "<<@" not in out
    assert "Sam is now a facilitator" in out


async def test_share_then_1_says_yes_to_the_summary_with_the_real_core(core: Core) -> None:
    out = await session(
        core,
        "as Sam",
        "as Priya",
        "setup Parents Forum",
        "round What helped this week?",
        "as Sam",
        "share A neighbour walked the dog.",
        "1",
    )
    assert "(Sam presses “Yes, my words may appear" in out
    assert "(Sam presses “Share”)" not in out


async def test_an_answer_asked_again_is_shown_and_kept_by_enter() -> None:
    submissions: list[FormSubmitted] = []

    def answer(event: Event) -> list[Effect]:
        if isinstance(event, Command):
            return [OpenForm(FORM)]
        if isinstance(event, FormSubmitted):
            submissions.append(event)
            if len(submissions) == 1:
                return [FormErrors({"text": "It is too long. Your words are kept."})]
            return [ReplyToActor(Card(text="Thank you."))]
        return []

    core = StandIn(answer)
    out = await session(core, "as Priya", "elephant", "my long story", "2", "1", "", "")
    assert "(press Enter to keep “my long story”)" in out
    assert [s.values["text"] for s in submissions] == ["my long story", "my long story"]


# -- files ----------------------------------------------------------------------------------------


async def test_a_file_is_written_whole_beside_the_database_and_its_path_printed(
    tmp_path: Path,
) -> None:
    from bot.adapters.console.files import folder_for
    from bot.effects import SendFileToActor

    content = ("{" + '"x": "' + "y" * 50_000 + '"}').encode()
    sent = SendFileToActor("export.json", content, "Export of Parents Forum", "whole")
    core = StandIn(lambda event: [sent] if isinstance(event, Command) else [])
    folder = folder_for(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'cg.db'}")
    assert folder == (tmp_path / "data").resolve()
    folder.mkdir()
    out = io.StringIO()
    adapter = ConsoleAdapter(
        core, stdin=io.StringIO("as Ana\nexport\nexport\n"), stdout=out, echo=True, files=folder
    )
    await adapter.run()
    assert (folder / "export.json").read_bytes() == content
    assert (folder / "export-2.json").read_bytes() == content  # never overwritten
    assert f"Export of Parents Forum, saved as {folder / 'export.json'}" in out.getvalue()
    assert folder_for("sqlite+aiosqlite:///:memory:") == Path.cwd()
