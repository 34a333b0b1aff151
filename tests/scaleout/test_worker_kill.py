"""kill -9 of the RQ worker mid-lookup loses no accepted lookup: the lease it held lapses, a
new worker's sweep enqueues the lookup again and it completes with every result; items
finished before the kill are not computed again (their upstream profile is fetched once)."""

from __future__ import annotations

from bench import multi_instance as mi


def test_kill_9_of_the_worker_mid_lookup_is_resumed(scaleout):
    mi.check_worker_kill(scaleout, n=10, latency=0.3)
