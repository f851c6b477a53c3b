#!/usr/bin/env node
// The longest synchronous slices of a .cpuprofile (e.g. from `npm run bench:vscode -- --profile F`):
// runs of samples between two "(idle)" samples, each with its heaviest functions (self time) and
// the outermost frames it started from. `node bench/vscode/long-slices.mjs FILE [MIN_MS=20]`
import { readFileSync } from 'node:fs';

const [file, minArg = '20'] = process.argv.slice(2);
const min = Number(minArg);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-3).join('/')}:${n.callFrame.lineNumber + 1}`;
const isIdle = (n) => n.callFrame.functionName === '(idle)';

/** The outermost frame below the root that is not VS Code's own dispatch plumbing. */
function entry(id) {
  const chain = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) chain.unshift(byId.get(cur));
  return chain.slice(1, 4).map(name).join(' > ');
}

const slices = [];
let cur;
let t = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = (prof.timeDeltas[i] ?? 0) / 1000;
  t += dt * 1000;
  const node = byId.get(prof.samples[i]);
  if (isIdle(node)) {
    if (cur) slices.push(cur);
    cur = undefined;
    continue;
  }
  cur ??= { start: (t - prof.startTime) / 1000, ms: 0, self: new Map(), entries: new Map() };
  cur.ms += dt;
  const k = name(node);
  cur.self.set(k, (cur.self.get(k) ?? 0) + dt);
  const e = entry(node.id);
  cur.entries.set(e, (cur.entries.get(e) ?? 0) + dt);
}
if (cur) slices.push(cur);
const long = slices.filter((s) => s.ms >= min).sort((a, b) => b.ms - a.ms);
console.log(`${slices.length} slices, ${long.length} of ≥ ${min} ms`);
for (const s of long.slice(0, 15)) {
  console.log(`\n${s.ms.toFixed(1)} ms at +${s.start.toFixed(0)} ms`);
  for (const [k, v] of [...s.self].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`   self ${v.toFixed(1).padStart(6)} ms  ${k}`);
  for (const [k, v] of [...s.entries].sort((a, b) => b[1] - a[1]).slice(0, 3)) console.log(`   from ${v.toFixed(1).padStart(6)} ms  ${k}`);
}
