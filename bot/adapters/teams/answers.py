"""Answering the person behind one Teams activity, privately: in the 1:1 chat it came from, or
through a 1:1 chat the bot opens when they acted in a channel. Everything else the core returns
is already in the outbox (stored with the change); `hand_over` wakes its drain once the person is
answered, so it is sent right after the turn.

Outside Teams (the Bot Framework Emulator, Web Chat) there is only the one conversation, so the
answer goes straight back there. When Teams will not open the 1:1 chat, the person is told in
the channel how to open it, never what the answer said.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.adapters.teams import limits
from bot.adapters.teams.cards import form_content
from bot.adapters.teams.delivery import (
    PERMANENT,
    TeamsDeliverer,
    card_message,
    describe,
    message,
    messages,
    personal,
    plain,
    status_of,
)
from bot.adapters.teams.files import FileOffers
from bot.cards import Card, Form
from bot.effects import Effect, FormErrors, OpenForm, ReplyToActor, SendFileToActor
from bot.identity import Where, Who

TEAMS_CHANNEL = "msteams"
NO_PRIVATE_CHAT = (
    "I tried to answer you privately but couldn't open our 1:1 chat. Please open a chat with "
    "Common Ground (Apps, then Common Ground) and try again there."
)

log = logging.getLogger(__name__)

HandOver = Callable[[Sequence[Effect]], Awaitable[None]]


@dataclass(frozen=True)
class Turn:
    """What answering one activity needs: the turn, who acted and where."""

    context: TurnContext
    who: Who
    where: Where


class TurnAnswers:
    """Carries out the core's effects for one turn."""

    def __init__(
        self,
        cloud: CloudAdapter,
        deliverer: TeamsDeliverer,
        app_id: str,
        hand_over: HandOver,
        files: FileOffers,
    ) -> None:
        self.cloud = cloud
        self.deliverer = deliverer
        self.app_id = app_id
        self.hand_over = hand_over
        self.files = files

    async def carry_out(self, effects: Sequence[Effect], turn: Turn) -> None:
        """Answer the person who acted (privately); then hand over the rest, which the outbox
        sends right after the turn is answered."""
        later: list[Effect] = []
        for effect in effects:
            try:
                if isinstance(effect, ReplyToActor):
                    await self.reply(effect.card, turn)
                elif isinstance(effect, OpenForm):
                    await self.reply_privately(form_message(effect.form), turn)
                elif isinstance(effect, SendFileToActor):
                    await self.send_file(effect, turn)
                elif isinstance(effect, FormErrors):
                    log.warning("form errors arrived outside a form submission; not shown")
                else:
                    later.append(effect)
            except Exception as exc:
                log.warning(
                    "Teams answer with a %s failed: %s", type(effect).__name__, describe(exc)
                )
        await self.hand_over(later)

    async def reply(self, card: Card, turn: Turn) -> None:
        """The answer, privately. A long one continues in consecutive cards, each within Teams'
        limit; if Teams refuses it for good (400, 413), it goes once more as plain words in
        smaller parts."""
        try:
            await self.reply_privately(messages(card), turn)
        except Exception as exc:
            if status_of(exc) not in PERMANENT:
                raise
            log.warning("Teams refused an answer (%s); trying it smaller", describe(exc))
            smaller = messages(plain(card), budget=limits.ACTIVITY_BUDGET // 2)
            await self.reply_privately(smaller, turn)

    async def reply_privately(self, reply: Activity | list[Activity], turn: Turn) -> None:
        """In the 1:1 chat: straight back; elsewhere through a 1:1 chat the bot opens. Several
        activities (the parts of a long card) go in order."""
        replies = reply if isinstance(reply, list) else [reply]
        if turn.where.is_direct or turn.context.activity.channel_id != TEAMS_CHANNEL:
            for each in replies:
                await turn.context.send_activity(each)
            return
        activity = turn.context.activity
        bot_id = activity.recipient.id if activity.recipient else ""

        opened: list[bool] = []

        async def send(context: TurnContext) -> None:
            opened.append(True)
            for each in replies:
                await context.send_activity(each)

        try:
            await self.deliverer.retrying(
                lambda: self.cloud.create_conversation(
                    self.app_id,
                    send,
                    personal(turn.who.workspace, turn.who.user_id, bot_id),
                    TEAMS_CHANNEL,
                    activity.service_url,
                )
            )
        except Exception as exc:
            if opened:
                raise  # the chat is open; Teams refused what was sent in it
            log.warning("could not open a 1:1 chat in Teams: %s", describe(exc))
            await turn.context.send_activity(message(Card(text=NO_PRIVATE_CHAT)))

    async def send_file(self, effect: SendFileToActor, turn: Turn) -> None:
        """In Teams: a file-consent card in the person's 1:1 chat (`files`). Elsewhere (the
        Emulator has no OneDrive) the file's text, whole, in as many cards as it needs."""
        if turn.context.activity.channel_id != TEAMS_CHANNEL:
            text = effect.content.decode("utf-8", errors="replace")
            await self.reply_privately(messages(Card(title=effect.title, text=text)), turn)
            return
        offer = await self.files.offer(effect, turn.who.workspace, turn.who.user_id)
        await self.reply_privately(offer, turn)


def form_message(form: Form) -> Activity:
    return card_message(form_content(form), form.title)
