"""The Slack app asks for exactly the scopes the code needs: the manifest, the default
`SLACK_SCOPES` and the README all list `needed_scopes()`, which is derived from the Web API methods
and events the adapter uses; and the adapter calls no method that list does not name (read from
its source here, and checked again on every call the strict fake receives, in conftest)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.adapters.slack.scopes import EVENT_SCOPES, METHOD_SCOPES, needed_scopes
from bot.adapters.slack.settings import DEFAULT_SCOPES

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = (ROOT / "config" / "slack-manifest.yaml").read_text()
SDK_HELPERS = {"files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}


def _manifest_list(after: str, until: str) -> set[str]:
    part = MANIFEST.split(after, 1)[1].split(until, 1)[0]
    return set(re.findall(r"^\s+- ([a-z_:.]+)", part, re.MULTILINE))


def _api_name(sdk_name: str) -> tuple[str, ...]:
    if sdk_name in SDK_HELPERS:
        return SDK_HELPERS[sdk_name]
    family, _, call = sdk_name.partition("_")
    return (f"{family}.{call}",)


def test_the_manifest_asks_for_exactly_the_scopes_the_code_needs() -> None:
    assert _manifest_list("    bot:\n", "settings:") == needed_scopes()
    assert set(DEFAULT_SCOPES.split(",")) == needed_scopes()
    assert "im:write" not in needed_scopes()  # direct messages go through chat.postMessage


def test_the_manifest_subscribes_to_exactly_the_events_the_code_knows() -> None:
    assert _manifest_list("    bot_events:\n", "  interactivity:") == set(EVENT_SCOPES)


def test_the_readme_lists_exactly_those_scopes() -> None:
    readme = (ROOT / "README.md").read_text()
    part = readme.split("The bot asks\n   for exactly these bot scopes", 1)[1].split("\n2. ", 1)[0]
    assert set(re.findall(r"`([a-z_]+:[a-z_]+|commands)`", part)) == needed_scopes()


def test_every_web_api_method_the_adapter_calls_is_accounted_for() -> None:
    called: set[str] = set()
    for source in (ROOT / "bot" / "adapters" / "slack").glob("*.py"):
        text = source.read_text()
        names = re.findall(r"client\.([a-z]+_[A-Za-z0-9_]+)\(", text)
        names += re.findall(r'_send\(\s*"([a-z]+_[A-Za-z]+)"', text)
        for name in names:
            if name == "send_socket_mode_response":
                continue  # the Socket Mode client, not the Web API
            called.update(_api_name(name))
    assert "chat.postMessage" in called and "files.completeUploadExternal" in called
    assert called <= set(METHOD_SCOPES), called - set(METHOD_SCOPES)
