"""The demo: a short meeting of six people, played through the console and the real scheduler.

Everything runs for real: the console adapter turns each scripted line into the same event a
person would send, the core handles it, and `MeetingClock` (APScheduler) sends the check-in and
its reminder, posts the anonymous elephants, ends the meeting, posts the summary and sends the
nudges on its own. Only the timings are squeezed: the group's settings are set to the shortest
times the rules allow, the meeting's start is moved back a minute when the reminder is due, and
its end is brought forward once the script has played, so the whole thing takes seconds. The demo
waits for each scheduled thing to happen (with a timeout), never for a fixed time, so a slow
machine makes it slower, not wrong.

The facilitators' note on sharing looks at recent meetings, so the group is given a short past:
two earlier meetings, each with a sharing round, are written through the store before the demo's
meeting, and printed, so the note's counts can be checked against what the reader was shown.

It uses a throw-away database in a temporary folder unless given one.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.adapters.console.adapter import PLATFORM, ConsoleAdapter
from bot.app import CommonGround, start
from bot.demo import access, carrying_on, ladder, recognition, signals
from bot.demo.history import add_history
from bot.effects import Effect, MessageMember, PostToConversation
from bot.scheduling.clock import MeetingClock
from bot.settings import Settings
from bot.store import groups
from bot.store import meetings as meeting_store
from bot.store.meetings import Meeting

START_IN = timedelta(seconds=2)
REMINDER_AFTER_MINUTES = 1  # the shortest the setting allows
DAYS_TO_NEXT = 3  # the group's weekly meeting is this many days ahead
BOOKED_LENGTH = timedelta(minutes=30)
END_IN = timedelta(seconds=1)
POST_INTERVAL = 0.5
SYNC_INTERVAL = 1.0

PARENT_CARERS = ("Priya", "Jo", "Marcus")
PROFESSIONALS = ("Dr Ahmed", "Sarah", "Tom")


class DemoStalled(RuntimeError):
    """Something the script waits for did not happen in time."""


class Demo:
    """The script's stage: the console, the clock, a narrator and a way to wait for events."""

    def __init__(
        self, bot: CommonGround, out: TextIO, *, timeout: float, database_note: str
    ) -> None:
        self.bot = bot
        self.out = out
        self.timeout = timeout
        self.database_note = database_note
        self.console = ConsoleAdapter(bot.core, stdout=out, echo=True, drain=bot.drainer.drain)
        bot.router.register(PLATFORM, self.console.deliverer)
        self.clock = MeetingClock(
            bot.core,
            bot.router,
            post_interval=POST_INTERVAL,
            sync_interval=SYNC_INTERVAL,
            drainer=bot.drainer,
        )
        self.seen: list[Effect] = []
        self._news = asyncio.Event()
        self.console.listeners.append(self._saw)

    # -- tools ---------------------------------------------------------------------------------

    def _saw(self, effect: Effect) -> None:
        self.seen.append(effect)
        self._news.set()

    def narrate(self, text: str) -> None:
        self.out.write(f"\n▶ {text}\n")
        self.out.flush()

    async def as_(self, name: str) -> None:
        await self.console.type(f"as {name}")

    async def say(self, name: str, *lines: str) -> None:
        """`name` types each line (switching to them first if needed)."""
        if self.console.actor is None or self.console.actor.display_name != name:
            await self.as_(name)
        for line in lines:
            await self.console.type(line)

    async def press(self, name: str, label: str, *, on: str = "") -> None:
        """`name` presses a button they can see, waiting for it if its message is on its way.

        Messages from the scheduler are delivered after its transaction commits, one by one,
        so a button may appear a moment after the thing the script waited for.
        """
        if self.console.actor is None or self.console.actor.display_name != name:
            await self.as_(name)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            self._news.clear()
            if await self.console.press_label(label, on=on):
                return
            remaining = deadline - loop.time()
            try:
                if remaining <= 0:
                    raise TimeoutError
                await asyncio.wait_for(self._news.wait(), remaining)
            except TimeoutError:
                raise DemoStalled(f"{name} could not find a “{label}” button") from None

    def mark(self) -> int:
        return len(self.seen)

    async def wait_for(self, what: str, found: Callable[[Effect], bool], since: int) -> Effect:
        """The first effect shown since `since` that `found` accepts; waits for new ones."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        index = since
        while True:
            for effect in self.seen[index:]:
                if found(effect):
                    return effect
            index = len(self.seen)
            self._news.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise DemoStalled(f"waited {self.timeout:.0f} s for {what}")
            try:
                await asyncio.wait_for(self._news.wait(), remaining)
            except TimeoutError:
                raise DemoStalled(f"waited {self.timeout:.0f} s for {what}") from None

    async def wait_for_all(
        self, what: str, found: Callable[[Effect], bool], count: int, since: int
    ) -> None:
        index = since
        for _ in range(count):
            effect = await self.wait_for(what, found, index)
            index = self.seen.index(effect, index) + 1

    # -- the script ----------------------------------------------------------------------------

    async def run(self) -> None:
        await self.clock.start()
        try:
            group_id = await self.set_up()
            await self.add_history(group_id)
            await carrying_on.agenda_before_the_meeting(self)
            await access.access_before_the_meeting(self)
            meeting = await self.schedule_meeting(group_id)
            await self.check_in(meeting)
            await self.elephants()
            await carrying_on.addressed_and_answered(self)
            await self.sharing_round()
            await signals.slow_down_and_jargon(self)
            await carrying_on.agenda_decision_and_action(self)
            await self.end_of_meeting(meeting)
            await ladder.where_on_the_ladder(self)
            await carrying_on.carried_over(self)
            await carrying_on.reminded_and_done(self)
            await recognition.time_recognised(self)
        finally:
            await self.clock.shutdown()
        self.narrate(
            "The demo is over. Everything above is what each person saw, in their channel or "
            f"their direct chat. {self.database_note}"
        )

    async def set_up(self) -> int:
        self.narrate(
            "Six people share the #general channel: three parent carers (Priya, Jo and Marcus) "
            "and three professionals (Dr Ahmed, a paediatrician; Sarah, a social worker; Tom, "
            "a commissioner)."
        )
        for name in (*PARENT_CARERS, *PROFESSIONALS):
            await self.as_(name)
        self.narrate("Priya, a parent carer, makes the channel a co-production group.")
        await self.say("Priya", "setup Parents Forum")
        self.narrate("Priya answers the role picker with a button; the others type their role.")
        await self.press("Priya", "Lived experience")
        for name in PARENT_CARERS[1:]:
            await self.say(name, "role lived-experience")
        for name in PROFESSIONALS:
            await self.say(name, "role professional")
        self.narrate(
            "Priya turns on the reciprocity lock: a sharing round is revealed only once both "
            "professionals and lived-experience members have shared."
        )
        await self.say("Priya", "set reciprocity-lock on")
        day = (self.bot.core.clock() + timedelta(days=DAYS_TO_NEXT)).strftime("%a").lower()
        self.narrate("Priya says when the group meets. The summary will name the next meeting.")
        await self.say("Priya", f"schedule weekly {day} 18:30 1h")
        self.narrate(
            "So the demo fits in seconds, Priya sets the check-in, the anonymity delay and the "
            "reflection question to zero minutes, and the check-in reminder to one (the "
            "shortest). A real group keeps the anonymity delay, so the time an elephant appears "
            "doesn't point at whoever named it; the bot says so."
        )
        await self.say(
            "Priya",
            "set checkin-lead 0",
            "set anonymity-delay 0",
            "set reflection-delay 0",
            f"set reminder {REMINDER_AFTER_MINUTES}",
        )
        async with self.bot.db.read() as conn:
            group = await groups.for_conversation(conn, self.console.channel)
        if group is None:
            raise DemoStalled("the group was not set up")
        return group.id

    async def add_history(self, group_id: int) -> None:
        """Write the group's two earlier meetings, each with one closed round, and print them.

        See `bot.demo.history`: the rows are what the bot itself would have stored.
        """
        self.narrate(
            "The group has met before. At the last two meetings, the parent carers shared and "
            "the professionals mostly passed. The demo writes those meetings into the database "
            "(as the bot would have recorded them), so the bot has a history to look back on:"
        )
        now = self.bot.core.clock()
        async with self.bot.db.write() as conn:
            group = await groups.get(conn, group_id)
            if group is None:
                raise DemoStalled("the group was not set up")
            # The same weekday `schedule weekly` was given in `set_up`.
            next_day = (now + timedelta(days=DAYS_TO_NEXT)).date()
            lines = await add_history(conn, group, next_day)
        for line in lines:
            self.out.write(f"    {line}\n")

    async def schedule_meeting(self, group_id: int) -> Meeting:
        """Book a meeting a couple of seconds ahead and let the scheduler take it from there.

        The row is created open (not "scheduled"): the scheduler drops upcoming "scheduled"
        rows that are not occurrences of the group's rule, and no rule can say "in two
        seconds". An open meeting from the schedule still gets its check-in at its start time
        (the lead is zero), its end, summary and nudges, all fired by the clock.
        """
        now = self.bot.core.clock()
        starts_at = now + START_IN
        async with self.bot.db.write() as conn:
            meeting = await meeting_store.create(
                conn,
                group_id,
                starts_at,
                starts_at + BOOKED_LENGTH,
                status=meeting_store.OPEN,
                source="schedule",
            )
        self.narrate(
            f"Today there's an extra meeting, starting in {START_IN.seconds} seconds. Nobody "
            "types anything now: the scheduler sends the check-in on its own, to the channel "
            "and to each member."
        )
        since = self.mark()
        await self.clock.rebuild()
        await self.wait_for("the check-in", _post_with_key(f"checkin:{meeting.id}"), since)
        return meeting

    async def check_in(self, meeting: Meeting) -> None:
        since = self.mark()
        self.narrate("People check in by pressing a button. The count never says who hasn't.")
        await self.press("Priya", "4 Good")
        await self.press("Jo", "2 Low")
        await self.press("Dr Ahmed", "5 Great")
        self.narrate("Sarah passes. Passing is an answer: she counts as checked in.")
        await self.press("Sarah", "Pass")
        self.narrate("Marcus adds a few words, for the group to read, with the form.")
        await self.press("Marcus", "Add words")
        for answer in ("3", "Up in the night with my son, but glad to be here.", "group"):
            await self.console.type(answer)
        await self.remind(meeting, since)

    async def remind(self, meeting: Meeting, since: int) -> None:
        """Tom has not answered: the clock's reminder reaches him, and only him."""
        self.narrate(
            f"Tom hasn't answered yet. {REMINDER_AFTER_MINUTES} minute after the start, the "
            "scheduler reminds, privately, whoever has neither answered nor passed. The demo "
            "winds the meeting on: it moves the start and the check-in back a minute. The "
            "reminder goes to Tom alone, never to Sarah: she passed, and passing is an answer."
        )
        async with self.bot.db.write() as conn:
            now = await meeting_store.get(conn, meeting.id)
            if now is None or now.checkin_sent_at is None:
                raise DemoStalled("the check-in was not recorded as sent")
            back = timedelta(minutes=REMINDER_AFTER_MINUTES)
            await meeting_store.set_times(
                conn,
                meeting.id,
                starts_at=now.starts_at - back,
                checkin_sent_at=now.checkin_sent_at - back,
            )
        await self.clock.rebuild()
        await self.wait_for("the check-in reminder", _reminder, since)
        self.narrate("Tom answers from the reminder in his direct chat.")
        await self.press("Tom", "3 Okay", on="still open")

    async def elephants(self) -> None:
        self.narrate(
            "In his direct chat with the bot, Marcus names a little elephant. Nobody will know "
            "it was him: the bot stores the words and the time, never who sent them."
        )
        since = self.mark()
        await self.say(
            "Marcus",
            "dm",
            "elephant We always meet at 10am, right in the middle of the school run.",
        )
        await self.say("Marcus", "channel")
        self.narrate(
            "Jo names a big elephant, one that needs everyone's view. (Only this narrator knows "
            "it was Jo.)"
        )
        await self.say(
            "Jo", "dm", "elephant big: Decisions seem to be made before we get in the room."
        )
        await self.say("Jo", "channel")
        self.narrate("The scheduler posts both elephants in the channel, with no name.")
        await self.wait_for_all(
            "both elephants to be posted", _post_with_key("elephant:"), 2, since
        )
        self.narrate("Dr Ahmed sees the little elephant too, and says so. It is counted once.")
        await self.press("Dr Ahmed", "I see it too", on="school run")
        self.narrate(
            "Everyone was asked privately for their perspective on the big elephant. They are "
            f"shown together once {self.bot.settings.default_k} have arrived, never one by one."
        )
        since = self.mark()
        perspectives = (
            (
                "Priya",
                "We hear about changes after they're agreed. It makes us feel like a box to tick.",
            ),
            (
                "Sarah",
                "Budgets are set in another meeting I'm not in either. I'd like us to "
                "see them early.",
            ),
            (
                "Tom",
                "Fair. The commissioning timetable runs ahead of this group. I can "
                "bring papers here first.",
            ),
        )
        for name, words in perspectives:
            await self.press(name, "Add my perspective")
            await self.console.type(words)
            await self.console.type("")  # the role tag is optional
        await self.wait_for("the perspectives to be shown", _reveal_of_perspectives, since)

    async def sharing_round(self) -> None:
        self.narrate(
            "Priya opens a sharing round. Everyone is asked, professionals too; answers are "
            "held until the round is revealed."
        )
        await self.say("Priya", "round What made this week harder than it needed to be?")
        await self.say("Jo", "share The school rang me to collect my daughter again. Third time.")
        await self.press("Jo", "Yes, my words may appear")
        await self.say("Priya", "share Three forms asking the same questions about my son's needs.")
        await self.press("Priya", "Yes, my words may appear")
        self.narrate("Marcus shares with the form and keeps his words out of the summary.")
        await self.press("Marcus", "Share")
        for answer in ("Two buses to get to this meeting, with the wheelchair.", "no"):
            await self.console.type(answer)
        self.narrate("Dr Ahmed passes at first. That's allowed, and nobody will chase him.")
        await self.say("Dr Ahmed", "pass")
        self.narrate(
            "Priya tries to reveal the round, but the reciprocity lock holds it: no professional "
            "has shared yet."
        )
        await self.say("Priya", "round reveal")
        self.narrate("Dr Ahmed thinks again, and shares after all.")
        since = self.mark()
        await self.say(
            "Dr Ahmed",
            "share I missed my own son's hospital appointment for clinic. I felt awful.",
        )
        await self.press("Dr Ahmed", "Yes, my words may appear")
        self.narrate("Now Priya can reveal it: the answers are shown together, interleaved.")
        await self.say("Priya", "round reveal")
        await self.wait_for(
            "the round to be revealed", _post_containing("hospital appointment"), since
        )

    async def end_of_meeting(self, meeting: Meeting) -> None:
        self.narrate(
            "The meeting was booked for half an hour; the demo brings its end forward to now. "
            "The scheduler ends it, posts the summary, and then sends the reflection question "
            "to those who took part (not to Sarah, who passed). It also looks back over the "
            "last three meetings: the parent carers shared every time, the professionals "
            "seldom, so Priya, the facilitator, gets a private note on sharing."
        )
        since = self.mark()
        end = self.bot.core.clock() + END_IN
        async with self.bot.db.write() as conn:
            await meeting_store.set_times(conn, meeting.id, ends_at=end)
        await self.clock.rebuild()
        await self.wait_for("the summary", _post_with_key(f"summary:{meeting.id}"), since)
        await self.wait_for("the reflection question", _reflection, since)
        await self.wait_for("the note on sharing", _note_on_sharing, since)
        self.narrate(
            "Only facilitators get that note, and it holds counts, never names: nobody is "
            "blamed, and the group can try a round where professionals go first."
        )
        self.narrate("Jo answers the reflection question. It is anonymous, like an elephant.")
        await self.press("Jo", "4", on="Did you feel heard")


