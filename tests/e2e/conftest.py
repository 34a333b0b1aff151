"""Browser fixtures: the real Candor service on a free port (against the FakeUpstream), a
scripted service for error states (a local HTTP server: the extension's network edge), and
Debian's Chromium with the unpacked Chrome build of the extension, one browser per run.

Site pages are saved fixtures (``extension/test/pages/``) served for the real URLs through
Playwright page routing; the extension's background talks to the service over real HTTP (no
routing of extension requests). The badge and cards live in closed shadow roots: tests reach
them through the DevTools protocol (``expose``), which is what no page script can do.

Screenshots go to ``build/screenshots/extension/`` (git-ignored); with
``CANDOR_REFRESH_SCREENSHOTS=1`` they refresh the committed ``docs/screenshots/extension/``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade
from tests.fakes import github as fake_github
from tests.fakes.server import FakeUpstream

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "extension"
PAGES = EXT / "test" / "pages"
PRIMER_CSS = EXT / "node_modules" / "@primer" / "css" / "dist" / "primer.css"
AXE = EXT / "node_modules" / "axe-core" / "axe.min.js"
REFRESH = os.environ.get("CANDOR_REFRESH_SCREENSHOTS") == "1"
SHOTS = ROOT / ("docs" if REFRESH else "build") / "screenshots" / "extension"


class Recorder:
    """WSGI middleware: records every request that reaches the service
    ([method, path, key, status])."""

    def __init__(self, app):
        self.app = app
        self.requests: list[list] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        qs = environ.get("QUERY_STRING")
        path = environ.get("PATH_INFO", "") + (f"?{qs}" if qs else "")
        entry = [environ["REQUEST_METHOD"], path, environ.get("HTTP_X_API_KEY"), None]
        with self._lock:
            self.requests.append(entry)

        def recording(status, headers, exc_info=None):
            entry[3] = int(status.split()[0])  # the answer's status, once it is known
            return start_response(status, headers, exc_info)

        return self.app(environ, recording)

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def matching(self, method: str, prefix: str) -> list[list]:
        with self._lock:
            return [r for r in self.requests if r[0] == method and r[1].startswith(prefix)]


def serve(app) -> tuple[object, str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)  # a free port, chosen per run
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def wait_until(cond, timeout: float = 10.0, what: str = "condition"):
    """Poll a condition with a deadline (no fixed sleeps as synchronisation)."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture(scope="session")
def candor_service(tmp_path_factory):
    # A GitHub organisation at the fake upstream (GitHub's real "type": "Organization").
    fake_github.USERS.setdefault("octo-org", fake_github._user(
        "octo-org", 9919, type="Organization", name="Octo Org", public_repos=2, followers=1200,
        created_at="2012-03-03T00:00:00Z"))
    fake = FakeUpstream().start()
    recorder = Recorder(None)
    server, url = serve(recorder)
    env = {**fake.env(), "CANDOR_INSTANCE_PATH": str(tmp_path_factory.mktemp("candor-e2e")),
           "CANDOR_PUBLIC_URL": url}
    settings = Settings.from_env(env)
    upgrade(settings)
    recorder.app = create_app(settings)
    yield SimpleNamespace(url=url, fake=fake, recorder=recorder)
    server.shutdown()
    fake.stop()
    fake_github.USERS.pop("octo-org", None)


class ScriptedService:
    """A stand-in service at the network edge for states the real one cannot be asked to
    produce on demand (401, 429, 503, a hang, pending, hostile fields). ``script`` maps a path
    prefix to a list of replies used in turn (the last one repeats); a reply is
    ``(status, headers, body)`` or ``"hang"`` (held until the test ends)."""

    def __init__(self):
        self.script: dict[str, list] = {}
        self.requests: list[tuple[str, str, str | None]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.server, self.url = serve(self._wsgi)

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests.append((request.method, request.full_path.rstrip("?"),
                                  request.headers.get("X-API-Key")))
            prefix = next((p for p in self.script if request.path.startswith(p)), None)
            replies = self.script.get(prefix) or [(404, {}, {"error": {
                "code": "not_found", "message": "no script", "details": {}}})]
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if reply == "hang":
            self.release.wait(30)
            return Response(b"", status=504)(environ, start_response)
        status, headers, body = reply
        return Response(json.dumps(body), status=status, headers=headers,
                        content_type="application/json")(environ, start_response)

    def reset(self) -> None:
        self.release.set()
        with self._lock:
            self.script.clear()
            self.requests.clear()
        self.release = threading.Event()


@pytest.fixture(scope="session")
def scripted():
    svc = ScriptedService()
    yield svc
    svc.release.set()
    svc.server.shutdown()


@pytest.fixture(scope="session")
def extension_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ext-build")
    node = shutil.which("node")
    assert node, "node is required to build the extension"
    subprocess.run([node, "build.mjs", "--out", str(out), "chrome"], cwd=EXT, check=True,
                   capture_output=True, timeout=60)
    return out / "chrome"


@pytest.fixture(scope="session")
def browser_context(extension_build, candor_service, tmp_path_factory, playwright):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    ctx = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("profile")),
        executable_path=chromium,
        headless=True,
        ignore_default_args=["--disable-extensions"],
        viewport={"width": 1280, "height": 800},
        args=[
            f"--disable-extensions-except={extension_build}",
            f"--load-extension={extension_build}",
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
    )
    worker = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event(
        "serviceworker", timeout=15000)
    ctx.extension_id = worker.url.split("/")[2]
    # Nothing leaves for the real internet: unknown https page URLs get an empty 404.
    ctx.route(re.compile(r"^https://"), lambda route: route.fulfill(status=404, body=""))
    ctx.route("https://github.githubassets.com/assets/primer.css", lambda route: route.fulfill(
        status=200, content_type="text/css", body=PRIMER_CSS.read_text(encoding="utf-8")))
    yield ctx
    ctx.close()


