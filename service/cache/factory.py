"""Which backend a cache URL names. Separate from ``backends`` so that module (the
interface) imports no backend and no backend imports the factory."""

from __future__ import annotations

from service.cache.backends import Backend


def backend_from_url(url: str, *, prefix: str = "") -> Backend:
    """``file:///dir`` or ``redis://host:port/db``; ``prefix`` namespaces Redis keys (tests)."""
    if url.startswith("file://"):
        from service.cache.file_backend import FileBackend

        return FileBackend(url[len("file://") :])
    if url.startswith(("redis://", "rediss://", "unix://")):
        from service.cache.redis_backend import RedisBackend

        return RedisBackend(url, prefix=prefix)
    raise ValueError(f"unsupported cache URL scheme: {url.split(':', 1)[0]!r}")
