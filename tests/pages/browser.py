"""The group's pages in a real browser: Debian's Chromium, driven through its own chromedriver.

What a person on a phone or a laptop meets is checked here, not what the HTML promises:

- `open_via_link` follows a private link the way a person does and insists on the one 303
  redirect to an address without the token, and `follow_link` moves on by clicking a real link;
- `accessibility_violations` runs Deque's axe-core (pinned in `testkit/axe/`) inside the page
  with the WCAG 2.2 AA rules; the pages forbid scripts (`script-src 'none'`), and WebDriver's
  scripts are not the page's, so Chromium runs them all the same;
- `walk_keyboard` presses Tab from the top until focus comes round again, and says which links,
  buttons and form controls were never reached, where focus could not be seen, and whether the
  skip link comes first;
- `save_screenshot` keeps a PNG of the whole page, for the tests and, when asked, for the docs;
- `check_page` does all of that at the phone's and the laptop's size, and `assert_page_ok`
  fails with one readable list of every problem found.

The browser never reaches beyond this machine: the driver is named (Selenium Manager, which
would download one, is never asked), Chromium's own background traffic is switched off and every
host name but `localhost` resolves to nothing. Everything here blocks; a test whose web app runs on
its own event loop calls it through `asyncio.to_thread` so the app can answer meanwhile.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_PACKAGE = ROOT / "testkit" / "axe"
AXE = AXE_PACKAGE / "node_modules" / "axe-core" / "axe.min.js"
# Where `screenshots` (browser_fixtures.py) writes when set, e.g. docs/screenshots.
SCREENSHOTS_SETTING = "COMMONGROUND_SCREENSHOTS"

WCAG_22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
SERIOUS = ("serious", "critical")


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

# Chromium's own calls home, off; and no host name resolves but localhost (IP addresses such as
# 127.0.0.1 need no resolving), so a page that reaches for a CDN shows it as a failed request.
QUIET_FLAGS = (
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
    for flag in QUIET_FLAGS:
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


# ---------------------------------------------------------------- getting there by real links


@dataclass(frozen=True)
class Request:
    """One request the browser sent, and the status of the redirect that led to it, if any."""

    url: str
    kind: str
    redirected_by: int | None


def network_requests(driver: webdriver.Chrome) -> list[Request]:
    """The requests sent since the last call (Chromium's performance log, drained)."""
    found = []
    for entry in driver.get_log("performance"):
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
        for entry in driver.get_log("browser")
        if entry.get("level") == "SEVERE" and "/favicon.ico" not in str(entry["message"])
    ]


def _secret_parts(url: str) -> list[str]:
    """The parts of a link that may carry its token: path segments and query values."""
    parts = urlsplit(url)
    pieces = [segment for segment in parts.path.split("/") if segment]
    pieces += [value for _, value in parse_qsl(parts.query) if value]
    pieces += [parts.fragment] if parts.fragment else []
    return [piece for piece in pieces if len(piece) >= 16]


def open_via_link(driver: webdriver.Chrome, url: str) -> str:
    """Follow a private link as a person does; returns the address the browser ends on.

    The link must answer with one 303 redirect, and the page it leads to must not carry the
    token (any long path segment or query value of the link), or the token would stay in the
    history, the address bar and any screenshot."""
    network_requests(driver)  # forget what came before
    driver.get(url)
    final = str(driver.current_url)
    documents = [r for r in network_requests(driver) if r.kind == "Document"]
    redirects = [r.redirected_by for r in documents if r.redirected_by is not None]
    assert redirects == [303], (
        f"{url} should redirect once with 303 See Other; the browser saw redirects {redirects} "
        f"and ended on {final}"
    )
    leaked = [piece for piece in _secret_parts(url) if piece in final]
    assert not leaked, f"the page the link leads to still carries its token: {final}"
    assert final != url, f"{url} led back to itself"
    return final


def follow_link(driver: webdriver.Chrome, name: str) -> str:
    """Click the link whose visible text is `name` (exactly, ignoring case and spacing) and wait
    for the next page; returns its address."""
    wanted = " ".join(name.split()).casefold()
    links = [
        link
        for link in driver.find_elements(By.CSS_SELECTOR, "a[href]")
        if " ".join(link.text.split()).casefold() == wanted
    ]
    assert links, f"no link called {name!r} on {driver.current_url}"
    old = driver.find_element(By.TAG_NAME, "html")
    before = driver.current_url
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", links[0])
    links[0].click()
    WebDriverWait(driver, 10).until(lambda d: _gone(old) or d.current_url != before)
    return str(driver.current_url)


def _gone(element: WebElement) -> bool:
    try:
        element.is_enabled()
    except Exception:  # stale: the old document has been replaced
        return True
    return False


