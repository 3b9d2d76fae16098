"""The kinds of thing the group can be asked about, and what each needs from its own feature.

A verdict names its subject by `kind` (a plain word) and `subject_id`, so any feature can ask the
group about its own things with `asking.ask_the_group`. What differs between kinds is said here
once: the word people type (`addressed elephant 3 …`), the number they know it by, and what
"reopen" means for that thing when `k` or more say it does not really feel addressed. A new kind
is one entry in `KINDS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.context import Context
from bot.effects import Effect, UpdatePost
from bot.handlers.elephants.cards import elephant_card, elephant_key
from bot.store import agenda, elephants, verdicts
from bot.store.groups import Group

Reopen = Callable[[Context, Group, int], Awaitable[list[Effect]]]
NumberOf = Callable[[Context, int], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class SubjectKind:
    """One kind of subject: `noun` as people say it ("elephant"), the number people know it
    by (`number_of`, from its id) and how it is reopened."""

    noun: str
    """The word typed before the number (`addressed agenda 2 …`) and, capitalised, on cards."""
    listing: str
    """Where people find the numbers to type: a command that lists them (`elephants`), or ""
    when the number is only on the question's card."""
    number_of: NumberOf
    reopen: Reopen

    title: str = ""
    """How cards and replies name one (`{n}` is its number); `<Noun> #{n}` when empty."""

    def label(self, number: int) -> str:
        """`Elephant #3`, as cards and replies name a subject."""
        return (self.title or f"{self.noun.capitalize()} #{{n}}").format(n=number)


async def _elephant_number(ctx: Context, elephant_id: int) -> int:
    elephant = await elephants.get(ctx.conn, elephant_id)
    if elephant is None:
        raise ValueError(f"no elephant {elephant_id}")
    return elephant.number


async def _reopen_elephant(ctx: Context, group: Group, elephant_id: int) -> list[Effect]:
    """Back to open, keeping what was done; its card in the channel is redrawn to match."""
    elephant = await elephants.get(ctx.conn, elephant_id)
    if elephant is None or elephant.is_hidden:
        return []
    opened = await elephants.set_status(ctx.conn, elephant_id, "open", None, ctx.now)
    card = elephant_card(group.id, opened, opened.marks_shown, group.k)
    return [UpdatePost(group.where, elephant_key(opened.id), card)]


async def _agenda_number(ctx: Context, item_id: int) -> int:
    """Places on the agenda change as items come and go, so an addressed item is asked about
    under a number of its own: the group's agenda questions, counted."""
    return await verdicts.next_number(ctx.conn, ctx.require_group().id, AGENDA)


async def _reopen_agenda_item(ctx: Context, group: Group, item_id: int) -> list[Effect]:
    """Back on the agenda, keeping what was done; the next agenda and check-in show it."""
    await agenda.reopen(ctx.conn, item_id)
    return []


ELEPHANT, AGENDA = "elephant", "agenda"
KINDS: dict[str, SubjectKind] = {
    ELEPHANT: SubjectKind("elephant", "elephants", _elephant_number, _reopen_elephant),
    AGENDA: SubjectKind("agenda", "", _agenda_number, _reopen_agenda_item, "Agenda question #{n}"),
}
"""Every kind that can be asked about, by the word stored in `verdicts.kind`."""
