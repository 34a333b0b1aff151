// github.com/<user> (profile). Reserved paths come from npm github-reserved-names, vendored at
// build time (src/vendor/github-reserved-names.js); the rule is the one github-url-detection's
// isProfile uses (one path segment, no dot, not reserved), and its published test URLs are run
// against this parser (test/detection-corpus.test.js). Organisations share the namespace: the
// page says so (hovercard-subject-tag meta, as github-url-detection's isOrganizationProfile
// reads it), and so does the service ("organization" flag).
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const reserved = new Set(root.Candor.githubReservedNames || []);
  const TABS = new Set(['repositories', 'projects', 'packages', 'stars', 'sponsoring', 'followers',
    'following', 'overview', 'achievements', '']);

  adapters.register({
    id: 'github',
    label: 'GitHub',
    hosts: ['github.com'],
    parse(u) {
      if (u.host.toLowerCase() === 'gist.github.com') return null;
      const seg = adapters.segments(u);
      if (seg.length !== 1 || seg[0].includes('.') || reserved.has(seg[0].toLowerCase())) return null;
      const tab = u.searchParams.get('tab');
      if (tab !== null && !TABS.has(tab)) return null;
      const handle = protocol.validateHandle('github', seg[0]);
      return handle ? { network: 'github', handle } : null;
    },
    /** The page shows an organisation (not a person). */
    isOrganization(doc) {
      const meta = doc.querySelector('meta[name="hovercard-subject-tag"]');
      return Boolean(meta && /^organization:/.test(meta.getAttribute('content') || ''));
    },
    /** A link GitHub itself marks as an organisation's (its hovercard type). */
    linkIsOrganization(a) {
      return a.getAttribute('data-hovercard-type') === 'organization';
    },
    // The badge goes after the <h1>, never inside it (the heading's accessible name stays the
    // person's name).
    findAnchor(doc) {
      return doc.querySelector('h1.vcard-names, .vcard-names, [itemprop="name"]');
    },
    // @mentions, issue/PR authors, hovercard-enabled user links.
    linkSelector: 'a.user-mention, a.author, a[data-hovercard-type="user"], a[data-hovercard-type="organization"]',
  });
})(globalThis);
