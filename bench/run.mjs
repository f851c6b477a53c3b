#!/usr/bin/env node
// `npm run bench [-- options]`: generates a deterministic corpus, drives the real built
// language server (dist/server.js --stdio) as VS Code would, and prints one table of figures
// with their budgets (issue 9). See docs/performance.md for what each figure
// measures and how the budgets in milliseconds are scaled by this run's read+split baseline.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BIG, HOT, codeNames, codingsFileOf, generateCorpus, mulberry32, restorePristine } from './corpus.mjs';
import { LspServer, Lines } from './lsp.mjs';
import { REFERENCE_BASELINE_MS, budgetScale, checkScaled } from './budgets.mjs';

const ROOT = resolve(import.meta.dirname, '..');
let SERVER = join(ROOT, 'dist/server.js');
let CLI = join(ROOT, 'dist/cli.js');

const HELP = `Usage: npm run bench -- [options]

  --words N        corpus size in spoken words (default 5000000 = 200 transcripts x 25,000
                   words, plus the 1 MB transcript); codings scale with it (50,000 at 5M)
  --runs N         cold starts (and baseline runs) to take the median of (default 5)
  --peer-runs N    runs of the markdown-language-service peer (default 2; 0 skips it)
  --iterations N   requests per request figure (default 40)
  --growth LIST    corpus sizes in millions of words for the growth figures (default 1,5,20;
                   'none' skips them)
  --growth-runs N  cold starts per growth size, taken in turn over the sizes (default 5)
  --think MS       pause between two codings, as a user's (default 100)
  --profile        run the session server and one cold start with --cpu-prof (bench/.profiles)
  --no-build       do not run scripts/build.mjs first
  --dist DIR       take server.js and cli.js from DIR (e.g. bench/.profiles/dist, built
                   unminified by bench/build-profile.mjs; implies --no-build)
  --json           print one JSON object per figure (name, unit, median, p95, budget,
                   budgetScaled, pass), after one with the run's budget scale
  --corpus DIR     where corpora go (default bench/.corpus, git-ignored)
`;

