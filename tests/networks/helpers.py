"""Small helpers shared by the connector tests."""

from __future__ import annotations

from datetime import UTC, datetime


def obs(data, name):
    """The single observation value for a signal, or None when the connector sent none."""
    values = [o.value for o in data.observations if o.signal == name]
    assert len(values) <= 1
    return values[0] if values else None


def fetch(conn, handle):
    """Validate then fetch, as the lookup layer does."""
    return conn.fetch(conn.validate(handle), now=datetime.now(UTC))
