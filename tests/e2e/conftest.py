"""Browser fixtures: the real Candor service on 127.0.0.1:8000 (against the FakeUpstream) and
Debian's Chromium with the unpacked Chrome build of the extension.

Site pages are small saved fixtures (``pages/``) served for the real URLs through Playwright
routing; the extension's background talks to the real service over HTTP. Only error-state
tests replace service answers, at the network edge (``context.route``).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade
from tests.fakes.server import FakeUpstream

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "extension"
PAGES = Path(__file__).resolve().parent / "pages"
SHOTS = ROOT / "docs" / "screenshots" / "extension"
SERVICE = "http://127.0.0.1:8000"  # the extension's default; also its only fixed host permission


class Recorder:
    """WSGI middleware: records every request that reaches the service (method, path, key)."""

    def __init__(self, app):
        self.app = app
        self.requests: list[tuple[str, str, str | None]] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        qs = environ.get("QUERY_STRING")
        path = environ.get("PATH_INFO", "") + (f"?{qs}" if qs else "")
        with self._lock:
            self.requests.append((environ["REQUEST_METHOD"], path, environ.get("HTTP_X_API_KEY")))
        return self.app(environ, start_response)

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def matching(self, method: str, prefix: str) -> list[tuple[str, str, str | None]]:
        with self._lock:
            return [r for r in self.requests if r[0] == method and r[1].startswith(prefix)]


@pytest.fixture(scope="session")
def candor_service(tmp_path_factory):
    fake = FakeUpstream().start()
    env = {**fake.env(), "CANDOR_INSTANCE_PATH": str(tmp_path_factory.mktemp("candor-e2e"))}
    settings = Settings.from_env(env)
    upgrade(settings)
    recorder = Recorder(create_app(settings))
    try:
        server = make_server("127.0.0.1", 8000, recorder, threaded=True)
    except OSError as exc:
        pytest.fail(f"the browser tests need 127.0.0.1:8000 (the extension's default): {exc}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=SERVICE, fake=fake, recorder=recorder)
    server.shutdown()
    fake.stop()


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
        viewport={"width": 1100, "height": 700},
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
    # Nothing leaves for the real internet: unknown https URLs get an empty 404.
    ctx.route(re.compile(r"^https://"), lambda route: route.fulfill(status=404, body=""))
    yield ctx
    ctx.close()


def fixture_page(page_name: str, **values: str) -> str:
    """A saved site page with values filled in, HTML-escaped as the real site would."""
    text = (PAGES / f"{page_name}.html").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", html.escape(value))
    return text


@pytest.fixture
def ext(browser_context, candor_service):
    """Per test: extension storage reset (settings, key, cache), service log cleared."""
    ctx = browser_context
    options_url = f"chrome-extension://{ctx.extension_id}/src/options/options.html"
    admin = ctx.new_page()
    admin.goto(options_url)
    admin.evaluate("""async () => {
        await chrome.storage.session.clear();
        await chrome.storage.sync.clear();
        await chrome.storage.local.clear();
    }""")
    admin.close()
    candor_service.recorder.clear()
    pages = []

    def open_page(url: str, body: str, *, color_scheme: str | None = None, viewport=None):
        page = ctx.new_page()
        pages.append(page)
        if color_scheme:
            page.emulate_media(color_scheme=color_scheme)
        if viewport:
            page.set_viewport_size(viewport)
        page.add_init_script("window.__pwned = undefined;")
        page.route(lambda u: u.split("#")[0] == url, lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=body))
        page.goto(url)
        return page

    def set_storage(area: str, values: dict) -> None:
        p = ctx.new_page()
        p.goto(options_url)
        p.evaluate("([area, values]) => chrome.storage[area].set(values)", [area, values])
        p.close()

    yield SimpleNamespace(ctx=ctx, open=open_page, set_storage=set_storage,
                          options_url=options_url, service=candor_service)
    for page in pages:
        page.close()
    for pattern in list(getattr(ctx, "_candor_routes", [])):
        ctx.unroute(pattern)
    ctx._candor_routes = []