function parseArgs(argv) {
  const o = { words: 5_000_000, runs: 5, peerRuns: 2, iterations: 40, growth: [1, 5, 20], growthRuns: 5, think: 100, profile: false, build: true, json: false, corpus: join(ROOT, 'bench/.corpus') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === '--words') o.words = Number(val());
    else if (a === '--runs') o.runs = Number(val());
    else if (a === '--peer-runs') o.peerRuns = Number(val());
    else if (a === '--iterations') o.iterations = Number(val());
    else if (a === '--growth') {
      const v = val();
      o.growth = v === 'none' ? [] : v.split(',').map(Number);
    } else if (a === '--growth-runs') o.growthRuns = Number(val());
    else if (a === '--think') o.think = Number(val());
    else if (a === '--profile') o.profile = true;
    else if (a === '--dist') o.dist = resolve(val());
    else if (a === '--no-build') o.build = false;
    else if (a === '--json') o.json = true;
    else if (a === '--corpus') o.corpus = resolve(val());
    else if (a === '-h' || a === '--help') {
      process.stdout.write(HELP);
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown option ${a}\n${HELP}`);
      process.exit(2);
    }
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
if (opts.dist) {
  SERVER = join(opts.dist, 'server.js');
  CLI = join(opts.dist, 'cli.js');
  opts.build = false;
}
const log = (s) => process.stderr.write(s + '\n');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const figures = [];

function pct(sorted, q) {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
/**
 * Adds a figure; `check` says which statistic the budget applies to. A budget in ms is the one
 * for the reference baseline; it is scaled, and checked, once the run's baseline is known
 * (scaleBudgets, at the end).
 */
function figure(name, unit, samples, budget, check = 'p95', note) {
  const s = [...samples].sort((a, b) => a - b);
  const median = s.length ? pct(s, 0.5) : NaN;
  const p95 = s.length ? pct(s, 0.95) : NaN;
  const value = check === 'median' ? median : p95;
  const pass = budget === null || budget === undefined ? null : budget.max !== undefined ? value <= budget.max : value >= budget.min;
  const f = { name, unit, median: round(median), p95: round(p95), runs: s.length, budget: budget ? (budget.max !== undefined ? `<= ${budget.max}` : `>= ${budget.min}`) : null, check, pass };
  if (note) f.note = note;
  if (unit === 'ms' && budget?.max !== undefined) scaled.set(f, { max: budget.max, value });
  figures.push(f);
  return f;
}
/** Figures whose budget is in ms: the reference budget and the figure checked against it. */
const scaled = new Map();
/** Every read+split baseline of this run (the cold-start runs and the samples between parts). */
const baselines = [];
async function baselineSample(dir) {
  const b = await runChild([join(ROOT, 'bench/baseline.mjs'), dir]);
  if (b.code !== 0) throw new Error(`baseline failed: ${b.err}`);
  baselines.push(b.ms);
  return b;
}
/**
 * Scales each budget in ms by this run's baseline: budget × max(1, baseline / reference)
 * (bench/budgets.mjs says why), so that a slow moment of the VM raises every timed budget with
 * the baseline and a red row means the code got slower, not the machine (issue 13).
 */
function scaleBudgets() {
  const { measured, factor } = budgetScale(baselines, { defaultCorpus: opts.words === 5_000_000 });
  for (const [f, { max, value }] of scaled) {
    const { limit, pass } = checkScaled(value, max, factor);
    f.budgetScaled = `<= ${round(limit)}`;
    f.pass = pass;
  }
  return { measured, factor };
}
function round(x) {
  if (!Number.isFinite(x)) return x;
  return Math.abs(x) >= 100 ? Math.round(x) : Math.abs(x) >= 1 ? Math.round(x * 100) / 100 : Math.round(x * 1000) / 1000;
}

function runChild(args, { cwd } = {}) {
  return runChildEnv(args, {}, { cwd });
}
function runChildEnv(args, env, { cwd } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ms: performance.now() - t0, code, out, err }));
  });
}

async function coldStart(dir, execArgv = [], { liveHeap = false } = {}) {
  const server = new LspServer(SERVER, dir, { execArgv, env: liveHeap ? { ...process.env, QDA_TIMINGS: '1' } : process.env });
  const t0 = server.t0;
  const ready = await server.initialize();
  const ms = server.readyAt - t0;
  const mem = server.memory();
  // The heap that stays alive: the server collects once after ready and reports it (QDA_TIMINGS).
  let live;
  for (let i = 0; liveHeap && live === undefined && i < 300; i++) {
    const m = /^qda-timing heap-live-mb (\S+)$/m.exec(server.stderr);
    if (m) live = Number(m[1]);
    else await sleep(10);
  }
  await server.shutdown();
  return { ms, hwm: mem.hwm, live, ready };
}

// ---------------------------------------------------------------------------------------

if (opts.build) {
  log('building (node scripts/build.mjs) …');
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    if (!existsSync(SERVER) || !existsSync(CLI)) throw err;
    log(`build reported errors (a bundle other than the server's?); using the existing dist/server.js and dist/cli.js`);
  }
}

const files = Math.max(1, Math.round(opts.words / 25000));
const wordsPerFile = Math.max(1, Math.round(opts.words / files));
const mainDir = join(opts.corpus, `main-${opts.words}`);
mkdirSync(opts.corpus, { recursive: true });
const meta = generateCorpus({ dir: mainDir, files, wordsPerFile, seed: 1, codings: Math.round((50000 * opts.words) / 5_000_000), special: true }, log);
log(`corpus ${mainDir}: ${meta.files} transcripts, ${meta.words} words, ${meta.codings} codings, ${meta.codes} codes in ${meta.categories} categories`);

// What the session reads as generated (the files it changes are restored afterwards, also on a
// crash, so that the corpus stays as generated).
const originals = new Map([HOT, BIG, codingsFileOf('anna', HOT), codingsFileOf('bjorn', HOT)].map((p) => [p, readFileSync(join(mainDir, p), 'utf8')]));
async function restore() {
  restorePristine(mainDir);
}
process.on('exit', () => restorePristine(mainDir));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

// ---- cold start, baseline, peer --------------------------------------------------------
const cold = [];
const coldHwm = [];
const base = [];
const baseIn = [];
const peer = [];
const peerIn = [];
const peerHwm = [];
for (let i = 0; i < opts.runs; i++) {
  const b = await baselineSample(mainDir);
  base.push(b.ms);
  baseIn.push(JSON.parse(b.out).inProcessMs);
  const c = await coldStart(mainDir, opts.profile && i === 0 ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench/.profiles'), '--cpu-prof-name', 'cold-start.cpuprofile'] : []);
  cold.push(c.ms);
  coldHwm.push(c.hwm);
  if (i < opts.peerRuns) {
    const p = await runChild([join(ROOT, 'bench/peer.mjs'), mainDir]);
    if (p.code !== 0) throw new Error(`peer failed: ${p.err}`);
    const r = JSON.parse(p.out);
    peer.push(p.ms);
    peerIn.push(r.inProcessMs);
    peerHwm.push(r.hwmMB);
  }
  log(`cold start ${i + 1}/${opts.runs}: server ${c.ms.toFixed(0)} ms (${c.hwm.toFixed(0)} MB), baseline ${b.ms.toFixed(0)} ms${i < opts.peerRuns ? `, peer ${peer[i].toFixed(0)} ms` : ''}`);
}
const med = (a) => pct([...a].sort((x, y) => x - y), 0.5);
const coldBudget = opts.words === 5_000_000 ? { max: 2000 } : null;
figure(`cold start (spawn → qda/ready, ${(opts.words / 1e6).toFixed(0)}M words)`, 'ms', cold, coldBudget, 'median');
figure('read+split baseline (spawn → exit)', 'ms', base, null, 'median', `in process ${med(baseIn).toFixed(0)} ms`);
figure('cold start / baseline', '×', cold.map((c, i) => c / base[i]), { max: 10 }, 'median');
if (peer.length) {
  figure('markdown-language-service peer (spawn → symbols+links)', 'ms', peer, null, 'median', `peak RSS ${med(peerHwm).toFixed(0)} MB`);
  figure('cold start / peer', '×', peer.map((p, i) => cold[i] / p), { max: 1 }, 'median');
}

// ---- one editing session -----------------------------------------------------------------
log('session: requests, keystrokes, codings, re-anchoring …');
await restore();
await baselineSample(mainDir);
// QDA_TIMINGS=1: the server writes `qda-timing <event> <ms>` lines to stderr (server.ts).
const session = new LspServer(SERVER, mainDir, { execArgv: opts.profile ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench/.profiles'), '--cpu-prof-name', 'session.cpuprofile'] : [], env: { ...process.env, QDA_TIMINGS: '1' } });
const server = session;
await server.initialize();
const N = opts.iterations;

/** The server's own timings of `event` written to stderr since offset `from`; waits for `count` of them. */
/**
 * The i-th of alternating coding changes in an open codings file, as a coding operation's edit:
 * line k taken out (even i), then put back (odd i). Sent as didChange with version `version`;
 * resolves once the server says the index changed, and 200 ms later — when a view asks again.
 */
async function toggleCodingsLine(server, uri, lines, k, i, version) {
  const change = i % 2 === 0 ? { range: { start: { line: k, character: 0 }, end: { line: k + 1, character: 0 } }, text: '' } : { range: { start: { line: k, character: 0 }, end: { line: k, character: 0 } }, text: lines[k] + '\n' };
  const changed = server.next('qda/indexChanged', (p) => p.uris.includes(uri), 30000);
  server.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
  await changed;
  await sleep(200);
}

async function serverTimings(event, from, count, server = session) {
  const read = () => server.stderr.slice(from).split('\n').filter((l) => l.startsWith(`qda-timing ${event} `)).map((l) => Number(l.split(' ')[2]));
  // stderr and stdout are separate pipes: the last lines may arrive after the last reply.
  for (let i = 0; i < 100 && read().length < count; i++) await sleep(10);
  const out = read();
  if (out.length !== count) throw new Error(`expected ${count} qda-timing ${event} lines from the server, got ${out.length}`);
  return out;
}

async function timeRequests(method, params, n = N, warm = 2) {
  for (let i = 0; i < warm; i++) await server.request(method, params);
  const out = [];
  let last;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    last = await server.request(method, params);
    out.push(performance.now() - t0);
  }
  return { times: out, last };
}

const codebookText = readFileSync(join(mainDir, 'codebook.md'), 'utf8');
const cbLines = new Lines(codebookText);
const cbUri = server.uri('codebook.md');
const namePos = (name) => cbLines.positionAt(codebookText.indexOf(`**${name}**`) + 4);

log('  requests');
let r = await timeRequests('qda/codebookTree', {});
figure('codebook tree with counts', 'ms', r.times, { max: 50 });
r = await timeRequests('qda/segments', { code: meta.biggestCode });
figure(`segments of the biggest code (${r.last.length} codings)`, 'ms', r.times, { max: 50 });
r = await timeRequests('textDocument/hover', { textDocument: { uri: cbUri }, position: namePos(meta.biggestCode) });
figure('hover (code in codebook.md)', 'ms', r.times, { max: 50 });
const memoRel = 'memos/bench-completion.md';
const memoText = readFileSync(join(mainDir, memoRel), 'utf8');
server.notify('textDocument/didOpen', { textDocument: { uri: server.uri(memoRel), languageId: 'markdown', version: 1, text: memoText } });
r = await timeRequests('textDocument/completion', { textDocument: { uri: server.uri(memoRel) }, position: new Lines(memoText).positionAt(memoText.length) });
figure(`completion in [[ (${r.last?.items?.length ?? 0} items)`, 'ms', r.times, { max: 50 });
r = await timeRequests('workspace/symbol', { query: 'lær' });
figure(`workspace symbol (${r.last.length} results)`, 'ms', r.times, { max: 50 });
r = await timeRequests('textDocument/references', { textDocument: { uri: cbUri }, position: namePos(meta.refCode), context: { includeDeclaration: true } });
figure(`references of a code (${r.last.length} locations)`, 'ms', r.times, { max: 100 });

log('  Compare Coders');
// Issue 18.5: the Compare Coders view opens on the counts per code and the first page of
// anna ↔ bjorn's disagreements (qda/disagreements), then steps with qda/disagreementStep. Each
// sample follows a coding change (one of anna's codings removed from, then put back into, her
// codings file of a transcript, as didChange of the open file — what a coding or a settlement
// does), so the server computes the comparison again: the figure is the request after a change,
// not a kept answer, sent as the view sends it (200 ms after qda/indexChanged). The reply's size is in the note (before paging: all 49,824 places, 24 MB).
{
  const doc = 'transcripts/synt-00003.md';
  const rel = codingsFileOf('anna', doc);
  const uri = server.uri(rel);
  const text = readFileSync(join(mainDir, rel), 'utf8');
  const lines = text.split('\n');
  const k = Math.floor(lines.length / 2);
  let version = 1;
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version, text } });
  const params = { a: 'anna', b: 'bjorn' };
  const times = [];
  const steps = [];
  const sizes = [];
  let reply;
  for (let i = 0; i < N + 2; i++) {
    // As the view: it asks again 200 ms after the index changed (client/src/compareView.ts).
    await toggleCodingsLine(server, uri, lines, k, i, ++version);
    const t0 = performance.now();
    reply = await server.request('qda/disagreements', params);
    const ms = performance.now() - t0;
    const t1 = performance.now();
    const next = await server.request('qda/disagreementStep', { ...params, from: reply.items[0]?.key, step: 1 });
    const stepMs = performance.now() - t1;
    if (reply.error || !next.item) throw new Error(`qda/disagreements: ${reply.error ?? 'no next disagreement'}`);
    if (i >= 2) {
      times.push(ms);
      steps.push(stepMs);
      sizes.push(Buffer.byteLength(JSON.stringify(reply)));
    }
  }
  const t0 = performance.now();
  await server.request('qda/agreementSummary', params);
  const summaryMs = performance.now() - t0;
  server.notify('textDocument/didClose', { textDocument: { uri } });
  const sortedSteps = [...steps].sort((x, y) => x - y);
  figure(
    `Compare Coders: first disagreement (qda/disagreements after a coding: counts of ${reply.codes.length} codes + first ${reply.items.length} of ${reply.total} places)`,
    'ms',
    times,
    { max: 200 },
    'p95',
    `next (qda/disagreementStep) p95 ${pct(sortedSteps, 0.95).toFixed(1)} ms; agreement summary (qda/agreementSummary) ${summaryMs.toFixed(0)} ms`,
  );
  // Bounded by the page, not by the corpus.
  figure('Compare Coders: first page reply size (JSON)', 'KB', sizes.map((b) => b / 1024), { max: 512 }, 'median');
}

