"""A conversation with the core for tests: people type, press buttons and fill forms.

`Chat` drives `Core.handle` with neutral events exactly as an adapter would, under a controlled
clock, and keeps every effect so tests can read what each person would have seen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.adapters.console.render import card_text
from bot.cards import Button, Card, Form
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
from bot.events import Choice, Command, FormSubmitted, MemberJoined
from bot.identity import Where, Who
from bot.store.database import Database

PLATFORM = "console"
WORKSPACE = "local"


class FakeClock:
    """A clock the test moves by hand; nothing waits on the wall clock."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when


def person(name: str) -> Who:
    """A person whose user id is derived from their name (`U-sam` for "Sam")."""
    return Who(PLATFORM, WORKSPACE, f"U-{name.lower().replace(' ', '-')}", name)


def channel(name: str = "general") -> Where:
    return Where(PLATFORM, WORKSPACE, f"C-{name}")


def dm(who: Who) -> Where:
    return Where(PLATFORM, WORKSPACE, f"D-{who.user_id}", is_direct=True)


@dataclass
class Outcome:
    """The effects of one event, with easy access to what the actor and others would see."""

    effects: list[Effect]

    def of(self, kind: type) -> list[Effect]:
        return [e for e in self.effects if isinstance(e, kind)]

    @property
    def replies(self) -> list[str]:
        return [card_text(e.card) for e in self.effects if isinstance(e, ReplyToActor)]

    @property
    def reply(self) -> str:
        """All reply text joined; tests assert on phrases within it."""
        return "\n".join(self.replies)

    @property
    def posts(self) -> list[str]:
        return [card_text(e.card) for e in self.effects if isinstance(e, PostToConversation)]

    @property
    def updates(self) -> list[UpdatePost]:
        return [e for e in self.effects if isinstance(e, UpdatePost)]

    @property
    def messages(self) -> list[MessageMember]:
        return [e for e in self.effects if isinstance(e, MessageMember)]

    def messages_to(self, who: Who) -> list[str]:
        return [card_text(e.card) for e in self.messages if e.user_id == who.user_id]

    @property
    def forms(self) -> list[Form]:
        return [e.form for e in self.effects if isinstance(e, OpenForm)]

    @property
    def form_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        for e in self.effects:
            if isinstance(e, FormErrors):
                errors.update(e.errors)
        return errors

    def cards(self) -> list[Card]:
        found: list[Card] = []
        for e in self.effects:
            card = getattr(e, "card", None)
            if isinstance(card, Card):
                found.append(card)
        return found

    def button(self, label: str) -> Button:
        """The first button with this label on any card in the outcome."""
        for card in self.cards():
            for b in card.buttons:
                if b.label == label:
                    return b
        raise AssertionError(f"no button {label!r} in {[c.buttons for c in self.cards()]}")

    def text(self) -> str:
        """Everything any card in the outcome says, for "never shows X" assertions."""
        return "\n".join(card_text(c) for c in self.cards())


@dataclass
class Chat:
    """People in a channel talking to the bot."""

    core: Core
    clock: FakeClock
    where: Where = field(default_factory=channel)
    log: list[Effect] = field(default_factory=list)

    async def _send(self, event: Command | Choice | FormSubmitted | MemberJoined) -> Outcome:
        effects = await self.core.handle(event)
        self.log.extend(effects)
        return Outcome(effects)

    def log_posts(self) -> list[str]:
        """Every channel post so far, in order (redrawn cards are updates, not posts)."""
        return [card_text(e.card) for e in self.log if isinstance(e, PostToConversation)]

    async def say(self, who: Who, text: str, where: Where | None = None) -> Outcome:
        return await self._send(Command(who, where or self.where, text))

    async def press(self, who: Who, button: Button, where: Where | None = None) -> Outcome:
        return await self._send(Choice(who, where or self.where, button.action, button.value))

    async def submit(
        self,
        who: Who,
        form: Form,
        values: Mapping[str, str],
        where: Where | None = None,
    ) -> Outcome:
        return await self._send(
            FormSubmitted(who, where or self.where, form.form_id, dict(values), form.context)
        )

    async def join(self, who: Who, where: Where | None = None) -> Outcome:
        return await self._send(MemberJoined(who, where or self.where))

    async def group_of(
        self, facilitator: Who, others: Sequence[tuple[Who, str]], name: str = "Parents Forum"
    ) -> None:
        """Set up a group: `facilitator` runs setup; each other person states a role."""
        await self.say(facilitator, f"setup {name}")
        for who, role in others:
            await self.say(who, f"role {role}")


async def count(db: Database, table: Any, **where: object) -> int:
    """How many rows `table` holds (those whose columns equal `where`, if given)."""
    async with db.read() as conn:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return int((await conn.execute(query)).scalar_one())
