"""Every button and form has a typed twin that reaches the same handler.

A screen-reader user, someone on Teams on a phone, or anyone who prefers the keyboard must never
be stuck behind a button. `TWINS` names, for each registered button and form, a world it is
pressed in, how it is pressed, what is typed instead, and the function both ways must reach.
The walk compares `TWINS` with the routing table, so a new button without a typed twin fails
here, and then presses and types each one in two identical groups, spying on that function.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.cards import Button
from bot.effects import OpenForm
from bot.handlers import ROUTES
from bot.handlers.access import commands as access_commands
from bot.handlers.access import form as access_form
from bot.handlers.actions import answers as action_answers
from bot.handlers.actions import cards as action_cards
from bot.handlers.actions import commands as action_commands
from bot.handlers.actions.reminders import send_due_reminders
from bot.handlers.agenda import buttons as agenda_buttons
from bot.handlers.agenda import cards as agenda_cards
from bot.handlers.agenda import changes as agenda_changes
from bot.handlers.agenda import commands as agenda_commands
from bot.handlers.checkin import cards as checkin_cards
from bot.handlers.checkin import commands as checkin
from bot.handlers.dashboard import commands as dashboard
from bot.handlers.elephants import cards as elephant_cards
from bot.handlers.elephants import commands as elephants
from bot.handlers.elephants import perspectives
from bot.handlers.elephants.commands import post_due_elephants
from bot.handlers.ladder import cards as ladder_cards
from bot.handlers.ladder import commands as ladder_commands
from bot.handlers.nudges import cards as nudge_cards
from bot.handlers.nudges import commands as nudges
from bot.handlers.privacy import commands as privacy
from bot.handlers.recognition import claims as recognition_claims
from bot.handlers.recognition import commands as recognition
from bot.handlers.rounds import cards as round_cards
from bot.handlers.rounds import commands as rounds
from bot.handlers.setup import commands as setup
from bot.handlers.signals import cards as signal_cards
from bot.handlers.signals import commands as signals
from bot.handlers.verdicts import cards as verdict_cards
from bot.handlers.verdicts import commands as verdicts
from bot.identity import Where, Who
from bot.routing import encode
from bot.store import groups, meetings
from bot.store.database import Database
from tests.dialogue import Chat, Outcome, channel, dm, person


@dataclass
class World:
    """One group in its own channel: a facilitator, a lived-experience member, a professional."""

    chat: Chat
    db: Database
    where: Where
    fay: Who
    sam: Who
    pat: Who
    last: Outcome | None = None

    async def say(self, who: Who, text: str, *, direct: bool = False) -> Outcome:
        self.last = await self.chat.say(who, text, where=dm(who) if direct else self.where)
        return self.last

    async def group_id(self) -> int:
        async with self.db.read() as conn:
            group = await groups.for_conversation(conn, self.where)
        assert group is not None
        return group.id

    async def ended_meeting_id(self) -> int:
        async with self.db.read() as conn:
            ended = await meetings.latest_ended(conn, await self.group_id())
        assert ended is not None
        return ended.id


async def world(chat: Chat, db: Database, tag: str) -> World:
    where = channel(f"group-{tag}")
    made = World(chat, db, where, person(f"Fay {tag}"), person(f"Sam {tag}"), person(f"Pat {tag}"))
    await made.say(made.fay, f"setup Forum {tag}")
    await made.say(made.sam, "role lived-experience")
    await made.say(made.pat, "role professional")
    return made


def button(outcome: Outcome | None, action: str, label: str = "") -> Button:
    assert outcome is not None
    for card in outcome.cards():
        for found in card.buttons:
            if found.action == action and found.label.startswith(label):
                return found
    raise AssertionError(f"no {action} button in {outcome.effects}")


def form_of(outcome: Outcome | None) -> Any:
    assert outcome is not None
    (opened,) = outcome.of(OpenForm)
    assert isinstance(opened, OpenForm)
    return opened.form


async def checkin_sent(w: World) -> None:
    await w.say(w.fay, "checkin")


async def meeting_ended(w: World) -> None:
    await w.say(w.fay, "checkin")
    await w.say(w.sam, "checkin 3")
    await w.say(w.fay, "meeting end")


async def round_open(w: World) -> None:
    await w.say(w.fay, "round What would make meetings easier?")


async def shared(w: World) -> None:
    await round_open(w)
    await w.say(w.sam, "share Papers a week ahead")


async def elephant_posted(w: World, text: str = "The same three people decide") -> None:
    await w.say(w.sam, f"elephant {text}", direct=True)
    w.chat.clock.advance(minutes=30)
    effects = await w.chat.core.run_job(post_due_elephants)
    w.last = Outcome(effects)


async def big_posted(w: World) -> None:
    await elephant_posted(w, "big: Who really sets the agenda?")


Press = Callable[[World], Awaitable[Outcome]]


def press(action: str, *, direct: bool = False, by: str = "sam", label: str = "") -> Press:
    """Press the `action` button (the one labelled `label`, if given) on the last card shown."""

    async def run(w: World) -> Outcome:
        who = getattr(w, by)
        chosen = button(w.last, action, label)
        return await w.chat.press(who, chosen, where=dm(who) if direct else None)

    return run


def press_built(make: Callable[[int, int], Button], *, direct: bool = True) -> Press:
    """Press a button built from the group's id and its last ended meeting's id."""

    async def run(w: World) -> Outcome:
        built = make(await w.group_id(), await w.ended_meeting_id())
        return await w.chat.press(w.sam, built, where=dm(w.sam) if direct else None)

    return run


Values = dict[str, str] | Callable[[Any], dict[str, str]]


def fill(values: Values, *, direct: bool = False, by: str = "sam") -> Press:
    """Submit the form the last outcome opened (`values` may be read from the form itself)."""

    async def run(w: World) -> Outcome:
        who = getattr(w, by)
        where = dm(who) if direct else None
        form = form_of(w.last)
        filled = values(form) if callable(values) else values
        return await w.chat.submit(who, form, filled, where=where)

    return run


def opened_by(text: str, *, direct: bool = False, by: str = "sam") -> Callable[[World], Any]:
    """A setup step that types `text`, so the next step can use the card or form it shows."""

    async def run(w: World) -> None:
        await w.say(getattr(w, by), text, direct=direct)

    return run


@dataclass(frozen=True)
class Twin:
    """A button or form, its typed twin, and the function both must reach (looked up in
    `module`, and in `also` when a second module holds its own reference to it). A button
    that only opens a form names that form in `opens` instead: the form's own twin covers it."""

    setup: tuple[Callable[[World], Any], ...]
    press: Press
    typed: str
    module: ModuleType | None = None
    reaches: str = ""
    direct: bool = False
    by: str = "sam"
    also: tuple[ModuleType, ...] = ()
    opens: str = ""


