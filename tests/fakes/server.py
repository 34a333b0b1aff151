"""One local HTTP server that impersonates every network's API.

Routing: the first path segment names the network (``/github/users/octocat`` is what
``https://api.github.com/users/octocat`` would be); anything else is a Mastodon instance
(``/api/v1/...``, ``/.well-known/...``). Each network has a module ``tests/fakes/<name>.py``
with ``respond(path, query, headers) -> (status, headers, body)`` where body is JSON-able
data or raw ``bytes``; a module that serves POST (GitHub GraphQL) also has
``respond_post(path, query, headers, raw_body)`` with the same result.

Faults can be switched per network at run time (``server.faults["github"] = "500"``) for
degradation and fault-injection tests; ``server.latency`` adds a delay per call (benchmarks);
``server.hits`` counts requests per network and per path.

Published quotas are enforced only when asked (``server.enforce_quotas("github")``, see
``tests/fakes/quotas.py``): then the fake answers a spent quota the way the provider does.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.fakes import quotas
from tests.fakes.quotas import QuotaLedger

PREFIXES = {
    "github": "GITHUB",
    "gitlab": "GITLAB",
    "stackexchange": "STACKEXCHANGE",
    "bluesky": "BLUESKY",
    "hackernews": "HACKERNEWS",
    "hnsearch": "HACKERNEWS_SEARCH",
    "devto": "DEVTO",
    "openalex": "OPENALEX",
    "youtube": "YOUTUBE",
    "x": "X",
}
MODULES = {
    "github": "github", "gitlab": "gitlab", "stackexchange": "stackoverflow",
    "bluesky": "bluesky", "hackernews": "hackernews", "hnsearch": "hackernews",
    "devto": "devto", "openalex": "openalex", "youtube": "youtube", "x": "x",
    "mastodon": "mastodon",
}
def _rewrite_wrapper(data: bytes, limit: int, remaining: int) -> bytes:
    """Stack Exchange's quota lives in the (gzip-compressed) body wrapper."""
    packed = data[:2] == b"\x1f\x8b"
    try:
        body = json.loads(gzip.decompress(data) if packed else data)
    except (ValueError, OSError):
        return data
    out = json.dumps(quotas.rewrite_stackexchange_wrapper(body, limit, remaining)).encode()
    return gzip.compress(out) if packed else out


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass  # one line per fake call drowns the output of tests and benchmarks


FAULTS = ("timeout", "500", "502", "503", "429", "429-short", "malformed", "truncated", "huge")