log('  keystrokes');
// Keystrokes in HOT (5,000 codings): insert a character before a coding on the same line,
// then delete it again, alternately; each didChange is followed at once by a hover inside
// that coding (requests are handled in order, so its reply comes after the change was
// handled). Figures: the server's own time from receiving the didChange to the codings
// shifted (its QDA_TIMINGS lines; the budget), and didChange sent → hover reply (a round trip
// through both processes' pipes, without a budget). The hover alone is measured too.
{
  const hotText = originals.get(HOT);
  const hotLines = new Lines(hotText);
  const hotUri = server.uri(HOT);
  const anna = originals.get(codingsFileOf('anna', HOT));
  const hotCodings = anna.split('\n').filter((l) => l.includes(`"doc":"${HOT}"`)).map((l) => JSON.parse(l));
  // A coding in the middle of the document, not at its paragraph's start.
  const target = hotCodings.slice(Math.floor(hotCodings.length / 2)).find((c) => {
    const p = hotLines.positionAt(c.start);
    return p.character > 40;
  });
  const tp = hotLines.positionAt(target.start);
  const insertAt = { line: tp.line, character: tp.character - 20 };
  let version = 1;
  server.notify('textDocument/didOpen', { textDocument: { uri: hotUri, languageId: 'markdown', version, text: hotText } });
  const hoverAt = (shift) => ({ textDocument: { uri: hotUri }, position: { line: tp.line, character: tp.character + 1 + shift } });
  const floor = await timeRequests('textDocument/hover', hoverAt(0));
  // Does the server shift codings live? One insertion, then the coding's reported range.
  const setupMark = server.stderr.length;
  server.notify('textDocument/didChange', { textDocument: { uri: hotUri, version: ++version }, contentChanges: [{ range: { start: insertAt, end: insertAt }, text: 'x' }] });
  const docCodings = await server.request('qda/documentCodings', { uri: hotUri });
  const seen = docCodings.find((c) => c.id === target.id);
  const shifted = seen && seen.range.start.character === tp.character + 1 && seen.anchored;
  server.notify('textDocument/didChange', { textDocument: { uri: hotUri, version: ++version }, contentChanges: [{ range: { start: insertAt, end: { line: insertAt.line, character: insertAt.character + 1 } }, text: '' }] });
  await server.request('textDocument/hover', hoverAt(0));
  // The two setup keystrokes' timing lines may arrive after the hover's reply: wait for them.
  await serverTimings('didChange-shift', setupMark, 2);
  const times = [];
  const mark = server.stderr.length;
  for (let i = 0; i < N * 5; i++) {
    const insert = i % 2 === 0;
    const change = insert
      ? { range: { start: insertAt, end: insertAt }, text: 'x' }
      : { range: { start: insertAt, end: { line: insertAt.line, character: insertAt.character + 1 } }, text: '' };
    const t0 = performance.now();
    server.notify('textDocument/didChange', { textDocument: { uri: hotUri, version: ++version }, contentChanges: [change] });
    await server.request('textDocument/hover', hoverAt(insert ? 1 : 0));
    times.push(performance.now() - t0);
  }
  const shifts = await serverTimings('didChange-shift', mark, N * 5);
  const count = hotCodings.length + originals.get(codingsFileOf('bjorn', HOT)).split(`"doc":"${HOT}"`).length - 1;
  figure(`keystroke in a transcript with ${count} codings (didChange received → codings shifted, server)`, 'ms', shifts, { max: 1 }, 'p95', `live shift observed: ${shifted ? 'yes' : 'NO'}`);
  figure(`keystroke round trip (didChange sent → hover reply)`, 'ms', times, null, 'p95', `hover alone p95 ${pct([...floor.times].sort((a, b) => a - b), 0.95).toFixed(2)} ms`);
  server.notify('textDocument/didClose', { textDocument: { uri: hotUri } });
}

