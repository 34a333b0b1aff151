// dev.to/<user> (profile); tags, search, settings and the like are reserved.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const RESERVED = new Set(('about api code-of-conduct connect contact dashboard enter faq ' +
    'latest listings new notifications pod podcasts privacy readinglist search settings ' +
    'signout_confirm t tags terms top videos sponsors reports mod admin').split(' '));

  adapters.register({
    id: 'devto',
    label: 'dev.to',
    hosts: ['dev.to'],
    parse(u) {
      const seg = adapters.segments(u);
      if (seg.length !== 1 || RESERVED.has(seg[0].toLowerCase())) return null;
      const handle = protocol.validateHandle('devto', seg[0]);
      return handle ? { network: 'devto', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('.profile-header h1, main h1');
    },
    linkSelector: 'a.crayons-story__secondary, a.comment__author, a.profile-preview-card__trigger',
  });
})(globalThis);
