// Adapter registry: each site file registers {id, hosts, parse(url), findAnchor(doc), linkSelector}.
// parse() is a pure function of a URL, so it is unit-tested against test/golden-urls.json.
(function (root) {
  'use strict';
  const Candor = root.Candor || (root.Candor = {});
  const list = [];

  function toUrl(input, base) {
    try {
      const u = input instanceof URL ? input : new URL(String(input), base);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u : null;
    } catch (_e) {
      return null;
    }
  }

  // "www." and "mobile." are the same site for every network we know.
  function siteHost(u) {
    return u.host.toLowerCase().replace(/^(?:www\.|mobile\.|m\.)/, '');
  }

  function adapterFor(u, opts) {
    const host = siteHost(u);
    return list.find((a) => (a.matchHost ? a.matchHost(host, opts || {}) : a.hosts.includes(host))) || null;
  }

  /** URL (string or URL) -> {network, handle} | null, using whichever adapter owns the host. */
  function parse(input, opts) {
    const u = toUrl(input, opts && opts.base);
    if (!u) return null;
    const adapter = adapterFor(u, opts);
    if (!adapter) return null;
    try {
      return adapter.parse(u, opts || {}) || null;
    } catch (_e) {
      return null; // malformed escapes etc.: not a profile
    }
  }

  /** Path segments, percent-decoded, without empty ones. Throws on bad escapes. */
  function segments(u) {
    return u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  }

  Candor.adapters = {
    list,
    register(adapter) {
      list.push(adapter);
      return adapter;
    },
    adapterFor: (input, opts) => {
      const u = toUrl(input, opts && opts.base);
      return u ? adapterFor(u, opts) : null;
    },
    parse,
    segments,
    siteHost,
  };
  if (typeof module === 'object' && module.exports) module.exports = Candor.adapters;
})(globalThis);
