'use strict';
// The per-page budget the background applies to what a page may ask about.
const test = require('node:test');
const assert = require('node:assert/strict');
const { createPageLimiter } = require('../src/background/limiter.js');

test('the issue\'s hostile page (2,504 accounts in 3.5 s) gets 30 accounts a minute', () => {
  const clock = { t: 0 };
  const lim = createPageLimiter({ perMinute: 30, now: () => clock.t });
  let admitted = 0;
  for (let i = 0; i < 2504; i++) {
    clock.t = Math.floor((i * 3500) / 2504);
    if (lim.admit(7, `github:user${i}`) === null) admitted++;
  }
  assert.equal(admitted, 30);
  // Over five minutes of the same flood: at most 30 per rolling minute.
  const perMinute = new Map();
  for (let i = 0; i < 20000; i++) {
    clock.t = 10_000 + i * 15; // 5 minutes
    if (lim.admit(7, `github:flood${i}`) === null) {
      const m = Math.floor((clock.t - 10_000) / 60_000);
      perMinute.set(m, (perMinute.get(m) || 0) + 1);
    }
  }
  assert.ok([...perMinute.values()].every((n) => n <= 30), JSON.stringify([...perMinute]));
});

test('asking again about the same account is free; pages are separate; the wait is stated', () => {
  const clock = { t: 0 };
  const lim = createPageLimiter({ perMinute: 2, now: () => clock.t });
  assert.equal(lim.admit(1, 'a'), null);
  assert.equal(lim.admit(1, 'a'), null);
  assert.equal(lim.admit(1, 'b'), null);
  clock.t = 20_000;
  assert.equal(lim.admit(1, 'c'), 40);
  assert.equal(lim.admit(2, 'c'), null);
  clock.t = 60_000;
  assert.equal(lim.admit(1, 'c'), null);
});
