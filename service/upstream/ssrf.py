"""SSRF guard for user-chosen hosts (Mastodon instances, domain handles, followed links).

Two entry points:

- :func:`check_host` / :func:`validate_instance_host`: pure syntax checks for a host taken
  from a handle, no I/O. Connectors call them when validating a handle.
- :func:`vet_url`: everything :meth:`service.upstream.Upstream.get` needs before it may
  open a connection for ``user_host=True``: scheme, userinfo, port, host syntax, one DNS
  resolution and an address check on every answer. It returns the URL to connect to (the
  vetted IP) plus the ``Host`` name, so a second DNS answer cannot rebind the connection.

:class:`PinnedAdapter` sends such a request to the vetted IP while TLS still uses the
hostname for SNI and certificate verification.

Hosts in ``settings.allow_hosts`` (``host`` or ``host:port``; tests use ``127.0.0.1:port``)
skip the address checks. Every refusal is ``UpstreamError("refused", ...)``, raised before
any connection is made.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from requests.adapters import HTTPAdapter

from service.upstream.errors import UpstreamError

# Suffixes that never name a public host. ("arpa" covers in-addr.arpa and home.arpa.)
BLOCKED_SUFFIXES = frozenset({
    "localhost", "local", "internal", "arpa", "localdomain", "lan", "home", "corp",
    "intranet", "invalid", "onion",
})
# Ranges Python's ``is_global`` lets through or that deserve an explicit, named refusal.
BLOCKED_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "100.64.0.0/10",      # CGNAT
    "169.254.0.0/16",     # link-local, incl. cloud metadata 169.254.169.254
    "64:ff9b::/96",       # NAT64: embeds an arbitrary IPv4 address
    "64:ff9b:1::/48",     # local-use NAT64
    "2002::/16",          # 6to4: embeds an arbitrary IPv4 address
    "2001::/32",          # Teredo
    "fd00:ec2::254/128",  # AWS metadata over IPv6
))
DEFAULT_PORTS = {"https": 443, "http": 80}
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# A label that inet_aton would read as a number: 127, 0177, 0x7f, 0x.
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")

Resolver = Callable[..., list[tuple[Any, ...]]]


def _refuse(message: str) -> UpstreamError:
    return UpstreamError("refused", message)


def _host_key(host: str, port: int | None) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if port is None else f"{name}:{port}"


def _allowed(host: str, port: int | None, scheme: str, allow: Collection[str]) -> bool:
    if _host_key(host, port) in allow:
        return True
    return port in (None, DEFAULT_PORTS.get(scheme)) and _host_key(host, None) in allow


def is_public_address(address: str) -> bool:
    """True only for a global unicast address that is not a known SSRF trampoline."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False  # includes scoped IPv6 ("fe80::1%eth0") on some versions
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.scope_id):
        return False  # ::ffff:127.0.0.1 reaches IPv4 loopback
    if any(ip in net for net in BLOCKED_NETWORKS if net.version == ip.version):
        return False
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local
        or ip.is_reserved or ip.is_unspecified
    )


def _check_name(host: str) -> str:
    """Syntax rules for a DNS name (already lowercased); returns the IDNA form."""
    if not host or len(host) > 253:
        raise _refuse("empty or overlong host name")
    if any(c in host for c in "@:/\\?#[]% \t\r\n"):
        raise _refuse(f"host {host[:80]!r} contains a port, userinfo, path or IPv6 literal")
    host = host[:-1] if host.endswith(".") else host
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise _refuse(f"host {host[:80]!r} is not a valid domain name") from exc
    labels = ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise _refuse(f"host {host[:80]!r} is not a valid domain name")
    if all(_NUMERIC_LABEL.match(label) for label in labels) or _NUMERIC_LABEL.match(labels[-1]):
        raise _refuse(f"host {host[:80]!r} is an IP address spelling")
    if labels[-1] in BLOCKED_SUFFIXES:
        raise _refuse(f"host {host[:80]!r} is a local or reserved name")
    if len(labels) < 2:
        raise _refuse(f"host {host[:80]!r} is a single-label name")
    return ascii_host


