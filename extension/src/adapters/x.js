// x.com/<user> and twitter.com/<user>; home, explore, i/..., settings etc. are not profiles.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const RESERVED = new Set(('about account compose download explore hashtag home i intent ' +
    'jobs login logout messages notifications privacy search settings share signup tos ' +
    'bookmarks lists communities premium_sign_up verified-choose who_to_follow ' +
    'topics places oauth rules').split(' '));
  const TABS = new Set(['with_replies', 'media', 'likes', 'highlights', 'articles',
    'followers', 'following', 'verified_followers']);

  adapters.register({
    id: 'x',
    label: 'X',
    hosts: ['x.com', 'twitter.com'],
    parse(u) {
      const seg = adapters.segments(u);
      if (seg.length < 1 || seg.length > 2 || RESERVED.has(seg[0].toLowerCase())) return null;
      if (seg.length === 2 && !TABS.has(seg[1])) return null;
      const handle = protocol.validateHandle('x', seg[0]);
      return handle ? { network: 'x', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('[data-testid="UserName"] span, [data-testid="UserName"]');
    },
    linkSelector: '[data-testid="User-Name"] a[href^="/"], a[role="link"][href^="/"]',
  });
})(globalThis);