def _reflection(group_id: int, meeting_id: int) -> Button:
    return Button("4", nudge_cards.HEARD, encode(group_id, f"{meeting_id}:4"))


async def _open_reflection_form(w: World) -> None:
    made = nudge_cards.change_button(await w.group_id(), await w.ended_meeting_id())
    w.last = await w.chat.press(w.sam, made, where=dm(w.sam))


async def _open_ladder_form(w: World) -> None:
    made = ladder_cards.ladder_button(await w.group_id(), await w.ended_meeting_id())
    w.last = await w.chat.press(w.sam, made, where=dm(w.sam))


async def _agenda_item(w: World) -> None:
    await w.say(w.fay, "agenda add Transport costs for parents")


def _press_last(action: str, *, by: str = "sam", label: str = "") -> Callable[[World], Any]:
    """A setup step that presses a button of the last card, keeping what it opened."""

    async def run(w: World) -> None:
        w.last = await press(action, by=by, label=label)(w)

    return run


async def _action_for_sam(w: World, due: str = "friday") -> None:
    """Fay notes an action for Sam; Sam is asked privately (Accept / Not me)."""
    said = f"action Write to the council @{w.sam.display_name} by {due}"
    w.last = await w.say(w.fay, said)


def _press_in_private(action: str) -> Callable[[World], Any]:
    """A setup step: Sam presses a button of the card sent to them, in their direct messages."""

    async def run(w: World) -> None:
        w.last = await press(action, direct=True)(w)

    return run


