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
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.blocks import (
    SlackMessage,
    card_messages,
    continuation_note,
    form_view,
    plain_messages,
    sealed_metadata,
    split_text,
)
from bot.adapters.slack.delivery import SDK_LOG, SlackDeliverer, error_code, refused
from bot.adapters.slack.text import mrkdwn
from bot.cards import Card, Field, Form
from bot.delivery.codec import storable
from bot.delivery.refusals import report_refused
from bot.effects import Effect, FormErrors, OpenForm, ReplyToActor, SendFileToActor
from bot.identity import Where, Who

NEEDS_TRIGGER = (
    "That needs a form, and Slack opens forms only from a slash command or a button. "
    "Please type it as `/coprod <command>` (or `/elephant` to name an elephant)."
)
FILE_FAILED = (
    "Sorry, I couldn't send you that file just now. Please ask for it again in a few minutes."
)
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
LATE_FORM_TITLE = "That form wasn't kept"
LATE_FORM = (
    "I took a moment too long to check the form you sent, and it was closed before I could "
    "say what needs changing: {reasons} Here is what you wrote, so you can send it again."
)

RESPONSE_URL_USES = 5
"""Slack accepts at most five messages through one `response_url` (within 30 minutes)."""

log = logging.getLogger(__name__)


def _prefilled(form: Form, prefill: Mapping[str, str]) -> Form:
    """`form` with inputs filled in from `prefill` (a message's words, for the message shortcut).

    Words longer than an input takes are filled in up to its limit, ending at a word where one
    ends near it, and a note on the form says so: they are the person's own words, still in their
    message, and the form is theirs to edit before anything is stored."""
    inputs, notes = [], list(form.notes)
    for field_ in form.inputs:
        words = prefill.get(field_.name, "")
        if not words:
            inputs.append(field_)
            continue
        limit = field_.max_length
        if limit is not None and len(words) > limit:
            start = split_text(words, limit)[0]
            notes.append(
                f"The message is longer than this form takes ({limit:,} characters), so only "
                f"its first {len(start):,} are filled in: edit them as you like."
            )
            words = start
        inputs.append(replace(field_, initial=words))
    return replace(form, inputs=tuple(inputs), notes=tuple(notes))


class ReplyRefused(Exception):
    """Slack refused a reply's payload for good; `code` is its error code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _in_thread(messages: list[SlackMessage]) -> list[SlackMessage]:
    """Messages rendered to follow one another, with the first one's note saying "in the thread
    below" instead, for a direct message where the parts go into the first one's thread."""
    if len(messages) < 2:
        return messages
    more = len(messages) - 1
    following, thread = continuation_note(more, "following"), continuation_note(more, "thread")
    head = messages[0]
    if not head.blocks:
        return [SlackMessage(head.text.replace(following, thread), []), *messages[1:]]
    blocks = [_renoted(b, following, thread) for b in head.blocks]
    return [SlackMessage(head.text, blocks), *messages[1:]]


