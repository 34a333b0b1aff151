// A real Firefox (Debian's firefox-esr) with the built add-on, driven over WebDriver BiDi by
// puppeteer-core: the add-on's default service address reaches a local Candor service, a saved GitHub
// profile is served for https://github.com/<handle> (page-level interception; the add-on's own
// request to the service is real HTTP), and the badge appears beside the name.
// Run by tests/e2e/test_firefox.py:
//   node test/firefox-e2e.mjs <dist/firefox> <service URL> <page.html> <screenshot.png> <handle>
// Prints one JSON line with what it saw.
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
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
  // The host after the heading, with a closed root (shadowRoot is null to the page): the page
  // can only see its box. What it shows is read from the rendered pixels: a scored badge is a
  // dark blue pill (#1e3a8a), the loading and other states are light grey, errors light red.
  const host = () => {
    const h1 = document.querySelector('h1.vcard-names');
    const el = h1 && h1.nextElementSibling;
    if (!el || el.tagName !== 'SPAN' || el.attributes.length) return null;
    const r = el.getBoundingClientRect();
    return r.width > 20 ? { x: r.x, y: r.y, width: r.width, height: r.height, closed: el.shadowRoot === null,
      onTop: document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el } : null;
  };
  const deadline = Date.now() + 90000;
  for (;;) {
    out.host = await (await page.waitForFunction(host, { timeout: 90000, polling: 50 })).jsonValue();
    const { x, y, width, height } = out.host;
    const png = await page.screenshot({ clip: { x, y, width, height }, type: 'png' });
    out.pixel = pngPixel(Buffer.from(png), 6, Math.floor(height / 2));
    const [r, g, b] = out.pixel;
    if (b > 100 && r < 80 && g < 100) break; // the scored pill
    if (Date.now() > deadline) throw new Error(`badge never showed a score; pixel ${out.pixel}`);
    await new Promise((done) => setTimeout(done, 200)); // poll the rendering until the deadline
  }
  await page.screenshot({ path: shot });
  out.ok = true;
} catch (e) {
  out.error = String((e && e.stack) || e).slice(0, 2000);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + '\n');

/** [r, g, b] of one pixel of an 8-bit RGB/RGBA PNG (what Firefox's screenshots are). */
function pngPixel(buf, px, py) {
  let pos = 8;
  let w = 0;
  let h = 0;
  let colorType = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      w = data.readUInt32BE(0);
      h = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('unexpected PNG format');
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = w * bpp;
  const img = Buffer.alloc(h * stride);
  for (let row = 0; row < h; row++) {
    const filter = raw[row * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? img[row * stride + i - bpp] : 0;
      const b = row > 0 ? img[(row - 1) * stride + i] : 0;
      const c = row > 0 && i >= bpp ? img[(row - 1) * stride + i - bpp] : 0;
      let v = raw[row * (stride + 1) + 1 + i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      img[row * stride + i] = v & 255;
    }
  }
  const at = Math.min(py, h - 1) * stride + Math.min(px, w - 1) * bpp;
  return [img[at], img[at + 1], img[at + 2]];
}
