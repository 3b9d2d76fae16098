"""The console adapter: use the bot in a terminal, playing as many people as you like.

It is the only code that knows the terminal. Lines typed become the same neutral events a chat
platform would send (`Command`, `Choice`, `FormSubmitted`, `MemberJoined`), and every effect is
printed as the person it is for would see it: channel posts under `#general`, private replies
marked "(only you can see this)", direct messages as "→ DM to <name>", edits as "(updated)".

Posts, direct messages and updates are in the outbox already (the core stores them with the change
that caused them): given the app's drain, the console prints the answer to the person first, then
drains the outbox through its own `ConsoleDeliverer` and prints those, in the order stored, before
the next prompt. Without a drain (tests with a stand-in core) it prints everything returned.

Input and output are plain text streams passed in, so tests and the demo drive a session with
scripted lines. Reading happens on a background thread feeding the event loop, so posts from the
scheduler appear while the terminal waits for you to type.
"""

from __future__ import annotations

import asyncio
import re
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from bot.adapters.console.files import write_file
from bot.adapters.console.forms import ConsoleForms
from bot.adapters.console.render import card_text
from bot.cards import Button, Card
from bot.delivery.codec import storable
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
from bot.events import Choice, Command, Event, MemberJoined
from bot.identity import Where, Who

PLATFORM = "console"
WORKSPACE = "local"
BOT_NAME = "Common Ground"
# `/coprod <command>` is how Slack users will type; the console accepts it or the bare command.
PREFIXES = {"/coprod": "", "/elephant": "elephant"}
MAX_NAME = 40
KEEP_CARDS = 50

BANNER = """\
Common Ground console: you can be several people in one channel, #{channel}.
  as <name>      become someone (a new name joins the channel); `as` alone lists everyone
  <command>      talk to the bot, e.g. `setup`, `role`, `help` (or `/coprod help`)
  1, 2, 3 …      press a button on the last card shown to you (a reply to you comes first)
  @Name          mention someone, e.g. `facilitator @Sam`
  dm / channel   your direct chat with the bot / back to #{channel}
  quit           leave (Ctrl-D works too)"""


def slug(name: str) -> str:
    """A user id part from a display name: "Dr Sam Jones" -> "dr-sam-jones"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def direct(who_id: str) -> Where:
    """A person's direct chat with the bot."""
    return Where(PLATFORM, WORKSPACE, f"D-{who_id}", is_direct=True)


@dataclass
class _Pressable:
    """A card with buttons that someone has seen: where it is, and who can press it."""

    buttons: tuple[Button, ...]
    where: Where
    audience: str | None  # a user id, or None when everyone in the conversation sees it
    text: str = ""


class Handler(Protocol):
    """What the console needs of the core (tests may pass a stand-in)."""

    async def handle(self, event: Event) -> list[Effect]: ...