def same_site_links(driver: webdriver.Chrome) -> list[str]:
    """Every address on this site the current page links to, in page order, without fragments;
    for visiting each page of a site through its links, a bounded number at a time."""
    here = urlsplit(driver.current_url)
    found: list[str] = []
    for link in driver.find_elements(By.CSS_SELECTOR, "a[href]"):
        href = str(link.get_attribute("href") or "")
        target = urlsplit(href)
        if (target.scheme, target.netloc) != (here.scheme, here.netloc):
            continue
        address = target._replace(fragment="").geturl()
        if address not in found:
            found.append(address)
    return found


# ---------------------------------------------------------------- axe-core


@dataclass(frozen=True)
class Violation:
    """One axe-core rule broken on the page, with where."""

    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"[{self.impact}] {self.rule}: {self.help} — at {where} ({self.help_url})"


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(results => done({violations: results.violations.map(v => ({
      rule: v.id, impact: v.impact || 'unknown', help: v.help, help_url: v.helpUrl,
      targets: v.nodes.map(n => n.target.join(' '))}))}))
  .catch(error => done({error: String(error)}));
"""


def accessibility_violations(
    driver: webdriver.Chrome, tags: Sequence[str] = WCAG_22_AA
) -> list[Violation]:
    """Every axe-core violation of `tags` on the current page (WCAG 2.2 AA by default)."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_axe_source())
    answer = driver.execute_async_script(_RUN_AXE, list(tags))
    assert "error" not in answer, f"axe-core failed on {driver.current_url}: {answer['error']}"
    return [
        Violation(
            rule=v["rule"],
            impact=v["impact"],
            help=v["help"],
            help_url=v["help_url"],
            targets=tuple(v["targets"]),
        )
        for v in answer["violations"]
    ]


def serious(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in SERIOUS]


def assert_accessible(driver: webdriver.Chrome) -> list[Violation]:
    """Fail, listing each one, if axe-core finds a serious or critical WCAG 2.2 AA violation.
    Returns every violation found (the minor and moderate ones too)."""
    found = accessibility_violations(driver)
    bad = serious(found)
    assert not bad, f"{driver.current_url} breaks WCAG 2.2 AA:\n" + "\n".join(map(str, bad))
    return found


# ---------------------------------------------------------------- the keyboard alone

# Everything a person must be able to reach: links, buttons and form controls that are shown
# and usable. A radio group is one Tab stop (arrows move inside it), so any of its buttons counts.
_CONTROLS = """
const selector = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, '
  + 'summary, [contenteditable=""], [contenteditable=true]';
const shown = el => el.getClientRects().length > 0
  && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[inert]');
return [...document.querySelectorAll(selector)].filter(el => shown(el) && !el.disabled);
"""

_STYLE_KEYS = [
    "outline-style",
    "outline-width",
    "outline-color",
    "outline-offset",
    "box-shadow",
    "background-color",
    "color",
    *(
        f"border-{side}-{part}"
        for side in ("top", "right", "bottom", "left")
        for part in ("color", "width")
    ),
    "text-decoration-line",
    "text-decoration-thickness",
]

# The element with focus now: a description, how it looks, and whether it is on screen; and how
# the element that had focus before (arguments[0]) looks now that it has lost it.
_FOCUS_NOW = """
const before = arguments[0], keys = arguments[1];
const look = el => {
  // What shows: an outline, border or underline that is not drawn does not count, whatever
  // its colour or offset.
  const style = getComputedStyle(el), seen = {};
  keys.forEach(k => { seen[k] = style.getPropertyValue(k); });
  if (seen['outline-style'] === 'none' || parseFloat(seen['outline-width']) === 0) {
    ['outline-width', 'outline-color', 'outline-offset'].forEach(k => delete seen[k]);
  }
  ['top', 'right', 'bottom', 'left'].forEach(side => {
    const border = 'border-' + side;
    if (parseFloat(seen[border + '-width']) === 0) delete seen[border + '-color'];
  });
  if (seen['text-decoration-line'] === 'none') delete seen['text-decoration-thickness'];
  return seen;
};
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) {
  return {element: null, before: before ? look(before) : null};
}
const r = el.getBoundingClientRect();
const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
  && r.top < innerHeight && r.left < innerWidth;
const text = (el.getAttribute('aria-label') || el.innerText || el.value
  || el.getAttribute('name') || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
const href = el.getAttribute('href');
const name = el.tagName.toLowerCase() + (el.type && el.tagName !== 'A' ? '[' + el.type + ']' : '')
  + (text ? ' "' + text + '"' : '') + (href ? ' (' + href + ')' : '');
return {element: el, name: name, look: look(el), onScreen: onScreen, href: href,
        radio: el.type === 'radio' ? (el.form ? el.form.id || 'form' : '') + '/' + el.name : null,
        before: before ? look(before) : null};
"""

