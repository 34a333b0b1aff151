// <instance>/@user (local account) and <instance>/@user@other.host (remote account view).
// Mastodon's web routes (config/routes.rb): /@:username, /@:username/with_replies, /media,
// /tagged/:tag, /followers, /following, /featured are the person's page; /@:username/:status_id
// is a post, and /@:username.rss (.json, .atom) is a feed, not a page.
// Instances: the three defaults plus the ones the user added (and granted) in the options.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const TABS = new Set(['with_replies', 'media', 'following', 'followers', 'featured']);

  adapters.register({
    id: 'mastodon',
    label: 'Mastodon',
    matchHost(host, opts) {
      const extra = (opts && opts.mastodonHosts) || [];
      return protocol.DEFAULT_MASTODON_HOSTS.includes(host) || extra.includes(host);
    },
    parse(u) {
      const seg = adapters.segments(u);
      if (seg.length < 1 || seg.length > 3 || !seg[0].startsWith('@')) return null;
      if (seg.length === 2 && !TABS.has(seg[1])) return null; // /@user/<status id>
      if (seg.length === 3 && (seg[1] !== 'tagged' || !seg[2])) return null;
      const parts = seg[0].slice(1).split('@');
      if (parts.length > 2) return null;
      if (parts.length === 1 && /\.(?:rss|json|atom|xml)$/i.test(parts[0])) return null; // a feed
      const instance = parts[1] || adapters.siteHost(u);
      const handle = protocol.validateHandle('mastodon', `${parts[0]}@${instance}`);
      return handle ? { network: 'mastodon', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('.account__header__tabs__name h1, .account__header h1');
    },
    linkSelector: 'a.status__display-name, a.account__display-name, a.mention, a.detailed-status__display-name',
  });
})(globalThis);
