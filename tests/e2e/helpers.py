"""Reading the extension's UI from tests (after ``expose``) and small page helpers."""

from __future__ import annotations

import json

from tests.e2e.conftest import expose, wait_until

ROOTS = """const roots = ((window.__candor && window.__candor.roots) || [])
  .filter(r => r.host.isConnected);
const badgeRoot = roots.find(r => r.querySelector('.badge'));
const linkRoot = roots.find(r => !r.querySelector('.badge'));
const badge = badgeRoot && badgeRoot.querySelector('.badge');
const card = badgeRoot && badgeRoot.querySelector('.card');
const linkCard = linkRoot && linkRoot.querySelector('.card');"""


def js(page, body: str, arg=None):
    """Evaluate ``body`` (a function body that may use the names in ROOTS) in the page."""
    return page.evaluate(f"(arg) => {{ {ROOTS}\n{body} }}", arg)


def wait_js(page, cond: str, arg=None, timeout: int = 15000) -> None:
    page.wait_for_function(f"(arg) => {{ {ROOTS}\nreturn Boolean({cond}); }}", arg=arg,
                           timeout=timeout)


def badge_status(page, not_in=("loading",), account: str | None = None,
                 timeout: int = 15000) -> str:
    """Wait until the connected badge (exposed again as hosts come and go) has settled."""
    cond = f"badge && !{json.dumps(list(not_in))}.includes(badge.dataset.status)"
    if account:
        cond += f" && badge.dataset.account === {json.dumps(account)}"

    def ready():
        expose(page, 1, timeout / 1000)
        return js(page, f"return ({cond}) ? badge.dataset.status : null;")

    return wait_until(ready, timeout / 1000, f"badge state ({cond})")


def center(page, expr: str) -> tuple[float, float]:
    r = js(page, f"const r = ({expr}).getBoundingClientRect();"
                 "return [r.x + r.width / 2, r.y + r.height / 2];")
    return r[0], r[1]


def hover_badge(page) -> None:
    x, y = center(page, "badge")
    page.mouse.move(x, y)
    wait_js(page, "card.matches(':popover-open')")


def card_text(page, which: str = "card") -> str:
    return js(page, f"return {which}.innerText;")


def link_card_for(page, account: str, settled: bool = True, timeout: int = 15000) -> str:
    cond = (f"linkCard && linkCard.matches(':popover-open') && "
            f"linkCard.dataset.account === {json.dumps(account)}")
    if settled:
        cond += " && linkCard.dataset.status !== 'loading'"

    def ready():
        expose(page, 1, timeout / 1000)
        return js(page, f"return ({cond}) ? linkCard.dataset.status : null;")

    return wait_until(ready, timeout / 1000, f"link card ({cond})")


def requests_settle(recorder_list, quiet: float = 0.6, timeout: float = 10.0) -> int:
    """Wait until no new request arrived for ``quiet`` seconds; returns the count."""
    import time

    state = {"n": len(recorder_list()), "at": time.monotonic()}

    def settled():
        n = len(recorder_list())
        if n != state["n"]:
            state.update(n=n, at=time.monotonic())
        return time.monotonic() - state["at"] >= quiet

    wait_until(settled, timeout, "requests to settle")
    return len(recorder_list())
