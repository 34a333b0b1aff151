"""Detectors that prove "no connection was made": shared by the SSRF tests.

An audit hook records every ``socket.connect`` of this process (with the thread that made
it), and :class:`Listener` counts the TCP connections a local address accepts.
"""

from __future__ import annotations

import socket
import sys
import threading

_connects: list[tuple[int, object]] = []


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect":
        _connects.append((threading.get_ident(), args[1]))


sys.addaudithook(_audit)  # process-wide and permanent; it only appends to a list


def mark() -> int:
    """A point in the record; pass it to :func:`connects_since`."""
    return len(_connects)


def connects_since(start: int, *, this_thread: bool = False) -> list[object]:
    """Addresses connected to since ``start``, from every thread or only the caller's."""
    me = threading.get_ident()
    return [addr for tid, addr in _connects[start:] if not this_thread or tid == me]


class Listener:
    """Accepts and counts TCP connections (then closes them) on one address."""

    def __init__(self, family: int, host: str):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()
