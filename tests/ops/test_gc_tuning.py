"""The collector tuning of a serving process: start-up's objects frozen, young objects collected
less often, and garbage cycles made afterwards still freed."""

from __future__ import annotations

import gc
import weakref

from bot.ops.gc_tuning import YOUNGEST_THRESHOLD, settle_after_start


class _Node:
    """Something that can be part of a reference cycle and be watched with a weak reference."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def test_start_up_objects_are_frozen_and_young_ones_collected_less_often() -> None:
    before = gc.get_freeze_count()
    settle_after_start()
    assert gc.get_freeze_count() > before
    assert gc.get_threshold()[0] == YOUNGEST_THRESHOLD


def test_cycles_made_after_start_are_still_freed() -> None:
    """Without anyone calling gc.collect(): the collector itself still runs, only less often."""
    settle_after_start()
    assert gc.isenabled()
    first, second = _Node(), _Node()
    first.other, second.other = second, first  # a cycle: reference counting alone never frees it
    watched = weakref.ref(first)
    del first, second
    # Enough new objects for the youngest generation to be collected many times, and the next
    # one too (in case the cycle had already moved there).
    kept = [[] for _ in range(25 * YOUNGEST_THRESHOLD)]
    assert kept and watched() is None
