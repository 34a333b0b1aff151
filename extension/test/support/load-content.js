'use strict';
// Loads the content-script files in manifest order into this node process (globalThis.Candor),
// so tests exercise exactly the files the browser runs.
const path = require('node:path');
const manifest = require('../../manifest.base.json');

for (const file of manifest.content_scripts[0].js) {
  if (file.startsWith('src/content/')) continue; // DOM code: covered by the browser tests
  require(path.join(__dirname, '..', '..', file));
}
