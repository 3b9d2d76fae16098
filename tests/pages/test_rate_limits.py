"""The link rate limit on its own: per address, overall, a sliding window, bounded memory."""

from __future__ import annotations

import pytest

from bot.pages import rate_limits
from bot.pages.rate_limits import LinkRateLimit
from tests.dialogue import person
from tests.pages.site import Site


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_address_gets_its_share_then_waits_for_the_window_to_move() -> None:
    ticks = Ticks()
    limit = LinkRateLimit(per_address=3, overall=100, window=60, clock=ticks)
    assert [limit.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("b")  # another address is not held up
    ticks.now += 59.9
    assert not limit.allow("a")
    ticks.now += 0.2
    assert limit.allow("a")


def test_the_overall_cap_holds_across_addresses() -> None:
    ticks = Ticks()
    limit = LinkRateLimit(per_address=10, overall=5, window=60, clock=ticks)
    assert [limit.allow(str(n)) for n in range(6)] == [True] * 5 + [False]
    ticks.now += 61
    assert limit.allow("new")


def test_a_refused_try_is_not_counted() -> None:
    ticks = Ticks()
    limit = LinkRateLimit(per_address=2, overall=100, window=60, clock=ticks)
    for _ in range(50):
        limit.allow("a")
    ticks.now += 61
    assert limit.allow("a") and limit.allow("a")


def test_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rate_limits, "MAX_ADDRESSES", 10)
    limit = LinkRateLimit(per_address=1, overall=10_000, window=60, clock=Ticks())
    for n in range(100):
        limit.allow(f"10.0.0.{n}")
    assert len(limit._by_address) <= 10


async def test_junk_addresses_do_not_use_up_the_openings_of_real_links(site: Site) -> None:
    await site.chat.group_of(person("Fay"), [(person("Sam"), "lived-experience")])
    for n in range(40):
        assert (await site.open(f"/pages/open/x{n}")).status == 403
    response = await site.open(await site.link_for(person("Sam")))
    assert response.status == 303


async def test_too_many_tries_from_one_address_wait_a_minute(site: Site) -> None:
    await site.chat.group_of(person("Fay"), [(person("Sam"), "lived-experience")])
    answers = [(await site.open("/pages/open/" + "A" * 43)).status for _ in range(12)]
    assert answers[0] == 403 and answers[-1] == 429