_DESCRIBE = """
const el = arguments[0];
const text = (el.getAttribute('aria-label') || el.innerText || el.value
  || el.getAttribute('name') || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
const href = el.getAttribute('href');
return [el.tagName.toLowerCase() + (el.type && el.tagName !== 'A' ? '[' + el.type + ']' : '')
  + (text ? ' "' + text + '"' : '') + (href ? ' (' + href + ')' : ''),
  el.type === 'radio' ? (el.form ? el.form.id || 'form' : '') + '/' + el.name : null];
"""

_SKIP_WORDS = re.compile(r"\b(skip|jump)\b.*\b(content|main|navigation)\b", re.IGNORECASE)


@dataclass
class Stop:
    """One place the Tab key stopped, and whether a person could see that it did."""

    name: str
    on_screen: bool
    focus_seen: bool | None = None  # None until focus has moved on and the difference is known


@dataclass
class KeyboardWalk:
    """What pressing Tab over and over on one page found."""

    url: str
    stops: list[Stop] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)
    skip_link: str | None = None
    cycled: bool = False

    def problems(self) -> list[str]:
        found = [f"the keyboard never reaches {name}" for name in self.unreached]
        found += [f"focus cannot be seen on {s.name}" for s in self.stops if s.focus_seen is False]
        found += [f"focus lands off screen on {s.name}" for s in self.stops if not s.on_screen]
        if self.skip_link and (not self.stops or self.stops[0].name != self.skip_link):
            first = self.stops[0].name if self.stops else "nothing"
            found.append(f"the skip link {self.skip_link} is not the first Tab stop ({first} is)")
        if not self.cycled:
            found.append(f"focus never came back round after {len(self.stops)} Tab presses")
        return found


def _press_tab(driver: webdriver.Chrome) -> None:
    ActionChains(driver).send_keys(Keys.TAB).perform()


def _start_from_top(driver: webdriver.Chrome) -> None:
    """Put the starting point of Tab at the very top of the page, as on a fresh load."""
    driver.execute_script(
        "const b = document.body; b.setAttribute('tabindex', '-1'); b.focus({preventScroll: true});"
        " b.removeAttribute('tabindex'); window.scrollTo(0, 0);"
    )


def walk_keyboard(driver: webdriver.Chrome, limit: int = 200) -> KeyboardWalk:
    """Press Tab from the top of the current page until focus comes round to the first stop
    again (or `limit` presses), and compare the stops with every link, button and control shown.

    Focus counts as seen when the focused element's outline, shadow, border, colours or
    underline differ from how it looks once focus has moved on."""
    walk = KeyboardWalk(url=str(driver.current_url))
    controls: list[WebElement] = driver.execute_script(_CONTROLS)
    skip = _skip_link(driver)
    walk.skip_link = skip
    _start_from_top(driver)
    reached: set[str] = set()
    radios: set[str] = set()
    first_id: str | None = None
    previous: WebElement | None = None
    last_look: dict[str, str] = {}
    for _ in range(limit):
        _press_tab(driver)
        now = driver.execute_script(_FOCUS_NOW, previous, list(_STYLE_KEYS))
        if previous is not None and walk.stops:
            last = walk.stops[-1]
            last.focus_seen = now["before"] != last_look
        element: WebElement | None = now["element"]
        if element is None:  # focus left the page for the browser's own controls
            previous = None
            continue
        if element.id == first_id:
            walk.cycled = True
            break
        first_id = first_id or element.id
        walk.stops.append(Stop(name=now["name"], on_screen=bool(now["onScreen"])))
        reached.add(element.id)
        if now["radio"] is not None:
            radios.add(now["radio"])
        previous, last_look = element, now["look"]
    if not controls and not walk.stops:
        walk.cycled = True  # nothing to reach, so nothing to come back to
    for control in controls:
        if control.id in reached:
            continue
        name, radio = driver.execute_script(_DESCRIBE, control)
        if radio is not None and radio in radios:
            continue
        walk.unreached.append(name)
    # Leave no focus behind: a focused skip link would sit over the page in later checks.
    driver.execute_script("if (document.activeElement) document.activeElement.blur();")
    return walk


def _skip_link(driver: webdriver.Chrome) -> str | None:
    """The page's skip link (an in-page link that says it skips to the content), described."""
    for link in driver.find_elements(By.CSS_SELECTOR, "a[href^='#']"):
        words = str(link.get_attribute("textContent") or "")
        if _SKIP_WORDS.search(words):
            name, _ = driver.execute_script(_DESCRIBE, link)
            return str(name)
    return None


