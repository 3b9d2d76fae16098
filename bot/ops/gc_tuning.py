"""The garbage collector, tuned for a long-running bot process.

Python's cyclic collector scans every tracked object in the generation it collects. A bot process
holds hundreds of thousands of objects made at start (modules, the SQLAlchemy schema, the Slack
and Teams SDKs) that live until it stops, and every full collection under load walked all of them:
a pause of tens of milliseconds, during which no request is acknowledged. Measured with the
acknowledgement benchmark (`python -m bench --only 1`), they made our slowest acknowledgements:
p99 about 160 ms as Python comes, 55-75 ms tuned as here.

So once the process has started, what exists is moved out of the collector's view
(`gc.freeze`, which Python's documentation describes for exactly this), and the youngest
generation is collected after 10,000 new objects instead of 700, so a burst of requests is not
interrupted by a collection every few of them. Objects are still freed as before: reference
counting frees almost everything, and cycles are still collected, only less often.
"""

from __future__ import annotations

import gc

YOUNGEST_THRESHOLD = 10_000
"""New container objects before the youngest generation is collected (Python's default: 700)."""


def settle_after_start() -> None:
    """Collect what starting up left behind, freeze the rest, and collect young objects less
    often. Call once the process is ready to serve, before the first request."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST_THRESHOLD, middle, oldest)
