// Badge and cards. Each widget lives in a CLOSED shadow root on a host element with no id, class
// or attribute, so page scripts can neither find our nodes by name nor read or rewrite the card.
// Cards are popovers: they render in the top layer, above every stacking context of the page
// (GitHub's sticky name container, the avatar at z-index 4, the Follow button at 200 % zoom).
(function (root) {
  'use strict';
  const Candor = root.Candor || (root.Candor = {});
  const { el, fillCard, badgeLabel, statusOf, announcement } = Candor.render;

  const STYLE = `
:host { all: initial; }
.wrap { display: inline-block; vertical-align: middle; margin: 0.25em 0; font: 14px/1.4 system-ui, sans-serif; }
.wrap.corner { position: fixed; right: 16px; bottom: 16px; z-index: 2147483646; margin: 0; }
.badge { font: inherit; font-weight: 600; cursor: pointer; border-radius: 1em; padding: 0.15em 0.7em;
  border: 1px solid #4b5563; background: #f3f4f6; color: #111827; }
.badge:focus-visible, .action:focus-visible, a:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.badge[data-state="scored"] { background: #1e3a8a; color: #fff; border-color: #1e3a8a; }
.badge[data-state="error"] { background: #fef2f2; color: #991b1b; border-color: #991b1b; }
.card { position: fixed; inset: auto; margin: 0; box-sizing: border-box; width: max-content;
  max-width: min(26em, calc(100vw - 16px)); max-height: calc(100vh - 16px); overflow: auto;
  padding: 0.9em 1em; border-radius: 0.6em; border: 1px solid #d1d5db; background: #fff; color: #111827;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); font: 14px/1.45 system-ui, sans-serif; text-align: left;
  white-space: normal; overflow-wrap: anywhere; z-index: 2147483647; }
.card:not(:popover-open) { display: none; }
.head { display: flex; gap: 0.8em; align-items: baseline; flex-wrap: wrap; }
.score { font-size: 2em; font-weight: 700; }
.band, .meta, .small { color: #4b5563; }
.subject { font-weight: 600; }
.status { font-weight: 600; margin: 0.3em 0; }
.section { margin-top: 0.7em; }
h2 { font-size: 1em; margin: 0 0 0.3em; }
p { margin: 0.3em 0; }
ul { margin: 0; padding-left: 1.2em; }
.nets { list-style: none; padding: 0; }
.net { display: grid; grid-template-columns: 8.5em 1fr 3.2em; gap: 0.5em; align-items: center; }
.bar { height: 0.6em; border-radius: 0.3em; background: #e5e7eb; overflow: hidden; }
.fill { height: 100%; background: #2563eb; }
.limits { border-left: 3px solid #b45309; padding-left: 0.6em; }
a { color: #1d4ed8; }
.action { font: inherit; margin: 0.3em 0.5em 0.3em 0; padding: 0.2em 0.9em; border-radius: 0.4em;
  border: 1px solid #1d4ed8; background: #fff; color: #1d4ed8; cursor: pointer; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.dark .badge { background: #1f2937; color: #f9fafb; border-color: #9ca3af; }
.dark .badge[data-state="scored"] { background: #93c5fd; color: #0b1220; border-color: #93c5fd; }
.dark .badge[data-state="error"] { background: #450a0a; color: #fecaca; border-color: #fca5a5; }
.dark .card { background: #111827; color: #f9fafb; border-color: #4b5563; }
.dark .band, .dark .meta, .dark .small { color: #d1d5db; }
.dark .bar { background: #374151; } .dark .fill { background: #60a5fa; }
.dark a { color: #93c5fd; }
.dark .action { background: #111827; color: #93c5fd; border-color: #93c5fd; }
.dark .limits { border-left-color: #f59e0b; }`;

  const FOCUSABLE = 'a[href], button:not([disabled])';

  /** A bare host with a closed shadow root holding our style; returns [host, shadow]. */
  function makeHost() {
    const host = document.createElement('span');
    const shadow = host.attachShadow({ mode: 'closed' });
    shadow.append(el('style', { text: STYLE }));
    return [host, shadow];
  }

  function openPopover(card) {
    if (!card.matches(':popover-open')) card.showPopover();
  }

  function closePopover(card) {
    if (card.matches(':popover-open')) card.hidePopover();
  }

  /** Place the card next to an anchor rectangle, inside the viewport: below the anchor if it
   *  fits, else above; in a viewport too small for either (200 % zoom, phones) it overlaps the
   *  anchor rather than hiding its top (the limits) off-screen. The card is a descendant of the
   *  hover zone, so covering the badge does not close it. */
  function place(card, rect) {
    card.style.left = '0px';
    card.style.top = '0px';
    const vw = document.documentElement.clientWidth || window.innerWidth;
    const vh = window.innerHeight;
    card.style.maxHeight = `${Math.max(vh - 16, 120)}px`;
    const h = card.offsetHeight;
    const w = card.offsetWidth;
    const below = vh - 8 - (rect.bottom + 6);
    const above = rect.top - 6 - 8;
    // How much of the card must show without scrolling: down to the end of the limits.
    const limits = card.querySelector('[data-field=limits]');
    const need = limits ? limits.offsetTop + limits.offsetHeight + 16 : 160;
    let top;
    if (h <= below) top = rect.bottom + 6;
    else if (h <= above) top = rect.top - 6 - h;
    else if (Math.max(below, above) >= need) {
      const space = Math.max(below, above); // the roomier side; the rest of the card scrolls
      card.style.maxHeight = `${Math.floor(space)}px`;
      top = below >= above ? rect.bottom + 6 : rect.top - 6 - card.offsetHeight;
    } else top = Math.max(8, Math.min(rect.bottom + 6, vh - h - 8));
    const left = Math.min(Math.max(8, rect.left), Math.max(8, vw - w - 8));
    card.style.left = `${Math.round(left)}px`;
    card.style.top = `${Math.round(top)}px`;
  }

  function makeCard(wrap) {
    const card = el('div', { class: 'card', popover: 'manual', role: 'dialog', tabindex: '-1' });
    const live = el('span', { class: 'sr', role: 'status', 'aria-live': 'polite' });
    wrap.append(card, live);
    return { card, live };
  }

  /** The profile badge: a button beside the name and its card. hooks: {openOptions, retry, theme}. */
  function createBadge(account, hooks) {
    const [host, shadow] = makeHost();
    const wrap = el('span', { class: 'wrap' });
    const btn = el('button', { class: 'badge', type: 'button', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-controls': 'c' });
    wrap.append(btn);
    const { card, live } = makeCard(wrap);
    card.id = 'c'; // inside the closed root only
    shadow.append(wrap);
    let current = null;
    let timer = null;
    const isOpen = () => card.matches(':popover-open');
    function open() {
      clearTimeout(timer);
      wrap.classList.toggle('dark', hooks.theme() === 'dark');
      card.setAttribute('aria-label', `Candor score details for ${account}`);
      openPopover(card);
      btn.setAttribute('aria-expanded', 'true');
      place(card, btn.getBoundingClientRect());
    }
    function close() {
      clearTimeout(timer);
      closePopover(card);
      btn.setAttribute('aria-expanded', 'false');
    }
    const later = () => { clearTimeout(timer); timer = setTimeout(close, 250); };
    wrap.addEventListener('mouseenter', open);
    wrap.addEventListener('mouseleave', later);
    let returning = false;
    wrap.addEventListener('focusin', () => { if (!returning) open(); });
    wrap.addEventListener('focusout', (e) => { if (!wrap.contains(e.relatedTarget)) later(); });
    btn.addEventListener('click', () => (isOpen() ? close() : open()));
    wrap.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      const inCard = card.contains(shadow.activeElement); // the page's handler may have closed it
      close();
      if (inCard) { returning = true; btn.focus(); returning = false; } // focus back, card stays shut
    });
    function update(result) {
      const before = statusOf(current);
      current = result;
      const label = badgeLabel(result);
      btn.textContent = label.text;
      btn.dataset.state = label.state === 'scored' || label.state === 'error' ? label.state : 'other';
      btn.setAttribute('aria-label', label.aria);
      btn.dataset.status = statusOf(result); // inside the closed root: for our tests, not pages
      btn.dataset.account = account;
      fillCard(card, current, account, hooks);
      if (before !== statusOf(result)) live.textContent = announcement(result, account);
      if (isOpen()) place(card, btn.getBoundingClientRect());
    }
    update(null);
    return {
      host, update, open, close, isOpen, state: () => statusOf(current),
      setCorner: (on) => wrap.classList.toggle('corner', on),
      isCorner: () => wrap.classList.contains('corner'),
    };
  }

  /** One card for user links elsewhere on the page, on a host attached to <html>.
   *  hooks: {openOptions, retry, theme, leave(direction)}. */
  function createLinkCard(hooks) {
    const [host, shadow] = makeHost();
    const wrap = el('span', { class: 'wrap' });
    const { card, live } = makeCard(wrap);
    shadow.append(wrap);
    let anchor = null;
    let account = null;
    let shownState = null;
    let timer = null;
    const isOpen = () => card.matches(':popover-open');
    const close = () => { clearTimeout(timer); closePopover(card); };
    const later = () => { clearTimeout(timer); timer = setTimeout(close, 300); };
    card.addEventListener('mouseenter', () => clearTimeout(timer));
    card.addEventListener('mouseleave', later);
    card.addEventListener('focusout', (e) => { if (!card.contains(e.relatedTarget) && e.relatedTarget !== anchor) later(); });
    card.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { close(); hooks.leave('dismiss'); return; }
      if (e.key !== 'Tab') return;
      const items = [...card.querySelectorAll(FOCUSABLE)];
      const at = items.indexOf(shadow.activeElement);
      if (e.shiftKey && at <= 0) { e.preventDefault(); hooks.leave('back'); }
      else if (!e.shiftKey && at === items.length - 1) { e.preventDefault(); close(); hooks.leave('forward'); }
    });
    function render(result) {
      wrap.classList.toggle('dark', hooks.theme() === 'dark');
      card.setAttribute('aria-label', `Candor score details for ${account}`);
      fillCard(card, result, account, hooks);
      const s = statusOf(result);
      card.dataset.status = s;
      card.dataset.account = account;
      if (shownState !== s) live.textContent = announcement(result, account);
      shownState = s;
    }
    return {
      host, isOpen, close, later,
      cancel: () => clearTimeout(timer),
      anchor: () => anchor,
      account: () => account,
      show(link, acc, result) {
        clearTimeout(timer);
        if (anchor !== link || account !== acc) shownState = null;
        anchor = link;
        account = acc;
        render(result);
        openPopover(card);
        place(card, link.getBoundingClientRect());
      },
      update(acc, result) {
        if (acc !== account || !isOpen()) return;
        render(result);
        place(card, anchor.getBoundingClientRect());
      },
      /** Move keyboard focus into the card; false if it has nothing to focus. */
      enter() {
        const first = card.querySelector(FOCUSABLE);
        if (!first || !isOpen()) return false;
        first.focus();
        return true;
      },
    };
  }

  Candor.ui = { createBadge, createLinkCard };
})(globalThis);
