"""Answering the person behind one Slack request: their reply, a form opened on their trigger, a
kind word when it failed. Everything else the core returns (channel posts, direct messages,
updates) was written to the outbox with the change that caused it; once the person is answered,
the outbox's drain is woken to send it, so the reply comes before the posts it announces.

A reply goes where Slack lets it: through the request's `response_url` when there is one, else
as an ephemeral message in the channel, else as a direct message. Forms need a `trigger_id`,
which only commands, buttons and shortcuts carry: a typed message gets a reply saying how to ask.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.blocks import card_blocks, card_fallback, form_view
from bot.adapters.slack.delivery import SDK_LOG, SlackDeliverer, error_code
from bot.cards import Card
from bot.delivery.codec import storable
from bot.effects import Effect, FormErrors, OpenForm, ReplyToActor
from bot.identity import Where, Who

NEEDS_TRIGGER = (
    "That needs a form, and Slack opens forms only from a slash command or a button. "
    "Please type it as `/coprod <command>` (or `/elephant` to name an elephant)."
)
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    """What answering one Slack request needs: who acted, where, and how to reach them."""

    who: Who
    where: Where
    trigger_id: str = ""
    response_url: str = ""
    # Form inputs to fill in before the form opens (the message a message shortcut was used on).
    prefill: Mapping[str, str] = field(default_factory=dict)


class Answers:
    """Carries out the core's effects for one request."""

    def __init__(
        self, client: AsyncWebClient, deliverer: SlackDeliverer, wake: Callable[[], None]
    ) -> None:
        self.client = client
        self.deliverer = deliverer
        self.wake = wake

    async def carry_out(self, effects: Sequence[Effect], request: Request) -> None:
        """Answer the person who acted, then wake the outbox's drain for everything else (the
        core stored it with the change; a failed answer must not hold it back)."""
        try:
            await self._answer(effects, request)
        finally:
            if any(storable(effect) for effect in effects):
                self.wake()

    async def _answer(self, effects: Sequence[Effect], request: Request) -> None:
        for effect in effects:
            try:
                if isinstance(effect, ReplyToActor):
                    await self.reply(effect.card, request)
                elif isinstance(effect, OpenForm):
                    await self.open_form(effect, request)
                elif isinstance(effect, FormErrors):
                    log.warning("form errors arrived outside a form submission; not shown")
            except Exception as exc:
                log.warning(
                    "Slack answer with a %s failed: %s", type(effect).__name__, error_code(exc)
                )

    async def reply(self, card: Card, request: Request) -> None:
        text, blocks = card_fallback(card), card_blocks(card)
        if request.response_url:
            webhook = AsyncWebhookClient(request.response_url, logger=SDK_LOG)
            await webhook.send(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=False
            )
            return
        user = request.who.user_id
        if not request.where.is_direct:
            try:
                await self.client.chat_postEphemeral(
                    **await self.deliverer.auth(request.who.workspace),
                    channel=request.where.conversation_id,
                    user=user,
                    text=text,
                    blocks=blocks,
                )
                return
            except SlackApiError as exc:
                log.info("an ephemeral reply failed (%s); sending it privately", error_code(exc))
        auth = await self.deliverer.auth(request.who.workspace)
        await self.client.chat_postMessage(channel=user, text=text, blocks=blocks, **auth)

    async def open_form(self, effect: OpenForm, request: Request) -> None:
        if not request.trigger_id:
            # A typed message cannot open a form in Slack; only commands, buttons and shortcuts.
            await self.reply(Card(text=NEEDS_TRIGGER), request)
            return
        form = effect.form
        if request.prefill:
            form = replace(
                form,
                inputs=tuple(
                    replace(i, initial=request.prefill[i.name][: i.max_length or None])
                    if request.prefill.get(i.name)
                    else i
                    for i in form.inputs
                ),
            )
        meta = {
            "c": effect.form.context,
            "ch": request.where.conversation_id,
            "d": request.where.is_direct,
        }
        await self.client.views_open(
            **await self.deliverer.auth(request.who.workspace),
            trigger_id=request.trigger_id,
            view=form_view(form, meta),
        )

    async def sorry(self, body: object) -> None:
        """Tell the person kindly that it failed (never the error itself), when Slack lets us."""
        url = body.get("response_url") if isinstance(body, dict) else None
        if not url:
            return
        try:
            webhook = AsyncWebhookClient(str(url), logger=SDK_LOG)
            await webhook.send(text=SORRY, response_type="ephemeral", replace_original=False)
        except Exception as exc:
            log.warning("could not say sorry for a failed request: %s", error_code(exc))
