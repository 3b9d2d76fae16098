"""Giving a person a whole file in Teams (their `export`): the file-consent card, and its answer.

A bot may not put a file in someone's OneDrive without asking. So `SendFileToActor` becomes a
file-consent card (`application/vnd.microsoft.teams.card.file.consent`) in the person's 1:1 chat
with the bot, saying what the file is and how big. The file itself waits in the database
(`bot.store.pending_files`), named by a random token the card carries in its accept and decline
contexts; nothing of the file is in the card. Teams answers with a `fileConsent/invoke`:

- accept: Teams has made an empty file in the person's OneDrive and gives an upload URL; the bot
  PUTs the bytes there, then posts a file card (`application/vnd.microsoft.teams.card.file.info`)
  that opens it, and forgets its copy;
- decline: the bot forgets its copy and says, kindly, how to ask again.

Only the person offered the file can take it, only until it expires (`KEEP`), and only once.
Teams sends files only in 1:1 chats (`supportsFiles` in the manifest), which is where the card goes.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.adapters.teams.delivery import message
from bot.adapters.teams.records import PLATFORM
from bot.cards import Card
from bot.effects import SendFileToActor
from bot.store import pending_files
from bot.store.database import Database

CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
INVOKE = "fileConsent/invoke"
KEEP = timedelta(hours=24)
UPLOAD_TIMEOUT = 60.0

DECLINED = "All right, I won't save the file. Type `export` again whenever you'd like it."
EXPIRED = (
    "That file is no longer waiting for you (offers last a day, and each can be saved once). "
    "Type `export` again for a fresh one."
)
FAILED = "Sorry, I couldn't put the file in your OneDrive just now. Type `export` to try again."

log = logging.getLogger(__name__)


class FileOffers:
    """Keeps offered files, makes consent cards, and answers the consent invoke."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    async def offer(self, effect: SendFileToActor, workspace: str, user_id: str) -> Activity:
        """Keep the file for this person and return the consent card that asks for it."""
        token = secrets.token_urlsafe(24)
        now = self.clock()
        await pending_files.keep(
            self.db,
            PLATFORM,
            token,
            (workspace, user_id),
            effect.filename,
            effect.content,
            now + KEEP,
            now,
        )
        return consent_message(effect, token)

    async def answer(self, value: Any, workspace: str, user_id: str) -> Activity:
        """What to say after the person accepted (the file card) or declined the offer."""
        value = value if isinstance(value, dict) else {}
        context = value.get("context") if isinstance(value.get("context"), dict) else {}
        token = str((context or {}).get("token") or "")
        kept = await pending_files.find(self.db, PLATFORM, token, self.clock()) if token else None
        if kept is None or (kept.workspace, kept.user_id) != (workspace, user_id):
            return text_message(EXPIRED)
        if value.get("action") != "accept":
            await pending_files.forget(self.db, PLATFORM, token)
            return text_message(DECLINED)
        upload = value.get("uploadInfo") if isinstance(value.get("uploadInfo"), dict) else {}
        url = str((upload or {}).get("uploadUrl") or "")
        if not url.startswith("https://") and not _local(url):
            log.warning("a file consent came without a usable upload URL")
            return text_message(FAILED)
        try:
            await put_file(url, kept.content)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not upload an accepted file to Teams: %s", type(exc).__name__)
            return text_message(FAILED)
        await pending_files.forget(self.db, PLATFORM, token)
        return file_info_message(upload or {}, kept.filename)


def _local(url: str) -> bool:
    """Plain HTTP only on this machine (the fake Teams in the tests)."""
    return url.startswith(("http://127.0.0.1:", "http://localhost:"))


async def put_file(url: str, content: bytes) -> None:
    """Upload the whole file in one PUT, as Teams' upload session takes a small file."""
    size = len(content)
    headers = {"Content-Range": f"bytes 0-{max(size - 1, 0)}/{size}"}
    timeout = aiohttp.ClientTimeout(total=UPLOAD_TIMEOUT)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.put(url, data=content, headers=headers) as response,
    ):
        response.raise_for_status()


def consent_message(effect: SendFileToActor, token: str) -> Activity:
    description = effect.title if not effect.comment else f"{effect.title}. {effect.comment}"
    card = {
        "description": description[:1000],
        "sizeInBytes": len(effect.content),
        "acceptContext": {"token": token},
        "declineContext": {"token": token},
    }
    attachment = Attachment(content_type=CONSENT, name=effect.filename, content=card)
    return Activity(type=ActivityTypes.message, summary=effect.title, attachments=[attachment])


def file_info_message(upload: dict[str, Any], filename: str) -> Activity:
    """The card that opens the file now in the person's OneDrive."""
    name = str(upload.get("name") or filename)
    content = {
        "uniqueId": str(upload.get("uniqueId") or ""),
        "fileType": str(upload.get("fileType") or name.rsplit(".", 1)[-1]),
    }
    attachment = Attachment(
        content_type=FILE_INFO,
        content_url=str(upload.get("contentUrl") or ""),
        name=name,
        content=content,
    )
    return Activity(type=ActivityTypes.message, attachments=[attachment])


def text_message(text: str) -> Activity:
    return message(Card(text=text))
