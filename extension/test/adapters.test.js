'use strict';
// Every adapter against the golden URL list, plus the shared handle rules.
const test = require('node:test');
const assert = require('node:assert/strict');
const golden = require('./golden-urls.json');
require('./support/load-content.js');
const { adapters, protocol } = globalThis.Candor;

for (const { url, expect } of golden.urls) {
  test(`parse ${JSON.stringify(url)}`, () => {
    assert.deepEqual(adapters.parse(url), expect);
  });
}

test('every site has golden URLs, positive and negative', () => {
  for (const a of adapters.list) {
    const own = golden.urls.filter(({ url }) => adapters.adapterFor(url) === a);
    assert.ok(own.some((c) => c.expect), `${a.id}: no profile URL`);
    assert.ok(own.some((c) => !c.expect), `${a.id}: no non-profile URL`);
  }
});

test('extra Mastodon instances only when configured', () => {
  assert.equal(adapters.parse('https://example.social/@octocat'), null);
  assert.deepEqual(adapters.parse('https://example.social/@octocat', { mastodonHosts: ['example.social'] }),
    { network: 'mastodon', handle: 'octocat@example.social' });
});

test('relative links resolve against the page', () => {
  assert.deepEqual(adapters.parse('/octocat', { base: 'https://github.com/o/r/issues/1' }),
    { network: 'github', handle: 'octocat' });
  assert.deepEqual(adapters.parse('user?id=pg', { base: 'https://news.ycombinator.com/news' }),
    { network: 'hackernews', handle: 'pg' });
});

for (const [network, handle] of golden.handles.valid) {
  test(`valid handle ${network}:${handle}`, () => assert.ok(protocol.validateHandle(network, handle)));
}
for (const [network, handle] of golden.handles.invalid) {
  test(`invalid handle ${network}:${handle}`, () => assert.equal(protocol.validateHandle(network, handle), null));
}

test('parseAccount maps twitter to x and rejects unknown networks', () => {
  assert.deepEqual(protocol.parseAccount('twitter:jack'), { network: 'x', handle: 'jack' });
  assert.equal(protocol.parseAccount('myspace:tom'), null);
  assert.equal(protocol.parseAccount('__proto__:x'), null);
  assert.equal(protocol.parseAccount('github'), null);
});

test('service URL: https anywhere, http only on loopback', () => {
  assert.equal(protocol.normalizeServiceUrl('http://127.0.0.1:8000/'), 'http://127.0.0.1:8000');
  assert.equal(protocol.normalizeServiceUrl('https://candor.example/api/'), 'https://candor.example/api');
  assert.equal(protocol.normalizeServiceUrl('http://candor.example'), null);
  assert.equal(protocol.normalizeServiceUrl('https://u:p@candor.example'), null);
  assert.equal(protocol.normalizeServiceUrl('javascript:alert(1)'), null);
});
