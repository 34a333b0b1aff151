'use strict';
// stdin: JSON [[network, handle], ...] -> stdout: JSON [normalized handle | null, ...].
// Lets tests/test_golden_urls.py compare the extension's rules with the service's.
const P = require('../../src/shared/protocol.js');
require('../../src/adapters/registry.js');
let raw = '';
process.stdin.on('data', (c) => { raw += c; });
process.stdin.on('end', () => {
  const input = JSON.parse(raw);
  const out = {
    handles: input.handles.map(([n, h]) => P.validateHandle(n, h)),
  };
  process.stdout.write(JSON.stringify(out));
});