def validate_instance_host(host: str, settings: Any = None) -> str:
    """Check a host from a handle (``user@host``) without I/O; return its normalized form.

    Rejects IP literals in any spelling, ports, userinfo, paths, single-label names,
    ``localhost``, ``*.local``, ``*.internal``, ``*.arpa``. A host listed verbatim in
    ``settings.allow_hosts`` (``127.0.0.1:8123`` in tests) is accepted as is.
    """
    host = (host or "").strip().lower()
    allow = getattr(settings, "allow_hosts", ()) or ()
    if host in allow and "@" not in host:
        return host
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        return _check_name(host)
    raise _refuse(f"host {host[:80]!r} is an IP address; a domain name is required")


def check_host(host: str, settings: Any = None) -> None:
    """Like :func:`validate_instance_host`, for callers that only need the verdict."""
    validate_instance_host(host, settings)


@dataclass(frozen=True)
class Target:
    """A URL that passed :func:`vet_url`."""

    url: str                 # as asked for (the logical URL, used for redirects and caching)
    connect_url: str         # what to send: the vetted IP in place of the name when pinned
    host_header: str | None  # Host header / TLS name when pinned, else None
    address: str | None      # the vetted IP, None for allow-listed hosts


def check_url_syntax(url: str) -> None:
    """Refuse URLs that parsers disagree on (backslashes, whitespace, control characters).

    ``https://good.example\\@127.0.0.1/`` is userinfo to one parser and a path to another;
    such a URL is refused rather than interpreted.
    """
    if any(c == "\\" or c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise _refuse("URL contains backslashes, whitespace or control characters")


def vet_url(url: str, settings: Any, resolve: Resolver = socket.getaddrinfo) -> Target:
    """Check a user-chosen URL and resolve it once; raise ``UpstreamError`` if refused."""
    check_url_syntax(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _refuse("malformed URL or port") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _refuse(f"scheme {scheme[:20]!r} is not allowed")
    if "@" in parts.netloc:
        raise _refuse("credentials (userinfo) in URLs are not allowed")
    host = (parts.hostname or "").lower()
    if not host:
        raise _refuse("URL has no host")
    if _allowed(host, port, scheme, getattr(settings, "allow_hosts", ()) or ()):
        return Target(url, url, None, None)
    if scheme != "https":
        raise _refuse("only https is allowed for this host")
    if port not in (None, 443):
        raise _refuse(f"port {port} is not allowed; only the default port")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [host]
    else:
        name = _check_name(host)
        try:
            infos = resolve(name, 443, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise UpstreamError("upstream_error", f"cannot resolve {name}") from exc
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise UpstreamError("upstream_error", f"cannot resolve {name}")
    # Every answer must be public: an attacker's zone can mix public and private records.
    for address in addresses:
        if not is_public_address(address):
            what = "is" if literal is not None else "resolves to"
            raise _refuse(f"{host[:80]} {what} a non-public address")
    if literal is not None:
        return Target(url, url, None, host)  # nothing to pin: the URL already names the IP
    address = addresses[0]
    netloc = f"[{address}]" if ":" in address else address
    connect_url = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(url, connect_url, host, address)


class PinnedAdapter(HTTPAdapter):
    """Connects to the IP in the URL; TLS SNI and certificate check use the Host header name.

    Used only with :func:`vet_url` targets: the URL carries the vetted IP, so no DNS lookup
    happens at connect time, and the certificate must still be valid for the hostname.
    """

    def build_connection_pool_key_attributes(self, request: Any, verify: Any,
                                             cert: Any = None) -> tuple[dict, dict]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert)
        name = request.headers.get("Host")
        if name and host_params.get("scheme") == "https":
            # server_hostname is part of urllib3's pool key, so pools never mix names.
            # vet_url only sets Host for DNS names on the default port, so there is no ":port".
            pool_kwargs["server_hostname"] = name
        return host_params, pool_kwargs
