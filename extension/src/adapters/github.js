// github.com/<user> (profile); repos, settings, orgs and other reserved paths are not profiles.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  // Top-level paths GitHub reserves (subset of github-reserved-names that matter in practice).
  const RESERVED = new Set(('about account admin api apps archive blog business codespaces ' +
    'collections contact copilot customer-stories dashboard enterprise events explore features ' +
    'gist gists github-copilot home issues join login logout marketplace mobile new notifications ' +
    'orgs organizations pricing pulls readme search security sessions settings signup site ' +
    'sponsors stars team teams topics trending users watching wiki premium-support resources ' +
    'solutions sitemap status stories nonprofit education readme codes-of-conduct').split(' '));
  const TABS = new Set(['repositories', 'projects', 'packages', 'stars', 'sponsoring', 'followers',
    'following', 'overview', 'achievements', '']);

  adapters.register({
    id: 'github',
    label: 'GitHub',
    hosts: ['github.com'],
    parse(u) {
      const seg = adapters.segments(u);
      if (seg.length !== 1 || RESERVED.has(seg[0].toLowerCase())) return null;
      const tab = u.searchParams.get('tab');
      if (tab !== null && !TABS.has(tab)) return null;
      const handle = protocol.validateHandle('github', seg[0]);
      return handle ? { network: 'github', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('.vcard-names .p-name, h1.vcard-names, [itemprop="name"]');
    },
    // @mentions, issue/PR authors, hovercard-enabled user links.
    linkSelector: 'a.user-mention, a.author, a[data-hovercard-type="user"]',
  });
})(globalThis);
