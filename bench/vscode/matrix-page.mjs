#!/usr/bin/env node
// The Framework Matrix's page alone in headless Chromium (no VS Code): where its first paint
// goes. Bundles the page exactly as client/src/matrixView.ts builds it (pageHtml + matrixPage,
// `vscode` stubbed), feeds it the bench corpus's `qda matrix --rows codes --json` as the server's
// reply would be, and times, per fresh page: the message handler's synchronous work, the layout
// it forces, the first frame painted after it, and the page's own reports (`rendered`, and
// `firstScreen` where the page sends one). `--profile FILE` writes a CPU profile of the page.
//
//   node bench/vscode/matrix-page.mjs [--runs N] [--width W --height H] [--profile FILE] [MATRIX.json]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const runs = Number(opt('--runs', 7));
const width = Number(opt('--width', 1200));
const height = Number(opt('--height', 800));
const profile = opt('--profile', undefined);
let matrixFile = args[0];
if (!matrixFile) {
  const corpus = path.join(ROOT, 'bench/.corpus/main-5000000');
  if (!fs.existsSync(corpus)) throw new Error(`${corpus} is missing: run npm run bench:vscode -- --only=matrix once`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'matrix', '--rows', 'codes', '--json'], { cwd: corpus, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  matrixFile = path.join(os.tmpdir(), 'qda-matrix-page.json');
  fs.writeFileSync(matrixFile, r.stdout);
}
const cli = JSON.parse(fs.readFileSync(matrixFile, 'utf8'));
const DEPTH = { theme: 0, group: 1, code: 2 };
const result = { columns: cli.columns, rows: cli.rows.map((r) => ({ depth: DEPTH[r.kind], ...r })), attributes: ['role', 'group'], coders: ['anna', 'bjorn'] };
const params = { rows: 'codes', cols: 'informants', count: 'codings', coder: '' };

// The page's HTML, built by the extension's own code with a stand-in for the vscode module.
const stub = `const fmt = (s, ...a) => s.replace(/\\{(\\d+)\\}/g, (m, i) => String(a[Number(i)]));
const any = new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : any), apply: () => any, construct: () => ({}) });
module.exports = new Proxy({ l10n: { t: fmt }, env: { language: 'en' } }, { get: (t, k) => (k in t ? t[k] : any) });`;
const bundle = await build({
  stdin: { contents: `export { pageHtml } from './client/src/webviewPanel';\nexport { matrixPage } from './client/src/matrixView';`, resolveDir: ROOT, loader: 'ts' },
  bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'error',
  plugins: [{ name: 'vscode-stub', setup(b) {
    b.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: stub, loader: 'js' }));
  } }],
});
const modFile = path.join(os.tmpdir(), `qda-matrix-page-${process.pid}.cjs`);
fs.writeFileSync(modFile, bundle.outputFiles[0].text);
const { pageHtml, matrixPage } = (await import(modFile)).default;
fs.rmSync(modFile);

const shortTmp = fs.mkdtempSync('/tmp/qda-chr-');
process.env.TMPDIR = shortTmp;
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width, height } });
await page.addInitScript(() => {
  window.__msgs = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__msgs.push({ type: m.type, t: performance.now(), rendered: m.rendered && { rows: m.rendered.rows, cells: m.rendered.cells } }), getState: () => undefined, setState: () => {} });
});
const samples = {};
const add = (k, v) => (samples[k] ??= []).push(v);
const json = JSON.stringify(result);
for (let i = 0; i < runs; i++) {
  const html = pageHtml(matrixPage());
  await page.route('http://matrix.test/', (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.goto('http://matrix.test/');
  await page.unroute('http://matrix.test/');
  await page.waitForFunction(() => window.__msgs.some((m) => m.type === 'ready'));
  const cdp = profile && i === runs - 1 ? await page.context().newCDPSession(page) : undefined;
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start'); }
  const t = await page.evaluate(async ({ json, params }) => {
    const t0 = performance.now();
    const result = JSON.parse(json); // the message's structured clone, roughly
    const tParsed = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'data', params, result } }));
    const tSync = performance.now();
    void document.body.offsetHeight;
    const tLayout = performance.now();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const tFrame = performance.now();
    // Wait for the full table (a page that draws in slices reports 'rendered' when done).
    while (!window.__msgs.some((m) => m.type === 'rendered' && m.t >= t0)) await new Promise((r) => setTimeout(r, 5));
    const rendered = window.__msgs.find((m) => m.type === 'rendered' && m.t >= t0);
    const first = window.__msgs.find((m) => m.type === 'firstScreen' && m.t >= t0);
    return { parse: tParsed - t0, sync: tSync - tParsed, layout: tLayout - tSync, frame: tFrame - t0, rendered: rendered.t - t0, firstScreen: first ? first.t - t0 : NaN, rows: rendered.rendered.rows, cells: rendered.rendered.cells };
  }, { json, params });
  if (cdp) {
    const { profile: p } = await cdp.send('Profiler.stop');
    fs.writeFileSync(profile, JSON.stringify(p));
  }
  for (const [k, v] of Object.entries(t)) add(k, v);
}
await browser.close();
fs.rmSync(shortTmp, { recursive: true, force: true });
const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
const max = (a) => Math.max(...a);
console.log(`matrix page ${width}×${height}, ${result.rows.length} rows × ${result.columns.length} columns, message ${(json.length / 1024).toFixed(0)} KB, ${runs} fresh pages (median / max ms):`);
for (const [k, v] of Object.entries(samples)) console.log(`  ${k.padEnd(12)} ${median(v).toFixed(1).padStart(8)} ${max(v).toFixed(1).padStart(8)}`);
