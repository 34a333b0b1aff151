// What a card says, built with createElement/textContent only: badge JSON and page text are
// untrusted. The limits text is the extension's own; the service's per-report limits are listed
// below it, never instead of it.
(function (root) {
  'use strict';
  const Candor = root.Candor || (root.Candor = {});

  const NETWORK_LABELS = { github: 'GitHub', gitlab: 'GitLab', stackoverflow: 'Stack Overflow',
    mastodon: 'Mastodon', bluesky: 'Bluesky', hackernews: 'Hacker News', devto: 'dev.to',
    orcid: 'ORCID / OpenAlex', youtube: 'YouTube', x: 'X', linkedin: 'LinkedIn' };

  // Shown in every card, whatever the service says: the score's limits are not optional.
  const NOT_MEASURED = 'Public activity only. It does not measure quality of work, operational ' +
    'skill, ability to adapt, collaboration, private or employer work, offline community work, ' +
    'or people who choose not to be public.';
  const LINKEDIN_NOTE = 'LinkedIn offers no public data: Candor reads nothing from this page.';
  const ORG_TEXT = 'Organisations are not scored: Candor scores people, and this account is an organisation.';
  const RETRYABLE = new Set(['network', 'timeout', 'server', 'rate_limited', 'page_limit', 'bad_response', 'internal', 'http']);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else node.setAttribute(k, String(v));
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  /** The service marks GitHub organisations with the "organization" flag (the badge's
   * `flags`; older services only in a "flagged" caveat). */
  function flaggedOrganization(badge) {
    if (badge && Array.isArray(badge.flags) && badge.flags.includes('organization')) return true;
    const caveats = badge && Array.isArray(badge.caveats) ? badge.caveats : [];
    return caveats.some((c) => c && c.code === 'flagged' && typeof c.text === 'string' && /\borganization\b/.test(c.text));
  }

  function statusOf(result) {
    if (!result) return 'loading';
    if (!result.ok) return 'error';
    if (flaggedOrganization(result.badge)) return 'organization';
    return String(result.badge.status || 'error');
  }

  function errorText(e) {
    const wait = e.retryAfter ? ` You can try again in ${e.retryAfter} seconds.` : '';
    switch (e.kind) {
      case 'unauthorized': return 'The Candor service did not accept the API key. Check the key in the extension options.';
      case 'not_found': return 'The Candor service knows no such profile.';
      case 'rate_limited': return 'The Candor service is busy with too many look-ups right now.' + wait;
      case 'page_limit': return 'This page asked for many look-ups in a short time, so Candor paused them.' + wait;
      case 'server': return 'The Candor service had a problem and could not answer.' + wait;
      case 'timeout': return 'The Candor service took too long to answer.';
      case 'network': return 'Could not reach the Candor service. Check that it is running at the address in the extension options.';
      case 'invalid': return 'This is not a valid account name for this network.';
      case 'bad_response': return 'The Candor service sent an answer this extension does not understand.';
      default: return 'Something went wrong in the extension.';
    }
  }

  function statusText(result, account) {
    const s = statusOf(result);
    const linkedin = account && account.startsWith('linkedin:');
    switch (s) {
      case 'loading': return 'Looking up…';
      case 'pending': return 'Being computed. It will appear here in a moment.';
      case 'organization': return ORG_TEXT;
      case 'insufficient_data': return 'Not enough public data for a score. That says nothing about the person: no number is shown.';
      case 'opted_out': return 'This person opted out of Candor.';
      case 'not_found': return 'No public profile was found for this account.';
      case 'not_claimed': return linkedin
        ? `${LINKEDIN_NOTE} No one has claimed a Candor profile that declares this LinkedIn URL.`
        : 'Not claimed.';
      case 'scored': return '';
      case 'error': return errorText(result.error);
      default: return 'Unknown status.';
    }
  }

  /** Short badge label and its accessible name. */
  function badgeLabel(result) {
    const s = statusOf(result);
    const b = result && result.ok ? result.badge : null;
    const short = { loading: '…', pending: 'pending', insufficient_data: 'insufficient data',
      opted_out: 'opted out', not_found: 'not found', not_claimed: 'not claimed', error: 'error',
      organization: 'organisation' };
    const value = s === 'scored' && b && Number.isFinite(b.score) ? String(b.score) : (short[s] || 'error');
    // The accessible name starts with the visible text (WCAG 2.5.3).
    return { text: `Candor ${value}`, state: s, aria: `Candor ${value}: show score details` };
  }

  function formatDate(iso) {
    const t = Date.parse(iso);
    if (!Number.isFinite(t)) return null;
    return new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }

  function pct(x) {
    return Number.isFinite(x) ? Math.round(Math.min(Math.max(x, 0), 1) * 100) : null;
  }

  function announcement(result, account) {
    const s = statusOf(result);
    if (s === 'loading') return '';
    const label = badgeLabel(result);
    return s === 'scored' ? `Candor score for ${account}: ${label.text.slice(7)}.` : `Candor, ${account}: ${statusText(result, account)}`;
  }

  function networkRows(b) {
    const nets = Array.isArray(b.networks) ? b.networks.filter((n) => n && typeof n === 'object') : [];
    // Bars show each network's share of the total contribution, whatever scale the service uses.
    const total = nets.reduce((sum, n) => sum + (Number.isFinite(n.contribution) && n.contribution > 0 ? n.contribution : 0), 0);
    if (!nets.length) return null;
    const list = el('ul', { class: 'nets' });
    for (const n of nets.slice(0, 12)) {
      const share = total > 0 && Number.isFinite(n.contribution) ? Math.round((Math.max(n.contribution, 0) / total) * 100) : null;
      const fill = el('div', { class: 'fill' });
      fill.style.width = `${share || 0}%`;
      const label = NETWORK_LABELS[n.network] || String(n.network || '?');
      list.append(el('li', { class: 'net', 'data-network': String(n.network || '') }, el('span', { text: label }),
        el('div', { class: 'bar', role: 'img', 'aria-label': `${label}: ${share === null ? 'unknown' : share + ' %'} of the score` }, fill),
        el('span', { text: share === null ? '–' : `${share} %` })));
    }
    return el('div', { class: 'section' }, el('h2', { text: 'Where the score comes from' }), list);
  }

  /** Fill `card` (emptied first) for one account's result. hooks: {openOptions, retry}. */
  function fillCard(card, result, account, hooks) {
    card.replaceChildren();
    const s = statusOf(result);
    const b = result && result.ok ? result.badge : {};
    const subject = typeof b.subject === 'string' ? b.subject : account;
    card.append(el('div', { class: 'small', text: 'Candor professional-influence score' }));
    const head = el('div', { class: 'head' }, el('span', { class: 'subject', text: subject || '' }));
    if (s === 'scored' && Number.isFinite(b.score)) {
      head.prepend(el('span', { class: 'score', 'data-field': 'score', text: String(b.score) }));
      if (b.band && Number.isFinite(b.band.low) && Number.isFinite(b.band.high)) {
        head.append(el('span', { class: 'band', text: `likely range ${b.band.low}–${b.band.high}` }));
      }
    }
    card.append(head);
    const st = statusText(result, account);
    if (st) card.append(el('p', { class: 'status', 'data-field': 'status', text: st }));
    if (s === 'error' && RETRYABLE.has(result.error.kind) && hooks && hooks.retry) {
      const btn = el('button', { class: 'action', type: 'button', 'data-action': 'retry', text: 'Retry' });
      btn.addEventListener('click', () => hooks.retry(account));
      card.append(btn);
    }
    if (s === 'error' && result.error.kind === 'unauthorized' && hooks && hooks.openOptions) {
      const btn = el('button', { class: 'action', type: 'button', text: 'Open the extension options' });
      btn.addEventListener('click', hooks.openOptions);
      card.append(btn);
    }
    if (account && account.startsWith('linkedin:') && s !== 'not_claimed') {
      card.append(el('p', { class: 'small', text: s === 'scored'
        ? `${LINKEDIN_NOTE} This score comes from the public accounts of the person who claimed this LinkedIn URL.`
        : LINKEDIN_NOTE }));
    }

    // "What this doesn't measure": always, near the top so it is in view without scrolling.
    card.append(el('div', { class: 'section limits', 'data-field': 'limits' },
      el('h2', { text: 'What this doesn’t measure' }), el('p', { 'data-field': 'caveat', text: NOT_MEASURED })));

    if (s === 'scored') {
      const meta = [];
      if (Number.isFinite(b.confidence)) meta.push(`Confidence ${pct(b.confidence)} %`);
      if (typeof b.role === 'string') meta.push(`Role: ${b.role}`);
      if (meta.length) card.append(el('p', { class: 'meta', 'data-field': 'meta', text: meta.join(' · ') }));
      const rows = networkRows(b);
      if (rows) card.append(rows);
      const topics = Array.isArray(b.topics) ? b.topics.filter((t) => typeof t === 'string').slice(0, 5) : [];
      if (topics.length) card.append(el('p', { class: 'section', 'data-field': 'topics', text: `Top topics: ${topics.join(', ')}` }));
    }
    const when = formatDate(b.computed_at);
    if (when) {
      let text = `Computed ${when}`;
      if (Number.isFinite(b.stale) && b.stale > 0) text += ` (cached copy, ${Math.round(b.stale / 3600)} h old: the networks could not be reached)`;
      card.append(el('p', { class: 'meta', 'data-field': 'computed', text }));
    }
    const caveats = Array.isArray(b.caveats) ? b.caveats.filter((c) => c && typeof c.text === 'string').slice(0, 12) : [];
    if (caveats.length) card.append(el('div', { class: 'section' }, el('h2', { text: 'Limits of this report' }),
      el('ul', { class: 'small' }, ...caveats.map((c) => el('li', { text: c.text })))));
    // The background keeps report_url only when it points at the configured service.
    if (typeof b.report_url === 'string' && /^https?:\/\//.test(b.report_url)) {
      card.append(el('p', { class: 'section' }, el('a', { href: b.report_url, target: '_blank', rel: 'noopener noreferrer', text: 'Full report' })));
    }
  }

  Candor.render = { el, fillCard, badgeLabel, statusOf, statusText, announcement, flaggedOrganization, NOT_MEASURED, ORG_TEXT };
})(globalThis);
