"""The recruiter side: who may see what, and batch lookups.

- :mod:`.visibility`: the visibility rules (``public`` or ``claimed-only``), opted-out and
  withdrawn results, and the audit entries each look-up writes (one per fetched account);
- :mod:`.jobs`: lookup jobs on the ``lookups`` RQ queue, or an in-process pool without
  Redis, with the lease-and-sweep that resumes a killed worker's lookup;
- :mod:`.slots`: per-network job slots shared by every worker.
"""

from service.recruiter.visibility import (
    blocked_status,
    fresh_result,
    hide_opted_out,
    record_audit,
    result,
)

__all__ = ["blocked_status", "fresh_result", "hide_opted_out", "record_audit", "result"]