def assert_keyboard_usable(driver: webdriver.Chrome) -> KeyboardWalk:
    """Fail, listing each problem, unless the keyboard alone reaches everything, visibly."""
    walk = walk_keyboard(driver)
    problems = walk.problems()
    assert not problems, f"{walk.url} with the keyboard alone:\n" + "\n".join(problems)
    return walk


# ---------------------------------------------------------------- screenshots


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


def screenshot_folder(fallback: Path) -> Path:
    """`COMMONGROUND_SCREENSHOTS` (relative to the project, e.g. docs/screenshots) when set,
    else `fallback` (a temporary folder)."""
    chosen = os.environ.get(SCREENSHOTS_SETTING, "").strip()
    if not chosen:
        return fallback
    folder = Path(chosen)
    return folder if folder.is_absolute() else ROOT / folder


# ---------------------------------------------------------------- all of it, on one page


@dataclass
class PageCheck:
    """Everything the browser found on one page, at each size."""

    url: str
    title: str
    violations: dict[str, list[Violation]] = field(default_factory=dict)
    walks: dict[str, KeyboardWalk] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = [] if self.title.strip() else ["the page has no title"]
        for size, violations in self.violations.items():
            found += [f"{size}: {v}" for v in serious(violations)]
        for size, walk in self.walks.items():
            found += [f"{size}: {problem}" for problem in walk.problems()]
        found += [f"fetched from outside the site: {url}" for url in self.outside_requests]
        found += [f"browser console: {message}" for message in self.console_errors]
        return found


def check_page(
    driver: webdriver.Chrome,
    name: str,
    screenshots: Path,
    sizes: Sequence[Size] = SIZES,
    keyboard: bool = True,
) -> PageCheck:
    """Check the page the browser is on at each size: a full-page screenshot
    (`screenshots/<name>-<size>.png`), axe-core, and (unless `keyboard` is false) a Tab walk.
    Also notes any request that left the site and any error in the browser's console since the
    last check."""
    here = urlsplit(driver.current_url)
    check = PageCheck(url=str(driver.current_url), title=str(driver.title))
    for size in sizes:
        use_size(driver, size)
        check.screenshots.append(save_screenshot(driver, screenshots, f"{name}-{size.name}"))
        check.violations[size.name] = accessibility_violations(driver)
        if keyboard:
            check.walks[size.name] = walk_keyboard(driver)
    use_size(driver, LAPTOP)
    for request in network_requests(driver):
        target = urlsplit(request.url)
        if target.scheme != "data" and (target.scheme, target.netloc) != (here.scheme, here.netloc):
            check.outside_requests.append(request.url)
    check.console_errors = console_errors(driver)
    return check


def assert_page_ok(
    driver: webdriver.Chrome, name: str, screenshots: Path, sizes: Sequence[Size] = SIZES
) -> PageCheck:
    """`check_page`, failing with every problem it found, one a line."""
    check = check_page(driver, name, screenshots, sizes)
    problems = check.problems()
    assert not problems, f"{check.url} ({name}):\n" + "\n".join(problems)
    return check


# ---------------------------------------------------------------- a whole site, from one link

# Links a visit must not follow: they would end the session it is walking with.
LEAVING = ("logout", "log-out", "sign-out", "signout")


def visit_site(
    driver: webdriver.Chrome,
    link: str,
    screenshots: Path,
    limit: int = 20,
    avoid: Sequence[str] = LEAVING,
) -> dict[str, PageCheck]:
    """Open the private `link`, then every page of the site its pages link to (at most `limit`,
    in the order found; none whose address contains a word in `avoid`), and `check_page` each
    HTML page; fail at the end listing every problem on every page. Returns the checks by address.

    Pages after the first are opened at the addresses their links hold, so each is reached the
    way a person could reach it; a screenshot is named after the page's path."""
    first = open_via_link(driver, link)
    queue, seen, checks = [first], {first}, {}
    while queue and len(checks) < limit:
        address = queue.pop(0)
        if address != first:
            driver.get(address)
        if driver.execute_script("return document.contentType") != "text/html":
            continue  # a PDF or a download: nothing for axe or the Tab key
        checks[address] = check_page(driver, _shot_name(address), screenshots)
        for found in same_site_links(driver):
            if found not in seen and not any(word in found.lower() for word in avoid):
                seen.add(found)
                queue.append(found)
    problems = [
        f"{url}: {problem}" for url, check in checks.items() for problem in check.problems()
    ]
    assert not problems, f"{len(problems)} problems on {len(checks)} pages:\n" + "\n".join(problems)
    return checks


def _shot_name(address: str) -> str:
    parts = urlsplit(address)
    words = re.findall(r"[A-Za-z0-9]+", parts.path + " " + parts.query)
    return "-".join(words)[:80] or "home"
