"""Debian's Chromium, headless, through its own chromedriver, kept from the network.

The driver is named, so Selenium Manager (which would download one) is never asked; Chromium's
own background traffic is switched off, and no host name resolves but localhost, so a page that
reaches for a CDN shows up as a failed request. What the browser sent and logged is read from
its performance and console logs, each drained as it is read.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_PACKAGE = ROOT / "testkit" / "axe"
AXE = AXE_PACKAGE / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Size:
    """A screen the pages must work on; `mobile` makes Chromium honour the viewport meta tag."""

    name: str
    width: int
    height: int
    mobile: bool


PHONE = Size("phone", 320, 800, mobile=True)
LAPTOP = Size("laptop", 1280, 900, mobile=False)
SIZES = (PHONE, LAPTOP)

# Chromium's own calls home, off; and no host name resolves but localhost and 127.0.0.1 (the
# rules map IP addresses too), so a page that reaches for a CDN shows it as a failed request.
# Then: /tmp instead of a container's small /dev/shm, and the same pixels on every machine.
FLAGS = (
    "--headless=new",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-sync",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
    "--font-render-hinting=none",
    "--lang=en-GB",
)


@functools.cache
def problem() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return (
            f"Chromium or its driver is missing ({CHROMIUM}, {CHROMEDRIVER}): "
            "apt-get install chromium chromium-driver (.ci/run does)"
        )
    if not AXE.exists():
        return f"axe-core is not installed: run `npm ci --prefix {AXE_PACKAGE}`"
    return None


def chromium_options() -> webdriver.ChromeOptions:
    """Headless Debian Chromium, quiet, at the laptop's size, logging requests and the console."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={LAPTOP.width},{LAPTOP.height}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to start as root
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return options


def chromedriver_service() -> Service:
    """The system's chromedriver, named, so Selenium never looks for (or fetches) another."""
    return Service(executable_path=str(CHROMEDRIVER))


def start_browser() -> webdriver.Chrome:
    """One headless Chromium; the caller quits it. Start one per test session: it takes a second."""
    driver = webdriver.Chrome(service=chromedriver_service(), options=chromium_options())
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    # A link to a download (an export, say) leaves nothing on the disk.
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "deny"})
    return driver


def use_size(driver: webdriver.Chrome, size: Size) -> None:
    """Lay the page out at exactly `size` (CSS pixels), as that device would."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": size.width,
            "height": size.height,
            "deviceScaleFactor": 1,
            "mobile": size.mobile,
        },
    )


@dataclass(frozen=True)
class Request:
    """One request the browser sent, and the status of the redirect that led to it, if any."""

    url: str
    kind: str
    redirected_by: int | None


def _drained(driver: webdriver.Chrome, log: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = driver.get_log(log)  # type: ignore[no-untyped-call]
    return entries


def network_requests(driver: webdriver.Chrome) -> list[Request]:
    """The requests sent since the last call (Chromium's performance log, drained)."""
    found = []
    for entry in _drained(driver, "performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        params = message["params"]
        redirect = params.get("redirectResponse")
        found.append(
            Request(
                url=params["request"]["url"],
                kind=params.get("type", ""),
                redirected_by=int(redirect["status"]) if redirect else None,
            )
        )
    return found


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """Errors the page logged since the last call, e.g. a style its own CSP refused.

    A missing /favicon.ico is the browser's own guess, not the page's fault, so it is left out."""
    return [
        str(entry["message"])
        for entry in _drained(driver, "browser")
        if entry.get("level") == "SEVERE" and "/favicon.ico" not in str(entry["message"])
    ]
