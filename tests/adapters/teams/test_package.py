"""The Teams app package: manifest with the app id filled in, icons of the sizes Teams wants, and
plain refusals when the app id is missing or not an app id."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.adapters.teams.package import (
    APP_PACKAGE,
    PackageRefused,
    build_package,
    color_icon,
    outline_icon,
)

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = ROOT / "bot" / "adapters" / "teams" / "app_package" / "manifest.json"
APP_ID = "11111111-2222-3333-4444-555555555555"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_package_has_the_app_id_and_both_icons(tmp_path: Path) -> None:
    out = build_package(APP_ID, tmp_path / "app.zip", MANIFEST)
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert png_size(archive.read("color.png")) == (192, 192)
        assert png_size(archive.read("outline.png")) == (32, 32)
    assert manifest["id"] == APP_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert bot["supportsFiles"] is True  # export arrives as a file-consent card
    assert set(bot["scopes"]) >= {"team", "personal"}
    commands = {c["title"] for lists in bot["commandLists"] for c in lists["commands"]}
    assert {"setup", "help", "elephant", "checkin", "my-data"} <= commands
    assert all(len(lists["commands"]) <= 10 for lists in bot["commandLists"])
    for lists in bot["commandLists"]:  # Teams' manifest schema: title 32, description 128
        for command in lists["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128, command
    assert "{{" not in json.dumps(manifest)


def test_without_a_manifest_the_one_in_the_package_is_used(tmp_path: Path) -> None:
    assert APP_PACKAGE / "manifest.json" == MANIFEST
    out = build_package(APP_ID, tmp_path / "app.zip")
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["id"] == APP_ID
        assert archive.read("color.png") == MANIFEST.with_name("color.png").read_bytes()
        assert archive.read("outline.png") == MANIFEST.with_name("outline.png").read_bytes()


def test_an_operators_own_copy_is_used_and_missing_icons_are_drawn(tmp_path: Path) -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    manifest["developer"]["websiteUrl"] = "https://forum.example.net"
    copy = tmp_path / "mine" / "manifest.json"
    copy.parent.mkdir()
    copy.write_text(json.dumps(manifest), encoding="utf-8")
    out = build_package(APP_ID, tmp_path / "app.zip", copy)
    with zipfile.ZipFile(out) as archive:
        written = json.loads(archive.read("manifest.json"))
        assert written["developer"]["websiteUrl"] == "https://forum.example.net"
        assert written["id"] == APP_ID
        assert archive.read("color.png") == color_icon()
        assert archive.read("outline.png") == outline_icon()


@pytest.mark.parametrize(
    ("app_id", "says"),
    [
        ("", "Set MICROSOFT_APP_ID"),
        ("my-bot", "does not look like a Microsoft App ID"),
    ],
)
def test_a_missing_or_wrong_app_id_is_refused(tmp_path: Path, app_id: str, says: str) -> None:
    with pytest.raises(PackageRefused, match=says):
        build_package(app_id, tmp_path / "app.zip", MANIFEST)
    assert not (tmp_path / "app.zip").exists()


def test_a_missing_manifest_is_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(PackageRefused, match="Could not read the manifest"):
        build_package(APP_ID, tmp_path / "app.zip", tmp_path / "nope.json")


def test_the_command_uses_the_configured_app_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setattr("bot.app.configure_logging", lambda *args, **kwargs: None)
    out = tmp_path / "teams.zip"
    assert main(["teams-package", "--out", str(out)]) == 0
    assert "Wrote the Teams app package" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["id"] == APP_ID
    assert main(["teams-package", "--manifest", str(MANIFEST), "--out", str(out)]) == 0
    assert "Wrote the Teams app package" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["id"] == APP_ID
    monkeypatch.delenv("MICROSOFT_APP_ID")
    assert main(["teams-package", "--manifest", str(MANIFEST), "--out", str(out)]) == 1
    assert "There is no app id" in capsys.readouterr().err
