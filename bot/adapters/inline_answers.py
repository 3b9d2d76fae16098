"""Answering a request within its own HTTP response, when the answer comes in time.

A Slack modal submission and a Teams invoke carry their answer in the response (a form's errors,
a dialog's next step), and both platforms give up after a few seconds. So both adapters do the
same thing: commit the request to the inbox first (it is never lost), run it at once, and wait for
its answer until a deadline. An answer that comes in time is the response; a late one goes to the
person another way, and the request still finishes. Only a bounded number run like this at once;
the rest are answered empty and handled by the inbox's worker, so memory stays flat under load.

The platform parts (where the turn finds the future it fills, what a response looks like) stay
in each adapter; this is the part they share.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from bot.inbox import Inbox

log = logging.getLogger(__name__)

T = TypeVar("T")

Turn = Callable[["asyncio.Future[T]", int], Coroutine[Any, Any, None]]
"""Runs one held request (its inbox row given) and puts its answer in the future, if it has one;
it must finish or give back the row itself. The future is cancelled once the wait is over."""


class NotKept(Exception):
    """The request could not be committed: nothing was kept, and the platform must be told to
    try again (or show the person an error), rightly."""


class InlineAnswers(Generic[T]):
    """Requests answered within their response, at most `at_once` at a time."""

    def __init__(self, inbox: Inbox, *, deadline: float, at_once: int, what: str) -> None:
        self.inbox = inbox
        self.deadline = deadline
        self.at_once = at_once
        self.what = what
        self.running: set[asyncio.Task[None]] = set()
        """The turns still running (a shutdown or a test waits for them)."""

    async def answer(self, key: str, body: str, content_type: str, turn: Turn[T]) -> T | None:
        """Commit the request, then run `turn` and wait for its answer until the deadline,
        counted from arrival. None when there is nothing to answer with now: a repeat, a request
        left to the inbox's worker, a turn with no answer, or an answer that came too late.
        Raises `NotKept` when the request could not be committed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.deadline
        inline = len(self.running) < self.at_once
        try:
            row = await self.inbox.take_in(key, body, content_type, hold=inline)
        except Exception as exc:
            log.warning("could not take a %s in: %s", self.what, type(exc).__name__)
            raise NotKept from exc
        if row is None or not inline:
            return None  # a repeat, or the worker will see to it
        answer: asyncio.Future[T] = loop.create_future()
        task = asyncio.create_task(turn(answer, row))
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        either: set[asyncio.Future[Any]] = {answer, task}
        await asyncio.wait(either, timeout=max(0.0, deadline - loop.time()))
        if answer.done() and not answer.cancelled():
            return answer.result()
        answer.cancel()  # the turn now knows it is late
        return None
