// Background wiring: messages from content scripts, settings, cache, dynamic Mastodon scripts.
// Listeners are registered synchronously at top level (the service worker is restarted on demand).
(function (root) {
  'use strict';
  const { protocol: P, createClient, createPageLimiter } = root.Candor;
  const api = root.browser && root.browser.runtime ? root.browser : root.chrome;
  const MASTODON_SCRIPT_ID = 'candor-mastodon-extra';
  const SITES = ['github', 'gitlab', 'stackoverflow', 'bluesky', 'x', 'devto', 'hackernews', 'mastodon', 'linkedin'];

  async function readSettings() {
    const sync = await api.storage.sync.get({ serviceUrl: P.DEFAULT_SERVICE_URL, role: P.DEFAULT_ROLE, sites: {}, mastodonHosts: [] });
    const local = await api.storage.local.get({ apiKey: '', apiKeyOrigin: '', timeoutMs: 0 });
    return Object.assign({}, sync, local);
  }

  const client = createClient({
    fetch: (url, init) => fetch(url, init),
    cache: api.storage.session,
    settings: readSettings,
  });

  function contentConfig(s) {
    const sites = {};
    for (const id of SITES) sites[id] = s.sites[id] !== false;
    const hosts = Array.isArray(s.mastodonHosts) ? s.mastodonHosts.filter((h) => typeof h === 'string') : [];
    return { sites, mastodonHosts: hosts, role: s.role }; // never the API key
  }

  // A page may ask about at most PAGE_ACCOUNTS_PER_MINUTE distinct accounts per rolling
  // minute (limiter.js); the README states the number.
  const PAGE_ACCOUNTS_PER_MINUTE = 30;
  const limiter = createPageLimiter({ perMinute: PAGE_ACCOUNTS_PER_MINUTE });

  function admit(sender, account) {
    if (!sender.tab) return null; // extension pages (options) are not web pages
    const retryAfter = limiter.admit(sender.tab.id, account);
    return retryAfter === null ? null
      : { ok: false, error: { kind: 'page_limit', status: null, code: null, message: '', retryAfter } };
  }

  async function handle(msg, sender) {
    switch (msg && msg.type) {
      case 'config':
        return contentConfig(await readSettings());
      case 'badge': {
        const network = String(msg.network);
        const handle = P.validateHandle(network, String(msg.handle));
        if (!handle) return client.getBadge(network, String(msg.handle)); // answers "invalid"
        return admit(sender, P.accountKey(network, handle)) || client.getBadge(network, handle);
      }
      case 'openOptions':
        return api.runtime.openOptionsPage();
      default:
        return { ok: false, error: { kind: 'invalid', message: 'unknown message' } };
    }
  }

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== api.runtime.id) return false; // only our own content scripts and pages
    handle(msg, sender).then(sendResponse, (e) => sendResponse({ ok: false, error: { kind: 'internal', message: String(e).slice(0, 200) } }));
    return true; // answer asynchronously
  });
  if (api.tabs && api.tabs.onRemoved) api.tabs.onRemoved.addListener((id) => limiter.forget(id));

  // Content scripts for the extra Mastodon instances the user granted in the options.
  async function registerMastodonScripts() {
    if (!api.scripting || !api.scripting.registerContentScripts) return;
    const { mastodonHosts } = await api.storage.sync.get({ mastodonHosts: [] });
    const manifest = api.runtime.getManifest();
    const origins = [];
    for (const host of Array.isArray(mastodonHosts) ? mastodonHosts : []) {
      const origin = `https://${host}/*`;
      if (await api.permissions.contains({ origins: [origin] })) origins.push(origin);
    }
    const existing = await api.scripting.getRegisteredContentScripts({ ids: [MASTODON_SCRIPT_ID] });
    if (existing.length) await api.scripting.unregisterContentScripts({ ids: [MASTODON_SCRIPT_ID] });
    if (origins.length) {
      await api.scripting.registerContentScripts([{
        id: MASTODON_SCRIPT_ID, matches: origins, js: manifest.content_scripts[0].js, runAt: 'document_idle',
      }]);
    }
  }

  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'session') return;
    // Service URL, key or role changed: cached badges may belong to another service or role.
    client.clearCache().catch(() => {});
    if (changes.mastodonHosts) registerMastodonScripts().catch(() => {});
  });
  if (api.permissions && api.permissions.onAdded) {
    api.permissions.onAdded.addListener(() => registerMastodonScripts().catch(() => {}));
    if (api.permissions.onRemoved) api.permissions.onRemoved.addListener(() => registerMastodonScripts().catch(() => {}));
  }
  api.runtime.onInstalled.addListener(() => registerMastodonScripts().catch(() => {}));
  api.runtime.onStartup.addListener(() => registerMastodonScripts().catch(() => {}));
})(globalThis);
