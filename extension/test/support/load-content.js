'use strict';
// Loads the content-script files in manifest order into this node process (globalThis.Candor),
// so tests exercise exactly the files the browser runs. Vendored files are generated the way
// build.mjs generates them.
const path = require('node:path');
const vm = require('node:vm');
const manifest = require('../../manifest.base.json');
const { vendorFiles } = require('../../vendor.cjs');

const vendored = vendorFiles();
for (const file of manifest.content_scripts[0].js) {
  if (file.startsWith('src/content/')) continue; // DOM code: covered by the browser tests
  if (vendored[file]) vm.runInThisContext(vendored[file], { filename: file });
  else require(path.join(__dirname, '..', '..', file));
}
