// Options: service URL, API key (storage.local, never synced), role, sites, extra Mastodon hosts.
// Permissions for a custom service or extra instances are requested in the Save click (a user
// gesture is required); the background registers content scripts for granted instances.
(function (root) {
  'use strict';
  const P = root.Candor.protocol;
  const api = root.browser && root.browser.runtime ? root.browser : root.chrome;
  const SITES = [['github', 'GitHub'], ['gitlab', 'GitLab'], ['stackoverflow', 'Stack Overflow'],
    ['bluesky', 'Bluesky'], ['x', 'X / Twitter'], ['devto', 'dev.to'], ['hackernews', 'Hacker News'],
    ['mastodon', 'Mastodon'], ['linkedin', 'LinkedIn']];
  const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
  const $ = (id) => document.getElementById(id);
  let saved = { origin: null, key: '', extra: [] }; // what load() found, to see what changed

  function say(text, isError) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
  }

  async function load() {
    const s = await api.storage.sync.get({ serviceUrl: P.DEFAULT_SERVICE_URL, role: P.DEFAULT_ROLE, sites: {}, mastodonHosts: [] });
    const l = await api.storage.local.get({ apiKey: '', apiKeyOrigin: '' });
    const origin = new URL(P.normalizeServiceUrl(s.serviceUrl) || P.DEFAULT_SERVICE_URL).origin;
    // A key saved for another service origin is not shown (nor sent): it must be entered again.
    const key = l.apiKeyOrigin === origin ? l.apiKey : '';
    saved = { origin, key, extra: Array.isArray(s.mastodonHosts) ? s.mastodonHosts : [] };
    $('serviceUrl').value = s.serviceUrl;
    $('apiKey').value = key;
    $('role').value = s.role;
    $('mastodonHosts').value = (s.mastodonHosts || []).join('\n');
    const box = $('sites');
    for (const [id, label] of SITES) {
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.id = `site-${id}`;
      input.checked = s.sites[id] !== false;
      const lab = document.createElement('label');
      lab.append(input, ` ${label}`);
      box.append(lab);
    }
  }

  async function save(e) {
    e.preventDefault();
    const serviceUrl = P.normalizeServiceUrl($('serviceUrl').value);
    if (!serviceUrl) return say('The service URL must be https, or http on 127.0.0.1/localhost.', true);
    const role = $('role').value.trim() || P.DEFAULT_ROLE;
    if (!P.ROLE.test(role)) return say('The role is a short lowercase word such as "general".', true);
    const hosts = [...new Set($('mastodonHosts').value.split(/[\s,]+/).map((h) => h.trim().toLowerCase()).filter(Boolean))];
    const bad = hosts.find((h) => !HOST.test(h));
    if (bad) return say(`"${bad}" is not a host name (write e.g. infosec.exchange).`, true);
    const extra = hosts.filter((h) => !P.DEFAULT_MASTODON_HOSTS.includes(h));

    const origins = extra.map((h) => `https://${h}/*`);
    const u = new URL(serviceUrl);
    const serviceOrigin = `${u.protocol}//${u.hostname}/*`; // match patterns carry no port
    const builtIn = ['127.0.0.1', 'localhost'].includes(u.hostname); // host permission on any port
    if (!builtIn) origins.push(serviceOrigin);
    let granted = true;
    if (origins.length) {
      try {
        granted = await api.permissions.request({ origins });
      } catch (err) {
        granted = false;
        say(`Permission request failed: ${err.message}`, true);
      }
    }
    const sites = {};
    for (const [id] of SITES) sites[id] = $(`site-${id}`).checked;
    // The key belongs to the service it was entered for: a new origin asks for it again.
    let apiKey = $('apiKey').value.trim();
    let keyNote = '';
    if (apiKey && u.origin !== saved.origin && apiKey === saved.key) {
      apiKey = '';
      $('apiKey').value = '';
      keyNote = ` The API key was for ${saved.origin}; enter the key for ${u.origin}.`;
    }
    await api.storage.sync.set({ serviceUrl, role, sites, mastodonHosts: extra });
    await api.storage.local.set({ apiKey, apiKeyOrigin: apiKey ? u.origin : '' });
    // Instances the user removed lose their permission (unless the service lives there).
    const removed = saved.extra.filter((h) => !extra.includes(h)).map((h) => `https://${h}/*`)
      .filter((o) => o !== serviceOrigin);
    if (removed.length) await api.permissions.remove({ origins: removed }).catch(() => false);
    saved = { origin: u.origin, key: apiKey, extra };
    if (keyNote) say('Saved.' + keyNote, true);
    else if (granted) say('Saved.');
    else say('Saved, but permission was not granted: the new service or instances will not work until you allow them.', true);
  }

  load().then(() => $('form').addEventListener('submit', save));
})(globalThis);
