'use strict';
// Page detection against the field's own corpora:
// - github-url-detection's published test URLs (test/corpus/github-url-detection.json, copied
//   from its index.ts addTests() lists; source, commit and licence in the file) and the library
//   itself (npm devDependency) as the oracle for "is this a profile URL";
// - GitLab's reserved top-level routes, Bluesky's and Mastodon's web routes.
const test = require('node:test');
const assert = require('node:assert/strict');
const corpus = require('./corpus/github-url-detection.json');
const reserved = require('github-reserved-names/reserved-names.json');
require('./support/load-content.js');
const { adapters } = globalThis.Candor;

const PROFILE_DETECTIONS = ['isProfile', 'isUserProfileRepoTab', 'isUserProfileStarsTab',
  'isUserProfileFollowersTab', 'isUserProfileFollowingTab'];

function urlsOf(name, seen = new Set()) {
  if (seen.has(name)) return [];
  seen.add(name);
  return (corpus.tests[name] || []).flatMap((u) => (u.startsWith('http') ? [u] : urlsOf(u, seen)));
}

const all = [...new Set(Object.keys(corpus.tests).flatMap((n) => urlsOf(n)))];
const onGithub = all.filter((u) => new URL(u).host === 'github.com');
const profileUrls = new Set(PROFILE_DETECTIONS.flatMap((n) => urlsOf(n)));

test('the corpus is the published one (hundreds of URLs, profiles among them)', () => {
  assert.ok(all.length >= 200, String(all.length));
  assert.ok(onGithub.length >= 180, String(onGithub.length));
  assert.ok(profileUrls.has('https://github.com/fregante'));
});

test('github-url-detection corpus: a badge exactly on the URLs the library calls profiles', async () => {
  const gud = await import('github-url-detection');
  const wrong = [];
  for (const url of onGithub) {
    const ours = adapters.parse(url) !== null;
    const theirs = gud.isProfile(new URL(url));
    if (ours !== theirs) wrong.push(`${url}: ours=${ours} github-url-detection=${theirs}`);
    if (ours && !profileUrls.has(url)) wrong.push(`${url}: badge on a URL listed only for non-profile detections`);
  }
  assert.deepEqual(wrong, []);
  const badged = onGithub.filter((u) => adapters.parse(u));
  const notBadged = onGithub.length - badged.length;
  assert.ok(badged.length >= 10 && notBadged >= 170, `${badged.length} badged, ${notBadged} not`);
});

test('every name in github-reserved-names gets no badge', () => {
  assert.ok(reserved.length > 250);
  const badged = reserved.filter((n) => adapters.parse(`https://github.com/${n}`));
  assert.deepEqual(badged, []);
});

test('organisation pages are recognised from the page (hovercard subject tag)', () => {
  const gh = adapters.list.find((a) => a.id === 'github');
  const doc = (content) => ({ querySelector: (s) => (s === 'meta[name="hovercard-subject-tag"]' && content !== null
    ? { getAttribute: () => content } : null) });
  assert.equal(gh.isOrganization(doc('organization:9919')), true);
  assert.equal(gh.isOrganization(doc('user:583231')), false);
  assert.equal(gh.isOrganization(doc(null)), false);
});

test('GitLab: none of its reserved top-level routes is a profile', () => {
  const gl = adapters.list.find((a) => a.id === 'gitlab');
  assert.ok(gl.TOP_LEVEL_ROUTES.size >= 56, String(gl.TOP_LEVEL_ROUTES.size));
  const badged = [...gl.TOP_LEVEL_ROUTES].filter((r) => adapters.parse(`https://gitlab.com/${r}`));
  assert.deepEqual(badged, []);
  assert.deepEqual(adapters.parse('https://gitlab.com/users/jdoe/activity'), { network: 'gitlab', handle: 'jdoe' });
});

// bluesky-social/social-app src/routes.ts: the routes under /profile/:name.
const BLUESKY_ROUTES = {
  '/profile/:name': true, '/profile/:name/followers': true, '/profile/:name/follows': true,
  '/profile/:name/known-followers': true, '/profile/:name/rss': false, '/profile/:name/search': false,
  '/profile/:name/lists/:rkey': false, '/profile/:name/post/:rkey': false,
  '/profile/:name/post/:rkey/liked-by': false, '/profile/:name/post/:rkey/reposted-by': false,
  '/profile/:name/post/:rkey/quotes': false, '/profile/:name/feed/:rkey': false,
  '/profile/:name/feed/:rkey/liked-by': false, '/profile/:name/labeler/liked-by': false,
  // In-page tabs without a route of their own: not the person's page.
  '/profile/:name/replies': false, '/profile/:name/media': false, '/profile/:name/likes': false,
  '/profile/:name/feeds': false, '/profile/:name/lists': false,
  '/search': false, '/feeds': false, '/notifications': false, '/settings': false, '/lists': false,
};

test('Bluesky: only the person\'s own pages among the app\'s routes', () => {
  for (const [route, isPerson] of Object.entries(BLUESKY_ROUTES)) {
    const url = 'https://bsky.app' + route.replace(':name', 'alice.bsky.social').replace(':rkey', '3kabc');
    assert.equal(adapters.parse(url) !== null, isPerson, url);
  }
});

// mastodon/mastodon config/routes.rb (web UI routes under /@:username).
const MASTODON_ROUTES = {
  '/@alice': true, '/@alice/with_replies': true, '/@alice/media': true, '/@alice/tagged/rust': true,
  '/@alice/followers': true, '/@alice/following': true, '/@alice/featured': true,
  '/@alice@remote.example': true, '/@alice/109876543210': false, '/@alice.rss': false,
  '/@alice.json': false, '/@alice/tagged': false, '/@alice/109876543210/embed': false,
  '/explore': false, '/public/local': false, '/tags/rust': false, '/about': false,
};

test('Mastodon: the person\'s pages, not feeds or posts', () => {
  for (const [route, isPerson] of Object.entries(MASTODON_ROUTES)) {
    const url = 'https://mastodon.social' + route;
    assert.equal(adapters.parse(url) !== null, isPerson, url);
  }
});
