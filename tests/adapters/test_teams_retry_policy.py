"""The Teams deliverer builds msrest's retry policy the quick way (each proactive send builds two):
the status codes retried must be exactly those msrest's own list gives. Outside tests/adapters/teams
on purpose: it needs no Adaptive Cards library, so it runs wherever the SDK is installed."""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy

import bot.adapters.teams.delivery  # noqa: F401  (makes the swap)


def test_the_sdks_retry_policy_is_the_same_when_built_the_quick_way() -> None:
    safe = [i for i in range(500) if i != 408] + [501, 505]
    expected = [i for i in range(999) if i not in safe]
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    assert ClientRetryPolicy().policy.status_forcelist == expected
