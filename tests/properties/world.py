"""Plays a `Scenario` through the real core and the real meeting clock, checking every promise in
`promises.py` after each step. Nothing sleeps: a `FakeClock` moves and `MeetingClock.tick` runs
what came due, delivering to a recorder.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.adapters.console.render import card_text
from bot.cards import Button, Form
from bot.context import Services
from bot.core import Core
from bot.effects import (
    Effect,
    FormErrors,
    MessageMember,
    OpenForm,
    PostToConversation,
    ReplyToActor,
    SendFileToActor,
    UpdatePost,
)
from bot.events import Choice, Command, FormSubmitted
from bot.grammar import CommandError
from bot.identity import Where, Who
from bot.prompts import load_library
from bot.scheduling.clock import MeetingClock
from bot.settings import Settings
from bot.store.database import Database
from tests.anonymity_helpers import (
    DRIVER_LOGGERS,
    _every_logger_at_debug,
    assert_anonymous,
    assert_effects_anonymous,
    names_of,
    snapshot_tables,
)
from tests.dialogue import PLATFORM, WORKSPACE, FakeClock, Outcome, dm
from tests.properties import promises
from tests.properties.promises import check
from tests.properties.scenario import FEELINGS, TEMPLATES, WORDS, Scenario

SECRET = "test-secret-key-for-keyed-hashes"
REMINDER_TEXT = "The check-in for today's meeting is still open"
SHORTEST_KEPT = 4
"""Typed text of at least this many words must never be dropped (`typed-text-lost`)."""
STATUS_TYPO = re.compile(r"^elephant\s+\d+\s+\S+")


class Recorder:
    """The deliverer the clock sends to: keeps everything, refuses nothing."""

    def __init__(self) -> None:
        self.effects: list[Effect] = []

    async def deliver(self, effects: Any) -> list[Effect]:
        self.effects.extend(effects)
        return []


class LogLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in DRIVER_LOGGERS:
            return
        self.lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")


@contextmanager
def all_logs() -> Iterator[LogLines]:
    handler = LogLines()
    root = logging.getLogger()
    root.addHandler(handler)
    drivers = [logging.getLogger(name) for name in DRIVER_LOGGERS]
    levels = [driver.level for driver in drivers]
    try:
        with _every_logger_at_debug():
            for driver in drivers:  # the app keeps them at WARNING (tests/test_anonymity.py)
                driver.setLevel(logging.WARNING)
            yield handler
    finally:
        root.removeHandler(handler)
        for driver, level in zip(drivers, levels, strict=True):
            driver.setLevel(level)


def person(g: int, i: int) -> Who:
    """`Zq101` is person 1 of group 1: a name no typed word contains."""
    name = f"Zq{g}{i:02d}"
    return Who(PLATFORM, WORKSPACE, f"U-{name.lower()}", name)


@dataclass
class World:
    core: Core
    clock: FakeClock
    meeting_clock: MeetingClock
    recorder: Recorder
    scenario: Scenario
    logs: LogLines
    trace: list[str] = field(default_factory=list)
    readings: promises.Readings = field(default_factory=promises.Readings)
    channel_buttons: dict[int, list[Button]] = field(default_factory=dict)
    own_buttons: dict[tuple[int, int], list[tuple[Button, bool]]] = field(default_factory=dict)
    forms: dict[tuple[int, int], list[Form]] = field(default_factory=dict)
    typed: int = 0
    delivered: int = 0
    revealed: set[int] = field(default_factory=set)
    anonymous_words: set[str] = field(default_factory=set)
    notes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """What each person's time and expenses were for (their typed words), by whose they are."""

    @property
    def db(self) -> Database:
        return self.core.db

    def channel(self, g: int) -> Where:
        return Where(PLATFORM, WORKSPACE, f"C-group{g}")

    def group_of_where(self, where: Where) -> int | None:
        for g in range(len(self.scenario.groups)):
            if where == self.channel(g):
                return g
        return None

    def words(self, n: int = 5) -> str:
        self.typed += 1
        rng = random.Random(self.typed)
        return " ".join([*rng.sample(WORDS, n - 1), f"w{self.typed}x"])

    # -- playing ----------------------------------------------------------------------------------

    async def setup(self) -> None:
        for g, plan in enumerate(self.scenario.groups):
            here = self.channel(g)
            await self.act(g, 0, f"setup Group {g}", here)
            for i, role in enumerate(plan.roles):
                await self.act(g, i, f"role {role}" if role else "role", here)
            for line in (
                f"set k {plan.k}",
                f"set reciprocity-lock {'on' if plan.lock else 'off'}",
                f"set anonymity-delay {plan.delay}",
                "set recognition on",
                *([f"schedule {plan.schedule}"] if plan.schedule else []),
            ):
                await self.act(g, 0, line, here)

    async def play(self) -> None:
        await self.setup()
        for step in self.scenario.steps:
            await self.step(step)

    async def step(self, step: tuple[Any, ...]) -> None:
        kind = step[0]
        if kind == "wait":
            self.trace.append(f"wait {step[1]} min")
            self.clock.advance(minutes=step[1])
            await self.act_clock()
            return
        if kind == "mark":  # someone names an elephant, it is posted, elephant n is addressed
            g, n = step[1], step[2]
            await self.act(g, 1, f"elephant {self.words()}", dm(person(g, 1)))
            self.trace.append("wait 60 min")
            self.clock.advance(minutes=60)
            await self.act_clock()
            await self.act(g, 0, f"elephant {n} addressed", self.channel(g))
            return
        if kind == "answer":
            g, i, n, pick = step[1:]
            await self.act(g, i, f"addressed {n} {FEELINGS[pick]}", dm(person(g, i)))
            return
        g, i = step[1], step[2]
        if kind == "say":
            _, _, _, template, n, in_dm = step
            words = self.words() if "{text}" in TEMPLATES[template] else None
            text = TEMPLATES[template].format(
                text=words,
                n=n,
                k=n + 1,
                delay=(0, 5, 30, 60)[n - 1],
                day=("mon", "tue", "wed", "thu")[n - 1],
                hhmm=("09:00", "10:00", "13:30", "18:00")[n - 1],
                role=("lived-experience", "professional", "both", "prefer-not-to-say")[n - 1],
            )
            where = dm(person(g, i)) if in_dm else self.channel(g)
            await self.act(g, i, text, where, words=words)
        elif kind == "press":
            choices = [(b, True) for b in self.channel_buttons.get(g, [])[-12:]]
            choices += self.own_buttons.get((g, i), [])[-12:]
            if not choices:
                return
            button, in_channel = choices[-1 - step[3] % len(choices)]
            where = self.channel(g) if in_channel else dm(person(g, i))
            await self.act(g, i, button, where)
        elif kind == "submit":
            forms = self.forms.get((g, i), [])
            if forms:
                await self.act(g, i, forms[-1 - step[3] % len(forms)], dm(person(g, i)), step[4])

    async def act(
        self,
        g: int,
        i: int,
        what: str | Button | Form,
        where: Where,
        seed: int = 0,
        words: str | None = None,
    ) -> None:
        """One person's command, press or form, checked against every promise."""
        who = person(g, i)
        chat_where = where
        before = await snapshot_tables(self.db)
        typed: list[str] = []
        if isinstance(what, str):
            self.trace.append(
                f"{who.display_name} says {what!r}" + (" in DM" if where.is_direct else "")
            )
            anonymous = _command_is_anonymous(self.core, what)
            if where.is_direct and what.strip().isdigit():  # it answers their numbered card
                option = _numbered_option(before, who, int(what))
                anonymous = option is not None and _command_is_anonymous(self.core, option)
            if words and what.startswith(("time add", "expense add")):
                self.notes[words] = (g, i)
            effects = await self.core.handle(Command(who, chat_where, what))
            if words and len(words.split()) >= SHORTEST_KEPT:
                typed.append(words)
        elif isinstance(what, Button):
            self.trace.append(f"{who.display_name} presses {what.label!r}")
            route = self.core.routes.choices.get(what.action)
            anonymous = bool(route and route.anonymous)
            effects = await self.core.handle(Choice(who, chat_where, what.action, what.value))
        else:
            values = _fill(what, self.words(), seed)
            self.trace.append(f"{who.display_name} submits {what.form_id} {values}")
            route = self.core.routes.forms.get(what.form_id)
            # A form that asks whether to put your name on it (the agenda's) is anonymous
            # unless the person chose to be named.
            anonymous = bool(route and route.anonymous) and values.get("name") != "named"
            effects = await self.core.handle(
                FormSubmitted(who, chat_where, what.form_id, values, what.context)
            )
            typed += [v for v in values.values() if len(v.split()) >= SHORTEST_KEPT]
        after = await snapshot_tables(self.db)
        shown = self.see(g, i, effects)
        self.check_recognition(shown, (g, i), after)
        if anonymous:
            for words in typed:
                self.anonymous_words.add(words)
            check_anonymous(before, after, who, effects, self.trace)
            self.check_delayed(g, effects)
        self.check_text_kept(typed, effects, after)
        if isinstance(what, str) and STATUS_TYPO.match(what):
            check(
                len(after["elephants"]) == len(before["elephants"]),
                promises.TYPO_STORED,
                f"{what!r} stored a new elephant",
            )
        await self.check_state(before, after, shown)

    async def act_clock(self) -> None:
        before = await snapshot_tables(self.db)
        await self.meeting_clock.tick()
        after = await snapshot_tables(self.db)
        effects = self.recorder.effects[self.delivered :]
        self.delivered = len(self.recorder.effects)
        shown = self.see(None, None, effects)
        self.check_recognition(shown, None, after)
        self.check_reminders(after, effects)
        await self.check_state(before, after, shown)

    # -- what people see ----------------------------------------------------------------------

    def see(
        self, g: int | None, i: int | None, effects: list[Effect]
    ) -> list[tuple[int, str, Effect]]:
        """Remember the buttons and forms each person was given; return `(group, text, effect)`."""
        shown: list[tuple[int, str, Effect]] = []
        for effect in effects:
            if isinstance(effect, PostToConversation | UpdatePost):
                group = self.group_of_where(effect.where)
                if group is None:
                    continue
                self.channel_buttons.setdefault(group, []).extend(effect.card.buttons)
                shown.append((group, card_text(effect.card), effect))
            elif isinstance(effect, MessageMember):
                found = _person_of(self.scenario, effect.user_id)
                if found is None:
                    continue
                self.own_buttons.setdefault(found, []).extend(
                    (b, False) for b in effect.card.buttons
                )
                shown.append((found[0], card_text(effect.card), effect))
            elif isinstance(effect, ReplyToActor) and g is not None and i is not None:
                self.own_buttons.setdefault((g, i), []).extend(
                    (b, False) for b in effect.card.buttons
                )
                shown.append((g, card_text(effect.card), effect))
            elif isinstance(effect, SendFileToActor) and g is not None:
                shown.append((g, effect.content.decode("utf-8"), effect))
            elif isinstance(effect, OpenForm) and g is not None and i is not None:
                self.forms.setdefault((g, i), []).append(effect.form)
        return shown

    # -- checks -------------------------------------------------------------------------------

    async def check_state(
        self, before: dict[str, Any], after: dict[str, Any], shown: list[tuple[int, str, Effect]]
    ) -> None:
        ks, crowds = {}, {}
        for g in range(len(self.scenario.groups)):
            row = next(
                (r for r in after["groups"].values() if r["conversation_id"] == f"C-group{g}"), None
            )
            ks[g] = int(row["k"]) if row else 3
            crowds[g] = int(row["signal_crowd"]) if row else 2
        exports = [  # the group's `export` (JSON); a claims list (CSV) is checked as text
            (g, e)
            for g, _, e in shown
            if isinstance(e, SendFileToActor) and e.filename.endswith(".json")
        ]
        promises.shown_texts(
            [(g, text) for g, text, e in shown if not any(e is x for _, x in exports)],
            self.readings,
            ks,
            crowds,
        )
        for g, effect in exports:
            assert isinstance(effect, SendFileToActor)
            promises.export_record(g, effect.content.decode("utf-8"), self.readings)
        secrets = set()
        for g, plan in enumerate(self.scenario.groups):
            for i in range(len(plan.roles)):
                secrets |= {person(g, i).user_id, person(g, i).display_name}
        bad = [line for line in self.logs.lines if any(s in line for s in secrets)]
        self.logs.lines.clear()
        check(not bad, promises.LOG_NAMES, f"log lines name someone: {bad[:3]}")
        for row in after["meetings"].values():
            check(
                row["ends_at"] is None or row["ends_at"] >= row["starts_at"],
                promises.MEETING_BACKWARDS,
                f"meeting {row['id']} ({row['source']}) runs "
                f"{row['starts_at']} to {row['ends_at']}",
            )
        self.check_lock(after)

    def check_recognition(
        self,
        shown: list[tuple[int, str, Effect]],
        actor: tuple[int, int] | None,
        after: dict[str, Any],
    ) -> None:
        """Time, expenses and claims reach only their owner and the group's facilitators."""
        if not self.notes and not any("claims" in text for _, text, _ in shown):
            return
        index = {
            row["id"]: g
            for g in range(len(self.scenario.groups))
            for row in after["groups"].values()
            if row["conversation_id"] == f"C-group{g}"
        }
        owners = {
            person(g, i).display_name: (g, i)
            for g, plan in enumerate(self.scenario.groups)
            for i in range(len(plan.roles))
        }
        for _, text, effect in shown:
            if isinstance(effect, PostToConversation | UpdatePost):
                viewer = promises.Viewer(None)
            elif isinstance(effect, MessageMember):
                viewer = promises.Viewer(_person_of(self.scenario, effect.user_id))
            else:
                viewer = promises.Viewer(actor)
            facilitates = set()
            if viewer.person is not None:
                user_id = person(*viewer.person).user_id
                facilitates = {
                    index[row["group_id"]]
                    for row in after["members"].values()
                    if row["user_id"] == user_id
                    and row["is_facilitator"]
                    and row["group_id"] in index
                }
            promises.recognition_seen(viewer, text, self.notes, facilitates, owners)

    def check_lock(self, after: dict[str, Any]) -> None:
        lock_on = {r["id"]: bool(r["reciprocity_lock"]) for r in after["groups"].values()}
        for row in after["rounds"].values():
            if row["revealed_at"] is None or row["id"] in self.revealed:
                continue
            self.revealed.add(row["id"])
            if not lock_on.get(row["group_id"]):
                continue
            shares = [
                a for a in after["round_answers"].values()
                if a["round_id"] == row["id"] and a["kind"] == "share"
            ]  # fmt: skip
            pros = {a["member_id"] for a in shares if a["role"] in ("professional", "both")}
            lived = {a["member_id"] for a in shares if a["role"] in ("lived-experience", "both")}
            check(
                any(p != q for p in pros for q in lived),
                promises.LOCK_OPENED,
                f"round {row['id']} revealed under the lock with shares by roles "
                f"{[a['role'] for a in shares]}",
            )

    def check_text_kept(
        self, typed: list[str], effects: list[Effect], after: dict[str, Any]
    ) -> None:
        if not typed:
            return
        handed_back = "\n".join(
            f"{e.card.text}\n{e.card.footer}" for e in effects if isinstance(e, ReplyToActor)
        ) + "\n".join(
            " ".join(i.initial for i in e.form.inputs) for e in effects if isinstance(e, OpenForm)
        )
        stored = "\n".join(
            str(v) for rows in after.values() for row in rows.values() for v in row.values()
        )
        for words in typed:
            check(
                words in handed_back or words in stored or _is_form_error(effects),
                promises.TEXT_LOST,
                f"{words!r} was neither kept nor handed back; the reply: {handed_back!r}",
            )

    def check_delayed(self, g: int, effects: list[Effect]) -> None:
        """Anonymous items wait out the anonymity delay: an anonymous step itself posts none."""
        if self.scenario.groups[g].delay == 0:
            return
        for effect in effects:
            if isinstance(effect, PostToConversation | MessageMember):
                text = card_text(effect.card)
                posted = [w for w in self.anonymous_words if w in text]
                check(
                    not posted,
                    promises.NOT_DELAYED,
                    f"an anonymous step posted anonymous words at once: {text!r}",
                )

    def check_reminders(self, after: dict[str, Any], effects: list[Effect]) -> None:
        passed = {
            (r["meeting_id"], r["member_id"]) for r in after["checkins"].values() if r["passed"]
        }
        member_user = {r["id"]: r["user_id"] for r in after["members"].values()}
        passers = {(meeting, member_user.get(member)) for meeting, member in passed}
        for effect in effects:
            if isinstance(effect, MessageMember) and REMINDER_TEXT in effect.card.text:
                # The reminder's buttons answer its own meeting's check-in: `<group>|<meeting>:<n>`.
                meetings = {
                    int(button.value.split("|", 1)[1].split(":", 1)[0])
                    for button in effect.card.buttons
                    if ":" in button.value
                }
                check(
                    not {(meeting, effect.user_id) for meeting in meetings} & passers,
                    promises.PASSER_NUDGED,
                    f"{effect.user_id} passed the check-in and was reminded",
                )