def _renoted(block: dict[str, Any], following: str, thread: str) -> dict[str, Any]:
    if block.get("type") != "context":
        return block
    elements = [
        {**e, "text": thread} if e.get("text") == following else e for e in block["elements"]
    ]
    return {**block, "elements": elements}


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
        self,
        client: AsyncWebClient,
        deliverer: SlackDeliverer,
        wake: Callable[[], None],
        secret: bytes,
    ) -> None:
        self.client = client
        self.secret = secret
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
        file_failed = False
        for effect in effects:
            try:
                if isinstance(effect, SendFileToActor):
                    file_failed = not await self.send_file(effect, request)
                elif isinstance(effect, ReplyToActor):
                    # The reply after a file says it was sent: say what happened instead.
                    await self.reply(
                        Card(text=FILE_FAILED) if file_failed else effect.card, request
                    )
                elif isinstance(effect, OpenForm):
                    await self.open_form(effect, request)
                elif isinstance(effect, FormErrors):
                    log.warning("form errors arrived outside a form submission; not shown")
            except Exception as exc:
                log.warning(
                    "Slack answer with a %s failed: %s", type(effect).__name__, error_code(exc)
                )

    async def refused_form(
        self, errors: Mapping[str, str], words: Mapping[str, str], request: Request
    ) -> None:
        """A form's errors that came after Slack's deadline (the form had closed): tell the
        person privately why it wasn't kept and hand their words back."""
        reasons = " ".join(e.strip() for e in errors.values() if e.strip())
        fields = tuple(Field(name, value) for name, value in words.items() if value.strip())
        card = Card(title=LATE_FORM_TITLE, text=LATE_FORM.format(reasons=reasons), fields=fields)
        try:
            await self.reply(card, request)
        except Exception as exc:
            log.warning("could not hand back a late form's words: %s", error_code(exc))

    async def reply(self, card: Card, request: Request) -> None:
        """Answer only the person: long cards go as consecutive messages, none losing a word.

        Slack takes a `response_url` at most five times, so a reply of more parts goes as
        ephemeral messages instead; in a direct message it is a post continued in its thread.
        A reply Slack refuses for good is sent once more as plain text, then reported."""
        try:
            await self._reply(card_messages(card, "following"), request, card.link_previews)
        except ReplyRefused as exc:
            log.warning("Slack refused a reply (%s); sending it as plain text", exc.code)
            try:
                await self._reply(plain_messages(card, "following"), request, card.link_previews)
            except ReplyRefused as again:
                await report_refused(
                    self.deliverer.db, ReplyToActor(card), again.code, self.deliverer.clock()
                )

    async def _reply(
        self, messages: list[SlackMessage], request: Request, previews: bool = True
    ) -> None:
        """Without `previews`, Slack is told not to unfurl the links (a private link)."""
        unfurl = None if previews else False
        if request.response_url and len(messages) <= RESPONSE_URL_USES:
            webhook = AsyncWebhookClient(request.response_url, logger=SDK_LOG)
            for message in messages:
                answer = await webhook.send(
                    text=message.text,
                    blocks=message.blocks or None,
                    response_type="ephemeral",
                    replace_original=False,
                    unfurl_links=unfurl,
                    unfurl_media=unfurl,
                )
                if answer.status_code == 400:
                    raise ReplyRefused(answer.body[:40])
            return
        user = request.who.user_id
        auth = await self.deliverer.auth(request.who.workspace)
        if not request.where.is_direct:
            try:
                for message in messages:
                    await self.deliverer.pacer.acquire()
                    await self.client.chat_postEphemeral(
                        **auth,
                        channel=request.where.conversation_id,
                        user=user,
                        text=message.text,
                        blocks=message.blocks or None,
                    )
                return
            except SlackApiError as exc:
                if refused(exc):
                    raise ReplyRefused(error_code(exc)) from exc
                log.info("an ephemeral reply failed (%s); sending it privately", error_code(exc))
        try:
            await self.deliverer.post_messages(
                request.who.workspace, user, _in_thread(messages), None, previews=previews
            )
        except SlackApiError as exc:
            if refused(exc):
                raise ReplyRefused(error_code(exc)) from exc
            raise

    async def send_file(self, effect: SendFileToActor, request: Request) -> bool:
        """Upload the file whole into the person's direct message with the bot
        (`files_upload_v2`, scope `files:write`); False when it did not arrive.

        A file can only be shared into a conversation, not to a user id, and opening the direct
        message (`conversations.open`) would need one more scope (`im:write`): posting the file's
        title there first (`chat:write`, which accepts a user id) gives the conversation's id."""
        workspace = request.who.workspace
        try:
            auth = await self.deliverer.auth(workspace)
            await self.deliverer.pacer.acquire()
            posted = await self.client.chat_postMessage(
                **auth, channel=request.who.user_id, text=mrkdwn(effect.title)
            )
            await self.deliverer.pacer.acquire()
            await self.client.files_upload_v2(
                **auth,
                channel=str(posted["channel"]),
                filename=effect.filename,
                content=effect.content,
                title=effect.title,
                initial_comment=effect.comment,
            )
        except Exception as exc:
            log.warning("sending a file on Slack failed: %s", error_code(exc))
            return False
        return True

    async def open_form(self, effect: OpenForm, request: Request) -> None:
        if not request.trigger_id:
            # A typed message cannot open a form in Slack; only commands, buttons and shortcuts.
            await self.reply(Card(text=NEEDS_TRIGGER), request)
            return
        form = effect.form
        if request.prefill:
            form = _prefilled(form, request.prefill)
        meta = {
            "c": effect.form.context,
            "ch": request.where.conversation_id,
            "d": request.where.is_direct,
        }
        await self.client.views_open(
            **await self.deliverer.auth(request.who.workspace),
            trigger_id=request.trigger_id,
            view=form_view(form, sealed_metadata(self.secret, request.who, meta)),
        )

    async def sorry(self, body: object) -> None:
        """Tell the person kindly that it failed (never the error itself), when Slack lets us."""
        url = body.get("response_url") if isinstance(body, dict) else None
        if url:
            await self.notice(str(url), SORRY)

    async def notice(self, response_url: str, text: str) -> None:
        """A short ephemeral word to the person through a request's `response_url`."""
        try:
            webhook = AsyncWebhookClient(response_url, logger=SDK_LOG)
            await webhook.send(text=text, response_type="ephemeral", replace_original=False)
        except Exception as exc:
            log.warning("could not send a notice to a person: %s", error_code(exc))
