// A real Firefox (Debian's firefox-esr) with the built add-on, driven over WebDriver BiDi by
// puppeteer-core: the add-on's default service address reaches a local Candor service, a saved GitHub
// profile is served for https://github.com/<handle> (page-level interception; the add-on's own
// request to the service is real HTTP), and the badge appears beside the name.
// Run by tests/e2e/test_firefox.py:
//   node test/firefox-e2e.mjs <dist/firefox> <service URL> <page.html> <screenshot.png> <handle>
// Prints one JSON line with what it saw.
import { readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const [dist, serviceUrl, pageFile, shot, handle] = process.argv.slice(2);

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
  headless: true,
  protocolTimeout: 120000,
  timeout: 120000, // launch: the test machine may be busy
  extraPrefsFirefox: {
    // The add-on keeps its default service, http://127.0.0.1:8000 (moz-extension: pages cannot be
    // opened over BiDi to change it); Firefox's socket-level port remap sends that to the test's
    // service on a free port, so nothing depends on port 8000 being free.
    'network.socket.forcePort': `8000=${new URL(serviceUrl).port}`,
    'datareporting.policy.dataSubmissionEnabled': false,
    'browser.shell.checkDefaultBrowser': false,
  },
});
const out = { ok: false };
try {
  await browser.installExtension(dist);

  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const body = readFileSync(pageFile, 'utf8');
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.split('#')[0] === `https://github.com/${handle}`) {
      return req.respond({ status: 200, contentType: 'text/html; charset=utf-8', body });
    }
    if (url === 'https://github.githubassets.com/assets/primer.css') {
      return req.respond({ status: 200, contentType: 'text/css', body: readFileSync(new URL('../node_modules/@primer/css/dist/primer.css', import.meta.url), 'utf8') });
    }
    if (url.startsWith('https://')) return req.respond({ status: 404, contentType: 'text/plain', body: '' });
    return req.continue();
  });
  await page.goto(`https://github.com/${handle}`);
  // The host after the heading, with a closed root (shadowRoot is null to the page), first at
  // the width of the loading label ("Candor …"), then at the settled one ("Candor 66").
  const host = () => {
    const h1 = document.querySelector('h1.vcard-names');
    const el = h1 && h1.nextElementSibling;
    if (!el || el.tagName !== 'SPAN' || el.attributes.length) return null;
    const r = el.getBoundingClientRect();
    return r.width > 20 ? { width: r.width, height: r.height, closed: el.shadowRoot === null,
      onTop: document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el } : null;
  };
  out.loading = await (await page.waitForFunction(host, { timeout: 90000, polling: 50 })).jsonValue();
  out.host = await (await page.waitForFunction(`(${host})()?.width > ${out.loading.width + 4} ? (${host})() : null`,
    { timeout: 90000, polling: 100 })).jsonValue();
  await page.screenshot({ path: shot });
  out.ok = true;
} catch (e) {
  out.error = String((e && e.stack) || e).slice(0, 2000);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
