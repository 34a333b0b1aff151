// stackoverflow.com/users/<numeric id>/<optional slug>.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;

  adapters.register({
    id: 'stackoverflow',
    label: 'Stack Overflow',
    hosts: ['stackoverflow.com'],
    parse(u) {
      const seg = adapters.segments(u);
      if (seg[0] !== 'users' || seg.length < 2 || seg.length > 3) return null;
      const handle = protocol.validateHandle('stackoverflow', seg[1]);
      return handle ? { network: 'stackoverflow', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('#mainbar-full .fs-headline2, .profile-user--name, h1');
    },
    linkSelector: '.user-details a[href*="/users/"], a.comment-user, .s-user-card--link a',
  });
})(globalThis);