class ConsoleAdapter:
    """A terminal session in one channel. `handle_line` is the whole protocol; `run` reads lines."""

    def __init__(
        self,
        core: Handler,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        channel: str = "general",
        echo: bool | None = None,
        drain: Callable[[], Awaitable[object]] | None = None,
        files: Path | None = None,
    ) -> None:
        self.core = core
        self.drain = drain
        """The outbox's drain (`Drainer.drain`): run after each event, so its posts print then."""
        # Where files given to people (an export) are written; the current directory if unsaid.
        self.files = files
        self._in = stdin if stdin is not None else sys.stdin
        self._out = stdout if stdout is not None else sys.stdout
        # A person typing sees their own words; a script's lines are printed after the prompt.
        self.echo = (not _is_tty(self._in)) if echo is None else echo
        self.channel_name = channel
        self.channel = Where(PLATFORM, WORKSPACE, f"C-{channel}")
        self.people: dict[str, Who] = {}
        self.actor: Who | None = None
        self.in_dm = False
        self.listeners: list[Callable[[Effect], None]] = []
        self._cards: list[_Pressable] = []
        self.forms = ConsoleForms(self.write)
        self._waiting_for_input = False
        self._shown: list[_Pressable] = []  # cards with buttons printed by the current `show`
        self._kept: set[tuple[str, str]] = set()  # (person, key) of messages edited in place
        self.deliverer = ConsoleDeliverer(self)
        """Register this on the app's router: the drain prints the outbox's rows through it."""

    # -- the loop ------------------------------------------------------------------------------

    async def run(self, *, banner: bool = True) -> None:
        """Read and handle lines until `quit` or the end of input."""
        if banner:
            self.write(BANNER.format(channel=self.channel_name))
        lines = self._start_reader()
        while True:
            if not self.echo:
                self._write_raw(self.prompt())
            self._waiting_for_input = True
            try:
                line = await lines.get()
            finally:
                self._waiting_for_input = False
            if line == "":  # end of input
                self.write("")
                break
            if self.echo:
                self._write_raw(self.prompt() + line.rstrip("\n") + "\n")
            if not await self.handle_line(line):
                break
        self.write("Bye for now.")

    async def type(self, line: str) -> bool:
        """Handle a line as if typed, printing it after the prompt (for scripts and the demo)."""
        self._write_raw(self.prompt() + line + "\n")
        return await self.handle_line(line)

    def _start_reader(self) -> asyncio.Queue[str]:
        """Read the input stream on a daemon thread, so the loop stays free for the scheduler."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str] = asyncio.Queue()

        def pump() -> None:
            while True:
                try:
                    line = self._in.readline()
                except (OSError, ValueError):
                    line = ""
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                except RuntimeError:  # the loop has closed: nobody is listening any more
                    return
                if line == "":
                    return

        threading.Thread(target=pump, name="console-input", daemon=True).start()
        return queue

    def prompt(self) -> str:
        question = self.forms.prompt()
        if question is not None:
            return question
        place = "DM" if self.in_dm else f"#{self.channel_name}"
        who = self.actor.display_name if self.actor else "(nobody yet)"
        return f"{who} {place}> "

    # -- one line ------------------------------------------------------------------------------

    async def handle_line(self, raw: str) -> bool:
        """Act on one typed line. Returns False when the person wants to leave."""
        line = raw.strip()
        if self.forms.active:
            submitted = self.forms.answer(line)
            if submitted is not None:
                await self.send(submitted)
            return True
        if not line:
            return True
        word, _, rest = line.partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in {"quit", "exit"} and not rest:
            return False
        if word == "as":
            await self.become(rest)
        elif word in {"dm", "channel"} and not rest:
            self._switch(to_dm=word == "dm")
        elif line.isdigit():
            await self._press_number(int(line))
        else:
            await self._command(line)
        return True

    async def become(self, name: str) -> Who | None:
        """`as <name>`: switch person; a new name is created and joins the channel."""
        name = " ".join(name.split())
        if not name:
            self._list_people()
            return None
        if len(name) > MAX_NAME or not slug(name):
            self.write(f"Please use a name of letters or numbers, up to {MAX_NAME} characters.")
            return None
        who = self.people.get(name.lower())
        if who is not None:
            self.actor = who
            self.write(f"You are now {who.display_name}.")
            return who
        who = Who(PLATFORM, WORKSPACE, f"U-{slug(name)}", name)
        self.people[name.lower()] = who
        self.actor = who
        self.write(f"You are now {name} (new here: joining #{self.channel_name}).")
        await self.send(MemberJoined(who, self.channel))
        return who

    def _list_people(self) -> None:
        if not self.people:
            self.write("Nobody is here yet. Type `as <name>` to become someone, e.g. `as Sam`.")
            return
        names = [
            who.display_name + (" (you)" if who == self.actor else "")
            for who in self.people.values()
        ]
        self.write("People here: " + ", ".join(names) + ". Type `as <name>` to switch.")

    def _switch(self, *, to_dm: bool) -> None:
        self.in_dm = to_dm
        if to_dm:
            self.write(
                f"You're in your direct chat with {BOT_NAME} now. Only you and the bot see it. "
                "Type `channel` to go back."
            )
        else:
            self.write(f"You're back in #{self.channel_name}.")

    def where(self) -> Where:
        """Where the current person is typing."""
        if self.in_dm and self.actor is not None:
            return direct(self.actor.user_id)
        return self.channel

    async def _command(self, line: str) -> None:
        if self.actor is None:
            self.write("Say who you are first: type `as <name>`, for example `as Sam`.")
            return
        head, _, rest = line.partition(" ")
        if head.lower() in PREFIXES:
            line = f"{PREFIXES[head.lower()]} {rest}".strip()
        await self.send(Command(self.actor, self.where(), self._mentions(line)))

    def _mentions(self, text: str) -> str:
        """Turn `@Name` or `<@Name>` for a known person into the neutral mention `<@user id>`.

        `<@U-sam>` (a user id typed as a platform would send it) is left as it is.
        """
        for who in sorted(self.people.values(), key=lambda w: -len(w.display_name)):
            name = re.escape(who.display_name)
            pattern = re.compile(rf"<@{name}>|(?<![\w@<])@{name}(?![\w-])", re.IGNORECASE)
            text = pattern.sub(f"<@{who.user_id}>", text)
        return text

    # -- buttons -------------------------------------------------------------------------------

    def _visible_cards(self) -> list[_Pressable]:
        """Cards the current person can press, newest (the one numbers press) first."""
        return self._visible_to(self.actor.user_id if self.actor else None)

    def _visible_to(self, user_id: str | None) -> list[_Pressable]:
        return [c for c in reversed(self._cards) if c.audience is None or c.audience == user_id]

    async def _press_number(self, number: int) -> None:
        if self.actor is None:
            self.write("Say who you are first: type `as <name>`, for example `as Sam`.")
            return
        visible = self._visible_cards()
        if not visible:
            self.write("There's nothing to press yet. Numbers choose a button on the last card.")
            return
        card = visible[0]
        if not 1 <= number <= len(card.buttons):
            last = len(card.buttons)
            choices = "1" if last == 1 else f"a number from 1 to {last}"
            self.write(f"The last card has {last} button(s): please type {choices}.")
            return
        await self._press(card, card.buttons[number - 1])

    async def press_label(self, label: str, *, on: str = "") -> bool:
        """Press the newest visible button whose label starts with `label`, on a card whose
        text includes `on` (used by the demo). False when there is no such button."""
        wanted = label.lower()
        for card in self._visible_cards():
            if on and on not in card.text:
                continue
            for button in card.buttons:
                if button.label.lower().startswith(wanted):
                    await self._press(card, button)
                    return True
        return False

    async def _press(self, card: _Pressable, button: Button) -> None:
        assert self.actor is not None
        self.write(f"  ({self.actor.display_name} presses “{button.label}”)")
        await self.send(Choice(self.actor, card.where, button.action, button.value))

    # -- output --------------------------------------------------------------------------------

    async def send(self, event: Event) -> list[Effect]:
        """Hand an event to the core and show what everyone would see: the answer to the person
        first, then (drained from the outbox) the posts and messages it caused."""
        effects = await self.core.handle(event)
        if self.drain is None:
            self.show(effects, actor=event.who, where=event.where)
            return effects
        self._shown = []
        self._print([e for e in effects if not storable(e)], event.who, event.where)
        self.deliverer.holding = True  # printed here, after the drain, not a loop turn later
        try:
            await self.drain()
        finally:
            self.deliverer.holding = False
        self._print(self.deliverer.take(), None, None)
        self._front(event.who)
        return effects

    def show(
        self, effects: Sequence[Effect], *, actor: Who | None = None, where: Where | None = None
    ) -> None:
        """Print each effect for the person it is for, and remember buttons that can be pressed.

        The same card sent privately to several people in a row is printed once, with every
        name, so a check-in to twelve members does not fill the screen twelve times.
        """
        self._shown = []
        self._print(effects, actor, where)
        self._front(actor)

    def _print(self, effects: Sequence[Effect], actor: Who | None, where: Where | None) -> None:
        pending = list(effects)
        while pending:
            effect = pending.pop(0)
            if isinstance(effect, MessageMember):
                batch = [effect]
                while pending:
                    following = pending[0]
                    if not isinstance(following, MessageMember) or following.card != effect.card:
                        break
                    batch.append(following)
                    pending.pop(0)
                self._direct_messages(batch)
                for sent in batch:
                    self._notify(sent)
                continue
            self._show_one(effect, actor, where)
            self._notify(effect)

    def _front(self, actor: Who | None) -> None:
        """After a reply and the posts that came with it: numbers press the reply."""
        if actor is not None:
            mine = [c for c in self._shown if c.audience == actor.user_id]
            if mine and self._visible_to(actor.user_id)[0] is not mine[-1]:
                self._keep_in_front(mine[-1], actor)

    def _keep_in_front(self, card: _Pressable, actor: Who) -> None:
        """A reply to the person outranks channel posts printed after it: numbers press it.

        After `share`, the consent question comes to the sharer and the round card is updated in
        the channel below it; "1" must mean "Yes" on the question, not "Share" on the round.
        """
        self._cards = [c for c in self._cards if c is not card] + [card]
        choices = ", ".join(f"[{n}] {b.label}" for n, b in enumerate(card.buttons, start=1))
        self.write("")
        self.write(
            f"  (Numbers now press the message to {actor.display_name} above, not the channel "
            f"post after it: {choices}.)"
        )

    def _show_one(self, effect: Effect, actor: Who | None, where: Where | None) -> None:
        if isinstance(effect, ReplyToActor):
            name = actor.display_name if actor else "someone"
            self._card(f"to {name} (only you can see this):", effect.card)
            if actor is not None:
                self._remember(effect.card, where or self.channel, actor.user_id)
        elif isinstance(effect, PostToConversation):
            self._card(f"{self._place(effect.where)}:", effect.card)
            self._remember(effect.card, effect.where, self._audience(effect.where))
        elif isinstance(effect, UpdatePost):
            self._card(f"{self._place(effect.where)} (updated):", effect.card)
            self._remember(effect.card, effect.where, self._audience(effect.where))
        elif isinstance(effect, OpenForm):
            if actor is not None:
                self.forms.open(effect.form, actor, where or self.channel)
        elif isinstance(effect, FormErrors):
            self.forms.rejected(effect)
        elif isinstance(effect, SendFileToActor):
            path = write_file(self.files or Path.cwd(), effect.filename, effect.content)
            name = actor.display_name if actor else "someone"
            self.write(f"to {name} (only you can see this): {effect.title}, saved as {path}")

    def _direct_messages(self, batch: list[MessageMember]) -> None:
        names = [self._name(message.user_id) for message in batch]
        if len(names) == 1:
            first = batch[0]
            kept = (first.user_id, first.key or "")
            edited = " (updated)" if first.replace and kept in self._kept else ""
            if first.replace and first.key:
                self._kept.add(kept)
            header = f"→ DM to {names[0]}{edited}:"
        else:
            header = f"→ DM to each of {', '.join(names[:-1])} and {names[-1]}:"
        self._card(header, batch[0].card)
        for message in batch:
            self._remember(message.card, direct(message.user_id), message.user_id)

    def _notify(self, effect: Effect) -> None:
        for listener in self.listeners:
            listener(effect)

    def show_scheduled(self, effects: Sequence[Effect]) -> None:
        """Effects from the scheduler: printed between prompts without losing the prompt."""
        interrupting = self._waiting_for_input and not self.echo
        if interrupting:
            self._write_raw("\n")
        self.show(effects)
        if interrupting:
            self._write_raw(self.prompt())

    def _card(self, header: str, card: Card) -> None:
        self.write("")
        self.write(header)
        for line in card_text(card).splitlines():
            self.write(f"    {line}")

    def _remember(self, card: Card, where: Where, audience: str | None) -> None:
        if card.buttons:
            pressable = _Pressable(card.buttons, where, audience, card_text(card))
            self._cards.append(pressable)
            self._shown.append(pressable)
            del self._cards[:-KEEP_CARDS]

    def _place(self, where: Where) -> str:
        if where.is_direct:
            return f"→ DM to {self._name(where.conversation_id.removeprefix('D-'))}"
        return "#" + where.conversation_id.removeprefix("C-")

    def _audience(self, where: Where) -> str | None:
        return where.conversation_id.removeprefix("D-") if where.is_direct else None

    def _name(self, user_id: str) -> str:
        for who in self.people.values():
            if who.user_id == user_id:
                return who.display_name
        return user_id

    def write(self, text: str) -> None:
        self._write_raw(text + "\n")

    def _write_raw(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()


class ConsoleDeliverer:
    """Carries the scheduler's effects (check-ins, summaries, nudges) to the terminal.

    The scheduler hands effects over one at a time; they are gathered until the event loop
    next turns and then shown together, so a check-in sent to every member prints once.
    """

    def __init__(self, adapter: ConsoleAdapter) -> None:
        self.adapter = adapter
        self._pending: list[Effect] = []
        self.holding = False
        """True while the console drains after a command: it prints what was gathered itself."""

    async def deliver(self, effects: Sequence[Effect]) -> None:
        if not self._pending and not self.holding:
            asyncio.get_running_loop().call_soon(self.flush)
        self._pending.extend(effects)

    def flush(self) -> None:
        """Show everything gathered so far (also called by the loop after each batch)."""
        batch = self.take()
        if batch:
            self.adapter.show_scheduled(batch)

    def take(self) -> list[Effect]:
        """What was gathered and not shown yet, now the caller's to show."""
        batch, self._pending = self._pending, []
        return batch


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
