#!/usr/bin/env node
// Micro-benchmark of server/src/core/anchoring (issue 4's speed figures).
//   node bench/anchoring-micro.mjs
// 1. Live shifting: 5,000 codings on a ~1 MB transcript, 2,000 keystrokes (typing, backspace,
//    typing inside and at the edges of coded passages); time per keystroke, p50/p95/max.
// 2. Re-anchoring: 10,000 codings on a 1 MB transcript after an outside edit touching 5% of it,
//    (a) 5% of the paragraphs reworded in place, a few paragraphs moved, text inserted above;
//    (b) the same 5% spread as ~8,000 small word edits all over the text (the hard case);
//    each with and without the old text.
// Bundles the TypeScript sources with esbuild first (no build step needed). Prints wall and
// CPU time: on a shared, loaded machine the CPU figure is the meaningful one.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'qda-bench-'));
const out = join(dir, 'bench.cjs');
await build({
  stdin: {
    contents: `export * from './server/src/core/anchoring';
      export { bigTranscript, scatteredEdits, rng } from './test/unit/anchoring-fixtures';`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'warning',
});
const A = (await import(pathToFileURL(out).href)).default;
rmSync(dir, { recursive: true, force: true });

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const ms = (x) => `${x.toFixed(3)} ms`;

function makeCodings(text, count, seed) {
  const r = A.rng(seed);
  const codings = [];
  for (let k = 0; k < count; k++) {
    const a = Math.floor(r() * (text.length - 400));
    const b = a + 10 + Math.floor(r() * 300);
    codings.push({ id: `k${k}`, doc: 'd.md', start: a, end: b, code: 'K', ...A.makeQuoteSelector(text, a, b), coder: 'x', at: '' });
  }
  return codings;
}

// ---- 1. live shifting ----
{
  const text = A.bigTranscript(1_000_000, 42);
  const live = new A.LiveAnchors(text, makeCodings(text, 5000, 1));
  const r = A.rng(5);
  let doc = text;
  const times = [];
  for (let k = 0; k < 2000; k++) {
    const cs = live.codings;
    const target = cs[Math.floor(r() * cs.length)];
    const pos = [target.start, target.end, target.start + 3, Math.floor(r() * doc.length)][k % 4];
    const change = r() < 0.7 ? { start: pos, end: pos, text: 'a' } : { start: Math.max(0, pos - 1), end: pos, text: '' };
    const after = doc.slice(0, change.start) + change.text + doc.slice(change.end);
    const t0 = performance.now();
    live.applyChanges([change], after);
    times.push(performance.now() - t0);
    doc = after;
  }
  times.sort((x, y) => x - y);
  console.log(`live: 5,000 codings, ${(text.length / 1e6).toFixed(2)} M chars, 2,000 keystrokes (text passed in):`);
  console.log(`  p50 ${ms(pct(times, 50))}  p95 ${ms(pct(times, 95))}  p99 ${ms(pct(times, 99))}  max ${ms(times[times.length - 1])}`);

  // Without textAfter: LiveAnchors rebuilds the text itself.
  const live2 = new A.LiveAnchors(text, makeCodings(text, 5000, 1));
  const t2 = [];
  for (let k = 0; k < 2000; k++) {
    const pos = Math.floor(r() * live2.text.length);
    const t0 = performance.now();
    live2.applyChanges([{ start: pos, end: pos, text: 'b' }]);
    t2.push(performance.now() - t0);
  }
  t2.sort((x, y) => x - y);
  console.log(`  (text rebuilt internally) p50 ${ms(pct(t2, 50))}  p95 ${ms(pct(t2, 95))}  max ${ms(t2[t2.length - 1])}`);
}

// ---- 2. re-anchoring ----
function applyBackToFront(text, changes) {
  const parts = [];
  let end = text.length;
  for (const ch of changes) {
    parts.push(text.slice(ch.end, end), ch.text);
    end = ch.start;
  }
  parts.push(text.slice(0, end));
  return parts.reverse().join('');
}

function regionalEdit(text, seed) {
  // Reword 5% of the paragraphs (a third of their words), move 10 paragraphs to the end,
  // insert a paragraph at the top.
  const r = A.rng(seed);
  const paras = text.split('\n\n');
  const out = paras.map((p) => (r() < 0.05 ? p.replace(/\p{L}+/gu, (w) => (r() < 0.33 ? 'endret' : w)) : p));
  for (let k = 0; k < 10; k++) out.push(...out.splice(Math.floor(r() * out.length), 1));
  return 'Ny innledning, lagt til utenfor editoren.\n\n' + out.join('\n\n');
}

const text = A.bigTranscript(1_000_000, 42);
const codings = makeCodings(text, 10000, 9);
const scenarios = [
  ['(a) 5% of paragraphs reworded, 10 moved, text above', regionalEdit(text, 4)],
  ['(b) ~8,000 small edits spread over 5% of the text', applyBackToFront(text, A.scatteredEdits(text, 0.05, 3))],
];
for (const [name, newText] of scenarios) {
  for (const old of [true, false]) {
    const runs = [];
    const cpu = [];
    let res;
    for (let k = 0; k < 3; k++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      res = A.reanchor(codings, newText, old ? text : undefined);
      runs.push(performance.now() - t0);
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
    }
    const counts = {};
    for (const x of res) counts[x.status] = (counts[x.status] ?? 0) + 1;
    console.log(`reanchor ${name}, ${old ? 'with' : 'without'} old text: wall ${runs.map((t) => t.toFixed(0)).join(' / ')} ms, cpu ${cpu.map((t) => t.toFixed(0)).join(' / ')} ms  ${JSON.stringify(counts)}`);
  }
}
