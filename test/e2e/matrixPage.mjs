// The Framework Matrix's page alone in headless Chromium, without VS Code: the page exactly as
// client/src/matrixView.ts builds it (pageHtml + matrixPage, bundled with a stand-in for the
// `vscode` module), a stand-in for acquireVsCodeApi that records what the page posts, and a way
// to hand it the data message the extension sends. Used by matrixPage.e2e.mjs and by
// bench/vscode/matrix-page.mjs (where its first paint goes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');

const STUB = `const fmt = (s, ...a) => s.replace(/\\{(\\d+)\\}/g, (m, i) => String(a[Number(i)]));
const any = new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : any), apply: () => any, construct: () => ({}) });
module.exports = new Proxy({ l10n: { t: fmt }, env: { language: 'en' } }, { get: (t, k) => (k in t ? t[k] : any) });`;

/** The page's HTML as the extension makes it (a fresh nonce each time). */
export async function matrixPageHtml() {
  const bundle = await build({
    stdin: { contents: `export { pageHtml } from './client/src/webviewPanel';\nexport { matrixPage } from './client/src/matrixView';`, resolveDir: ROOT, loader: 'ts' },
    bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'error',
    plugins: [{ name: 'vscode-stub', setup(b) {
      b.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: STUB, loader: 'js' }));
    } }],
  });
  const file = path.join(os.tmpdir(), `qda-matrix-page-${process.pid}-${Date.now()}.cjs`);
  fs.writeFileSync(file, bundle.outputFiles[0].text);
  try {
    const { pageHtml, matrixPage } = (await import(file)).default;
    return () => pageHtml(matrixPage());
  } finally {
    fs.rmSync(file);
  }
}

/** Headless Chromium with one page of the given size; `open()` loads a fresh matrix page and waits for its 'ready'. */
export async function matrixBrowser({ width = 1200, height = 800 } = {}) {
  const html = await matrixPageHtml();
  const tmp = fs.mkdtempSync('/tmp/qda-chr-');
  process.env.TMPDIR = tmp;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const page = await browser.newPage({ viewport: { width, height } });
  await page.addInitScript(() => {
    window.__msgs = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__msgs.push({ ...m, t: performance.now() }), getState: () => undefined, setState: () => {} });
  });
  return {
    page,
    async open() {
      const body = html();
      await page.route('http://matrix.test/', (route) => route.fulfill({ contentType: 'text/html', body }));
      await page.goto('http://matrix.test/');
      await page.unroute('http://matrix.test/');
      await page.waitForFunction(() => window.__msgs.some((m) => m.type === 'ready'));
    },
    /** What the page posted so far. */
    messages: () => page.evaluate(() => window.__msgs),
    /** Hands the page the extension's data message, as a message event. */
    send: (params, result) => page.evaluate((data) => window.dispatchEvent(new MessageEvent('message', { data })), { type: 'data', params, result }),
    /** Resolves with the page's next message of `type` after `since` (a performance.now() of the page). */
    next: (type, since = 0) => page.waitForFunction(([type, since]) => window.__msgs.find((m) => m.type === type && m.t >= since), [type, since], { timeout: 30_000 }).then((h) => h.jsonValue()),
    now: () => page.evaluate(() => performance.now()),
    async close() {
      await browser.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
