'use strict';
// The background client against a real local HTTP server (the service's network edge).
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
require('../src/shared/protocol.js');
const { createClient, retryAfterSeconds } = require('../src/background/client.js');

function badge(subject, extra) {
  return Object.assign({ subject, status: 'scored', score: 72, band: { low: 66, high: 78 }, confidence: 0.8,
    role: 'general', networks: [], topics: [], caveats: [], computed_at: '2026-11-21T10:00:00Z' }, extra);
}

// Routes: fn(req, body) -> {status, headers, body} | 'hang'; every request is recorded.
async function startServer(route) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', async () => {
      const body = raw ? JSON.parse(raw) : null;
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const out = await route(req, body);
      if (out === 'hang') return;
      res.writeHead(out.status || 200, Object.assign({ 'Content-Type': 'application/json' }, out.headers));
      res.end(typeof out.body === 'string' ? out.body : JSON.stringify(out.body));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, close: () => { server.closeAllConnections(); server.close(); } };
}

function memoryArea() {
  const data = {};
  return {
    data,
    async get(keys) {
      if (keys === null) return Object.assign({}, data);
      const out = {};
      for (const k of keys) if (k in data) out[k] = structuredClone(data[k]);
      return out;
    },
    async set(obj) { Object.assign(data, structuredClone(obj)); },
    async remove(keys) { for (const k of keys) delete data[k]; },
  };
}

function client(srv, extra) {
  const clock = { t: 1_000_000 };
  const s = Object.assign({ serviceUrl: srv.url, apiKey: 'k-123', apiKeyOrigin: srv.url, role: 'general', timeoutMs: 2000 }, extra);
  const c = createClient({ fetch, cache: memoryArea(), settings: async () => s, now: () => clock.t, ttlMs: 60_000 });
  return Object.assign(c, { clock, s });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('GET builds the URL itself, encodes the handle, sends the key', async (t) => {
  const srv = await startServer(() => ({ body: badge('mastodon:Gargron@mastodon.social') }));
  t.after(srv.close);
  const c = client(srv, { role: 'engineering' });
  const r = await c.getBadge('mastodon', '@Gargron@Mastodon.social');
  assert.equal(r.ok, true);
  assert.equal(r.badge.score, 72);
  assert.equal(srv.requests[0].url, '/v1/badges/mastodon/gargron%40mastodon.social?role=engineering');
  assert.equal(srv.requests[0].headers['x-api-key'], 'k-123');
});

test('no key configured: no X-API-Key header', async (t) => {
  const srv = await startServer(() => ({ body: badge('github:octocat') }));
  t.after(srv.close);
  await client(srv, { apiKey: '' }).getBadge('github', 'octocat');
  assert.equal(srv.requests[0].headers['x-api-key'], undefined);
});

test('invalid handles and unknown networks never reach the service', async (t) => {
  const srv = await startServer(() => ({ body: badge('x') }));
  t.after(srv.close);
  const c = client(srv);
  for (const [n, h] of [['github', '../admin'], ['github', 'a/b?c'], ['evil', 'x'], ['__proto__', 'x'], ['x', 'toolonghandle1234']]) {
    const r = await c.getBadge(n, h);
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, 'invalid');
  }
  const many = await c.getBadges(['github:../x', 'nope:a', 'github']);
  assert.equal(Object.values(many).every((r) => r.error.kind === 'invalid'), true);
  assert.equal(srv.requests.length, 0);
});

test('TTL cache: a hit within the TTL, a new request after it', async (t) => {
  const srv = await startServer(() => ({ body: badge('github:octocat') }));
  t.after(srv.close);
  const c = client(srv);
  await c.getBadge('github', 'octocat');
  await c.getBadge('github', 'octocat');
  assert.equal(srv.requests.length, 1);
  c.clock.t += 61_000;
  await c.getBadge('github', 'octocat');
  assert.equal(srv.requests.length, 2);
});

test('cache is keyed by service and role', async (t) => {
  const srv = await startServer(() => ({ body: badge('github:octocat') }));
  t.after(srv.close);
  const c = client(srv);
  await c.getBadge('github', 'octocat');
  c.s.role = 'research';
  await c.getBadge('github', 'octocat');
  assert.equal(srv.requests.length, 2);
  await c.clearCache();
  c.s.role = 'general';
  await c.getBadge('github', 'octocat');
  assert.equal(srv.requests.length, 3);
});

test('concurrent look-ups of one account share one request', async (t) => {
  const srv = await startServer(async () => { await sleep(100); return { body: badge('github:octocat') }; });
  t.after(srv.close);
  const c = client(srv);
  const rs = await Promise.all([c.getBadge('github', 'octocat'), c.getBadge('github', 'octocat'),
    c.getBadges(['github:octocat', 'github:octocat'])]);
  assert.equal(srv.requests.length, 1);
  assert.equal(rs[2]['github:octocat'].badge.score, 72);
});

test('batch: misses go out in POSTs of at most 50, in order, cached hits skipped', async (t) => {
  const srv = await startServer((req, body) => (req.method === 'GET' ? { body: badge('github:user0') }
    : { body: { results: body.accounts.map((a) => ({ account: a, badge: badge(a) })) } }));
  t.after(srv.close);
  const c = client(srv);
  await c.getBadge('github', 'user0');
  const accounts = Array.from({ length: 120 }, (_, i) => `github:user${i}`).concat(['github:user5', 'hackernews:pg']);
  const out = await c.getBadges(accounts);
  const posts = srv.requests.filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((p) => p.body.accounts.length), [50, 50, 20]);
  assert.equal(posts[0].url, '/v1/badges');
  assert.equal(posts[0].body.role, 'general');
  assert.equal(posts[0].headers['x-api-key'], 'k-123');
  assert.equal(posts.flatMap((p) => p.body.accounts).includes('github:user0'), false);
  for (const a of accounts) assert.equal(out[a].badge.subject, a);
  await c.getBadges(accounts);
  assert.equal(srv.requests.length, 4); // everything cached now
});

