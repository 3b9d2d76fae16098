"""Microsoft's Adaptive Cards library as a check the fake Teams runs on every card it receives.

The library (`adaptivecards` on npm, pinned in `testkit/adaptivecards/package-lock.json`) runs in
one long-lived Node process per test run (`validate.js`): a card in, the library's objections out,
one JSON line each, so checking a card costs a millisecond, not a Node start-up. Answers are kept
by the card's text, since tests send the same cards many times.

`problem()` says why checking is impossible here (no Node, or `npm ci` not run in
`testkit/adaptivecards`); the Teams tests skip loudly then, but fail when `CI` is set, where
`.ci/run` installs the package.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from bot.adapters.teams.limits import TEAMS_MAX_ACTIONS, TEAMS_MAX_CARD_VERSION

FOLDER = Path(__file__).parent / "adaptivecards"
SCRIPT = FOLDER / "validate.js"
LIBRARY = FOLDER / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.js"


@functools.cache
def problem() -> str | None:
    """Why cards cannot be checked here, or None when they can."""
    if shutil.which("node") is None:
        return "Node.js is not installed, so Adaptive Cards cannot be checked"
    if not LIBRARY.exists():
        return f"the adaptivecards package is not installed: run `npm ci` in {FOLDER}"
    return None


class CardChecker:
    """One Node process running Microsoft's library; `errors(card)` is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._known: dict[str, list[str]] = {}

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            env = {
                **os.environ,
                "TEAMS_MAX_VERSION": TEAMS_MAX_CARD_VERSION,
                "TEAMS_MAX_ACTIONS": str(TEAMS_MAX_ACTIONS),
            }
            self._process = subprocess.Popen(
                ["node", str(SCRIPT)],
                cwd=FOLDER,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
            atexit.register(self.close)
        return self._process

    def errors(self, card: Any) -> list[str]:
        """What the library objects to in `card` (an Adaptive Card's JSON); empty if nothing."""
        line = json.dumps(card, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        with self._lock:
            if line in self._known:
                return self._known[line]
            process = self._started()
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(line + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()
            if not answer:
                raise RuntimeError("the Adaptive Cards checker stopped")
            found = [str(e) for e in json.loads(answer)["errors"]]
            self._known[line] = found
            return found

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait(timeout=5)


CHECKER = CardChecker()
