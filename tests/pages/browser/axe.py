"""Deque's axe-core run inside the page, with the WCAG 2.2 AA rules.

axe-core is pinned in `testkit/axe/` (`npm ci --prefix testkit/axe`). The group's pages forbid
every script (`script-src 'none'`); scripts sent through WebDriver are not the page's, and
Chromium runs them all the same (the tests prove it on a page whose own script is refused).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from selenium import webdriver

from tests.pages.browser.chromium import AXE

WCAG_22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
SERIOUS = ("serious", "critical")


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
