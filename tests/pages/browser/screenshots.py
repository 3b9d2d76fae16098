"""Full-page screenshots and A4 prints, in a temporary folder for the tests or where the docs
want them."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.print_page_options import PrintOptions

from tests.pages.browser.chromium import LAPTOP, ROOT, Size, use_size

# Where the `screenshots` fixture writes when set, e.g. docs/screenshots.
SCREENSHOTS_SETTING = "COMMONGROUND_SCREENSHOTS"


def save_screenshot(driver: webdriver.Chrome, folder: Path, name: str) -> Path:
    """The whole page, not just the part on screen, as `folder/name.png`."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    content = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": content["width"],
                "height": content["height"],
                "scale": 1,
            },
        },
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def save_view(
    driver: webdriver.Chrome, folder: Path, name: str, css: str, size: Size = LAPTOP
) -> Path:
    """What a person sees at `size` with the first element matching `css` at the top of the
    screen, as `folder/name.png`: a picture for the docs, where a whole long page is too tall."""
    use_size(driver, size)
    driver.execute_script(
        "const el = document.querySelector(arguments[0]); if (el) el.scrollIntoView(true);", css
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    path.write_bytes(driver.get_screenshot_as_png())
    return path


@dataclass(frozen=True)
class Printed:
    """A page as the browser prints it on A4: the PDF kept, and how many sheets it took."""

    path: Path
    sheets: int


def print_a4(driver: webdriver.Chrome, folder: Path, name: str) -> Printed:
    """Print the current page on A4 (portrait, the browser's print styles applied), as a person
    pressing Ctrl+P would, into `folder/name.pdf`."""
    options = PrintOptions()  # A4 unless told otherwise
    options.background = True
    pdf = base64.b64decode(driver.print_page(options))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    return Printed(path=path, sheets=len(re.findall(rb"/Type\s*/Page(?!s)", pdf)))


def screenshot_folder(fallback: Path) -> Path:
    """`COMMONGROUND_SCREENSHOTS` (relative to the project, e.g. docs/screenshots) when set,
    else `fallback` (a temporary folder)."""
    chosen = os.environ.get(SCREENSHOTS_SETTING, "").strip()
    if not chosen:
        return fallback
    folder = Path(chosen)
    return folder if folder.is_absolute() else ROOT / folder