log('  open a transcript');
// Open BIG (1 MB, 10,000 codings) as VS Code does and ask at once for what the extension
// paints decorations from (qda/documentPaint); then close it. Figure: didOpen sent → that
// reply. After each close the driver waits for the server's diagnostics pass (100 ms debounce)
// so that one open's figure does not include the previous close's work. The full
// qda/documentCodings reply (ids, codes, coders, ranges) is timed the same way for the note.
{
  const bigText = originals.get(BIG);
  const bigUri = server.uri(BIG);
  const open = async (method) => {
    const times = [];
    let reply;
    for (let i = 0; i < N + 2; i++) {
      const t0 = performance.now();
      server.notify('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'markdown', version: 1, text: bigText } });
      reply = await server.request(method, { uri: bigUri });
      const ms = performance.now() - t0;
      if (i >= 2) times.push(ms);
      server.notify('textDocument/didClose', { textDocument: { uri: bigUri } });
      await sleep(300);
    }
    return { times, reply };
  };
  const paint = await open('qda/documentPaint');
  const ranges = Object.values(paint.reply.colors).reduce((n, list) => n + list.length / 4, 0);
  const full = await open('qda/documentCodings');
  const sorted = [...full.times].sort((a, b) => a - b);
  figure(`open a 1 MB transcript (didOpen → qda/documentPaint reply, ${ranges} ranges)`, 'ms', paint.times, { max: 100 }, 'p95',
    `with qda/documentCodings (${full.reply.length} codings) instead: median ${pct(sorted, 0.5).toFixed(1)} / p95 ${pct(sorted, 0.95).toFixed(1)} ms`);
}

log('  code a selection');
// Code a selection, as the client does: qda/codeSelection → the server writes the coder's
// codings file of that transcript itself (atomically, server/src/operationReply.ts) and replies
// with the files it wrote. Figure: request sent → reply (the file is on disk by then; the driver
// checks that it holds the new coding). Between two codings the user pauses (--think).
{
  const rand = mulberry32(99);
  const names = codeNames(500);
  const docTexts = new Map();
  const times = [];
  const written = [];
  for (let i = 0; i < N + 2; i++) {
    const doc = `transcripts/synt-${String(2 + (i % 50)).padStart(5, '0')}.md`;
    if (!docTexts.has(doc)) docTexts.set(doc, readFileSync(join(mainDir, doc), 'utf8'));
    const text = docTexts.get(doc);
    const lines = new Lines(text);
    let s = 400 + Math.floor(rand() * (text.length - 1000));
    while (text[s - 1] !== ' ') s++;
    let e = text.indexOf(' ', s + 30);
    const changed = server.next('qda/indexChanged', () => true, 10000).catch(() => undefined);
    const t0 = performance.now();
    const res = await server.request('qda/codeSelection', { uri: server.uri(doc), range: { start: lines.positionAt(s), end: lines.positionAt(e) }, code: names[5 + (i % 60)] });
    const ms = performance.now() - t0;
    const rel = codingsFileOf('anna', doc);
    if (res.error || res.edit || !(res.written ?? []).includes(server.uri(rel))) throw new Error(`codeSelection: expected the server to write ${rel} alone, got ${JSON.stringify(res).slice(0, 300)}`);
    const onDisk = await fsp.readFile(join(mainDir, rel), 'utf8');
    if (!onDisk.includes(JSON.stringify(text.slice(s, e)).slice(1, 20))) throw new Error(`codeSelection: ${rel} on disk lacks the new coding`);
    if (i >= 2) {
      times.push(ms);
      written.push(onDisk.length);
    }
    await changed;
    await sleep(opts.think);
  }
  const f = figure('code a selection (request → codings file written by the server, reply)', 'ms', times, { max: 30 }, 'p95');
  f.name += ` p50 ${f.median} / p95 ${f.p95}`;
  const kb = Math.round(written.reduce((a, b) => a + b, 0) / Math.max(1, written.length) / 1024);
  f.note = [f.note, `file written ${kb} KB on average`].filter(Boolean).join('; ');
  await sleep(200);
}

log('  re-anchoring');
// Outside edit of the 1 MB transcript with 10,000 codings: 5% of its paragraphs changed (a word
// replaced, a phrase inserted), written to disk, didChangeWatchedFiles sent. Figures: until
// qda/indexChanged names it, and until its diagnostics are published again. Then the original
// is written back (measured too).
{
  const original = originals.get(BIG);
  const paras = original.split('\n\n');
  const rand = mulberry32(5);
  const edited = paras
    .map((p, i) => {
      if (i % 20 !== 7 || !p.startsWith('**')) return p;
      const words = p.split(' ');
      const k = 4 + Math.floor(rand() * (words.length - 4));
      words[k] = rand() < 0.5 ? 'endret' : words[k] + ' (ler)';
      return words.join(' ');
    })
    .join('\n\n');
  const bigUri = server.uri(BIG);
  const untilIndex = [];
  const untilDiag = [];
  for (let i = 0; i < Math.max(3, Math.ceil(opts.runs / 2)) * 2; i++) {
    const text = i % 2 === 0 ? edited : original;
    await fsp.writeFile(join(mainDir, BIG), text);
    const indexed = server.next('qda/indexChanged', (p) => p.uris.length === 0 || p.uris.includes(bigUri), 30000);
    // The server sends only diagnostics lists that changed; this edit changes the big file's.
    const diag = server.next('textDocument/publishDiagnostics', (p) => p.uri === bigUri, 30000);
    const t0 = performance.now();
    server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: bigUri, type: 2 }] });
    const [, ti] = await indexed;
    const [, td] = await diag;
    untilIndex.push(ti - t0);
    untilDiag.push(td - t0);
    await sleep(300);
  }
  figure('re-anchor 1 MB transcript, 10,000 codings (file event → qda/indexChanged)', 'ms', untilIndex, { max: 1000 }, 'p95', 'includes the server\'s 30 ms notification debounce');
  figure('re-anchor 1 MB transcript, 10,000 codings (file event → diagnostics)', 'ms', untilDiag, { max: 1000 }, 'p95', 'includes the server\'s 100 ms diagnostics debounce');
}

