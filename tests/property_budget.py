"""How many examples a property test tries: a bounded number in CI, more on request.

`COMMONGROUND_PROPERTY_EXAMPLES=500 python3 dev.py test tests/properties` asks every property
test for at least that many; without it each runs the few its module says, so the suite stays
quick. One place, so that no property test is left out of the setting.
"""

from __future__ import annotations

import os

SETTING = "COMMONGROUND_PROPERTY_EXAMPLES"


def examples(in_ci: int) -> int:
    """`in_ci`, or more when the setting asks for more."""
    asked = os.environ.get(SETTING, "").strip()
    return max(in_ci, int(asked)) if asked.isdigit() else in_ci
