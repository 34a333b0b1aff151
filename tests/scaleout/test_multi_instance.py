"""Two gunicorn instances and one RQ worker on the real Redis and PostgreSQL: the cache,
single flight, rate limits and opt-outs are shared; the worker completes batch lookups
while either instance answers polls. The checks live in bench/multi_instance.py so a person
can run them too (``python -m bench.multi_instance``); a failing check raises with details.

Order matters: single flight needs octocat cold, the rate-limit check needs newbie cached.
"""

from __future__ import annotations

from bench import multi_instance as mi


def test_single_flight_across_instances(scaleout):
    assert "each of" in mi.check_single_flight(scaleout, n=200)


def test_cache_shared(scaleout):
    mi.check_cache_shared(scaleout)


def test_rate_limits_shared(scaleout):
    mi.check_rate_limit_shared(scaleout)


def test_opt_out_on_one_instance_honoured_by_the_other_at_once(scaleout):
    mi.check_opt_out(scaleout)


def test_batch_lookup_completed_by_the_worker_polled_on_both(scaleout):
    mi.check_batch_lookup(scaleout)
