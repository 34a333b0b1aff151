"""The extension in Debian's Chromium against the real Candor service and the fake upstreams.

The realistic GitHub profile (Primer CSS, sticky name container, avatar at z-index 4) at
1280x800, 200 % zoom and phone width, in the site's light and dark themes: the point on the
caveat belongs to the card, the badge is beside the name and outside the heading's name, and
axe-core finds nothing. Per site: the saved page for the real URL, the badge and card show the
service's numbers. Organisations, SPA navigation and body swaps.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e.conftest import AXE, accessible_name, fixture_page, shoot, wait_until
from tests.e2e.helpers import badge_status, card_text, hover_badge, js, link_card_for, wait_js

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
LIMITS = "What this doesn’t measure"
NOT_MEASURED_START = "Public activity only. It does not measure quality of work"


def service_badge(service_url: str, network: str, handle: str) -> dict:
    """The badge as the service serves it, to compare with what the card shows."""
    with urllib.request.urlopen(f"{service_url}/v1/badges/{network}/{handle}?role=general") as r:
        return json.loads(r.read())


def axe_violations(page) -> list[str]:
    """axe-core on the extension's hosts (their closed roots exposed to it by the test)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const hosts = window.__candor.roots.filter(r => r.host.isConnected).map(r => r.host);
        const res = await axe.run({ include: hosts });
        // Nodes inside a shadow root have a target path of several selectors: axe did look in.
        const inside = res.passes.flatMap(p => p.nodes).filter(n => Array.isArray(n.target[0]));
        return { inside: inside.length, violations: res.violations.map(v =>
            `${v.id}: ${v.help} (${v.nodes.map(n => n.html).join(" | ")})`) };
    }""")
    assert found["inside"] >= 5, found  # e.g. the badge button's name, the dialog's label
    return found["violations"]


def caveat_on_top(page) -> dict:
    """At five points of the caveat text: who is on top, and is it all in the viewport."""
    return js(page, """
        const cav = card.querySelector('[data-field=caveat]');
        const r = cav.getBoundingClientRect();
        const c = card.getBoundingClientRect();
        const pts = [[r.x + r.width / 2, r.y + r.height / 2], [r.x + 3, r.y + 3],
                     [r.right - 3, r.y + 3], [r.x + 3, r.bottom - 3], [r.right - 3, r.bottom - 3]];
        const hits = pts.map(([x, y]) => {
            const top = document.elementFromPoint(x, y);
            const inner = badgeRoot.elementFromPoint(x, y);
            return { host: top === badgeRoot.host, inCard: Boolean(inner && card.contains(inner)),
                     what: top ? top.tagName + '.' + top.className : null };
        });
        const b = badge.getBoundingClientRect();
        return { hits,
                 inViewport: r.top >= 0 && r.left >= 0
                             && r.bottom <= innerHeight && r.right <= innerWidth,
                 inCard: r.top >= c.top && r.bottom <= c.bottom, scrolled: card.scrollTop,
                 topLayer: card.matches(':popover-open'),
                 coversBadge: !(c.bottom <= b.top || c.top >= b.bottom
                                || c.right <= b.left || c.left >= b.right),
                 bg: getComputedStyle(card).backgroundColor };
    """)


GITHUB_CASES = [
    # id, viewport, zoom, site theme, OS theme
    ("1280x800-light", {"width": 1280, "height": 800}, None, "light", None),
    ("1280x800-dark", {"width": 1280, "height": 800}, None, "dark", "light"),
    ("200pct-light", {"width": 640, "height": 400}, 2, "light", "dark"),
    ("200pct-dark", {"width": 640, "height": 400}, 2, "dark", None),
    ("phone-dark", {"width": 390, "height": 844}, None, "dark", None),
]


@pytest.mark.parametrize(("case", "viewport", "zoom", "site", "os_theme"), GITHUB_CASES,
                         ids=[c[0] for c in GITHUB_CASES])
def test_github_profile_card_is_on_top_and_badge_beside_the_name(ext, case, viewport, zoom,
                                                                  site, os_theme):
    page = ext.open("https://github.com/octocat",
                    fixture_page("github", name="The Octocat", handle="octocat",
                                 bio="Mascot. Reviews pull requests for fun.", color_mode=site),
                    viewport=viewport, scale=zoom, color_scheme=os_theme)
    assert badge_status(page) == "scored"
    # Beside the name, outside the heading: the heading's accessible name is the person's.
    assert accessible_name(page, "h1.vcard-names") == "The Octocat octocat"
    placement = js(page, """
        const h1 = document.querySelector('h1.vcard-names');
        const hr = h1.getBoundingClientRect(), br = badge.getBoundingClientRect();
        return { inside: h1.contains(badgeRoot.host),
                 next: h1.nextElementSibling === badgeRoot.host,
                 gap: br.top - hr.bottom, left: br.left - hr.left };""")
    assert not placement["inside"] and placement["next"], placement
    assert -2 <= placement["gap"] <= 24 and abs(placement["left"]) <= 24, placement

    hover_badge(page)
    seen = caveat_on_top(page)
    assert seen["topLayer"], seen
    assert all(h["host"] and h["inCard"] for h in seen["hits"]), seen["hits"]
    assert seen["inViewport"] and seen["inCard"] and seen["scrolled"] == 0, seen
    if viewport["height"] >= 800:
        assert not seen["coversBadge"], seen  # room enough: beside the badge, not over it
    # The site's theme, not the OS's.
    assert seen["bg"] == ("rgb(17, 24, 39)" if site == "dark" else "rgb(255, 255, 255)"), seen
    text = card_text(page)
    assert LIMITS in text and NOT_MEASURED_START in text
    assert axe_violations(page) == []
    shoot(page, f"github-card-{case}")


def sites(fake_host: str) -> list[tuple]:
    return [
        ("gitlab", "https://gitlab.com/jdoe", "gitlab", "jdoe", "Jane Doe"),
        ("stackoverflow", "https://stackoverflow.com/users/22656/jon-skeet", "stackoverflow",
         "22656", "Jon Skeet"),
        ("bluesky", "https://bsky.app/profile/octocat.bsky.social", "bluesky",
         "octocat.bsky.social", "Octocat"),
        ("x", "https://x.com/octocat", "x", "octocat", "The Octocat"),
        ("devto", "https://dev.to/octocat", "devto", "octocat", "The Octocat"),
        ("hackernews", "https://news.ycombinator.com/user?id=octocat", "hackernews", "octocat",
         "octocat"),
        # A remote account viewed on hachyderm.io; its instance is the local fake.
        ("mastodon", f"https://hachyderm.io/@octocat@{fake_host}", "mastodon",
         f"octocat@{fake_host}", "Octocat"),
    ]


SITE_IDS = ["gitlab", "stackoverflow", "bluesky", "x", "devto", "hackernews", "mastodon"]


@pytest.mark.parametrize("site", SITE_IDS)
def test_badge_and_card_show_the_service_badge(ext, site):
    fake_host = ext.service.fake.mastodon_host
    _, url, network, handle, name = next(s for s in sites(fake_host) if s[0] == site)
    body = fixture_page(site, name=name, handle=handle, bio="Builds things in public.",
                        instance=fake_host)
    page = ext.open(url, body)
    status = badge_status(page)
    expected = service_badge(ext.service.url, network, handle.replace("@", "%40"))
    assert status == expected["status"]
    assert js(page, "return !badgeRoot.querySelector('.wrap').classList.contains('corner');"), \
        "badge should sit next to the name, not in the corner"
    assert js(page, "return !badgeRoot.host.closest('h1, h2, h3');")

    hover_badge(page)
    text = card_text(page)
    assert LIMITS in text and NOT_MEASURED_START in text
    if expected["status"] == "scored":
        assert js(page, "return badge.textContent;") == f"Candor {expected['score']}"
        assert js(page, "return card.querySelector('[data-field=score]').textContent;") == \
            str(expected["score"])
        assert f"likely range {expected['band']['low']}–{expected['band']['high']}" in text
        assert f"Confidence {round(expected['confidence'] * 100)} %" in text
        assert js(page, "return card.querySelectorAll('li.net').length;") == \
            min(len(expected["networks"]), 12)
        for topic in expected["topics"][:5]:
            assert topic in text
    # The service's per-report limits are listed below the extension's own text.
    for caveat in expected["caveats"][:3]:
        assert caveat["text"] in text
    assert text.index(LIMITS) < text.index("Limits of this report")
    assert js(page, "return card.querySelector('a')?.href;") == expected["report_url"]
    # The card follows the site's own theme (X's and Mastodon's pages here are dark).
    dark = js(page, "return getComputedStyle(card).backgroundColor;") == "rgb(17, 24, 39)"
    assert dark == (site in ("x", "mastodon")), site
    shoot(page, f"{site}-card")
    assert page.evaluate("window.__pwned") is None


def test_linkedin_reads_nothing_from_the_page_and_says_so(ext):
    page = ext.open("https://www.linkedin.com/in/jane-doe-123/",
                    fixture_page("linkedin", name="Jane Doe", bio="Secret page text"))
    assert badge_status(page) == "not_claimed"
    assert js(page, "return badgeRoot.querySelector('.wrap').classList.contains('corner');")
    hover_badge(page)
    assert "LinkedIn offers no public data" in card_text(page)
    shoot(page, "linkedin-card")
    sent = ext.service.recorder.matching("GET", "/v1/badges/")
    assert [r[1] for r in sent] == ["/v1/badges/linkedin/jane-doe-123?role=general"]


def test_organisation_page_is_not_scored_and_not_looked_up(ext):
    page = ext.open("https://github.com/octo-org",
                    fixture_page("github-org", name="Octo Org", handle="octo-org", bio=""))
    assert badge_status(page) == "organization"
    assert js(page, "return badge.textContent;") == "Candor organisation"
    hover_badge(page)
    text = card_text(page)
    assert "Organisations are not scored" in text and LIMITS in text
    assert not js(page, "return card.querySelector('[data-field=score]');")
    assert ext.service.recorder.matching("GET", "/v1/badges/") == []  # the page said so
    shoot(page, "github-organisation-card")
    # A link GitHub marks as an organisation's (hovercard type) is not looked up either.
    page.keyboard.press("Escape")
    page.locator('a.user-mention[href="/github"]').hover()
    assert link_card_for(page, "github:github") == "organization"
    assert "Organisations are not scored" in card_text(page, "linkCard")
    assert ext.service.recorder.matching("GET", "/v1/badges/") == []


def test_organisation_flag_from_the_service_hides_the_number(ext):
    # The page does not say it (user-style meta); the service's "organization" flag does.
    page = ext.open("https://github.com/octo-org",
                    fixture_page("github", name="Octo Org", handle="octo-org", bio=""))
    assert badge_status(page, not_in=("loading", "pending")) == "organization"
    hover_badge(page)
    assert "Organisations are not scored" in card_text(page)
    assert not js(page, "return card.querySelector('[data-field=score]');")
    assert ext.service.recorder.matching("GET", "/v1/badges/github/octo-org")


def test_spa_navigation_and_turbo_body_swap(ext):
    page = ext.open("https://github.com/octocat",
                    fixture_page("github", name="The Octocat", handle="octocat", bio=""))
    assert badge_status(page) == "scored"
    page.evaluate("history.pushState({}, '', '/newbie')")
    assert badge_status(page, account="github:newbie") == "insufficient_data"
    assert js(page, "return roots.filter(r => r.querySelector('.badge')).length;") == 1
    page.evaluate("history.pushState({}, '', '/settings')")
    wait_js(page, "!badgeRoot")
    # Turbo: a new <body> for a new profile, then the URL; links in the new body work too.
    page.evaluate("""() => {
        const body = document.createElement('body');
        const h1 = document.createElement('h1');
        h1.className = 'vcard-names';
        h1.textContent = 'The Octocat';
        const p = document.createElement('p');
        const a = document.createElement('a');
        a.className = 'user-mention'; a.href = '/newbie'; a.textContent = '@newbie';
        p.append('Thanks ', a);
        body.append(h1, p);
        document.documentElement.replaceChild(body, document.body);
        history.pushState({}, '', '/octocat');
        document.dispatchEvent(new Event('turbo:render'));
    }""")
    assert badge_status(page, account="github:octocat") == "scored"
    assert js(page, "return document.querySelector('h1.vcard-names').nextElementSibling"
                    " === badgeRoot.host;")
    page.locator("a.user-mention").hover()
    assert link_card_for(page, "github:newbie") == "insufficient_data"
    page.go_back()  # /settings
    wait_js(page, "!badgeRoot")


def test_no_page_script_can_find_read_or_change_the_ui(ext):
    page = ext.open("https://github.com/octocat",
                    fixture_page("github", name="The Octocat", handle="octocat", bio=""))
    from tests.e2e.conftest import _closed_roots

    cdp = ext.ctx.new_cdp_session(page)
    roots: list[int] = []
    wait_until(lambda: (_closed_roots(cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
                                      ["root"], roots) or roots), 10, "the badge host")
    cdp.detach()
    seen = page.evaluate("""() => {
        const all = [...document.querySelectorAll('*')];
        const marks = all.flatMap(e => [...e.attributes]
                                   .filter(a => /candor/i.test(a.name + a.value))
                                   .map(a => e.tagName + ' ' + a.name));
        return { open: all.filter(e => e.shadowRoot).length, marks,
                 htmlAttrs: [...document.documentElement.attributes].map(a => a.name).sort(),
                 bare: all.filter(e => e.tagName === 'SPAN' && !e.attributes.length
                                       && !e.childNodes.length).length,
                 text: document.documentElement.innerText.includes('doesn’t measure') };
    }""")
    assert seen["open"] == 0 and seen["marks"] == [] and not seen["text"], seen
    assert seen["htmlAttrs"] == ["data-color-mode", "data-dark-theme", "data-light-theme", "lang"]
    assert seen["bare"] >= 1  # our host: no id, class or attribute to select it by
    # Writing into the host does not show (no slot); removing it brings it back beside the name.
    tamper = page.evaluate("""() => {
        const host = document.querySelector('h1.vcard-names').nextElementSibling;
        const before = host.getBoundingClientRect().width;
        host.textContent = 'Candor 100 (trust me)';
        const after = host.getBoundingClientRect().width;
        let reattach = 'refused';
        try { host.attachShadow({ mode: 'open' }); reattach = 'allowed'; } catch (e) { /* no */ }
        host.remove();
        return { before, after, reattach };
    }""")
    assert tamper["before"] == tamper["after"] and tamper["reattach"] == "refused", tamper
    assert badge_status(page) == "scored"
    assert js(page, "return document.querySelector('h1.vcard-names').nextElementSibling"
                    " === badgeRoot.host && badge.textContent.startsWith('Candor ')"
                    " && !badge.textContent.includes('trust');")
    assert page.evaluate("window.__pwned") is None


def test_hostile_badge_fields_render_as_text_and_foreign_links_are_dropped(ext):
    ext.use_scripted()
    evil = {
        "subject": "github:evil" + HOSTILE, "status": "scored", "score": 50,
        "band": {"low": 40, "high": 60}, "confidence": 0.5, "role": HOSTILE,
        "networks": [{"network": HOSTILE, "network_score": 1, "contribution": 1}],
        "topics": [HOSTILE, "rust"], "caveat_summary": "Trust this number completely.",
        "caveats": [{"code": "x", "text": HOSTILE}], "computed_at": "2026-11-21T10:00:00Z",
        "report_url": "https://evil.example/phish", "stale": None, "model_version": HOSTILE,
    }
    ext.scripted.script["/v1/badges/github/evil"] = [(200, {}, evil)]
    page = ext.open("https://github.com/evil", fixture_page("github", name=HOSTILE, handle="evil",
                                                           bio=HOSTILE))
    assert badge_status(page) == "scored"
    hover_badge(page)
    text = card_text(page)
    assert HOSTILE in text  # shown literally
    assert NOT_MEASURED_START in text and "Trust this number completely." not in text
    assert js(page, "return card.querySelectorAll('a').length;") == 0  # foreign report link dropped
    assert js(page, "return badgeRoot.querySelectorAll('img, script, iframe').length;") == 0
    shoot(page, "hostile-card")
    assert page.evaluate("window.__pwned") is None
