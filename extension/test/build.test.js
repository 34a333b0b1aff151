'use strict';
// Build output and static safety checks on the extension source.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]);
}

test('no HTML-string sinks anywhere in extension code', () => {
  const sinks = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|eval|new Function)\b/;
  const files = walk(path.join(root, 'src')).filter((f) => /\.(js|html)$/.test(f)).concat(path.join(root, 'build.mjs'));
  assert.ok(files.length > 10);
  for (const f of files) {
    fs.readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      assert.doesNotMatch(line, sinks, `${path.relative(root, f)}:${i + 1}`);
    });
  }
});

test('builds one manifest per browser', async () => {
  const { build } = await import(path.join(root, 'build.mjs'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'candor-build-'));
  try {
    const chrome = JSON.parse(fs.readFileSync(path.join(build('chrome', out), 'manifest.json'), 'utf8'));
    const firefox = JSON.parse(fs.readFileSync(path.join(build('firefox', out), 'manifest.json'), 'utf8'));
    assert.deepEqual(Object.keys(chrome.background), ['service_worker']);
    assert.equal(chrome.browser_specific_settings, undefined);
    assert.deepEqual(Object.keys(firefox.background), ['scripts']);
    assert.match(firefox.browser_specific_settings.gecko.id, /@/);
    for (const m of [chrome, firefox]) {
      assert.equal(m.manifest_version, 3);
      const all = JSON.stringify([m.permissions, m.host_permissions, m.optional_host_permissions, m.content_scripts]);
      assert.doesNotMatch(all, /<all_urls>|\*:\/\/\*\/\*/);
      // Firefox rejects match patterns with ports: loopback on any port.
      assert.deepEqual(m.host_permissions, ['http://127.0.0.1/*', 'http://localhost/*']);
      assert.doesNotMatch(JSON.stringify([m.host_permissions, m.optional_host_permissions]), /:[0-9]+\//);
      for (const f of m.content_scripts[0].js.concat(m.background.scripts || [m.background.service_worker])) {
        assert.ok(fs.existsSync(path.join(out, 'chrome', f)), f);
      }
    }
    // The service worker imports exactly the scripts Firefox lists.
    const sw = fs.readFileSync(path.join(out, 'chrome', chrome.background.service_worker), 'utf8');
    assert.equal((sw.match(/importScripts\(([^)]*)\)/)[1].match(/'/g) || []).length / 2, firefox.background.scripts.length);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('content scripts: no polling interval, only closed shadow roots, no page-visible markers', () => {
  const files = walk(path.join(root, 'src', 'content'));
  const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  assert.doesNotMatch(text, /setInterval\s*\(/);
  assert.doesNotMatch(text, /mode:\s*'open'/);
  assert.match(text, /attachShadow\(\{ mode: 'closed' \}\)/);
  // Nothing is written onto the page's own elements (html, body, anchors).
  assert.doesNotMatch(text, /documentElement\.(setAttribute|dataset|classList)/);
  assert.doesNotMatch(text, /host\.(id|className|dataset|setAttribute|classList)/);
});
