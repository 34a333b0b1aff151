// Badge and hover card, built with createElement/textContent only: badge JSON and page text are
// untrusted. Everything lives in open shadow roots so page CSS cannot restyle it.
(function (root) {
  'use strict';
  const Candor = root.Candor || (root.Candor = {});

  const NETWORK_LABELS = { github: 'GitHub', gitlab: 'GitLab', stackoverflow: 'Stack Overflow',
    mastodon: 'Mastodon', bluesky: 'Bluesky', hackernews: 'Hacker News', devto: 'dev.to',
    orcid: 'ORCID / OpenAlex', youtube: 'YouTube', x: 'X', linkedin: 'LinkedIn' };

  // Shown in every card, whatever the service says: the score's limits are not optional.
  const NOT_MEASURED = 'Quality of work, operational skill, ability to adapt, collaboration, ' +
    'private or employer work, offline community work, and people who choose not to be public.';
  const LINKEDIN_NOTE = 'LinkedIn offers no public data: Candor reads nothing from this page.';

  const STYLE = `
:host { all: initial; }
.wrap { display: inline-block; vertical-align: middle; margin: 0 0.4em; font: 14px/1.4 system-ui, sans-serif; }
:host(.corner) .wrap { position: fixed; right: 16px; bottom: 16px; z-index: 2147483646; margin: 0; }
.badge { font: inherit; font-weight: 600; cursor: pointer; border-radius: 1em; padding: 0.15em 0.7em;
  border: 1px solid #6b7280; background: #f3f4f6; color: #111827; }
.badge:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.badge[data-state="scored"] { background: #1e3a8a; color: #fff; border-color: #1e3a8a; }
.badge[data-state="error"] { background: #fef2f2; color: #991b1b; border-color: #991b1b; }
.card { position: fixed; z-index: 2147483647; box-sizing: border-box; width: max-content;
  max-width: min(26em, calc(100vw - 16px)); max-height: calc(100vh - 16px); overflow: auto;
  padding: 0.9em 1em; border-radius: 0.6em; border: 1px solid #d1d5db; background: #fff; color: #111827;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); font: 14px/1.45 system-ui, sans-serif; text-align: left;
  white-space: normal; overflow-wrap: anywhere; }
.card[hidden] { display: none; }
.head { display: flex; gap: 0.8em; align-items: baseline; flex-wrap: wrap; }
.score { font-size: 2em; font-weight: 700; }
.band, .meta, .small { color: #4b5563; }
.subject { font-weight: 600; }
.status { font-weight: 600; margin: 0.3em 0; }
.section { margin-top: 0.7em; }
.section h3 { font-size: 1em; margin: 0 0 0.3em; }
ul { margin: 0; padding-left: 1.2em; }
.nets { list-style: none; padding: 0; }
.net { display: grid; grid-template-columns: 8.5em 1fr 3.2em; gap: 0.5em; align-items: center; }
.bar { height: 0.6em; border-radius: 0.3em; background: #e5e7eb; overflow: hidden; }
.fill { height: 100%; background: #2563eb; }
.limits { border-left: 3px solid #d97706; padding-left: 0.6em; }
a { color: #1d4ed8; }
a:focus-visible, button.link:focus-visible { outline: 3px solid #2563eb; }
button.link { font: inherit; background: none; border: 0; padding: 0; color: #1d4ed8; text-decoration: underline; cursor: pointer; }
@media (prefers-color-scheme: dark) {
  .badge { background: #1f2937; color: #f9fafb; border-color: #9ca3af; }
  .badge[data-state="scored"] { background: #93c5fd; color: #0b1220; border-color: #93c5fd; }
  .badge[data-state="error"] { background: #450a0a; color: #fecaca; border-color: #fca5a5; }
  .card { background: #111827; color: #f9fafb; border-color: #374151; }
  .band, .meta, .small { color: #d1d5db; }
  .bar { background: #374151; } .fill { background: #60a5fa; }
  a, button.link { color: #93c5fd; }
}`;

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

  function statusOf(result) {
    if (!result) return 'loading';
    if (!result.ok) return 'error';
    return String(result.badge.status || 'error');
  }

  function errorText(e) {
    const wait = e.retryAfter ? ` Try again in ${e.retryAfter} seconds.` : ' Try again later.';
    switch (e.kind) {
      case 'unauthorized': return 'The Candor service rejected the API key. Check the key in the extension options.';
      case 'not_found': return 'The Candor service knows no such profile.';
      case 'rate_limited': return 'Too many look-ups right now.' + wait;
      case 'server': return `The Candor service had a problem${e.status ? ` (HTTP ${e.status})` : ''}.` + wait;
      case 'timeout': return 'The Candor service did not answer in time.' + wait;
      case 'network': return 'Could not reach the Candor service. Is it running at the address set in the options?';
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
      opted_out: 'opted out', not_found: 'not found', not_claimed: 'not claimed', error: 'error' };
    const value = s === 'scored' && b && Number.isFinite(b.score) ? String(b.score) : (short[s] || 'error');
    return { text: `Candor ${value}`, state: s === 'scored' ? 'scored' : s, aria: `Candor score: ${value}. Show details.` };
  }

  function safeHttpUrl(text) {
    try {
      const u = new URL(String(text));
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch (_e) {
      return null;
    }
  }

  function formatDate(iso) {
    const t = Date.parse(iso);
    if (!Number.isFinite(t)) return null;
    return new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }

  function pct(x) {
    return Number.isFinite(x) ? Math.round(Math.min(Math.max(x, 0), 1) * 100) : null;
  }

  /** Fill `card` (emptied first) for one account's result. */
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
    if (s === 'error' && result.error.message) card.append(el('p', { class: 'small', text: `Service said: ${result.error.message}` }));
    if (s === 'error' && result.error.kind === 'unauthorized' && hooks && hooks.openOptions) {
      const btn = el('button', { class: 'link', type: 'button', text: 'Open the extension options' });
      btn.addEventListener('click', hooks.openOptions);
      card.append(btn);
    }
    if (account && account.startsWith('linkedin:') && s !== 'not_claimed') {
      card.append(el('p', { class: 'small', text: s === 'scored'
        ? `${LINKEDIN_NOTE} This score comes from the public accounts of the person who claimed this LinkedIn URL.`
        : LINKEDIN_NOTE }));
    }

    // "What this doesn't measure": always rendered, near the top so it is in view without
    // scrolling or clicking; the full caveat list follows further down.
    const limits = el('div', { class: 'section limits', 'data-field': 'limits' }, el('h3', { text: 'What this doesn’t measure' }));
    limits.append(el('p', { text: typeof b.caveat_summary === 'string' && b.caveat_summary ? b.caveat_summary : NOT_MEASURED }));
    card.append(limits);
    const caveats = Array.isArray(b.caveats) ? b.caveats.filter((c) => c && typeof c.text === 'string').slice(0, 12) : [];

    const meta = [];
    if (Number.isFinite(b.confidence)) meta.push(`Confidence ${pct(b.confidence)} %`);
    if (typeof b.role === 'string') meta.push(`Role: ${b.role}`);
    if (meta.length) card.append(el('p', { class: 'meta', 'data-field': 'meta', text: meta.join(' · ') }));

    // Bars show each network's share of the total contribution, whatever scale the service uses.
    const nets = Array.isArray(b.networks) ? b.networks.filter((n) => n && typeof n === 'object') : [];
    const total = nets.reduce((sum, n) => sum + (Number.isFinite(n.contribution) && n.contribution > 0 ? n.contribution : 0), 0);
    if (nets.length) {
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
      card.append(el('div', { class: 'section' }, el('h3', { text: 'Where the score comes from' }), list));
    }
    const topics = Array.isArray(b.topics) ? b.topics.filter((t) => typeof t === 'string').slice(0, 5) : [];
    if (topics.length) card.append(el('p', { class: 'section', 'data-field': 'topics', text: `Top topics: ${topics.join(', ')}` }));
    const when = formatDate(b.computed_at);
    if (when) {
      let text = `Computed ${when}`;
      if (Number.isFinite(b.stale) && b.stale > 0) text += ` (cached copy, ${Math.round(b.stale / 3600)} h old: the networks could not be reached)`;
      card.append(el('p', { class: 'meta', 'data-field': 'computed', text }));
    }

    if (caveats.length) card.append(el('div', { class: 'section' }, el('h3', { text: 'Limits of this report' }),
      el('ul', { class: 'small' }, ...caveats.map((c) => el('li', { text: c.text })))));

    const report = safeHttpUrl(b.report_url);
    if (report) card.append(el('p', { class: 'section' }, el('a', { href: report, target: '_blank', rel: 'noopener noreferrer', text: 'Full report' })));
  }

  /** Position a fixed card next to an anchor rectangle, inside the viewport, never covering
   *  the anchor (the card scrolls instead), so the pointer can move from badge to card. */
  function place(card, rect) {
    card.style.left = '0px';
    card.style.top = '0px';
    card.style.maxHeight = '';
    const vw = document.documentElement.clientWidth || window.innerWidth;
    const vh = window.innerHeight;
    const below = vh - rect.bottom - 14;
    const above = rect.top - 14;
    const natural = card.offsetHeight;
    const useBelow = natural <= below || below >= above;
    card.style.maxHeight = `${Math.max(Math.floor(useBelow ? below : above), 80)}px`;
    const h = card.offsetHeight;
    const w = card.offsetWidth;
    const top = useBelow ? rect.bottom + 6 : rect.top - h - 6;
    const left = Math.min(Math.max(8, rect.left), Math.max(8, vw - w - 8));
    card.style.left = `${Math.round(left)}px`;
    card.style.top = `${Math.round(Math.max(0, top))}px`;
  }

  /** Hover/focus behaviour shared by the profile badge and the link card. */
  function hoverable(trigger, zone, card, onOpen, onClose) {
    let timer = null;
    const open = () => {
      clearTimeout(timer);
      onOpen();
      card.hidden = false;
      place(card, trigger().getBoundingClientRect());
    };
    const close = () => {
      clearTimeout(timer);
      card.hidden = true;
      if (onClose) onClose();
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(close, 250);
    };
    zone.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close();
    });
    return { open, close, later, cancel: () => clearTimeout(timer) };
  }

  /** The profile badge: a host element with its own shadow root, badge button and card. */
  function createBadge(account, hooks) {
    const host = document.createElement('span');
    host.id = 'candor-root';
    host.dataset.candorAccount = account;
    host.dataset.candorState = 'loading';
    const shadow = host.attachShadow({ mode: 'open' });
    const style = el('style', { text: STYLE });
    const wrap = el('span', { class: 'wrap' });
    const btn = el('button', { class: 'badge', type: 'button', 'aria-describedby': 'card', 'aria-expanded': 'false' });
    const card = el('div', { class: 'card', id: 'card', role: 'tooltip', hidden: 'hidden' });
    wrap.append(btn, card);
    shadow.append(style, wrap);
    let current = null;
    const hv = hoverable(() => btn, wrap, card, () => btn.setAttribute('aria-expanded', 'true'),
      () => btn.setAttribute('aria-expanded', 'false'));
    wrap.addEventListener('mouseenter', hv.open);
    wrap.addEventListener('mouseleave', hv.later);
    wrap.addEventListener('focusin', hv.open);
    wrap.addEventListener('focusout', (e) => { if (!wrap.contains(e.relatedTarget)) hv.later(); });
    btn.addEventListener('click', () => (card.hidden ? hv.open() : hv.close()));
    function update(result) {
      current = result;
      const label = badgeLabel(result);
      btn.textContent = label.text;
      btn.dataset.state = label.state === 'scored' || label.state === 'error' ? label.state : 'other';
      btn.setAttribute('aria-label', label.aria);
      host.dataset.candorState = statusOf(result);
      fillCard(card, current, account, hooks);
      if (!card.hidden) place(card, btn.getBoundingClientRect());
    }
    update(null);
    return { host, update, setCorner: (on) => host.classList.toggle('corner', on) };
  }

  /** One floating card for links elsewhere on the page (mentions, comment authors, timelines). */
  function createLinkCard(hooks) {
    const host = document.createElement('span');
    host.id = 'candor-link-card';
    const shadow = host.attachShadow({ mode: 'open' });
    const card = el('div', { class: 'card', role: 'tooltip', hidden: 'hidden' });
    shadow.append(el('style', { text: STYLE }), card);
    let anchor = null;
    const hv = hoverable(() => anchor, card, card, () => {}, () => delete host.dataset.candorOpen);
    card.addEventListener('mouseenter', hv.cancel);
    card.addEventListener('mouseleave', hv.later);
    return {
      host,
      show(link, account, result) {
        anchor = link;
        host.dataset.candorOpen = account;
        host.dataset.candorState = statusOf(result);
        fillCard(card, result, account, hooks);
        hv.open();
      },
      update(account, result) {
        if (host.dataset.candorOpen === account && !card.hidden) this.show(anchor, account, result);
      },
      hideSoon: hv.later,
      hide: hv.close,
      isOpen: () => !card.hidden,
    };
  }

  Candor.ui = { createBadge, createLinkCard, fillCard, badgeLabel, statusText, NOT_MEASURED };
})(globalThis);
