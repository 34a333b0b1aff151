// bsky.app/profile/<handle or did>.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const TABS = new Set(['replies', 'media', 'likes', 'feeds', 'lists', 'starter-packs', 'videos']);

  adapters.register({
    id: 'bluesky',
    label: 'Bluesky',
    hosts: ['bsky.app'],
    parse(u) {
      const seg = adapters.segments(u);
      if (seg[0] !== 'profile' || seg.length < 2 || seg.length > 3) return null;
      if (seg.length === 3 && !TABS.has(seg[2])) return null;
      const handle = protocol.validateHandle('bluesky', seg[1]);
      return handle ? { network: 'bluesky', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('[data-testid="profileHeaderDisplayName"], main h1');
    },
    linkSelector: 'a[href^="/profile/"], a[href^="https://bsky.app/profile/"]',
  });
})(globalThis);
