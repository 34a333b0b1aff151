"""Redis backend: one cache shared by every process on every machine.

Keys (all behind an optional ``prefix``, which tests use to stay out of each other's way):
``<key>`` holds the envelope bytes with a TTL, ``candor:idx:<subject>`` is the set of the
subject's keys (what opt-out purges), ``candor:gen:<subject>`` its purge generation,
``candor:lock:<key>`` the compute lock (``SET NX PX`` + token-checked delete), and the
``candor:purge`` pub/sub channel tells every instance to drop its in-process copies.

Writes and purges are Lua scripts, so "store unless purged since" and "delete all of a
subject" are atomic. Not cluster-safe (a script touches keys of several hash slots).

Sockets time out after 0.25 s and redis-py's own retries are off: a slow or dead Redis turns
into :class:`CacheUnavailable` quickly, and the caller's circuit breaker stops retrying it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import time
import uuid
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from service.cache.backends import Backend, CacheUnavailable

log = logging.getLogger(__name__)

SOCKET_TIMEOUT = 0.25
_INDEX_FLOOR_MS = 60_000

_PUT = """
if ARGV[3] ~= '' and (redis.call('GET', KEYS[3]) or '0') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 1
"""
# KEYS: index, generation; ARGV: channel
_PURGE_SUBJECT = """
local keys = redis.call('SMEMBERS', KEYS[1])
local n = 0
for _, k in ipairs(keys) do n = n + redis.call('DEL', k) end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
return {n, redis.call('PUBLISH', ARGV[1], ARGV[2])}
"""
# KEYS: key, index, generation; ARGV: channel
_PURGE_KEY = """
local n = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], KEYS[1])
redis.call('INCR', KEYS[3])
return {n, redis.call('PUBLISH', ARGV[1], ARGV[2])}
"""
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_ERRORS = (redis.RedisError, OSError)
# How long an opt-out waits for every instance to confirm it dropped its in-process copies.
ACK_WAIT = 1.0


class RedisBackend(Backend):
    def __init__(self, url: str, *, prefix: str = ""):
        self.prefix = prefix
        opts: dict[str, Any] = {
            "socket_timeout": SOCKET_TIMEOUT,
            "socket_connect_timeout": SOCKET_TIMEOUT,
            "retry": Retry(NoBackoff(), 0),
        }
        self.client = redis.Redis.from_url(url, **opts)
        # The subscriber blocks in reads, so it gets its own client with a longer timeout
        # and periodic PINGs that detect a silently dead connection.
        self._sub_client = redis.Redis.from_url(
            url, **{**opts, "socket_timeout": 5.0, "health_check_interval": 2}
        )
        self._channel = self._k("candor:purge")
        self._put = self.client.register_script(_PUT)
        self._purge_subject = self.client.register_script(_PURGE_SUBJECT)
        self._purge_key = self.client.register_script(_PURGE_KEY)
        self._unlock = self.client.register_script(_UNLOCK)
        self._sub_lock = threading.Lock()
        self._sub_pid = 0
        self._sub_ok = False
        self._epoch = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _k(self, name: str) -> str:
        return self.prefix + name

    def _idx(self, subject: str) -> str:
        return self._k(f"candor:idx:{subject}")

    def _gen(self, subject: str) -> str:
        return self._k(f"candor:gen:{subject}")

    def get(self, key: str, subject: str) -> bytes | None:
        try:
            return self.client.get(self._k(key))
        except _ERRORS as exc:
            raise CacheUnavailable(f"redis get failed: {exc}") from exc

    def set(
        self, key: str, subject: str, blob: bytes, ttl: float, expect_gen: int | None = None
    ) -> bool:
        ttl_ms = max(1, int(ttl * 1000))
        args = [blob, ttl_ms, "" if expect_gen is None else str(expect_gen)]
        args.append(max(ttl_ms, _INDEX_FLOOR_MS))
        keys = [self._k(key), self._idx(subject), self._gen(subject)]
        try:
            return bool(self._put(keys=keys, args=args))
        except _ERRORS as exc:
            raise CacheUnavailable(f"redis set failed: {exc}") from exc

    def generation(self, subject: str) -> int:
        try:
            return int(self.client.get(self._gen(subject)) or 0)
        except _ERRORS as exc:
            raise CacheUnavailable(f"redis get failed: {exc}") from exc

    def purge_subject(self, subject: str) -> int:
        keys = [self._idx(subject), self._gen(subject)]
        nonce = uuid.uuid4().hex
        try:
            deleted, receivers = self._purge_subject(keys=keys, args=[self._channel,
                                                                      f"purge:{nonce}"])
            self._await_acks(nonce, int(receivers))
        except _ERRORS as exc:
            raise CacheUnavailable(f"redis purge failed: {exc}") from exc
        return int(deleted)

    def purge_keys(self, keys: list[tuple[str, str]]) -> int:
        count = 0
        try:
            for key, subject in keys:
                nonce = uuid.uuid4().hex
                names = [self._k(key), self._idx(subject), self._gen(subject)]
                deleted, receivers = self._purge_key(keys=names, args=[self._channel,
                                                                       f"purge:{nonce}"])
                self._await_acks(nonce, int(receivers))
                count += int(deleted)
        except _ERRORS as exc:
            raise CacheUnavailable(f"redis purge failed: {exc}") from exc
        return count

    def _ack_key(self, nonce: str) -> str:
        return self._k(f"candor:purge-ack:{nonce}")

    def _await_acks(self, nonce: str, receivers: int) -> None:
        """Return once every instance that received the purge has dropped its L1 copies.

        Opt-out must hold everywhere *at once*: when the opt-out request answers, no instance
        may still serve the subject from memory. Each listener acknowledges after bumping its
        epoch; an instance that died after receiving simply lets the short wait run out (its
        copies die with it, or within the L1 lifetime if it is merely stuck).
        """
        deadline = time.monotonic() + ACK_WAIT
        key = self._ack_key(nonce)
        while receivers > 0 and time.monotonic() < deadline:
            if int(self.client.get(key) or 0) >= receivers:
                return
            time.sleep(0.002)

    def try_lock(self, key: str, ttl: float) -> Any | None:
        token = secrets.token_hex(16)
        try:
            got = self.client.set(
                self._k(f"candor:lock:{key}"), token, nx=True, px=max(1, int(ttl * 1000))
            )
        except _ERRORS as exc:
            raise CacheUnavailable(f"redis lock failed: {exc}") from exc
        return token if got else None

    def unlock(self, key: str, token: Any) -> None:
        try:
            self._unlock(keys=[self._k(f"candor:lock:{key}")], args=[token])
        except _ERRORS:
            # The lock expires by itself; a failed release only delays the next compute.
            log.warning("redis unlock failed for %s", key)

    def ping(self) -> None:
        try:
            self.client.ping()
        except _ERRORS as exc:
            raise CacheUnavailable(f"redis ping failed: {exc}") from exc

    # --- purge notifications -------------------------------------------------------------

    def l1_epoch(self) -> object | None:
        if self._sub_pid != os.getpid():
            self._start_subscriber()
        return self._epoch if self._sub_ok else None

    def _start_subscriber(self) -> None:
        with self._sub_lock:
            if self._sub_pid == os.getpid():
                return
            # After a fork the parent's listener thread does not exist here: start our own.
            self._sub_pid = os.getpid()
            self._sub_ok = False
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._listen, args=(self._stop,), name="candor-cache-purge", daemon=True
            )
            self._thread.start()

    def _listen(self, stop: threading.Event) -> None:
        backoff = 0.1
        while not stop.is_set():
            pubsub = self._sub_client.pubsub()
            try:
                pubsub.subscribe(self._channel)
                while not stop.is_set():
                    msg = pubsub.get_message(timeout=0.2)
                    if msg is None:
                        continue
                    # Every message (and the subscribe confirmation, after which nothing can
                    # have been missed) starts a new epoch: all in-process copies become invalid.
                    self._epoch += 1
                    self._acknowledge(msg)
                    if msg["type"] == "subscribe":
                        self._sub_ok = True
                        backoff = 0.1
            except Exception as exc:  # any failure: resubscribe; L1 is off meanwhile
                if not stop.is_set():
                    log.warning("cache purge listener lost redis: %s", exc)
            finally:
                # While we are not subscribed a purge could pass unseen: stop serving L1.
                self._sub_ok = False
                self._epoch += 1
                with contextlib.suppress(Exception):
                    pubsub.close()
            stop.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _acknowledge(self, msg: dict) -> None:
        data = msg.get("data")
        if msg.get("type") != "message" or not isinstance(data, bytes | str):
            return
        text = data.decode() if isinstance(data, bytes) else data
        if text.startswith("purge:"):
            key = self._ack_key(text[len("purge:"):])
            try:
                pipe = self.client.pipeline()
                pipe.incr(key)
                pipe.expire(key, 60)
                pipe.execute()
            except _ERRORS as exc:  # the purger then waits out ACK_WAIT; nothing is lost
                log.warning("could not acknowledge a cache purge: %s", exc)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._sub_pid == os.getpid():
            self._thread.join(timeout=1.0)
        for client in (self.client, self._sub_client):
            with contextlib.suppress(_ERRORS):
                client.close()
