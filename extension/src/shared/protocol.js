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
  const RULES = {
    github: (h) => (/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(h) ? h : null),
    gitlab: (h) =>
      /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9_-])?$/.test(h) && !/\.(git|atom)$/i.test(h)
        ? h
        : null,
    stackoverflow: (h) => (/^[1-9][0-9]{0,9}$/.test(h) ? h : null),
    mastodon: (h) => {
      const m = /^@?([A-Za-z0-9_]{1,30})@([^@\s/]+)$/.exec(h);
      if (!m) return null;
      const host = m[2].toLowerCase();
      return HOST.test(host) || LOOPBACK_HOST.test(host) ? `${m[1]}@${host}` : null;
    },
    bluesky: (h) => {
      const s = h.replace(/^@/, '').toLowerCase();
      if (/^did:plc:[a-z2-7]{24}$/.test(s)) return s;
      if (/^did:web:[a-z0-9.-]{1,253}$/.test(s)) return s;
      return HOST.test(s) && !s.includes(':') && s.includes('.') ? s : null;
    },
    hackernews: (h) => (/^[A-Za-z0-9_-]{2,15}$/.test(h) ? h : null),
    devto: (h) => (/^[A-Za-z0-9_]{1,30}$/.test(h) ? h : null),
    orcid: (h) => (/^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$/.test(h) ? h : null),
    youtube: (h) => (/^@[A-Za-z0-9._-]{3,30}$/.test(h) ? h : null),
    x: (h) => {
      const s = h.replace(/^@/, '');
      return /^[A-Za-z0-9_]{1,15}$/.test(s) ? s : null;
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
