// Per-page look-up budget: a page (tab) may ask about at most `perMinute` distinct accounts in
// any rolling minute; asking again about an account it already asked about is free. Link badges
// are asked on intent, so a person browsing never meets the limit; a hostile page that fakes
// intent does, and stops there.
(function (root) {
  'use strict';
  const Candor = root.Candor || (root.Candor = {});
  const WINDOW_MS = 60 * 1000;

  function createPageLimiter(opts) {
    const perMinute = opts.perMinute;
    const now = opts.now || Date.now;
    const pages = new Map(); // page key -> Map(account -> first asked at)

    /** null when admitted, else seconds until the page may ask about a new account. */
    function admit(page, account) {
      const t = now();
      let seen = pages.get(page);
      if (!seen) pages.set(page, (seen = new Map()));
      for (const [acc, at] of seen) if (t - at >= WINDOW_MS) seen.delete(acc);
      if (seen.has(account)) return null;
      if (seen.size >= perMinute) {
        const oldest = Math.min(...seen.values());
        return Math.max(1, Math.ceil((oldest + WINDOW_MS - t) / 1000));
      }
      seen.set(account, t);
      return null;
    }

    return { admit, forget: (page) => pages.delete(page) };
  }

  Candor.createPageLimiter = createPageLimiter;
  if (typeof module === 'object' && module.exports) module.exports = { createPageLimiter };
})(globalThis);