class FakeUpstream:
    def __init__(self, latency: float = 0.0, host: str = "127.0.0.1"):
        self.latency = latency
        self.faults: dict[str, str] = {}
        self.hits: Counter[str] = Counter()
        self.path_hits: Counter[str] = Counter()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.quota = QuotaLedger()  # enforced only for networks named in enforce_quotas()
        self._lock = threading.Lock()
        self._server = make_server(host, 0, self._wsgi, threaded=True,
                                   request_handler=_QuietHandler)
        self.port = self._server.server_port
        self.host = host
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeUpstream:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def __enter__(self) -> FakeUpstream:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def mastodon_host(self) -> str:
        """The instance part of a Mastodon handle served by this fake (``host:port``)."""
        return f"{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """``CANDOR_*`` variables that point every connector at this server."""
        env = {f"CANDOR_{name}_API_URL": f"{self.url}/{prefix}"
               for prefix, name in PREFIXES.items()}
        env["CANDOR_MASTODON_SCHEME"] = "http"
        env["CANDOR_ALLOW_HOSTS"] = self.mastodon_host
        env["CANDOR_YOUTUBE_KEY"] = "fake-youtube-key"
        env["CANDOR_X_BEARER_TOKEN"] = "fake-x-token"
        env["CANDOR_GITLAB_TOKEN"] = "fake-gitlab-token"  # GET /users/:id needs sign-in
        return env

    def reset(self) -> None:
        with self._lock:
            self.hits.clear()
            self.path_hits.clear()
            self.requests.clear()
            self.faults.clear()
        self.quota.clear()

    # -- request handling ------------------------------------------------------------
    def _wsgi(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        path = request.path
        first, _, rest = path.lstrip("/").partition("/")
        if first in PREFIXES:
            network, sub = first, "/" + rest
        else:
            network, sub = "mastodon", path
        with self._lock:
            self.hits[network] += 1
            self.path_hits[f"{network}:{sub}"] += 1
            self.requests.append((network, request.full_path, dict(request.headers)))
        if self.latency:
            time.sleep(self.latency)
        fault = self.faults.get(network) or self.faults.get("*")
        response = self._fault(fault) if fault else self._answer(network, sub, request)
        return response(environ, start_response)

    def _answer(self, network: str, sub: str, request: Request) -> Response:
        module = importlib.import_module(f"tests.fakes.{MODULES[network]}")
        query = parse_qs(request.query_string.decode(), keep_blank_values=True)
        charged = None
        if network in self.quota.enforced:
            resource, cred, cost = quotas.classify(network, request.method, sub, query,
                                                   dict(request.headers), request.get_data(),
                                                   module)
            charged = self.quota.charge(network, resource, cred, cost)
            if charged is not None and not charged[0] and resource != "graphql":
                status, headers, data = quotas.spent_response(network, resource, charged[1],
                                                              charged[3])
                return Response(data, status=status, headers=headers,
                                content_type="application/json")
        if request.method == "POST":
            # JSON APIs that take a body (GitHub GraphQL): the module's ``respond_post``.
            handler = getattr(module, "respond_post", None)
            if handler is None:
                return Response(b'{"message":"Not Found"}', status=404,
                                content_type="application/json")
            status, headers, body = handler(sub, query, dict(request.headers),
                                            request.get_data())
        else:
            status, headers, body = module.respond(sub, query, dict(request.headers))
        if isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(body).encode()
            headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        if charged is not None and resource != "graphql":  # the GraphQL fake sends its own
            _, limit, remaining, reset = charged
            headers = {**headers, **quotas.rate_headers(network, resource, limit, remaining,
                                                        reset)}
            if network == "stackexchange":
                data = _rewrite_wrapper(data, limit, remaining)
        if status == 200 and "ETag" not in headers:
            headers["ETag"] = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        if status == 200 and request.headers.get("If-None-Match") == headers.get("ETag"):
            if charged is not None and network == "github" and cred:
                self.quota.refund(network, resource, cred, cost)  # GitHub: free with a token
            return Response(b"", status=304, headers={"ETag": headers["ETag"]})
        return Response(data, status=status, headers=headers)

    # -- published quotas (opt-in) ---------------------------------------------------
    def enforce_quotas(self, *networks: str, limits: dict | None = None) -> QuotaLedger:
        """Enforce the providers' published quotas for ``networks`` (prefixes such as
        ``github``, ``stackexchange``, ``mastodon``, ``hnsearch``, ``openalex``; none: all
        of them) until :meth:`reset`. ``limits`` overrides the numbers for a test.
        ``self.quota`` then says what was charged (``quota.total("github")``)."""
        for network in networks or tuple(quotas.PUBLISHED):
            self.quota.enforce(network, limits)
        return self.quota

    @staticmethod
    def _fault(fault: str) -> Response:
        if fault == "timeout":
            time.sleep(30)
            return Response(b"", status=504)
        if fault in ("500", "502", "503"):
            return Response(b"<html>error</html>", status=int(fault), content_type="text/html")
        if fault == "429":
            return Response(b'{"message":"rate limited"}', status=429,
                            headers={"Retry-After": "120"}, content_type="application/json")
        if fault == "429-short":  # a rate limit that lifts after a second (retry tests)
            return Response(b'{"message":"rate limited"}', status=429,
                            headers={"Retry-After": "1"}, content_type="application/json")
        if fault == "malformed":
            return Response(b'{"login": "x", ', status=200, content_type="application/json")
        if fault == "truncated":
            resp = Response(b'{"a": [1, 2', status=200, content_type="application/json")
            resp.headers["Content-Length"] = "500"
            return resp
        if fault == "huge":
            return Response(b"[" + b"1," * (3 * 1024 * 1024) + b"1]", status=200,
                            content_type="application/json")
        raise ValueError(f"unknown fault {fault}")