def check_anonymous(
    before: Any, after: Any, who: Who, effects: list[Effect], trace: list[str]
) -> None:
    try:
        assert_anonymous(before, after, who)
        assert_effects_anonymous(Outcome(effects), who, names_of(before, who))
    except AssertionError as exc:
        check(False, promises.NAMES_AUTHOR, f"{exc}")


def _is_form_error(effects: list[Effect]) -> bool:
    return any(isinstance(e, FormErrors) for e in effects)


def _command_is_anonymous(core: Core, text: str) -> bool:
    try:
        spec = core.routes.parse(text).spec
    except CommandError:
        return False
    return bool(spec and spec.anonymous)


def _numbered_option(before: dict[str, Any], who: Who, number: int) -> str | None:
    """The words a number typed alone answers with: option `number` of the person's last
    numbered card in plain text (`plain_text_cards`), or None."""
    for row in before["plain_text_cards"].values():
        if row["user_id"] == who.user_id:
            options = json.loads(row["options"])
            return str(options[number - 1]) if 1 <= number <= len(options) else None
    return None


def _person_of(scenario: Scenario, user_id: str) -> tuple[int, int] | None:
    for g, plan in enumerate(scenario.groups):
        for i in range(len(plan.roles)):
            if person(g, i).user_id == user_id:
                return g, i
    return None