def fixture_page(page_name: str, **values: str) -> str:
    """A saved site page with values filled in, HTML-escaped as the real site would."""
    values.setdefault("color_mode", "light")
    text = (PAGES / f"{page_name}.html").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", html.escape(value))
    return text


# Runs in the page's main world on a closed shadow root handed over by the DevTools protocol:
# afterwards test code (only) can reach it as host.shadowRoot and window.__candor.roots.
EXPOSE = """function () {
  const root = this;
  window.__candor = window.__candor || { roots: [] };
  if (!window.__candor.roots.includes(root)) window.__candor.roots.push(root);
  Object.defineProperty(root.host, 'shadowRoot', { get: () => root, configurable: true });
}"""


def _closed_roots(node: dict, out: list[int]) -> None:
    for sr in node.get("shadowRoots", []):
        if sr.get("shadowRootType") == "closed":
            out.append(sr["backendNodeId"])
        _closed_roots(sr, out)
    for child in node.get("children", []):
        _closed_roots(child, out)


def expose(page, count: int = 1, timeout: float = 10.0) -> int:
    """Hand the extension's closed shadow roots to test code; waits for ``count`` of them."""
    cdp = page.context.new_cdp_session(page)
    try:
        def found():
            roots: list[int] = []
            _closed_roots(cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"], roots)
            return roots if len(roots) >= count else None
        roots = wait_until(found, timeout, f"{count} closed shadow root(s)")
        for backend in roots:
            obj = cdp.send("DOM.resolveNode", {"backendNodeId": backend})["object"]
            cdp.send("Runtime.callFunctionOn", {"objectId": obj["objectId"],
                                                "functionDeclaration": EXPOSE})
        return len(roots)
    finally:
        cdp.detach()


def accessible_name(page, selector: str) -> str:
    """The accessibility tree's name of an element (what a screen reader announces)."""
    cdp = page.context.new_cdp_session(page)
    try:
        doc = cdp.send("DOM.getDocument", {"depth": 0})
        node = cdp.send("DOM.querySelector", {"nodeId": doc["root"]["nodeId"],
                                              "selector": selector})
        tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node["nodeId"],
                                                           "fetchRelatives": False})
        return tree["nodes"][0]["name"]["value"]
    finally:
        cdp.detach()


@pytest.fixture
def ext(browser_context, candor_service, scripted):
    """Per test: extension storage reset and pointed at the service, service logs cleared."""
    ctx = browser_context
    options_url = f"chrome-extension://{ctx.extension_id}/src/options/options.html"

    def set_storage(area: str, values: dict) -> None:
        p = ctx.new_page()
        p.goto(options_url)
        p.evaluate("([area, values]) => chrome.storage[area].set(values)", [area, values])
        p.close()

    admin = ctx.new_page()
    admin.goto(options_url)
    admin.evaluate("""async (url) => {
        await chrome.storage.session.clear();
        await chrome.storage.sync.clear();
        await chrome.storage.local.clear();
        await chrome.storage.sync.set({ serviceUrl: url });
    }""", candor_service.url)
    admin.close()
    candor_service.recorder.clear()
    scripted.reset()
    pages = []

    def open_page(url: str, body: str, *, color_scheme: str | None = None, viewport=None,
                  scale: float | None = None):
        page = ctx.new_page()
        pages.append(page)
        if color_scheme:
            page.emulate_media(color_scheme=color_scheme)
        if viewport:
            page.set_viewport_size(viewport)
        if scale:  # browser zoom: the CSS viewport shrinks and each CSS pixel is `scale` pixels
            cdp = ctx.new_cdp_session(page)
            cdp.send("Emulation.setDeviceMetricsOverride", {
                "width": viewport["width"], "height": viewport["height"],
                "deviceScaleFactor": scale, "mobile": False})
        page.add_init_script("window.__pwned = undefined;")
        page.route(lambda u: u.split("#")[0] == url, lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=body))
        page.goto(url)
        return page

    def use_scripted() -> None:
        set_storage("sync", {"serviceUrl": scripted.url})

    yield SimpleNamespace(ctx=ctx, open=open_page, set_storage=set_storage,
                          options_url=options_url, service=candor_service, scripted=scripted,
                          use_scripted=use_scripted)
    for page in pages:
        page.close()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
