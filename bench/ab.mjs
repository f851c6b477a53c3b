#!/usr/bin/env node
// A/B comparison of two builds of the server on a shared, busy machine: both servers run on the
// same corpus at the same time and every request is sent to each in turn (A B, B A, …), so the
// load of other processes falls on both alike — two `npm run bench` runs one after the other
// differ by more than most changes do. Read-only requests and keystrokes into an open
// transcript (nothing is saved); the corpus is one `npm run bench` generated.
//   node bench/ab.mjs BEFORE/server.js AFTER/server.js bench/.corpus/main-5000000 [iterations]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LspServer, Lines } from './lsp.mjs';

const [serverA, serverB, corpus, iterations] = process.argv.slice(2);
if (!serverA || !serverB || !corpus) {
  process.stderr.write('usage: node bench/ab.mjs BEFORE/server.js AFTER/server.js CORPUS_DIR [iterations]\n');
  process.exit(2);
}
const root = resolve(corpus);
const N = Number(iterations ?? 60);
const env = { ...process.env, QDA_TIMINGS: '1' };
const servers = { before: new LspServer(resolve(serverA), root, { env }), after: new LspServer(resolve(serverB), root, { env }) };
await Promise.all(Object.values(servers).map((s) => s.initialize()));
const cb = readFileSync(join(root, 'codebook.md'), 'utf8');
const cbL = new Lines(cb);
const tree = await servers.after.request('qda/codebookTree', {});
const codes = [];
const walk = (n) => { if (n.kind === 'code') codes.push(n); n.children.forEach(walk); };
tree.roots.forEach(walk);
codes.sort((a, b) => b.codings - a.codings);
const big = codes[0].name;
const namePos = (name) => cbL.positionAt(cb.indexOf(`**${name}**`) + 4);
const cbUri = servers.after.uri('codebook.md');
const themes = [...cb.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
const memoRel = 'memos/bench-completion.md';
const memo = readFileSync(join(root, memoRel), 'utf8');
const trRel = 'transcripts/synt-00001.md';
const tr = readFileSync(join(root, trRel), 'utf8');
for (const s of Object.values(servers)) {
  s.notify('textDocument/didOpen', { textDocument: { uri: s.uri(memoRel), languageId: 'markdown', version: 1, text: memo } });
  s.notify('textDocument/didOpen', { textDocument: { uri: s.uri(trRel), languageId: 'markdown', version: 1, text: tr } });
}
const cases = [
  ['codebookTree', 'qda/codebookTree', () => ({})],
  ['segments', 'qda/segments', () => ({ code: big })],
  ['hover', 'textDocument/hover', () => ({ textDocument: { uri: cbUri }, position: namePos(big) })],
  ['completion', 'textDocument/completion', (s) => ({ textDocument: { uri: s.uri(memoRel) }, position: new Lines(memo).positionAt(memo.length) })],
  ['workspaceSymbol', 'workspace/symbol', () => ({ query: 'lær' })],
  ['references', 'textDocument/references', () => ({ textDocument: { uri: cbUri }, position: namePos(big), context: { includeDeclaration: true } })],
  ['documentPaint', 'qda/documentPaint', (s) => ({ uri: s.uri(trRel) })],
  // The long analyses (issue 16 point 4: they run in slices in the server).
  ['matrix', 'qda/matrix', () => ({ rows: 'codes', cols: 'informants', count: 'codings' })],
  ['matrixWords', 'qda/matrix', () => ({ rows: 'themes', cols: 'informants', count: 'words' })],
  ['cooccurrence', 'qda/chart', () => ({ chart: 'cooccurrence', rows: 'codes', cols: 'informants', count: 'codings', measure: 'overlapping', top: 30, theme: 'none' })],
  ['query', 'qda/codedSegments', () => ({ query: `"${themes[0]}" AND NOT "${themes[1]}"` })],
];
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const fmt = (x) => x.toFixed(x < 1 ? 3 : 2);
for (const [name, method, params] of cases) {
  const t = { before: [], after: [] };
  for (const s of Object.values(servers)) { await s.request(method, params(s)); await s.request(method, params(s)); }
  for (let i = 0; i < N; i++) {
    for (const k of i % 2 ? ['before', 'after'] : ['after', 'before']) {
      const s = servers[k];
      const t0 = performance.now();
      await s.request(method, params(s));
      t[k].push(performance.now() - t0);
    }
  }
  console.log(`${name.padEnd(16)} before p50 ${fmt(q(t.before, 0.5))} p95 ${fmt(q(t.before, 0.95))} | after p50 ${fmt(q(t.after, 0.5))} p95 ${fmt(q(t.after, 0.95))}`);
}
// Keystrokes: one character typed and removed again, alternately into each server's open transcript.
const at = new Lines(tr).positionAt(Math.floor(tr.length / 2));
const shift = { before: [], after: [] };
const rt = { before: [], after: [] };
let version = 1;
for (let i = 0; i < N * 2; i++) {
  version++;
  for (const k of i % 2 ? ['before', 'after'] : ['after', 'before']) {
    const s = servers[k];
    const from = s.stderr.length;
    const insert = i % 2 === 0;
    const t0 = performance.now();
    s.notify('textDocument/didChange', { textDocument: { uri: s.uri(trRel), version }, contentChanges: [insert ? { range: { start: at, end: at }, text: 'x' } : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' }] });
    await s.request('textDocument/hover', { textDocument: { uri: s.uri(trRel) }, position: at });
    rt[k].push(performance.now() - t0);
    for (let j = 0; j < 100 && !s.stderr.slice(from).includes('didChange-shift'); j++) await new Promise((r) => setTimeout(r, 10));
    const m = /qda-timing didChange-shift ([\d.]+)/.exec(s.stderr.slice(from));
    if (m) shift[k].push(Number(m[1]));
  }
}
console.log(`keystroke shift  before p50 ${fmt(q(shift.before, 0.5))} p95 ${fmt(q(shift.before, 0.95))} | after p50 ${fmt(q(shift.after, 0.5))} p95 ${fmt(q(shift.after, 0.95))}  (n ${shift.before.length}/${shift.after.length})`);
console.log(`keystroke→hover  before p50 ${fmt(q(rt.before, 0.5))} p95 ${fmt(q(rt.before, 0.95))} | after p50 ${fmt(q(rt.after, 0.5))} p95 ${fmt(q(rt.after, 0.95))}`);
// A keystroke and a hover sent right behind a co-occurrence chart (the Charts view refreshing
// while the analyst types on): how long the hover waits.
const behind = { before: [], after: [] };
for (let i = 0; i < Math.ceil(N / 4); i++) {
  version++;
  for (const k of i % 2 ? ['before', 'after'] : ['after', 'before']) {
    const s = servers[k];
    const insert = i % 2 === 0;
    const chart = s.request('qda/chart', cases.find(([name]) => name === 'cooccurrence')[2](s));
    const t0 = performance.now();
    s.notify('textDocument/didChange', { textDocument: { uri: s.uri(trRel), version }, contentChanges: [insert ? { range: { start: at, end: at }, text: 'x' } : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' }] });
    await s.request('textDocument/hover', { textDocument: { uri: s.uri(trRel) }, position: at });
    behind[k].push(performance.now() - t0);
    await chart;
  }
}
console.log(`hover behind a co-occurrence  before p50 ${fmt(q(behind.before, 0.5))} p95 ${fmt(q(behind.before, 0.95))} | after p50 ${fmt(q(behind.after, 0.5))} p95 ${fmt(q(behind.after, 0.95))}`);
await Promise.all(Object.values(servers).map((s) => s.shutdown()));
