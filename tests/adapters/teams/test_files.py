"""`export` in Teams: the whole file through the 1:1 file-consent card. The file waits in the
database, never in the card; accepting uploads it to the person's OneDrive (the fake's upload
session) and shows a file card; declining forgets it; an offer is taken once, by that person only,
and not after it expires."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.adapters.teams.files import CONSENT, DECLINED, EXPIRED, FILE_INFO, KEEP
from bot.effects import SendFileToActor
from bot.handlers import ROUTES
from bot.store.pending_files import keep
from bot.store.schema import pending_files
from testkit.fake_teams import Sent, TeamsHarness
from tests.adapters.teams.test_adapter import FAY, SAM, group, last_to
from tests.dialogue import FakeClock, count

EXPORT = SendFileToActor(
    "parents-forum-export.json",
    json.dumps({"group": "Parents Forum", "words": "x" * 300_000}).encode(),
    "Export of Parents Forum",
    "Only what facilitators can already see.",
)


async def offered(teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Fay types `export` in the channel and the handler gives her `EXPORT`, as the export
    handler does once it returns a file (that change is the Slack half's; here the registered
    handler is swapped for one returning the effect)."""

    async def export(ctx: object, command: object) -> list[object]:
        return [EXPORT]

    monkeypatch.setitem(ROUTES.commands, "export", export)
    assert await teams.say(FAY, "export") == 201
    consent = last_to(teams.fake, FAY)
    assert consent.body["attachments"][0]["contentType"] == CONSENT
    return consent


async def test_export_is_offered_as_a_file_and_uploaded_whole_when_accepted(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await group(teams)
    consent = await offered(teams, monkeypatch)
    attachment = consent.body["attachments"][0]
    assert attachment["name"] == "parents-forum-export.json"
    assert attachment["content"]["sizeInBytes"] == len(EXPORT.content)
    assert "Export of Parents Forum" in attachment["content"]["description"]
    assert "xxxx" not in json.dumps(consent.body)  # the file is not in the card
    assert await count(teams.bot.db, pending_files) == 1
    status, _ = await teams.post(teams.file_consent(FAY, consent, "accept"))
    assert status == 200
    assert teams.fake.uploads["parents-forum-export.json"] == EXPORT.content
    shown = last_to(teams.fake, FAY).body["attachments"][0]
    assert shown["contentType"] == FILE_INFO
    assert shown["name"] == "parents-forum-export.json"
    assert shown["contentUrl"].endswith("/parents-forum-export.json")
    assert await count(teams.bot.db, pending_files) == 0
    # the same offer cannot be taken again
    teams.fake.uploads.clear()
    status, _ = await teams.post(teams.file_consent(FAY, consent, "accept"))
    assert teams.fake.uploads == {}
    assert EXPIRED.split(" (")[0] in last_to(teams.fake, FAY).texts()


async def test_a_declined_file_is_forgotten_kindly(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await group(teams)
    consent = await offered(teams, monkeypatch)
    status, _ = await teams.post(teams.file_consent(FAY, consent, "decline"))
    assert status == 200
    assert "I won't save the file" in last_to(teams.fake, FAY).texts()
    assert DECLINED.startswith("All right")
    assert teams.fake.uploads == {}
    assert await count(teams.bot.db, pending_files) == 0


async def test_only_the_person_offered_the_file_can_take_it_and_only_in_time(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    await group(teams)
    consent = await offered(teams, monkeypatch)
    await teams.post(teams.file_consent(SAM, consent, "accept"))
    assert teams.fake.uploads == {}
    assert "no longer waiting" in last_to(teams.fake, SAM).texts()
    clock.advance(hours=25)
    await teams.post(teams.file_consent(FAY, consent, "accept"))
    assert teams.fake.uploads == {}
    assert "no longer waiting" in last_to(teams.fake, FAY).texts()
    async with teams.bot.db.read() as conn:
        kept = (await conn.execute(select(pending_files.c.expires_at))).scalars().all()
    assert len(kept) == 1  # expired rows go when the next file is offered
    await offered(teams, monkeypatch)
    assert await count(teams.bot.db, pending_files) == 1
    assert timedelta(hours=24) == KEEP


async def test_forget_me_also_forgets_a_file_waiting_for_that_person(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    await group(teams)
    await offered(teams, monkeypatch)  # for Fay
    now = clock()
    who = (SAM.workspace, SAM.user_id)
    await keep(teams.bot.db, "teams", "t-sam", who, "f.json", b"{}", now + KEEP, now)
    await teams.say(SAM, "forget-me", personal=True)
    erase = last_to(teams.fake, SAM).button("Yes, erase my data")
    await teams.press(SAM, erase, personal=True)
    async with teams.bot.db.read() as conn:
        left = (await conn.execute(select(pending_files.c.user_id))).scalars().all()
    assert left == [FAY.user_id]  # Sam's is gone; Fay's is not Sam's to erase
