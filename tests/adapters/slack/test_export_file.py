"""`export` on Slack: the record arrives whole, as a JSON file in the facilitator's direct
message (`files_upload_v2` against the strict fake), never as cut JSON in chat."""

from __future__ import annotations

import json

from testkit.fake_slack import FakeSlack, SlackHarness, slack_person

FAY = slack_person("U0FAY", "fay")


async def test_export_arrives_whole_as_a_file_in_the_direct_message(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await slack.command(FAY, "setup Parents Forum")
    await slack.command(FAY, "round " + "What would help? " * 10)
    await slack.command(FAY, "share " + "x" * 1990)
    fake.clear()
    await slack.command(FAY, "export")
    [file] = fake.files
    assert file["channel"] == "D0FAY"  # the direct message, shared by conversation id
    assert file["title"] == "Export of Parents Forum"
    data = json.loads(file["content"])
    assert data["format"] == "common-ground-export/1"
    assert data["group"]["name"] == "Parents Forum"
    [answer] = fake.of("respond")
    assert (
        "I've sent you the export of Parents Forum as a file."
        in answer["blocks"][0]["text"]["text"]
    )
    assert not any("common-ground-export/1" in str(c.args) for c in fake.calls)


async def test_a_failed_upload_is_said_plainly(slack: SlackHarness, fake: FakeSlack) -> None:
    await slack.command(FAY, "setup Parents Forum")
    fake.clear()
    fake.fail("files.getUploadURLExternal", 500, 500, 500, 500, 500)
    await slack.command(FAY, "export")
    assert fake.files == []
    [answer] = fake.of("respond")
    assert "couldn't send you that file" in answer["blocks"][0]["text"]["text"]
