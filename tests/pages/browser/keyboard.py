"""The page with the keyboard alone: Tab from the top until focus comes round again.

Every link, button and form control shown must be reached; focus must be seen on each (its
outline, shadow, border, colours or underline differ from how it looks without focus) and land
on screen; and a skip link, when there is one, must be the first stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

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

# How a stop is named in reports: its tag (and type), what a person reads on it or beside it,
# and where a link goes; and, for a radio button, its group (one Tab stop for the lot).
_DESCRIBE_FUNCTION = """
const describe = el => {
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const text = (el.getAttribute('aria-label') || label || el.innerText || el.value
    || el.getAttribute('name') || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  const href = el.getAttribute('href');
  const typed = el.type && el.tagName !== 'A';
  const kind = el.tagName.toLowerCase() + (typed ? '[' + el.type + ']' : '');
  const group = el.type === 'radio' ? (el.form ? el.form.id || 'form' : '') + '/' + el.name : null;
  return {name: kind + (text ? ' "' + text + '"' : '') + (href ? ' (' + href + ')' : ''),
          radio: group};
};
"""

# The element with focus now: its description, how it looks and whether it is on screen; and
# how the element that had focus before (arguments[0]) looks now that it has lost it.
_FOCUS_NOW = (
    _DESCRIBE_FUNCTION
    + """
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
return {element: el, ...describe(el), look: look(el), onScreen: onScreen,
        before: before ? look(before) : null};
"""
)

_DESCRIBE = _DESCRIBE_FUNCTION + "return describe(arguments[0]);"

# A skip link: an in-page link that says it skips to the content, and whether its target exists.
_SKIP_LINK = (
    _DESCRIBE_FUNCTION
    + """
const words = /\\b(skip|jump)\\b.*\\b(content|main|navigation)\\b/i;
const link = [...document.querySelectorAll('a[href^="#"]')].find(a => words.test(a.textContent));
if (!link) return null;
const target = decodeURIComponent(link.getAttribute('href').slice(1));
return {name: describe(link).name, leads: !!target && !!document.getElementById(target)};
"""
)


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
    skip_link_leads_nowhere: bool = False
    cycled: bool = False

    def problems(self) -> list[str]:
        found = [f"the keyboard never reaches {name}" for name in self.unreached]
        found += [f"focus cannot be seen on {s.name}" for s in self.stops if s.focus_seen is False]
        found += [f"focus lands off screen on {s.name}" for s in self.stops if not s.on_screen]
        if self.skip_link and (not self.stops or self.stops[0].name != self.skip_link):
            first = self.stops[0].name if self.stops else "nothing"
            found.append(f"the skip link {self.skip_link} is not the first Tab stop ({first} is)")
        if self.skip_link and self.skip_link_leads_nowhere:
            found.append(f"the skip link {self.skip_link} leads to nothing on the page")
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
    skip = driver.execute_script(_SKIP_LINK)
    if skip is not None:
        walk.skip_link, walk.skip_link_leads_nowhere = skip["name"], not skip["leads"]
    _start_from_top(driver)
    reached: set[str] = set()
    radios: set[str] = set()
    first_id: str | None = None
    previous: WebElement | None = None
    last_look: dict[str, str] = {}
    for _ in range(limit):
        _press_tab(driver)
        now = driver.execute_script(_FOCUS_NOW, previous, list(_STYLE_KEYS))
        if previous is not None and now["element"] is not None and now["element"].id == previous.id:
            continue  # Tab moved inside one control (a date box's day, month and year): one stop
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
        described = driver.execute_script(_DESCRIBE, control)
        if described["radio"] is not None and described["radio"] in radios:
            continue
        walk.unreached.append(described["name"])
    # Leave no focus behind: a focused skip link would sit over the page in later checks.
    driver.execute_script("if (document.activeElement) document.activeElement.blur();")
    return walk


def assert_keyboard_usable(driver: webdriver.Chrome) -> KeyboardWalk:
    """Fail, listing each problem, unless the keyboard alone reaches everything, visibly."""
    walk = walk_keyboard(driver)
    problems = walk.problems()
    assert not problems, f"{walk.url} with the keyboard alone:\n" + "\n".join(problems)
    return walk