async def _reminded(w: World) -> None:
    """An action Sam has said yes to, due in two days; its reminder (Done / Not me) comes the
    day before, at ten on the group's clock (London is on UTC in March)."""
    today = w.chat.clock.now.date()
    await _action_for_sam(w, (today + timedelta(days=2)).isoformat())
    await _press_in_private(action_cards.ACCEPT)(w)
    w.chat.clock.set(datetime.combine(today + timedelta(days=1), time(10, 30), tzinfo=UTC))
    w.last = Outcome(await w.chat.core.run_job(send_due_reminders))


async def _namesakes_asked_about(w: World) -> None:
    """A second member goes by Sam's name, so noting an action for "@Sam …" asks which one."""
    namesake = replace(w.sam, user_id=f"{w.sam.user_id}-namesake")
    await w.say(namesake, "role professional")
    await _action_for_sam(w)


async def _signals_card(w: World) -> None:
    """A meeting under way and the signals card in the channel."""
    await w.say(w.fay, "meeting start")
    await w.say(w.fay, "signals")


async def _addressed(w: World) -> None:
    """An elephant marked addressed in the channel: the "does this feel addressed?" card."""
    await elephant_posted(w)
    await w.say(w.fay, "elephant 1 addressed we changed the rota")


async def _my_time(w: World) -> None:
    """Recognition on; Sam has added an hour of reading and looks at their record privately."""
    await w.say(w.fay, "set recognition on")
    await w.say(w.sam, "time add 1h reading papers", direct=True)
    w.last = await w.say(w.sam, "my-time", direct=True)


async def _claims_listed(w: World) -> None:
    """Sam has claimed; Fay looks at the claims not yet paid."""
    await _my_time(w)
    await w.say(w.sam, "claim", direct=True)
    w.last = await w.say(w.fay, "claims")