test('batch: per-account errors and LinkedIn through the single endpoint', async (t) => {
  const srv = await startServer((req, body) => {
    if (req.method === 'GET') return { body: badge('linkedin:jane', { status: 'not_claimed', score: null }) };
    return { body: { results: [{ account: body.accounts[0], error: { code: 'not_found', message: 'no such user' } },
      { account: body.accounts[1], badge: badge(body.accounts[1]) }] } };
  });
  t.after(srv.close);
  const out = await client(srv).getBadges(['github:ghost', 'github:octocat', 'linkedin:jane']);
  assert.equal(out['github:ghost'].error.kind, 'not_found');
  assert.equal(out['github:ghost'].error.message, 'no such user');
  assert.equal(out['github:octocat'].ok, true);
  assert.equal(out['linkedin:jane'].badge.status, 'not_claimed');
  assert.equal(srv.requests.length, 2);
});

test('timeout becomes a timeout error', async (t) => {
  const srv = await startServer(() => 'hang');
  t.after(srv.close);
  const started = Date.now();
  const r = await client(srv, { timeoutMs: 200 }).getBadge('github', 'octocat');
  assert.equal(r.error.kind, 'timeout');
  assert.ok(Date.now() - started < 1500);
  const many = await client(srv, { timeoutMs: 200 }).getBadges(['github:a', 'github:b']);
  assert.equal(many['github:b'].error.kind, 'timeout');
});

test('service unreachable is a network error', async () => {
  const r = await client({ url: 'http://127.0.0.1:9' }).getBadge('github', 'octocat');
  assert.equal(r.error.kind, 'network');
});

test('HTTP errors map to kinds with the service message and Retry-After; not cached', async (t) => {
  let answer;
  const srv = await startServer(() => answer);
  t.after(srv.close);
  const c = client(srv);
  const cases = [
    [{ status: 401, body: { error: { code: 'unauthorized', message: 'bad key' } } }, 'unauthorized'],
    [{ status: 404, body: { error: { code: 'not_found', message: 'nope' } } }, 'not_found'],
    [{ status: 429, headers: { 'Retry-After': '30' }, body: { error: { code: 'rate_limited', message: 'slow down' } } }, 'rate_limited'],
    [{ status: 503, body: { error: { code: 'unavailable', message: 'down' } } }, 'server'],
    [{ status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html>bad gateway</html>' }, 'server'],
    [{ status: 200, body: '{"not": "a badge"}' }, 'bad_response'],
  ];
  for (const [reply, kind] of cases) {
    answer = reply;
    const r = await c.getBadge('github', 'octocat');
    assert.equal(r.error.kind, kind, JSON.stringify(reply));
    assert.equal(r.error.status, reply.status);
  }
  assert.equal(srv.requests.length, cases.length);
  answer = cases[2][0];
  assert.equal((await c.getBadge('github', 'octocat')).error.retryAfter, 30);
  assert.equal((await c.getBadges(['github:a']))['github:a'].error.kind, 'rate_limited');
});

test('202 pending carries Retry-After and is not cached', async (t) => {
  const srv = await startServer(() => ({ status: 202, headers: { 'Retry-After': '3' }, body: { status: 'pending', subject: 'github:octocat' } }));
  t.after(srv.close);
  const c = client(srv);
  const r = await c.getBadge('github', 'octocat');
  assert.equal(r.badge.status, 'pending');
  assert.equal(r.retryAfter, 3);
  await c.getBadge('github', 'octocat');
  assert.equal(srv.requests.length, 2);
});

test('Retry-After parsing', () => {
  assert.equal(retryAfterSeconds('5'), 5);
  assert.equal(retryAfterSeconds(null), null);
  assert.equal(retryAfterSeconds('soon'), null);
  assert.equal(retryAfterSeconds('99999'), 3600);
});

test('the API key goes only to the origin it was saved for', async (t) => {
  const srv = await startServer(() => ({ body: badge('github:octocat') }));
  t.after(srv.close);
  await client(srv, { apiKeyOrigin: 'https://candor.example' }).getBadge('github', 'octocat');
  await client(srv, { apiKeyOrigin: undefined }).getBadge('github', 'octocat');
  assert.equal(srv.requests.length, 2);
  for (const r of srv.requests) assert.equal(r.headers['x-api-key'], undefined);
});

test('report links: relative ones resolved against the service, foreign origins dropped', async (t) => {
  const links = { a: '/v1/reports/github/a?role=general', b: 'https://evil.example/phish', c: 'javascript:alert(1)' };
  const srv = await startServer((req) => ({ body: badge(`github:${req.url.split('/')[4].split('?')[0]}`,
    { report_url: links[req.url.split('/')[4].split('?')[0]] }) }));
  t.after(srv.close);
  const c = client(srv);
  assert.equal((await c.getBadge('github', 'a')).badge.report_url, `${srv.url}/v1/reports/github/a?role=general`);
  assert.equal((await c.getBadge('github', 'b')).badge.report_url, null);
  assert.equal((await c.getBadge('github', 'c')).badge.report_url, null);
});
