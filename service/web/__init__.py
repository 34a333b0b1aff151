"""What the HTTP layer serves, assembled from the core: the parts ``service/api/`` calls.

- :mod:`.reports`: reports and badges through the cache (single flight, stale-while-
  revalidate, the database fallback), and the daily history row;
- :mod:`.badges`: the compact hover-card form of a report;
- :mod:`.selfcheck` and :mod:`.whatif`: the candidate self-check with tips, and re-scoring
  its fetched inputs with changed values;
- :mod:`.methodology` and :mod:`.charts`: the methodology page's data and the SVG charts;
- :mod:`.limits` and :mod:`.limit_store`: request limits (per IP, per key, charged by the
  accounts a request fetches) and their storage without Redis.
"""
