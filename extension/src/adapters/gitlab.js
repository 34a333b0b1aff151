// gitlab.com/<user> (profile). Groups share the namespace; the service answers not_found for them.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const RESERVED = new Set(('- admin api dashboard explore groups help invites jwt login oauth ' +
    'profile projects public search sitemap snippets users user s assets uploads abuse_reports ' +
    'import unsubscribes v2 ci favicon.ico robots.txt').split(' '));

  adapters.register({
    id: 'gitlab',
    label: 'GitLab',
    hosts: ['gitlab.com'],
    parse(u) {
      let seg = adapters.segments(u);
      // /users/<name> and /users/<name>/activity are profile pages too.
      if (seg.length >= 2 && seg[0] === 'users' && ['activity', 'groups', 'projects',
        'snippets', 'starred', 'contributed', undefined].includes(seg[2])) seg = [seg[1]];
      if (seg.length !== 1 || RESERVED.has(seg[0].toLowerCase())) return null;
      const handle = protocol.validateHandle('gitlab', seg[0]);
      return handle ? { network: 'gitlab', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('.user-profile-header h1, .cover-title, [data-testid="user-profile-header"] h1');
    },
    linkSelector: 'a.gfm-project_member, a.author-link, a.js-user-link, a[data-user]',
  });
})(globalThis);
