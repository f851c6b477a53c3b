#!/usr/bin/env node
// The Framework Matrix's page alone in headless Chromium (no VS Code): where its first paint
// goes. The page exactly as client/src/matrixView.ts builds it (test/e2e/matrixPage.mjs), fed
// the bench corpus's `qda matrix --rows codes --json` as the server's reply would be; per fresh
// page: the message handler's synchronous work, the layout it leaves, the first frame after it,
// and the page's own reports (`firstScreen`: a screenful painted; `rendered`: the whole table).
// `--profile FILE` writes a CPU profile of the last page.
//
//   node bench/vscode/matrix-page.mjs [--runs N] [--width W --height H] [--profile FILE] [MATRIX.json]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { matrixBrowser } from '../../test/e2e/matrixPage.mjs';

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

const b = await matrixBrowser({ width, height });
const samples = {};
const add = (k, v) => (samples[k] ??= []).push(v);
const json = JSON.stringify(result);
for (let i = 0; i < runs; i++) {
  await b.open();
  const cdp = profile && i === runs - 1 ? await b.page.context().newCDPSession(b.page) : undefined;
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start'); }
  const t = await b.page.evaluate(async ({ json, params }) => {
    const t0 = performance.now();
    const result = JSON.parse(json); // the message's structured clone, roughly
    const tParsed = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'data', params, result } }));
    const tSync = performance.now();
    void document.body.offsetHeight;
    const tLayout = performance.now();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const tFrame = performance.now();
    while (!window.__msgs.some((m) => m.type === 'rendered' && m.t >= t0)) await new Promise((r) => setTimeout(r, 5));
    const rendered = window.__msgs.find((m) => m.type === 'rendered' && m.t >= t0);
    const first = window.__msgs.find((m) => m.type === 'firstScreen' && m.t >= t0);
    return { parse: tParsed - t0, sync: tSync - tParsed, layout: tLayout - tSync, frame: tFrame - t0, firstScreen: first ? first.t - t0 : NaN, firstRows: first ? first.rows : NaN, rendered: rendered.t - t0, rows: rendered.rendered.rows, cells: rendered.rendered.cells };
  }, { json, params });
  if (cdp) fs.writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  for (const [k, v] of Object.entries(t)) add(k, v);
}
await b.close();
const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`matrix page ${width}×${height}, ${result.rows.length} rows × ${result.columns.length} columns, message ${(json.length / 1024).toFixed(0)} KB, ${runs} fresh pages (median / max ms):`);
for (const [k, v] of Object.entries(samples)) console.log(`  ${k.padEnd(12)} ${median(v).toFixed(1).padStart(8)} ${Math.max(...v).toFixed(1).padStart(8)}`);