def _fill(form: Form, words: str, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    values = {}
    for item in form.inputs:
        if item.options:
            values[item.name] = rng.choice(item.options).value
        elif item.optional and rng.random() < 0.3:
            values[item.name] = ""
        else:
            values[item.name] = words
    return values


# -- one example's database and core ------------------------------------------------------------


def make_core(url: str, data_dir: Path, clock: FakeClock) -> Core:
    settings = Settings(
        DATABASE_URL=url,
        COMMONGROUND_DATA_DIR=data_dir,
        COMMONGROUND_SECRET_KEY=SECRET,
        _env_file=None,
    )
    services = Services(
        settings=settings,
        secret=settings.resolved_secret(),
        prompts=load_library(),
        clock=clock,
        rng=random.Random(1234),
    )
    return Core(Database(settings.resolved_database_url()), services)


async def play(core: Core, clock: FakeClock, scenario: Scenario) -> World:
    recorder = Recorder()
    meeting_clock = MeetingClock(core, recorder)
    with all_logs() as logs:
        world = World(core, clock, meeting_clock, recorder, scenario, logs)
        try:
            await world.play()
        except promises.BrokenPromise as exc:
            exc.add_note("steps:\n  " + "\n  ".join(world.trace[-40:]))
            raise
        finally:
            await meeting_clock.shutdown()
    return world