const sessionMem = server.memory();
figure('server peak RSS (VmHWM, after the session)', 'MB', [sessionMem.hwm], { max: 400 }, 'median', `at ready: median ${med(coldHwm).toFixed(0)} MB`);
await server.shutdown();

// The same keystrokes in the 1 MB transcript (10,000 codings), server side only, with the same
// budget: the server keeps an open document in chunks, so a keystroke does not copy the whole
// text (issue 13; before, V8 built each version as one flat 1 MB string, ~0.8 / 3.4 ms).
// A server of its own, after the session's peak RSS was taken, so that whatever garbage
// 200 keystrokes and their hovers leave behind does not raise that figure.
{
  log('  keystrokes in the 1 MB transcript');
  await restore();
  await baselineSample(mainDir);
  const server = new LspServer(SERVER, mainDir, { env: { ...process.env, QDA_TIMINGS: '1' } });
  await server.initialize();
  const bigText = originals.get(BIG);
  const bigLines = new Lines(bigText);
  const bigUri = server.uri(BIG);
  const mid = bigText.indexOf('\n**', Math.floor(bigText.length / 2)) + 1;
  const line = bigLines.positionAt(mid).line;
  const insertAt = { line, character: bigText.slice(mid).indexOf(' ', 60) };
  let version = 1;
  server.notify('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'markdown', version, text: bigText } });
  await server.request('qda/documentCodings', { uri: bigUri });
  await sleep(300);
  const mark = server.stderr.length;
  for (let i = 0; i < N * 5; i++) {
    const change = i % 2 === 0 ? { range: { start: insertAt, end: insertAt }, text: 'x' } : { range: { start: insertAt, end: { line, character: insertAt.character + 1 } }, text: '' };
    server.notify('textDocument/didChange', { textDocument: { uri: bigUri, version: ++version }, contentChanges: [change] });
    await server.request('textDocument/hover', { textDocument: { uri: bigUri }, position: insertAt });
  }
  const shifts = await serverTimings('didChange-shift', mark, N * 5, server);
  figure('keystroke in the 1 MB transcript, 10,000 codings (didChange received → codings shifted, server)', 'ms', shifts, { max: 1 }, 'p95');
  await server.shutdown();
}

// The framework matrix as its view asks for it (codes × informants, codings: the view's
// default), over stdio, request → reply (issue 17.8, last clause). The server keeps each
// transcript's counts (core/analysis/recount.ts): asked again with nothing changed it answers
// from what it kept; after a coding in one transcript it counts that transcript again and
// patches the totals. Each "after" sample follows one coding change (a line of anna's codings
// file of one transcript removed, then put back, as didChange of the open file: what a coding
// operation does), asked 200 ms after qda/indexChanged as the view asks. The first request, with
// nothing counted yet, is the from-scratch figure (note; the CLI row further down is the same
// computation without the reply). A server of its own, so the counts it keeps do not enter the
// session's peak RSS.
{
  log('  framework matrix: unchanged, and after one coding');
  await restore();
  await baselineSample(mainDir);
  // Without the idle warm-up after ready (server/src/analysisWarmup.ts), so that the first
  // request stays the from-scratch figure of the note.
  const server = new LspServer(SERVER, mainDir, { env: { ...process.env, QDA_WARMUP: 'off' } });
  await server.initialize();
  const params = { rows: 'codes', cols: 'informants', count: 'codings', coder: '' };
  const ask = async () => {
    const t0 = performance.now();
    const reply = await server.request('qda/matrix', params);
    if (reply.error || !reply.rows.length) throw new Error(`qda/matrix: ${reply.error ?? 'no rows'}`);
    return [performance.now() - t0, reply];
  };
  const [firstMs, first] = await ask();
  const cached = [];
  for (let i = 0; i < N; i++) cached.push((await ask())[0]);
  const doc = 'transcripts/synt-00010.md';
  const rel = codingsFileOf('anna', doc);
  const uri = server.uri(rel);
  const lines = readFileSync(join(mainDir, rel), 'utf8').split('\n');
  const k = Math.floor(lines.length / 2);
  let version = 1;
  server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version, text: lines.join('\n') } });
  const after = [];
  const cooccurAfter = [];
  for (let i = 0; i < N + 2; i++) {
    await toggleCodingsLine(server, uri, lines, k, i, ++version);
    const [ms, reply] = await ask();
    const total = (r) => r.rows.reduce((n, row) => n + (row.kind === 'code' ? row.total : 0), 0);
    if (total(reply) !== total(first) - (i % 2 === 0 ? 1 : 0)) throw new Error('qda/matrix did not count the coding change');
    // The co-occurrence (Charts view, heat map), after the same change, for the note.
    const t1 = performance.now();
    if (i % 2 === 0) {
      await server.request('qda/chart', { chart: 'cooccurrence', rows: 'codes', cols: 'informants', count: 'codings', coder: '', measure: 'overlapping', top: 30 });
      if (i >= 2) cooccurAfter.push(performance.now() - t1);
    }
    if (i >= 2) after.push(ms);
  }
  server.notify('textDocument/didClose', { textDocument: { uri } });
  const size = Math.round(Buffer.byteLength(JSON.stringify(first)) / 1024);
  const co = [...cooccurAfter].sort((a, b) => a - b);
  figure(`framework matrix after one coding in one transcript (qda/matrix codes × informants, ${first.rows.length} rows × ${first.columns.length} columns)`, 'ms', after, { max: 30 }, 'p95',
    `from scratch (first request): ${firstMs.toFixed(0)} ms; reply ${size} KB; co-occurrence (qda/chart heat map) after a coding p50 ${pct(co, 0.5).toFixed(0)} / p95 ${pct(co, 0.95).toFixed(0)} ms`);
  figure('framework matrix unchanged (qda/matrix asked again, kept counts)', 'ms', cached, { max: 15 }, 'p95');
  await server.shutdown();
}

