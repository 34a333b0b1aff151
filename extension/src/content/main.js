// Content script entry: picks the site adapter, mounts the profile badge, batches user links,
// and re-renders on SPA navigation. Talks only to the background (never to the service).
(function (root) {
  'use strict';
  const { adapters, ui } = root.Candor;
  const api = root.browser && root.browser.runtime ? root.browser : root.chrome;
  if (document.documentElement.hasAttribute('data-candor-loaded')) return; // injected twice
  document.documentElement.setAttribute('data-candor-loaded', '');

  const MAX_PENDING_RETRIES = 10;
  const results = new Map(); // account -> result (links and profile)
  const linkAccount = new WeakMap(); // <a> -> account
  const requested = new Set();
  let cfg = null;
  let lastHref = null;
  let profile = null; // {account, badge, adapter, timer}
  let linkCard = null;

  function send(msg) {
    return api.runtime.sendMessage(msg).catch((e) => ({ ok: false, error: { kind: 'internal', message: String(e) } }));
  }
  const hooks = { openOptions: () => send({ type: 'openOptions' }) };

  function parseOpts() {
    return { mastodonHosts: cfg.mastodonHosts, base: location.href };
  }

  function siteAdapter() {
    const adapter = adapters.adapterFor(location.href, parseOpts());
    return adapter && cfg.sites[adapter.id] !== false ? adapter : null;
  }

  function place(p) {
    const anchor = p.adapter.findAnchor(document);
    if (anchor) {
      p.badge.setCorner(false);
      anchor.append(p.badge.host);
    } else {
      p.badge.setCorner(true);
      document.body.append(p.badge.host);
    }
  }

  async function loadProfile(p, attempt) {
    const [network, ...rest] = p.account.split(':');
    const result = await send({ type: 'badge', network, handle: rest.join(':') });
    if (profile !== p) return; // navigated away meanwhile
    results.set(p.account, result);
    p.badge.update(result);
    if (result && result.ok && result.badge.status === 'pending' && attempt < MAX_PENDING_RETRIES) {
      p.timer = setTimeout(() => loadProfile(p, attempt + 1), Math.min(result.retryAfter || 2, 30) * 1000);
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
    // SPA pages render the header late: retry the inline anchor for a moment.
    let tries = 0;
    const retry = setInterval(() => {
      if (profile !== p || ++tries > 10 || !p.badge.host.classList.contains('corner')) return clearInterval(retry);
      if (p.adapter.findAnchor(document)) place(p);
    }, 300);
    loadProfile(p, 0);
  }

  function scanLinks(adapter) {
    if (!adapter || !adapter.linkSelector) return;
    const fresh = [];
    for (const a of document.querySelectorAll(adapter.linkSelector)) {
      if (linkAccount.has(a)) continue;
      const acc = adapters.parse(a.href, parseOpts());
      if (!acc || cfg.sites[acc.network] === false) continue; // adapter ids are network names
      const account = `${acc.network}:${acc.handle}`;
      linkAccount.set(a, account);
      if (!requested.has(account)) {
        requested.add(account);
        fresh.push(account);
      }
    }
    if (!fresh.length) return;
    // One message, one batch: the background splits into POSTs of 50 and uses its cache.
    send({ type: 'badges', accounts: fresh }).then((map) => {
      for (const account of fresh) {
        const r = map && map[account] ? map[account] : { ok: false, error: { kind: 'internal' } };
        results.set(account, r);
        if (linkCard) linkCard.update(account, r);
      }
    });
  }

  function linkFrom(target) {
    const a = target && target.closest ? target.closest('a[href]') : null;
    return a && linkAccount.has(a) ? a : null;
  }

  function showLinkCard(a) {
    if (!linkCard) {
      linkCard = ui.createLinkCard(hooks);
      document.documentElement.append(linkCard.host);
    }
    linkCard.show(a, linkAccount.get(a), results.get(linkAccount.get(a)) || null);
  }

  function run() {
    if (location.href === lastHref) {
      // Frameworks sometimes re-render the header and drop our badge: put it back.
      if (profile && !profile.badge.host.isConnected) place(profile);
      return;
    }
    lastHref = location.href;
    unmountProfile();
    if (linkCard) linkCard.hide();
    const adapter = siteAdapter();
    if (!adapter) return;
    const acc = adapters.parse(location.href, parseOpts());
    if (acc && acc.network === adapter.id) mountProfile(adapter, acc);
    scanLinks(adapter);
  }

  async function start() {
    cfg = await send({ type: 'config' });
    if (!cfg || !cfg.sites) return;
    run();
    const rerun = () => setTimeout(run, 0);
    if (root.navigation) root.navigation.addEventListener('currententrychange', rerun);
    for (const ev of ['turbo:render', 'soft-nav:react-done', 'pjax:end']) document.addEventListener(ev, rerun);
    root.addEventListener('popstate', rerun);
    setInterval(run, 1000); // last resort for navigations no event reports
    let pending = null;
    new MutationObserver(() => {
      if (pending) return;
      pending = setTimeout(() => { pending = null; scanLinks(siteAdapter()); }, 300);
    }).observe(document.body, { childList: true, subtree: true });

    document.addEventListener('mouseover', (e) => { const a = linkFrom(e.target); if (a) showLinkCard(a); });
    document.addEventListener('focusin', (e) => { const a = linkFrom(e.target); if (a) showLinkCard(a); });
    document.addEventListener('mouseout', (e) => { if (linkCard && linkFrom(e.target)) linkCard.hideSoon(); });
    document.addEventListener('focusout', (e) => { if (linkCard && linkFrom(e.target)) linkCard.hideSoon(); });
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && linkCard) linkCard.hide(); });
  }

  start();
})(globalThis);
