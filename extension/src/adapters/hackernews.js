// news.ycombinator.com/user?id=<name> (also submitted/threads/favorites of that user).
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const USER_PAGES = new Set(['/user', '/submitted', '/threads', '/favorites']);

  adapters.register({
    id: 'hackernews',
    label: 'Hacker News',
    hosts: ['news.ycombinator.com'],
    parse(u) {
      if (!USER_PAGES.has(u.pathname)) return null;
      const id = u.searchParams.get('id');
      const handle = id && protocol.validateHandle('hackernews', id);
      return handle ? { network: 'hackernews', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('a.hnuser, #hnmain table table tr td:nth-child(2)');
    },
    linkSelector: 'a.hnuser',
  });
})(globalThis);