TWINS: dict[str, Twin] = {
    checkin_cards.ANSWER: Twin(
        (checkin_sent,), press(checkin_cards.ANSWER, label="3"), "checkin 3", checkin, "on_answer"
    ),
    checkin_cards.OPEN_FORM: Twin(
        (checkin_sent,), press(checkin_cards.OPEN_FORM), "checkin", checkin, "_form"
    ),
    checkin_cards.FORM: Twin(
        (checkin_sent, opened_by("checkin")),
        fill({"mood": "2", "words": "A long night", "visibility": "facilitators"}),
        "checkin 2 facilitators: A long night",
        checkin,
        "on_form",
    ),
    nudge_cards.HEARD: Twin(
        (meeting_ended,), press_built(_reflection), "heard 4", nudges, "on_heard", direct=True
    ),
    nudge_cards.OPEN_CHANGE: Twin(
        (meeting_ended,),
        press_built(nudge_cards.change_button),
        "heard change",
        nudges,
        "on_open_change",
        direct=True,
    ),
    nudge_cards.REFLECTION_FORM: Twin(
        (meeting_ended, _open_reflection_form),
        fill({"change": "Send the papers earlier"}, direct=True),
        "heard change Send the papers earlier",
        nudges,
        "on_change_form",
        direct=True,
    ),
    ladder_cards.OPEN_LADDER: Twin(
        (meeting_ended,),
        press_built(ladder_cards.ladder_button),
        "ladder",
        opens=ladder_cards.LADDER_FORM,
        direct=True,
    ),
    ladder_cards.LADDER_FORM: Twin(
        (meeting_ended, _open_ladder_form),
        fill({"rung": "6"}, direct=True),
        "ladder co-design",
        ladder_commands,
        "on_ladder_form",
        direct=True,
    ),
    round_cards.SHARE_FORM: Twin(
        (round_open, opened_by("share")),
        fill({"text": "Papers a week ahead", "consent": "no"}),
        "share Papers a week ahead",
        rounds,
        "_store_share",
    ),
    round_cards.OPEN_FORM: Twin(
        (round_open,), press(round_cards.OPEN_FORM), "share", rounds, "share_form"
    ),
    round_cards.PASS: Twin((round_open,), press(round_cards.PASS), "pass", rounds, "_store_pass"),
    round_cards.CONSENT: Twin(
        (shared,), press(round_cards.CONSENT, label="Yes"), "consent yes", rounds, "consent_button"
    ),
    setup.ROLE_CHOICE: Twin(
        (opened_by("role"),), press(setup.ROLE_CHOICE), "role both", setup, "_record_role"
    ),
    dashboard.OPEN_PAGES: Twin(
        (opened_by("help", direct=True),),
        press(dashboard.OPEN_PAGES, direct=True),
        "dashboard",
        dashboard,
        "_send_link",
        direct=True,
    ),
    privacy.FORGET_CONFIRM: Twin(
        (opened_by("forget-me"),),
        press(privacy.FORGET_CONFIRM),
        "forget-me yes",
        privacy,
        "forget_confirmed",
    ),
    privacy.FORGET_CANCEL: Twin(
        (opened_by("forget-me"),),
        press(privacy.FORGET_CANCEL),
        "forget-me no",
        privacy,
        "forget_cancelled",
    ),
    elephant_cards.AS_OUTCOME: Twin(
        (
            elephant_posted,
            opened_by("elephant 1 addressed we changed the rota", by="fay", direct=True),
        ),
        press(elephant_cards.AS_OUTCOME, by="fay", direct=True),
        "elephant outcome 1 addressed we changed the rota",
        elephants,
        "elephant_status",
        by="fay",
    ),
    elephant_cards.AS_NEW: Twin(
        (elephant_posted, opened_by("elephant 1 hidden agendas everywhere", direct=True)),
        press(elephant_cards.AS_NEW, direct=True),
        "elephant little: 1 hidden agendas everywhere",
        elephants,
        "_name",
        direct=True,
    ),
    elephant_cards.FORM: Twin(
        (opened_by("elephant", direct=True),),
        fill({"size": "big", "text": "Nobody asks the parents first"}, direct=True),
        "elephant big: Nobody asks the parents first",
        elephants,
        "_store_elephant",
        direct=True,
    ),
    elephant_cards.SEE_TOO: Twin(
        (elephant_posted,),
        press(elephant_cards.SEE_TOO),
        "see 1",
        elephants,
        "see_too",
        direct=True,
    ),
    elephant_cards.PERSPECTIVE_OPEN: Twin(
        (big_posted,),
        press(elephant_cards.PERSPECTIVE_OPEN),
        "perspective 1",
        perspectives,
        "open_form",
        direct=True,
    ),
    elephant_cards.PERSPECTIVE_FORM: Twin(
        (big_posted, opened_by("perspective 1", direct=True)),
        fill({"text": "It is set before we arrive", "role_tag": "tag"}, direct=True),
        "perspective 1 tag: It is set before we arrive",
        perspectives,
        "submit",
        direct=True,
    ),
    agenda_cards.ADD_OPEN: Twin(
        (opened_by("agenda"),),
        press(agenda_cards.ADD_OPEN),
        "agenda add anonymously",
        agenda_buttons,
        "add_form",
        also=(agenda_commands,),
    ),
    agenda_cards.ADD_FORM: Twin(
        (opened_by("agenda"), _press_last(agenda_cards.ADD_OPEN)),
        fill(
            {"text": "Transport costs", "papers": "", "name": agenda_cards.ANONYMOUS}, direct=True
        ),
        "agenda add anonymously Transport costs",
        agenda_changes,
        "add_anonymous",
        direct=True,
    ),
    agenda_cards.CHANGE_OPEN: Twin(
        (_agenda_item, opened_by("agenda", by="fay")),
        press(agenda_cards.CHANGE_OPEN, by="fay", label="Defer"),
        "agenda defer 1",
        opens=agenda_cards.CHANGE_FORM,
        by="fay",
    ),
    agenda_cards.CHANGE_FORM: Twin(
        (
            _agenda_item,
            opened_by("agenda", by="fay"),
            _press_last(agenda_cards.CHANGE_OPEN, by="fay", label="Defer"),
        ),
        fill(lambda form: {"item": form.inputs[0].options[0].value}, by="fay"),
        "agenda defer 1",
        agenda_changes,
        "defer",
        by="fay",
    ),
    agenda_cards.FROM_ELEPHANT: Twin(
        (elephant_posted,),
        press(agenda_cards.FROM_ELEPHANT, by="fay"),
        "agenda add elephant 1",
        agenda_changes,
        "add_elephant",
        by="fay",
    ),
    action_cards.ACCEPT: Twin(
        (_action_for_sam,),
        press(action_cards.ACCEPT, direct=True),
        "action 1 accept",
        action_answers,
        "_accept",
        direct=True,
    ),
    action_cards.NOT_ME: Twin(
        (_action_for_sam,),
        press(action_cards.NOT_ME, direct=True),
        "action 1 decline",
        opens=action_cards.DECLINE_FORM,
        direct=True,
    ),
    action_cards.DECLINE_FORM: Twin(
        (_action_for_sam, _press_in_private(action_cards.NOT_ME)),
        fill({"reason": "I'm away that week"}, direct=True),
        "action 1 decline I'm away that week",
        action_answers,
        "_decline",
        direct=True,
    ),
    action_cards.DONE: Twin(
        (_reminded,),
        press(action_cards.DONE, direct=True),
        "action 1 done",
        opens=action_cards.DONE_FORM,
        direct=True,
    ),
    action_cards.DONE_FORM: Twin(
        (_reminded, _press_in_private(action_cards.DONE)),
        fill({"note": "Posted it on Monday"}, direct=True),
        "action 1 done Posted it on Monday",
        action_answers,
        "_done",
        direct=True,
    ),
    action_cards.PICK_OWNER: Twin(
        (_namesakes_asked_about,),
        press(action_cards.PICK_OWNER, by="fay", label="Sam"),
        "action pick 1",
        action_commands,
        "_note",
        by="fay",
    ),
    recognition.CLAIM_BUTTON: Twin(
        (_my_time,),
        press(recognition.CLAIM_BUTTON, direct=True),
        "claim",
        recognition,
        "choose",
        direct=True,
    ),
    recognition.DECLINE_BUTTON: Twin(
        (_my_time,),
        press(recognition.DECLINE_BUTTON, direct=True),
        "decline",
        recognition,
        "choose",
        direct=True,
    ),
    recognition.DONATE_BUTTON: Twin(
        (_my_time,),
        press(recognition.DONATE_BUTTON, direct=True),
        "donate",
        recognition,
        "choose",
        direct=True,
    ),
    recognition_claims.EXPORT_BUTTON: Twin(
        (_claims_listed,),
        press(recognition_claims.EXPORT_BUTTON, by="fay"),
        "claims export",
        recognition_claims,
        "export_claims",
        by="fay",
    ),
    access_form.OPEN: Twin(
        (opened_by("access", direct=True),),
        press(access_form.OPEN, direct=True),
        "access",
        opens=access_form.FORM,
        direct=True,
    ),
    access_form.FORM: Twin(
        (opened_by("access", direct=True), _press_in_private(access_form.OPEN)),
        fill(
            {
                "needs": "Large print",
                "share": "no",
                "plain_text": "no",
                "fewer_messages": "no",
                "earlier_reminders": "no",
            },
            direct=True,
        ),
        "access needs Large print",
        access_commands,
        "save",
        direct=True,
    ),
    signal_cards.SEND: Twin(
        (_signals_card,),
        press(signal_cards.SEND, label="Slow down"),
        "slow down",
        signals,
        "signal",
        direct=True,
    ),
    signal_cards.ASK_WORD: Twin(
        (_signals_card,),
        press(signal_cards.ASK_WORD),
        "jargon EHCP",
        opens=signal_cards.JARGON_FORM,
        direct=True,
    ),
    signal_cards.JARGON_FORM: Twin(
        (_signals_card, opened_by("jargon", direct=True)),
        fill({"word": "EHCP"}, direct=True),
        "jargon EHCP",
        signals,
        "signal",
        direct=True,
    ),
    verdict_cards.ANSWER: Twin(
        (_addressed,),
        press(verdict_cards.ANSWER, label="Partly"),
        "addressed 1 partly",
        verdicts,
        "record",
        direct=True,
    ),
}


