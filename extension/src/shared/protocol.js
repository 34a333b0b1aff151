// Shared rules for content script, background and tests: network names and handle syntax.
// Plain classic script: attaches to globalThis.Candor so content scripts, the service worker
// (importScripts) and node tests (require) all load the same file without a bundler.
(function (root) {
  'use strict';
  const Candor = root.Candor || (root.Candor = {});

  const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?(?::[0-9]{1,5})?$/;
  const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost):[0-9]{1,5}$/; // local fake instances

  // Each rule returns the normalized handle, or null when the syntax is wrong.
  // They mirror the service's connectors' validate(); tests/test_golden_urls.py checks both.
  const GITLAB_RESERVED = new Set(['-', 'admin', 'api', 'dashboard', 'explore', 'groups', 'help',
    'projects', 'public', 'search', 'users', 'uploads', 'assets', 's', 'snippets']);
  const X_RESERVED = new Set(('home settings explore i search messages notifications login logout ' +
    'signup tos privacy compose intent share hashtag account about help jobs download lists ' +
    'bookmarks communities topics who_to_follow following followers oauth signin signout welcome').split(' '));
  const BAD_TLDS = new Set(['alt', 'arpa', 'example', 'internal', 'invalid', 'local', 'localhost', 'onion']);

  // ISO 7064 11,2 check digit of the first 15 ORCID digits.
  function orcidCheck(digits) {
    let total = 0;
    for (const d of digits) total = (total + Number(d)) * 2;
    const r = (12 - (total % 11)) % 11;
    return r === 10 ? 'X' : String(r);
  }

  // Each rule returns the normalized handle, or null when the syntax is wrong. They mirror the
  // service's connectors' validate() (same normalization, so cache keys agree);
  // tests/test_golden_urls.py checks both sides give the same verdict.
  const RULES = {
    github: (h) => {
      const s = h.toLowerCase();
      return /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}(?:\[bot\])?$/.test(s) ? s : null;
    },
    gitlab: (h) => {
      const s = h.replace(/^@/, '').toLowerCase();
      if (!/^(?:[a-z0-9_.][a-z0-9_.-]{0,253}[a-z0-9_-]|[a-z0-9_])$/.test(s)) return null;
      return /\.(git|atom)$/.test(s) || GITLAB_RESERVED.has(s) ? null : s;
    },
    stackoverflow: (h) => (/^[1-9][0-9]{0,11}$/.test(h) ? h : null),
    mastodon: (h) => {
      const m = /^@?([A-Za-z0-9_.-]{1,64})@([^@\s/]+)$/.exec(h);
      if (!m) return null;
      const user = m[1].toLowerCase();
      if (LOOPBACK_HOST.test(m[2])) return `${user}@${m[2]}`; // only a local fake instance
      if (/[:/[\]\\?#%@]/.test(m[2]) || m[2].endsWith('.')) return null;
      let host;
      try {
        host = new URL(`https://${m[2]}/`).hostname; // IDNA to punycode, lowercase
      } catch (_e) {
        return null;
      }
      const labels = host.split('.');
      const ok = host.length <= 253 && labels.length >= 2 &&
        labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) &&
        /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(labels[labels.length - 1]) &&
        !/\.(?:local|internal|arpa|localhost|invalid|onion)$/.test(host);
      return ok ? `${user}@${host}` : null;
    },
    bluesky: (h) => {
      const s = h.replace(/^@/, '').toLowerCase();
      if (s.startsWith('did:')) return /^did:plc:[a-z2-7]{24}$/.test(s) ? s : null;
      if (s.length > 253 || !/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(s)) return null;
      return BAD_TLDS.has(s.slice(s.lastIndexOf('.') + 1)) ? null : s;
    },
    hackernews: (h) => (/^[A-Za-z0-9_-]{2,15}$/.test(h) ? h : null),
    devto: (h) => {
      const s = h.replace(/^@/, '').toLowerCase();
      return /^[a-z0-9_]{2,30}$/.test(s) ? s : null;
    },
    orcid: (h) => {
      const s = h.toUpperCase().replace(/\/$/, '');
      if (!/^(?:[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]|[0-9]{15}[0-9X])$/.test(s)) return null;
      const plain = s.replace(/-/g, '');
      return orcidCheck(plain.slice(0, 15)) === plain[15] ? plain.match(/.{4}/g).join('-') : null;
    },
    youtube: (h) => {
      if (/^UC[A-Za-z0-9_-]{22}$/.test(h)) return h; // channel ids are case-sensitive
      const name = h.replace(/^@/, '');
      return /^(?!\.)[\p{L}\p{N}\p{M}_.-]{3,30}$/u.test(name) && !name.endsWith('.') ? `@${name.toLowerCase()}` : null;
    },
    x: (h) => {
      const s = h.replace(/^@/, '');
      return /^[A-Za-z0-9_]{1,15}$/.test(s) && !X_RESERVED.has(s.toLowerCase()) ? s.toLowerCase() : null;
    },
    // LinkedIn public-profile slug (badge endpoint only; never sent in a batch).
    linkedin: (h) => {
      const s = h.toLowerCase();
      return /^[\p{L}\p{N}][\p{L}\p{N}_-]{1,99}$/u.test(s) ? s : null;
    },
  };

  const NETWORKS = Object.freeze(Object.keys(RULES));
  const BATCH_NETWORKS = Object.freeze(NETWORKS.filter((n) => n !== 'linkedin'));
  const MAX_BATCH = 50;
  const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;

  /** Normalized handle, or null if network is unknown or the handle is malformed. */
  function validateHandle(network, handle) {
    if (typeof network !== 'string' || typeof handle !== 'string') return null;
    const rule = Object.prototype.hasOwnProperty.call(RULES, network) ? RULES[network] : null;
    if (!rule || handle.length === 0 || handle.length > 300) return null;
    return rule(handle.trim());
  }

  /** "network:handle" -> {network, handle} (validated, normalized) or null. */
  function parseAccount(text) {
    if (typeof text !== 'string') return null;
    const i = text.indexOf(':');
    if (i < 1) return null;
    const network = text.slice(0, i) === 'twitter' ? 'x' : text.slice(0, i);
    const handle = validateHandle(network, text.slice(i + 1));
    return handle ? { network, handle } : null;
  }

  function accountKey(network, handle) {
    return `${network}:${handle}`;
  }

  /** Service base URL check: https anywhere, http only for loopback. Returns origin+path or null. */
  function normalizeServiceUrl(text) {
    let u;
    try {
      u = new URL(String(text).trim());
    } catch (_e) {
      return null;
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return null;
    if (u.username || u.password || u.search || u.hash) return null;
    return u.origin + u.pathname.replace(/\/+$/, '');
  }

  Candor.protocol = Object.freeze({
    NETWORKS, BATCH_NETWORKS, MAX_BATCH, ROLE, validateHandle, parseAccount, accountKey,
    normalizeServiceUrl, DEFAULT_SERVICE_URL: 'http://127.0.0.1:8000',
    DEFAULT_ROLE: 'general', DEFAULT_MASTODON_HOSTS: ['mastodon.social', 'fosstodon.org', 'hachyderm.io'],
  });
  if (typeof module === 'object' && module.exports) module.exports = Candor.protocol;
})(globalThis);
