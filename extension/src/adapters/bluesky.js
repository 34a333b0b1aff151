// bsky.app/profile/<handle or did>. The route list is the app's own (bluesky-social/social-app,
// src/routes.ts): Profile '/profile/:name', ProfileFollowers '/followers', ProfileFollows
// '/follows', ProfileKnownFollowers '/known-followers' are pages about the person. The profile's
// tabs (replies, media, likes, feeds, lists) have no URL of their own; '/profile/:name/rss' is a
// feed, and posts, lists and feeds (/post/…, /lists/…, /feed/…) are not the person's page.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const PERSON_PAGES = new Set(['followers', 'follows', 'known-followers']);

  adapters.register({
    id: 'bluesky',
    label: 'Bluesky',
    hosts: ['bsky.app'],
    parse(u) {
      const seg = adapters.segments(u);
      if (seg[0] !== 'profile' || seg.length < 2 || seg.length > 3) return null;
      if (seg.length === 3 && !PERSON_PAGES.has(seg[2])) return null;
      const handle = protocol.validateHandle('bluesky', seg[1]);
      return handle ? { network: 'bluesky', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('[data-testid="profileHeaderDisplayName"], main h1');
    },
    linkSelector: 'a[href^="/profile/"], a[href^="https://bsky.app/profile/"]',
  });
})(globalThis);
