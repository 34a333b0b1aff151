// The only code that talks to the Candor service. Pure of browser APIs: fetch, the cache area
// (shaped like chrome.storage.session) and the settings reader are passed in, so node tests run
// it against a real local HTTP server.
(function (root) {
  'use strict';
  const Candor = root.Candor || (root.Candor = {});
  const P = Candor.protocol;

  const DEFAULT_TTL_MS = 10 * 60 * 1000;
  const DEFAULT_TIMEOUT_MS = 8000;

  function retryAfterSeconds(value) {
    if (!value) return null;
    let s = Number(value);
    if (!Number.isFinite(s)) {
      const t = Date.parse(value);
      s = Number.isFinite(t) ? (t - Date.now()) / 1000 : NaN;
    }
    return Number.isFinite(s) ? Math.min(Math.max(Math.ceil(s), 1), 3600) : null;
  }

  function kindForStatus(status) {
    if (status === 400 || status === 422) return 'invalid';
    if (status === 401 || status === 403) return 'unauthorized';
    if (status === 404) return 'not_found';
    if (status === 429) return 'rate_limited';
    if (status >= 500) return 'server';
    return 'http';
  }

  function kindForCode(code) {
    const c = String(code || '').toLowerCase();
    if (c.includes('not_found')) return 'not_found';
    if (c.includes('invalid') || c.includes('bad_request')) return 'invalid';
    if (c.includes('rate')) return 'rate_limited';
    if (c.includes('auth') || c.includes('key') || c.includes('forbidden')) return 'unauthorized';
    if (c.includes('timeout')) return 'timeout';
    return 'server';
  }

  function fail(kind, extra) {
    return { ok: false, error: Object.assign({ kind, status: null, code: null, message: '', retryAfter: null }, extra) };
  }

  function errorFromBody(body) {
    const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : {};
    return {
      code: typeof e.code === 'string' ? e.code.slice(0, 80) : null,
      message: typeof e.message === 'string' ? e.message.slice(0, 300) : '',
    };
  }

  function isBadge(b) {
    return b && typeof b === 'object' && typeof b.status === 'string';
  }

  /**
   * createClient({fetch, cache, settings, now, ttlMs}) -> {getBadge, getBadges, clearCache}
   * settings(): Promise<{serviceUrl, apiKey, role, timeoutMs}>; cache: {get, set, remove}.
   */
  function createClient(opts) {
    const doFetch = opts.fetch;
    const cache = opts.cache;
    const now = opts.now || Date.now;
    const ttlMs = opts.ttlMs || DEFAULT_TTL_MS;
    const inflight = new Map(); // cache key -> Promise<result>

    async function request(cfg, method, path, body) {
      const headers = { Accept: 'application/json' };
      if (cfg.apiKey) headers['X-API-Key'] = cfg.apiKey;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let res;
      try {
        res = await doFetch(cfg.serviceUrl + path, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body),
          credentials: 'omit', cache: 'no-store', redirect: 'error',
          signal: AbortSignal.timeout(cfg.timeoutMs || DEFAULT_TIMEOUT_MS),
        });
      } catch (e) {
        const timedOut = e && (e.name === 'TimeoutError' || e.name === 'AbortError');
        return { fault: fail(timedOut ? 'timeout' : 'network', { message: String((e && e.message) || e).slice(0, 200) }) };
      }
      let data = null;
      try {
        data = await res.json();
      } catch (_e) {
        data = null;
      }
      return { status: res.status, retryAfter: retryAfterSeconds(res.headers.get('Retry-After')), data };
    }

    function httpFailure(r) {
      return fail(kindForStatus(r.status), Object.assign({ status: r.status, retryAfter: r.retryAfter }, errorFromBody(r.data)));
    }

    function cacheKey(cfg, account) {
      return `badge|${cfg.serviceUrl}|${cfg.role}|${account}`;
    }

    async function cached(keys) {
      const got = (await cache.get(keys)) || {};
      const out = {};
      for (const k of keys) {
        const entry = got[k];
        if (entry && typeof entry.at === 'number' && now() - entry.at < ttlMs) out[k] = entry.result;
      }
      return out;
    }

    async function store(key, result) {
      // Pending and errors are not cached: the next look-up should ask again.
      if (result.ok && result.badge.status !== 'pending') {
        await cache.set({ [key]: { at: now(), result } });
      }
      return result;
    }

    /** The service sends relative report links unless it has a configured public URL (a
     *  Host header must never choose a cached link): resolve them against the service. A link
     *  anywhere but the configured service origin is dropped: the card links nowhere else. */
    function absoluteLinks(cfg, badge) {
      if (typeof badge.report_url !== 'string') return badge;
      try {
        const u = new URL(badge.report_url, cfg.serviceUrl + '/');
        badge.report_url = u.origin === new URL(cfg.serviceUrl).origin ? u.href : null;
      } catch (_e) {
        badge.report_url = null;
      }
      return badge;
    }

    async function fetchOne(cfg, network, handle) {
      const path = `/v1/badges/${encodeURIComponent(network)}/${encodeURIComponent(handle)}?role=${encodeURIComponent(cfg.role)}`;
      const r = await request(cfg, 'GET', path);
      if (r.fault) return r.fault;
      if ((r.status === 200 || r.status === 202) && isBadge(r.data)) {
        return { ok: true, badge: absoluteLinks(cfg, r.data), retryAfter: r.status === 202 ? r.retryAfter || 2 : null };
      }
      if (r.status === 202) return { ok: true, badge: { status: 'pending' }, retryAfter: r.retryAfter || 2 };
      if (r.status === 200) return fail('bad_response', { status: 200 });
      return httpFailure(r);
    }

    async function fetchBatch(cfg, accounts) {
      const r = await request(cfg, 'POST', '/v1/badges', { accounts, role: cfg.role });
      if (r.fault) return accounts.map(() => r.fault);
      if (r.status !== 200) return accounts.map(() => httpFailure(r));
      const results = r.data && Array.isArray(r.data.results) ? r.data.results : null;
      if (!results) return accounts.map(() => fail('bad_response', { status: 200 }));
      return accounts.map((account, i) => {
        const item = results[i];
        if (!item || typeof item !== 'object') return fail('bad_response', { status: 200 });
        if (isBadge(item.badge)) {
          return { ok: true, badge: absoluteLinks(cfg, item.badge), retryAfter: item.badge.status === 'pending' ? 2 : null };
        }
        const e = errorFromBody(item);
        return fail(kindForCode(e.code), e);
      });
    }

    async function config() {
      const s = await opts.settings();
      const serviceUrl = P.normalizeServiceUrl(s.serviceUrl) || P.DEFAULT_SERVICE_URL;
      // The key was saved for one service origin; it is never sent anywhere else.
      const key = typeof s.apiKey === 'string' ? s.apiKey.trim() : '';
      const boundTo = typeof s.apiKeyOrigin === 'string' ? s.apiKeyOrigin : null;
      return {
        serviceUrl,
        apiKey: key && boundTo === new URL(serviceUrl).origin ? key : '',
        role: P.ROLE.test(s.role || '') ? s.role : P.DEFAULT_ROLE,
        timeoutMs: s.timeoutMs || DEFAULT_TIMEOUT_MS,
      };
    }

    /** One account -> result; validated here again whatever the caller checked. */
    async function getBadge(network, handle) {
      const normalized = P.validateHandle(network, handle);
      if (!normalized) return fail('invalid', { message: 'not a valid handle for this network' });
      const cfg = await config();
      const key = cacheKey(cfg, P.accountKey(network, normalized));
      const hit = (await cached([key]))[key];
      if (hit) return hit;
      if (!inflight.has(key)) {
        const p = fetchOne(cfg, network, normalized).then((r) => store(key, r));
        inflight.set(key, p);
        p.then(() => inflight.delete(key), () => inflight.delete(key));
      }
      return inflight.get(key);
    }

    /** Many "network:handle" strings -> {account: result}; misses go out in POSTs of <= 50. */
    async function getBadges(accounts) {
      const cfg = await config();
      const out = {};
      const wanted = [];
      for (const text of accounts) {
        const acc = P.parseAccount(text);
        if (!acc) {
          out[text] = fail('invalid', { message: 'not a valid account' });
          continue;
        }
        const account = P.accountKey(acc.network, acc.handle);
        if (!wanted.some((w) => w.account === account)) wanted.push({ text, account, acc, key: cacheKey(cfg, account) });
      }
      const hits = await cached(wanted.map((w) => w.key));
      const waits = [];
      const missing = [];
      for (const w of wanted) {
        if (hits[w.key]) out[w.text] = hits[w.key];
        else if (inflight.has(w.key)) waits.push(inflight.get(w.key).then((r) => { out[w.text] = r; }));
        else if (!P.BATCH_NETWORKS.includes(w.acc.network)) waits.push(getBadge(w.acc.network, w.acc.handle).then((r) => { out[w.text] = r; }));
        else missing.push(w);
      }
      for (let i = 0; i < missing.length; i += P.MAX_BATCH) {
        const chunk = missing.slice(i, i + P.MAX_BATCH);
        const batch = fetchBatch(cfg, chunk.map((w) => w.account));
        chunk.forEach((w, j) => {
          const p = batch.then((rs) => store(w.key, rs[j]));
          inflight.set(w.key, p);
          p.then(() => inflight.delete(w.key), () => inflight.delete(w.key));
          waits.push(p.then((r) => { out[w.text] = r; }));
        });
      }
      await Promise.all(waits);
      return out;
    }

    async function clearCache() {
      const all = (cache.getAll ? await cache.getAll() : await cache.get(null)) || {};
      const keys = Object.keys(all).filter((k) => k.startsWith('badge|'));
      if (keys.length) await cache.remove(keys);
    }

    return { getBadge, getBadges, clearCache, config };
  }

  Candor.createClient = createClient;
  if (typeof module === 'object' && module.exports) module.exports = { createClient, retryAfterSeconds };
})(globalThis);
