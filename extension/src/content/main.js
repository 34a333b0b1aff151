// Content script entry: picks the site adapter, mounts the profile badge, shows link cards on
// intent (pointer rest or keyboard focus), and follows navigation with one MutationObserver on
// the document (it survives Turbo/pjax body swaps and SPA history changes; no polling).
// Talks only to the background, never to the service.
(function (root) {
  'use strict';
  const { adapters, ui } = root.Candor;
  const api = root.browser && root.browser.runtime ? root.browser : root.chrome;
  // Injected twice (update, dev + store build): this flag lives in the content script's isolated
  // world, so unlike an attribute on <html> no page can see it.
  if (root.Candor.contentStarted) return;
  root.Candor.contentStarted = true;

  const INTENT_MS = 300; // pointer rest / focus time before a link's badge is asked for
  const BACKOFF_S = [1, 2, 4, 8, 15, 30, 30, 30]; // seconds: pending answers are asked again
  const results = new Map(); // account -> result
  const linkAccount = new WeakMap(); // <a> -> account | null
  const retryTimers = new Map(); // account -> timeout (pending link badges)
  let cfg = null;
  let lastHref = null;
  let profile = null; // {account, badge, adapter, timer}
  let linkCard = null;
  let intent = null; // {a, timer}
  let skipTab = null; // the link whose next Tab goes on to the page (card already visited)
  let quiet = null; // the link focus returns to after Escape: no card for that focus

  function send(msg) {
    return api.runtime.sendMessage(msg).catch(() => ({ ok: false, error: { kind: 'internal' } }));
  }

  /** The site's own theme: GitHub's data-color-mode, else the page background's lightness. */
  function theme() {
    const html = document.documentElement;
    const osDark = root.matchMedia && root.matchMedia('(prefers-color-scheme: dark)').matches;
    const mode = html.getAttribute('data-color-mode');
    if (mode === 'dark' || mode === 'light') return mode;
    if (mode === 'auto') return osDark ? 'dark' : 'light';
    for (const node of [document.body, html]) {
      if (!node) continue;
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(getComputedStyle(node).backgroundColor);
      if (!m || (m[4] !== undefined && Number(m[4]) === 0)) continue;
      const lum = (0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3]) / 255;
      return lum < 0.4 ? 'dark' : 'light';
    }
    return osDark ? 'dark' : 'light';
  }

  const hooks = {
    theme,
    openOptions: () => send({ type: 'openOptions' }),
    retry: (account) => {
      if (profile && profile.account === account) return loadProfile(profile, 0);
      results.delete(account);
      return requestLink(account, 0);
    },
    leave: (direction) => leaveCard(direction),
  };

  function parseOpts() {
    return { mastodonHosts: cfg.mastodonHosts, base: location.href };
  }

  function siteAdapter() {
    const adapter = adapters.adapterFor(location.href, parseOpts());
    return adapter && cfg.sites[adapter.id] !== false ? adapter : null;
  }

  function split(account) {
    const i = account.indexOf(':');
    return { network: account.slice(0, i), handle: account.slice(i + 1) };
  }

  function backoff(result, attempt) {
    return Math.min(Math.max((result && result.retryAfter) || 0, BACKOFF_S[attempt] || 30), 30) * 1000;
  }

  function isPending(r) {
    return r && r.ok && r.badge.status === 'pending';
  }

  // ---- the profile's own badge: loads at once -------------------------------------------
  function place(p) {
    let anchor = p.adapter.findAnchor(document);
    // Beside the name, never inside a heading: the heading's accessible name stays the name.
    if (anchor) anchor = anchor.closest('h1, h2, h3, h4, h5, h6') || anchor;
    if (anchor) {
      p.badge.setCorner(false);
      if (anchor.nextSibling !== p.badge.host) anchor.after(p.badge.host);
    } else {
      p.badge.setCorner(true);
      if (p.badge.host.parentNode !== document.documentElement) document.documentElement.append(p.badge.host);
    }
  }

  async function loadProfile(p, attempt) {
    clearTimeout(p.timer);
    let result;
    if (p.adapter.isOrganization && p.adapter.isOrganization(document)) {
      result = { ok: true, badge: { status: 'organization', subject: p.account } }; // nothing is asked
    } else {
      p.badge.update(null);
      result = await send({ type: 'badge', ...split(p.account) });
    }
    if (profile !== p) return; // navigated away meanwhile
    results.set(p.account, result);
    p.badge.update(result);
    if (isPending(result) && attempt < BACKOFF_S.length) {
      p.timer = setTimeout(() => loadProfile(p, attempt + 1), backoff(result, attempt));
    }
  }

  function unmountProfile() {
    if (!profile) return;
    clearTimeout(profile.timer);
    profile.badge.host.remove();
    profile = null;
  }

  function mountProfile(adapter, acc) {
    const account = `${acc.network}:${acc.handle}`;
    const p = { account, adapter, badge: ui.createBadge(account, hooks), timer: null };
    profile = p;
    place(p);
    loadProfile(p, 0);
  }

  // ---- user links: asked for on intent, never on sight ----------------------------------
  function accountOf(a) {
    if (linkAccount.has(a)) return linkAccount.get(a);
    const adapter = siteAdapter();
    let account = null;
    if (adapter && adapter.linkSelector && a.matches(adapter.linkSelector)) {
      const acc = adapters.parse(a.href, parseOpts());
      if (acc && cfg.sites[acc.network] !== false) account = `${acc.network}:${acc.handle}`;
    }
    linkAccount.set(a, account);
    return account;
  }

  function linkFrom(target) {
    const a = target && target.closest ? target.closest('a[href]') : null;
    return a && accountOf(a) ? a : null;
  }

  /** Seen by a person: laid out, in the viewport, not transparent, and on top at its centre. */
  function visible(a) {
    const r = a.getClientRects()[0];
    if (!r || r.width < 2 || r.height < 2) return false;
    if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) return false;
    if (a.checkVisibility && !a.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return Boolean(hit && (hit === a || a.contains(hit)));
  }

  async function requestLink(account, attempt) {
    clearTimeout(retryTimers.get(account));
    retryTimers.delete(account);
    const result = await send({ type: 'badge', ...split(account) });
    results.set(account, result);
    if (linkCard) linkCard.update(account, result);
    if (isPending(result) && attempt < BACKOFF_S.length) {
      retryTimers.set(account, setTimeout(() => requestLink(account, attempt + 1), backoff(result, attempt)));
    }
  }

  function showLinkCard(a) {
    if (!linkCard) linkCard = ui.createLinkCard(hooks);
    if (!linkCard.host.isConnected) document.documentElement.append(linkCard.host);
    const account = accountOf(a);
    linkCard.show(a, account, results.get(account) || null);
  }

  function startIntent(a) {
    cancelIntent();
    const account = accountOf(a);
    const adapter = siteAdapter();
    if (!results.has(account) && adapter && adapter.linkIsOrganization && adapter.linkIsOrganization(a)) {
      // The page marks it as an organisation: nothing to ask, nothing to score.
      results.set(account, { ok: true, badge: { status: 'organization', subject: account } });
    }
    const known = results.get(account);
    if (known && !known.ok) results.delete(account); // errors are asked again on the next intent
    else if (known) return showLinkCard(a); // already known: no request, no wait
    intent = { a, timer: setTimeout(() => {
      intent = null;
      if (!a.isConnected || !visible(a)) return; // hidden links are never looked up
      showLinkCard(a);
      if (!results.has(account) && !retryTimers.has(account)) requestLink(account, 0);
    }, INTENT_MS) };
  }

  function cancelIntent() {
    if (intent) clearTimeout(intent.timer);
    intent = null;
  }

  function focusables() {
    return [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
      .filter((n) => n.tabIndex >= 0 && !n.disabled && n.getClientRects().length);
  }

  function leaveCard(direction) {
    const a = linkCard && linkCard.anchor();
    if (!a) return;
    if (direction === 'back' || direction === 'dismiss') {
      skipTab = a;
      if (direction === 'dismiss') quiet = a; // focus returns to the link; the card stays shut
      a.focus();
      return;
    }
    const all = focusables();
    const next = all.find((n) => a.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING && !a.contains(n));
    skipTab = null;
    (next || a).focus();
  }

  // ---- navigation -----------------------------------------------------------------------
  function run() {
    lastHref = location.href;
    unmountProfile();
    cancelIntent();
    if (linkCard) linkCard.close();
    const adapter = siteAdapter();
    if (!adapter) return;
    const acc = adapters.parse(location.href, parseOpts());
    if (acc && acc.network === adapter.id) mountProfile(adapter, acc);
  }

  function check() {
    if (location.href !== lastHref) return run();
    // Frameworks re-render the header (or swap <body>): put the badge back beside the name.
    if (profile && (!profile.badge.host.isConnected || profile.badge.isCorner())) place(profile);
  }

  let scheduled = null;
  function soon() {
    if (scheduled === null) scheduled = setTimeout(() => { scheduled = null; check(); }, 50);
  }

  function closeAll() {
    cancelIntent();
    if (linkCard) linkCard.close();
    if (profile) profile.badge.close();
  }

  async function start() {
    cfg = await send({ type: 'config' });
    if (!cfg || !cfg.sites) return;
    run();
    if (root.navigation) root.navigation.addEventListener('currententrychange', soon);
    for (const ev of ['turbo:render', 'turbo:load', 'soft-nav:react-done', 'pjax:end']) document.addEventListener(ev, soon);
    root.addEventListener('popstate', soon);
    new MutationObserver(soon).observe(document, { childList: true, subtree: true });

    // Only the user's own input counts as intent: a page script's synthetic events do not.
    document.addEventListener('mouseover', (e) => {
      if (!e.isTrusted) return;
      const a = linkFrom(e.target);
      if (a && (!intent || intent.a !== a) && !(linkCard && linkCard.isOpen() && linkCard.anchor() === a)) startIntent(a);
      if (a && linkCard) linkCard.cancel();
    });
    document.addEventListener('mouseout', (e) => {
      const a = linkFrom(e.target);
      if (!a || (e.relatedTarget && a.contains(e.relatedTarget))) return;
      if (intent && intent.a === a) cancelIntent();
      if (linkCard) linkCard.later();
    });
    document.addEventListener('focusin', (e) => {
      if (!e.isTrusted) return;
      const a = linkFrom(e.target);
      if (a && quiet === a) quiet = null;
      else if (a) startIntent(a);
    });
    document.addEventListener('focusout', (e) => {
      const a = linkFrom(e.target);
      if (!a) return;
      if (intent && intent.a === a) cancelIntent();
      if (linkCard && e.relatedTarget !== linkCard.host) linkCard.later();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') return closeAll();
      if (e.key !== 'Tab' || e.shiftKey || !linkCard || !linkCard.isOpen()) return;
      const a = linkCard.anchor();
      if (document.activeElement !== a) return;
      if (skipTab === a) { skipTab = null; return; }
      if (linkCard.enter()) e.preventDefault();
    }, true);
  }

  start();
})(globalThis);