# -- what the script waits for ---------------------------------------------------------------


def _post_with_key(prefix: str) -> Callable[[Effect], bool]:
    def found(effect: Effect) -> bool:
        key = effect.key if isinstance(effect, PostToConversation) else None
        return key is not None and key.startswith(prefix)

    return found


def _post_containing(words: str) -> Callable[[Effect], bool]:
    def found(effect: Effect) -> bool:
        return isinstance(effect, PostToConversation) and words in effect.card.text

    return found


def _reveal_of_perspectives(effect: Effect) -> bool:
    return isinstance(effect, PostToConversation) and "box to tick" in effect.card.text


def _reminder(effect: Effect) -> bool:
    return isinstance(effect, MessageMember) and "still open" in effect.card.text


def _note_on_sharing(effect: Effect) -> bool:
    return isinstance(effect, MessageMember) and effect.card.title == "A note on sharing"


def _reflection(effect: Effect) -> bool:
    return isinstance(effect, MessageMember) and any(
        button.label == "One thing to change" for button in effect.card.buttons
    )


# -- running it ------------------------------------------------------------------------------


async def run_demo(
    *,
    database_url: str | None = None,
    step_timeout: float = 20.0,
    settings: Settings | None = None,
    out: TextIO | None = None,
) -> int:
    """Play the demo; 0 when every step happened, 1 when one did not."""
    out = out or sys.stdout
    base = settings or Settings()
    with tempfile.TemporaryDirectory(prefix="commonground-demo-") as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}"
        # The script counts on a crowd size of 3 (three perspectives reveal the big elephant).
        demo_settings = base.model_copy(
            update={"database_url": url, "data_dir": Path(folder), "default_k": 3}
        )
        note = (
            "The database was a temporary file and is gone now."
            if database_url is None
            else "The meeting is kept in the database you gave."
        )
        out.write(
            "Common Ground demo: one meeting of the Parents Forum, played in a few seconds.\n"
            "Lines starting with ▶ tell the story; everything else is what people see.\n"
        )
        bot = await start(demo_settings)
        try:
            await Demo(bot, out, timeout=step_timeout, database_note=note).run()
        except DemoStalled as exc:
            out.write(f"\nThe demo got stuck: {exc}.\n")
            return 1
        finally:
            await bot.close()
    return 0
