"""The Teams app package: the manifest template and two icons in `app_package/` beside this
module (package data, so an installed copy has them), zipped with the configured app id filled in,
ready to upload in Teams (Apps, Manage your apps, Upload an app).

An operator can pass their own edited copy of the manifest instead; icons missing beside it are
drawn here with the standard library (two overlapping circles: common ground).
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PLACEHOLDER = "{{MICROSOFT_APP_ID}}"
APP_PACKAGE: Traversable = resources.files("bot.adapters.teams") / "app_package"
"""The manifest template and its icons, shipped inside the package."""
COLOR = (46, 125, 107)  # the accent colour, also in the manifest
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class PackageRefused(Exception):
    """The package cannot be built; the message says what to do."""


def _png(width: int, height: int, pixels: list[bytes]) -> bytes:
    """An RGBA PNG from rows of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + row for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _in_rings(x: float, y: float, size: int, width: float) -> bool:
    """On the outline of one of two overlapping circles."""
    radius = size * 0.28
    for cx in (size * 0.38, size * 0.62):
        distance = ((x - cx) ** 2 + (y - size / 2) ** 2) ** 0.5
        if abs(distance - radius) <= width / 2:
            return True
    return False


def color_icon(size: int = 192) -> bytes:
    """The full-colour icon: white rings on the accent colour."""
    background = bytes([*COLOR, 255])
    white = b"\xff\xff\xff\xff"
    rows = [
        b"".join(
            white if _in_rings(x + 0.5, y + 0.5, size, size * 0.06) else background
            for x in range(size)
        )
        for y in range(size)
    ]
    return _png(size, size, rows)


def outline_icon(size: int = 32) -> bytes:
    """The outline icon Teams wants: white on transparent, 32 by 32."""
    white, clear = b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"
    rows = [
        b"".join(white if _in_rings(x + 0.5, y + 0.5, size, 2.0) else clear for x in range(size))
        for y in range(size)
    ]
    return _png(size, size, rows)


def build_package(app_id: str, out: Path, manifest_path: Path | None = None) -> Path:
    """Write the zip to `out` and return it. The app id must be the bot's Microsoft App ID.

    `manifest_path` is an operator's own copy of the template; without it, the one in the package
    is used. Icons are looked for beside whichever manifest it is.
    """
    if not app_id:
        raise PackageRefused(
            "There is no app id to put in the package. Set MICROSOFT_APP_ID (the Microsoft App "
            "ID of your Azure Bot) or pass --app-id."
        )
    if not _GUID.match(app_id):
        raise PackageRefused(
            f"“{app_id}” does not look like a Microsoft App ID (a GUID such as "
            "00000000-0000-0000-0000-000000000000). Copy it from your Azure Bot's Configuration."
        )
    folder: Traversable = APP_PACKAGE if manifest_path is None else manifest_path.parent
    manifest_file = folder / "manifest.json" if manifest_path is None else manifest_path
    try:
        template = manifest_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackageRefused(
            f"Could not read the manifest at {manifest_file}: {exc.strerror or exc}. "
            "Check the path given with --manifest."
        ) from exc
    manifest = json.loads(template.replace(PLACEHOLDER, app_id))
    for bot in manifest.get("bots") or []:
        # `export` gives a file through a file-consent card, which Teams allows only to bots
        # that say they support files; an operator's copy made before that still works.
        bot["supportsFiles"] = True
    icons = manifest.get("icons") or {}
    files = {"manifest.json": json.dumps(manifest, indent=2).encode()}
    for name, draw in (
        (icons.get("color", "color.png"), color_icon),
        (icons.get("outline", "outline.png"), outline_icon),
    ):
        icon = folder / name
        files[name] = icon.read_bytes() if icon.is_file() else draw()
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out
