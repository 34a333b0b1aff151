"""The self-check in Debian's Chromium: fill the form, read the result, hostile profile text
executes nothing, and screenshots at desktop and phone widths (into build/screenshots/selfcheck/,
or docs/screenshots/selfcheck/ with CANDOR_REFRESH_SCREENSHOTS=1: see tests/screenshots.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade
from tests.fakes.server import FakeUpstream
from tests.screenshots import shots_dir

pytestmark = pytest.mark.browser
SHOTS = shots_dir("selfcheck")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    fake = FakeUpstream().start()
    env = {**fake.env(), "CANDOR_INSTANCE_PATH": str(tmp_path_factory.mktemp("selfcheck"))}
    settings = Settings.from_env(env)
    upgrade(settings)
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    fake.stop()


@pytest.fixture(scope="module")
def browser(playwright):
    assert Path(CHROMIUM).exists(), "Debian chromium is required (tests/run.sh installs it)"
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    yield b
    b.close()


def open_page(browser, width: int, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    trapped: list[str] = []
    page.on("dialog", lambda d: (trapped.append(d.message), d.dismiss()))
    page.on("console", lambda m: trapped.append("csp: " + m.text)
            if "Content Security Policy" in m.text else None)
    return context, page, trapped


def test_fill_submit_and_read_result(site, browser):
    context, page, trapped = open_page(browser, 1280)
    page.goto(f"{site}/check")
    page.get_by_label("Your accounts").fill("https://github.com/octocat")
    page.get_by_label("Compare me with").select_option("engineering")
    page.get_by_role("button", name="Check my public profile").click()
    page.wait_for_load_state()
    assert "/check?accounts=" in page.url  # linkable result
    assert page.locator(".result .number").inner_text().isdigit()
    assert "higher than" in page.locator(".result .plain").inner_text()
    assert page.get_by_role("heading", name="What this doesn't measure").is_visible()
    assert page.locator(".tips li").count() >= 1
    page.screenshot(path=str(SHOTS / "result-desktop.png"), full_page=True)
    # Untick a discovered account and check again: it is gone from the breakdown.
    page.get_by_label("x:octocat", exact=False).first.uncheck()
    page.get_by_role("button", name="Check again with the ticked accounts").click()
    page.wait_for_load_state()
    table = page.locator("caption", has_text="Per-network breakdown").locator("..")
    assert "x:octocat" not in table.inner_text()
    assert "devto:octocat" in table.inner_text()
    assert trapped == []
    context.close()


def test_phone_width_and_form_error(site, browser):
    context, page, trapped = open_page(browser, 390, 844)
    page.goto(f"{site}/check?accounts=github:octocat&role=engineering")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling of the page at phone width"
    page.screenshot(path=str(SHOTS / "result-phone.png"), full_page=True)
    page.goto(f"{site}/check")
    page.get_by_label("Your accounts").fill("foo:bar")
    page.get_by_role("button", name="Check my public profile").click()
    page.wait_for_load_state()
    assert "does not read a network called" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Your accounts").input_value() == "foo:bar"
    page.screenshot(path=str(SHOTS / "error-phone.png"), full_page=True)
    assert trapped == []
    context.close()


def test_hostile_profile_text_executes_nothing(site, browser):
    context, page, trapped = open_page(browser, 1280)
    page.add_init_script("window.__pwned = false; window.alert = () => { window.__pwned = true; };")
    page.goto(f"{site}/check?accounts=github:hostile&role=general")
    assert page.evaluate("window.__pwned") is False
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    assert page.locator(".profile .name").inner_text() == "<img src=x onerror=alert(1)>"
    bio = page.locator(".profile .bio").inner_text()
    assert bio == "<script>alert('bio')</script><img src=x onerror=alert(1)>"
    page.goto(f"{site}/check?accounts=github:hostile%0Agithub:octocat&role=general")
    assert page.evaluate("window.__pwned") is False
    assert trapped == []
    context.close()


def test_methodology_and_dark_mode(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme="dark")
    page = context.new_page()
    page.goto(f"{site}/methodology")
    assert page.get_by_role("heading", level=1).inner_text().startswith("How the Candor")
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(20, 22, 26)"
    page.screenshot(path=str(SHOTS / "methodology-dark.png"))
    page.goto(f"{site}/check?accounts=github:newbie&role=engineering")
    page.screenshot(path=str(SHOTS / "insufficient-dark.png"), full_page=True)
    context.close()


def test_landing_page_leads_to_the_self_check(site, browser):
    context, page, trapped = open_page(browser, 1280)
    page.goto(f"{site}/")
    page.get_by_role("link", name="Check your own public profile").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/check"
    assert page.get_by_role("heading", level=1).inner_text() == "Check your public profile"
    assert trapped == []
    context.close()


def test_api_docs_render_offline_with_an_example_for_every_operation(site, browser):
    context, page, trapped = open_page(browser, 1280)
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(site):
            route.continue_()
        else:  # the reference must not need the internet (no CDN, no validator badge)
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{site}/docs")
    spec = page.request.get(f"{site}/openapi.json").json()
    count = sum(1 for item in spec["paths"].values() for m in item
                if m in ("get", "post", "put", "delete", "patch"))
    blocks = page.locator(".opblock")
    blocks.nth(count - 1).wait_for(timeout=15000)
    assert blocks.count() == count
    # Open the batch lookup: its request body example is the one from the spec.
    page.locator(".opblock-post", has_text="/v1/lookups").first.locator(
        ".opblock-summary").first.click()
    example = page.locator(".opblock-post.is-open .body-param__example, "
                           ".opblock-post.is-open .microlight").first
    example.wait_for(timeout=10000)
    assert "github:octocat" in example.inner_text()
    page.screenshot(path=str(SHOTS / "api-docs.png"))
    assert outside == [] and trapped == []
    context.close()


def test_tips_and_what_if_in_the_browser(site, browser):
    """The tips say what work moves each signal and when it shows; the what-if form
    re-scores and shows today's numbers beside the what-if's (no JavaScript)."""
    context, page, trapped = open_page(browser, 1280)
    page.goto(f"{site}/check?accounts=github:octocat&role=engineering")
    tips = page.locator(".tips li")
    assert tips.count() >= 3
    assert "When it shows" in tips.first.inner_text()
    page.locator("section[aria-labelledby=tips-h]").screenshot(
        path=str(SHOTS / "tips-desktop.png"))
    field = page.get_by_label("merged_external_prs").first
    form = page.locator("form.whatif").filter(has=field)
    field.fill(str(float(field.input_value() or 0) + 20))
    form.get_by_role("button").click()
    page.wait_for_load_state()
    assert "/check/what-if?" in page.url
    table = page.locator("caption", has_text="Today and the what-if").locator("..")
    text = table.inner_text()
    assert "Score" in text and "Likely range" in text
    assert page.get_by_role("heading", name="What this doesn't measure").is_visible()
    page.screenshot(path=str(SHOTS / "what-if-desktop.png"), full_page=True)
    assert trapped == []
    context.close()