def test_every_button_and_form_has_a_typed_twin() -> None:
    """A new button or form must be added to TWINS, with the command that does the same."""
    assert set(TWINS) == set(ROUTES.choices) | set(ROUTES.forms)


def test_every_button_and_form_says_what_to_type() -> None:
    """Plain-text mode writes each button out as the words to type (`Button.typed`) and each form
    as the command that sends it (`Form.typed`): a card without them could not be answered by
    someone who reads in plain text. (The adapters and the outbox's codec only rebuild cards.)"""
    missing = []
    for path in sorted(Path("bot").rglob("*.py")):
        if path.parts[1] in ("adapters", "delivery"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Button", "Form"):
                named = {keyword.arg for keyword in node.keywords}
                if "typed" not in named and None not in named:
                    missing.append(f"{path}:{node.lineno}")
    assert missing == []


def test_every_typed_twin_is_a_command_open_to_the_same_people() -> None:
    for action, twin in TWINS.items():
        parsed = ROUTES.parse(twin.typed)
        assert parsed.action in ROUTES.commands, action
        route = ROUTES.choices.get(action) or ROUTES.forms[action]
        assert parsed.spec is not None
        if route.anonymous:  # the typed twin must not make anyone a member either
            assert parsed.spec.anonymous, f"{twin.typed!r} must be anonymous like {action}"


class Spy:
    """Stands in for a handler or helper, keeping what each call gave."""

    def __init__(self, wrapped: Callable[..., Any]) -> None:
        self.wrapped = wrapped
        self.results: list[Any] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not inspect.iscoroutinefunction(self.wrapped):
            result = self.wrapped(*args, **kwargs)
            self.results.append(result)
            return result

        async def awaited() -> Any:
            found = await self.wrapped(*args, **kwargs)
            self.results.append(found)
            return found

        return awaited()


def shape(result: Any) -> Any:
    """What kind of answer a handler gave, without the details that differ between groups."""
    if isinstance(result, list):
        return sorted(type(item).__name__ for item in result)
    if isinstance(result, tuple):
        return tuple(shape(item) for item in result)
    return type(result).__name__


@pytest.mark.parametrize("action", sorted(TWINS))
async def test_typing_reaches_what_pressing_reaches(
    action: str, chat: Chat, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = TWINS[action]
    pressed, typed = await world(chat, db, "One"), await world(chat, db, "Two")
    for w in (pressed, typed):
        for step in twin.setup:
            await step(w)
    if twin.opens:
        opened = form_of(await twin.press(pressed))
        assert opened.form_id == twin.opens and twin.opens in TWINS
        outcome = await typed.say(getattr(typed, twin.by), twin.typed, direct=twin.direct)
        assert "I don't know the command" not in outcome.reply and outcome.reply
        return
    assert twin.module is not None
    spy = Spy(getattr(twin.module, twin.reaches))
    monkeypatch.setattr(twin.module, twin.reaches, spy)
    for module in twin.also:
        monkeypatch.setattr(module, twin.reaches, spy)
    for table in (ROUTES.choices, ROUTES.forms):
        for name, route in list(table.items()):
            if route.handler is spy.wrapped:
                monkeypatch.setitem(table, name, replace(route, handler=spy))  # type: ignore[arg-type]
    for name, handler in list(ROUTES.commands.items()):
        if handler is spy.wrapped:  # a typed twin that reaches the handler as its own command
            monkeypatch.setitem(ROUTES.commands, name, spy)

    by_button = await twin.press(pressed)
    assert len(spy.results) == 1, f"pressing {action} did not reach {twin.reaches}: {by_button}"
    outcome = await typed.say(getattr(typed, twin.by), twin.typed, direct=twin.direct)
    assert len(spy.results) == 2, f"typing {twin.typed!r} did not reach {twin.reaches}: {outcome}"
    assert shape(spy.results[1]) == shape(spy.results[0])
    assert "I don't know the command" not in outcome.reply
