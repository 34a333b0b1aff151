// Writes dist/chrome and dist/firefox: the same files, one manifest per browser, plus the
// vendored third-party lists (vendor.cjs).
// Chrome: background.service_worker only. Firefox: background.scripts only (no extension
// service worker there) plus browser_specific_settings, so `web-ext lint --warnings-as-errors` passes.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { vendorFiles } = createRequire(import.meta.url)('./vendor.cjs');
const base = JSON.parse(readFileSync(join(here, 'manifest.base.json'), 'utf8'));

export function manifestFor(target) {
  const m = structuredClone(base);
  if (target === 'chrome') {
    m.background = { service_worker: base.background.service_worker };
    delete m.browser_specific_settings;
  } else if (target === 'firefox') {
    m.background = { scripts: base.background.scripts };
    delete m.minimum_chrome_version;
  } else {
    throw new Error(`unknown target ${target}`);
  }
  return m;
}

export function build(target, outRoot = join(here, 'dist')) {
  const out = join(outRoot, target);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const dir of ['src', 'icons']) cpSync(join(here, dir), join(out, dir), { recursive: true });
  // Third-party lists (npm devDependencies) become classic scripts in the build: vendor.cjs.
  for (const [rel, text] of Object.entries(vendorFiles())) {
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    writeFileSync(join(out, rel), text);
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifestFor(target), null, 2) + '\n');
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // node build.mjs [--out DIR] [chrome] [firefox]
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const outRoot = at >= 0 ? args.splice(at, 2)[1] : undefined;
  for (const t of args.length ? args : ['chrome', 'firefox']) console.log(build(t, outRoot));
}
