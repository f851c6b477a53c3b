#!/usr/bin/env node
// A/B cold start of two builds of the server, spawned in turn (A B, B A, …) on the same corpora,
// so that a busy or drifting machine weighs on both alike (two `npm run bench` runs minutes apart
// differ by more than most changes do). Prints, per corpus, the median and p95 of spawn →
// qda/ready and of VmHWM at ready for each build, and the after/before ratio of the medians.
//   node bench/coldab.mjs BEFORE/server.js AFTER/server.js CORPUS_DIR... [--runs N]
import { resolve } from 'node:path';
import { LspServer } from './lsp.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 8;
const [before, after, ...corpora] = args;
if (!before || !after || !corpora.length) {
  process.stderr.write('usage: node bench/coldab.mjs BEFORE/server.js AFTER/server.js CORPUS_DIR... [--runs N]\n');
  process.exit(2);
}
const builds = { before: resolve(before), after: resolve(after) };

async function coldStart(server, dir) {
  const s = new LspServer(server, resolve(dir), { env: process.env });
  await s.initialize();
  const ms = s.readyAt - s.t0;
  const { hwm } = s.memory();
  await s.shutdown();
  return { ms, hwm };
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
for (const dir of corpora) {
  const got = { before: [], after: [] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const name of order) got[name].push(await coldStart(builds[name], dir));
  }
  const row = (name) => {
    const ms = got[name].map((r) => r.ms);
    const mb = got[name].map((r) => r.hwm);
    return { median: pct(ms, 0.5), p95: pct(ms, 0.95), rss: pct(mb, 0.5) };
  };
  const b = row('before');
  const a = row('after');
  console.log(`${dir}: cold start before ${b.median.toFixed(0)} ms (p95 ${b.p95.toFixed(0)}), after ${a.median.toFixed(0)} ms (p95 ${a.p95.toFixed(0)}), ratio ${(a.median / b.median).toFixed(3)}; peak RSS at ready before ${b.rss.toFixed(0)} MB, after ${a.rss.toFixed(0)} MB (${runs} runs each, alternating)`);
}