await restore();
await baselineSample(mainDir);

// ---- CLI -----------------------------------------------------------------------------------
{
  const times = [];
  for (let i = 0; i < Math.max(2, Math.ceil(opts.runs / 2)); i++) {
    const c = await runChild([CLI, 'check', '--json', mainDir]);
    if (c.code === 2) throw new Error(`cli check failed: ${c.err}`);
    times.push(c.ms);
  }
  figure('cli.js check --json (end to end)', 'ms', times, null, 'median');
}

// ---- analysis (issues 17, 18): each computation after the project is loaded and indexed ------
// The CLI prints `qda-timing <step> <ms>` under QDA_TIMINGS=1, timed after the coding index is
// built, so these rows are the computation a view would redo, not the start-up.
{
  const themes = [...readFileSync(join(mainDir, 'codebook.md'), 'utf8').matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  const steps = [
    ['query', ['query', `"${themes[0]}" AND NOT "${themes[1]}"`, '--json'], 100, 'query: theme AND NOT theme'],
    ['matrix', ['matrix', '--rows', 'themes', '--cols', 'informants', '--json'], 100, 'matrix themes × informants'],
    ['cooccur', ['cooccur', '--json'], 300, `co-occurrence of ${meta.codes} codes`],
    ['agree', ['agree', '--coders', 'anna,bjorn', '--unit', 'turn', '--json'], 500, 'qda agree --unit turn, two coders'],
    ['agree', ['agree', '--coders', 'anna,bjorn', '--unit', 'char', '--json'], 2000, 'qda agree --unit char, two coders'],
    // The bar chart of every code by informant, drawn by ECharts (loading the library included):
    // the default top 30 codes and "Other", and all of them (no budget: the issue sets none).
    ['chart', ['export', 'chart-svg', '--rows', 'codes', '--cols', 'informants', '--out', join(opts.corpus, 'bench-chart.svg')], null, `bar chart codes × informants, top 30 of ${meta.codes} (qda export chart-svg, render)`],
    ['chart', ['export', 'chart-svg', '--rows', 'codes', '--cols', 'informants', '--top', 'all', '--out', join(opts.corpus, 'bench-chart.svg')], null, `bar chart codes × informants, all ${meta.codes} codes (render)`],
    // The segment table of one theme to Word (thousands of rows; the docx library loaded, rows made, packed).
    ['segments-docx', ['export', 'segments-docx', '--query', `"${themes[0]}"`, '--out', join(opts.corpus, 'bench-segments.docx')], null, `segments-docx of the theme "${themes[0]}" (write the document)`],
  ];
  for (const [step, args, max, label] of steps) {
    const times = [];
    for (let i = 0; i < Math.max(3, opts.runs); i++) {
      const c = await runChildEnv([CLI, ...args, mainDir], { QDA_TIMINGS: '1' });
      const m = new RegExp(`^qda-timing ${step} (\\S+)$`, 'm').exec(c.err);
      if (c.code !== 0 || !m) throw new Error(`cli ${args.join(' ')} failed: ${c.err}`);
      times.push(Number(m[1]));
    }
    figure(`${label} (${meta.codings} codings, computation)`, 'ms', times, max === null ? null : { max }, 'p95');
  }
}

// ---- REFI-QDA exchange (issue 19): export and import of the whole corpus ---------------------
// qda export qdpx and qda import PROJECT.qdpx, spawn → exit (Node start, project load, convert,
// write), each right after a read+split baseline sample: the ratio is against that sample, so
// it holds whatever the machine's speed. Peak RSS is the CLI's own maxRSS (QDA_TIMINGS lines).
{
  const archive = join(opts.corpus, 'bench-export.qdpx');
  const target = join(opts.corpus, 'bench-import');
  const runs = Math.max(3, Math.ceil(opts.runs / 2));
  const rows = { export: { ms: [], ratio: [], rss: [], phases: [] }, import: { ms: [], ratio: [], rss: [], phases: [] } };
  const peak = (err) => Math.max(...[...err.matchAll(/^qda-timing \S+-peak-rss-mb (\S+)$/gm)].map((m) => Number(m[1])));
  const phases = (err) => [...err.matchAll(/^qda-timing refi-(\S+?) (\S+)$/gm)].filter((m) => !m[1].endsWith('-mb')).map((m) => `${m[1]} ${Number(m[2]).toFixed(0)}`).join(', ');
  for (let i = 0; i < runs; i++) {
    for (const kind of ['export', 'import']) {
      await fsp.rm(target, { recursive: true, force: true });
      const b = await baselineSample(mainDir);
      const args = kind === 'export' ? [CLI, 'export', 'qdpx', '--out', archive, mainDir] : [CLI, 'import', archive, '--out', target];
      const c = await runChildEnv(args, { QDA_TIMINGS: '1' });
      if (c.code !== 0) throw new Error(`cli ${args.slice(1).join(' ')} failed: ${c.err}`);
      const r = rows[kind];
      r.ms.push(c.ms);
      r.ratio.push(c.ms / b.ms);
      r.rss.push(peak(c.err));
      r.phases.push(phases(c.err));
      log(`REFI ${kind} ${i + 1}/${runs}: ${c.ms.toFixed(0)} ms (baseline ${b.ms.toFixed(0)} ms), peak RSS ${r.rss.at(-1)} MB; ${r.phases.at(-1)}`);
    }
  }
  await fsp.rm(target, { recursive: true, force: true });
  const size = (statSync(archive).size / 1048576).toFixed(1);
  for (const kind of ['export', 'import']) {
    const r = rows[kind];
    const what = kind === 'export' ? `qda export qdpx (${meta.codings} codings → ${size} MB archive)` : `qda import PROJECT.qdpx --out DIR (${size} MB archive)`;
    figure(`REFI-QDA ${what}, spawn → exit`, 'ms', r.ms, opts.words === 5_000_000 ? { max: 5000 } : null, 'median', `last run: ${r.phases.at(-1)} ms`);
    // 5 s at the reference baseline (bench/budgets.mjs) is 5000 / 314 ≈ 16 baselines.
    figure(`REFI-QDA ${kind} / baseline`, '×', r.ratio, { max: Math.floor(5000 / REFERENCE_BASELINE_MS) }, 'median');
    figure(`REFI-QDA ${kind} peak RSS`, 'MB', r.rss, { max: 500 }, 'median');
  }
}

// ---- growth ----------------------------------------------------------------------------------
if (opts.growth.length) {
  const sizes = opts.growth.map((m) => {
    const words = m * 1_000_000;
    const dir = join(opts.corpus, `grow-${m}M`);
    generateCorpus({ dir, files: Math.max(1, Math.round(words / 25000)), wordsPerFile: 25000, seed: 3, codings: Math.round(words / 100), special: false }, log);
    return { m, dir, ms: [], hwm: [], live: [] };
  });
  // Round robin over the sizes: this machine's speed drifts over minutes (a shared VM), and
  // measuring one size after the other put that drift into the slope ratio.
  for (let i = 0; i < opts.growthRuns; i++) {
    for (const size of sizes) {
      const c = await coldStart(size.dir, [], { liveHeap: true });
      size.ms.push(c.ms);
      size.hwm.push(c.hwm);
      if (c.live !== undefined) size.live.push(c.live);
    }
  }
  const points = [];
  for (const { m, ms, hwm, live } of sizes) {
    log(`growth ${m}M words: cold start median ${med(ms).toFixed(0)} ms, peak RSS ${med(hwm).toFixed(0)} MB, live heap ${live.length ? med(live).toFixed(0) : '?'} MB`);
    figure(`growth: cold start at ${m}M words`, 'ms', ms, null, 'median');
    figure(`growth: peak RSS at ${m}M words`, 'MB', hwm, null, 'median');
    if (live.length) figure(`growth: live heap after start-up at ${m}M words`, 'MB', live, null, 'median');
    points.push({ m, ms: med(ms), hwm: med(hwm), live: live.length ? med(live) : NaN });
  }
  if (points.length >= 3) {
    // Linear growth: the cost per extra million words over the upper interval, relative to
    // the lower one (1.0 = perfectly linear; > 1 superlinear).
    const slope = (a, b, k) => (b[k] - a[k]) / (b.m - a.m);
    const [p0, p1, p2] = [points[0], points[Math.floor(points.length / 2)], points[points.length - 1]];
    for (const [k, label, unit] of [['ms', 'cold start', 'ms'], ['hwm', 'peak RSS', 'MB'], ['live', 'live heap', 'MB']]) {
      if (!points.every((p) => Number.isFinite(p[k]))) continue;
      const lo = slope(p0, p1, k);
      const hi = slope(p1, p2, k);
      const ratio = hi / lo;
      const f = figure(`growth: ${label} slope ratio (${p1.m}–${p2.m}M vs ${p0.m}–${p1.m}M)`, '×', [ratio], { max: 1.2 }, 'median', `${lo.toFixed(1)} → ${hi.toFixed(1)} ${unit} per 1M words`);
      f.pass = ratio >= 0.8 && ratio <= 1.2;
      f.budget = '0.8–1.2';
    }
  }
}

// ---- output ----------------------------------------------------------------------------------
const { measured, factor } = scaleBudgets();
const scaleLine =
  opts.words === 5_000_000
    ? `budgets in ms are for a read+split baseline of ${REFERENCE_BASELINE_MS} ms; this run's baseline ${measured.toFixed(0)} ms (median of ${baselines.length} samples over the run, ${Math.min(...baselines).toFixed(0)}–${Math.max(...baselines).toFixed(0)} ms) → scaled by ×${factor.toFixed(2)} (never below ×1)`
    : `budgets in ms unscaled: the reference baseline (${REFERENCE_BASELINE_MS} ms) is for the default corpus; this run's baseline ${measured.toFixed(0)} ms`;
if (opts.json) {
  process.stdout.write(JSON.stringify({ name: 'budget scale', unit: '×', median: round(factor), referenceBaselineMs: REFERENCE_BASELINE_MS, baselineMs: round(measured), baselineSamples: baselines.map(round) }) + '\n');
  for (const f of figures) process.stdout.write(JSON.stringify(f) + '\n');
} else {
  process.stdout.write(scaleLine + '\n\n');
  const rows = figures.map((f) => [f.name, f.unit, String(f.median), String(f.p95), f.budget ? `${f.budget} (${f.check})` : '—', f.budgetScaled ?? '', f.pass === null ? '' : f.pass ? 'pass' : 'FAIL', f.note ?? '']);
  const head = ['figure', 'unit', 'median', 'p95', 'budget', 'scaled', '', 'note'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => (i >= 2 && i <= 3 ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ') + ' |';
  process.stdout.write([line(head), '|' + w.map((n, i) => (i >= 2 && i <= 3 ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|') + '|', ...rows.map(line)].join('\n') + '\n');
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  process.stdout.write(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} cores, load average at the end ${load}\n`);
}
