// linkedin.com/in/<slug>. LinkedIn offers no public data: only the slug from the URL is used,
// and the service resolves it only through a subject who claimed it. Nothing is read from the page.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;

  adapters.register({
    id: 'linkedin',
    label: 'LinkedIn',
    hosts: ['linkedin.com'],
    parse(u) {
      const seg = adapters.segments(u);
      if (seg[0] !== 'in' || seg.length < 2) return null;
      const handle = protocol.validateHandle('linkedin', seg[1]);
      return handle ? { network: 'linkedin', handle } : null;
    },
    findAnchor() {
      return null; // no DOM reading on LinkedIn: always the fixed corner badge
    },
    linkSelector: null,
  });
})(globalThis);
