#!/usr/bin/env node
// `npm run bench:vscode [-- options]`: the extension's own figures (issue 9.3), measured in the
// real VS Code extension host of code-server through scripts/run-vscode-tests.mjs, not by timed
// unit tests. Several sessions on the demo thesis give activation, qda/ready and the first
// Codebook tree render; one session on a 1 MB transcript with 5,000 codings
// (bench/vscode/workspace.mjs) gives the decoration figures; one session on the bench corpus
// (`npm run bench`'s: 5M words, 50,000 codings) gives the Framework Matrix's first paint, whose
// budget is scaled by a read+split baseline as `npm run bench` scales its own (bench/budgets.mjs).
// Prints one table (or --json).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { makeDecorationWorkspace } from './workspace.mjs';
import { generateCorpus, restorePristine } from '../corpus.mjs';
import { REFERENCE_BASELINE_MS, budgetScale } from '../budgets.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HELP = `Usage: npm run bench:vscode -- [options]

  --runs N         VS Code sessions on the demo thesis for the start-up figures (default 5)
  --iterations N   opens of a 1 MB transcript (each a different one), and keystrokes, per
                   decoration session (default 12)
  --matrix-runs N  opens of the Framework Matrix, each in a new panel, on the bench corpus
                   (default 7)
  --cold-profile   time the matrix as the first webview of a new browser profile, which
                   pays for installing VS Code's webview service worker (by default a blank
                   webview is opened first, as in any browser that has shown one before)
  --only LIST      sessions to run, of startup,decorations,matrix (default all)
  --profile FILE   write a CPU profile of the extension host during the decoration session
                   (and FILE-matrix.cpuprofile during the matrix session)
                   (bench/vscode/long-slices.mjs FILE lists its longest synchronous slices)
  --no-build       do not run scripts/build.mjs first
  --json           print one JSON object per figure (name, unit, median, p95, budget, pass)
  --verbose        show the test runs' output
`;

const opts = { coldProfile: false, runs: 5, iterations: 12, matrixRuns: 7, only: ['startup', 'decorations', 'matrix'], build: true, json: false, verbose: false, profile: undefined };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const [k, inline] = a.split(/=(.*)/s);
  const val = () => inline ?? process.argv[++i];
  if (k === '--runs') opts.runs = Number(val());
  else if (k === '--iterations') opts.iterations = Number(val());
  else if (k === '--matrix-runs') opts.matrixRuns = Number(val());
  else if (k === '--only') opts.only = val().split(',');
  else if (k === '--profile') opts.profile = path.resolve(val());
  else if (k === '--no-build') opts.build = false;
  else if (k === '--cold-profile') opts.coldProfile = true;
  else if (k === '--json') opts.json = true;
  else if (k === '--verbose') opts.verbose = true;
  else if (k === '-h' || k === '--help') {
    process.stdout.write(HELP);
    process.exit(0);
  } else {
    process.stderr.write(`bench:vscode: unknown option ${a}\n${HELP}`);
    process.exit(2);
  }
}
const log = (s) => process.stderr.write(s + '\n');

if (opts.build) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
}

// The suite's own bundle: test/vscode/index.ts (the mocha entry the extension host loads) next
// to bench/vscode/perf.test.ts only, so none of the functional suites run here.
const outDir = path.join(ROOT, 'out/bench/vscode');
fs.rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: { index: path.join(ROOT, 'test/vscode/index.ts'), 'perf.test': path.join(ROOT, 'bench/vscode/perf.test.ts') },
  outdir: outDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

const big = opts.only.includes('decorations') ? makeDecorationWorkspace(path.join(ROOT, 'bench/.corpus/vscode-1mb'), { copies: opts.iterations }) : undefined;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-bench-vscode-'));

/** One VS Code session: the runner with our suite; returns the suite's samples. */
function session(mode, folder, extraEnv = {}) {
  const out = path.join(tmp, `${mode}-${Date.now()}.json`);
  const args = [path.join(ROOT, 'scripts/run-vscode-tests.mjs'), '--no-build', `--extensionTestsPath=${path.join(outDir, 'index.js')}`];
  if (folder) args.push(`--folder=${folder}`);
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, QDA_BENCH_MODE: mode, QDA_BENCH_OUT: out, QDA_BENCH_ITERATIONS: String(opts.iterations), ...extraEnv },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (opts.verbose) log(r.stdout + r.stderr);
  // The result file, else the suite's log line (should the environment not reach the host).
  let result;
  if (fs.existsSync(out)) result = JSON.parse(fs.readFileSync(out, 'utf8'));
  else {
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('[qda-bench] '));
    if (line) result = JSON.parse(line.slice('[qda-bench] '.length));
  }
  if (r.status !== 0 || !result) {
    log(r.stdout + r.stderr);
    throw new Error(`the ${mode} session failed (exit ${r.status})`);
  }
  return result;
}

const samples = {};
const info = {};
const merge = (res) => {
  for (const [k, v] of Object.entries(res.samples)) (samples[k] ??= []).push(...v);
  Object.assign(info, res.info);
};
for (let i = 0; opts.only.includes('startup') && i < opts.runs; i++) {
  log(`bench:vscode: start-up session ${i + 1}/${opts.runs} on examples/demo-thesis`);
  merge(session('startup'));
}
if (opts.only.includes('decorations')) {
  log(`bench:vscode: decoration session on ${path.relative(ROOT, big.dir)} (${big.docs} transcripts of ${(big.bytes / 1e6).toFixed(2)} MB with ${big.codingsPerDoc} codings each; ${opts.iterations} opens and keystrokes)`);
  merge(session('decorations', big.dir, opts.profile ? { QDA_BENCH_PROFILE: opts.profile } : {}));
}

/** One read+split baseline of `dir` (bench/baseline.mjs, spawn → exit), as `npm run bench` takes it. */
function baselineMs(dir) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/baseline.mjs'), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`);
  return performance.now() - t0;
}
let scale = { measured: NaN, factor: 1 };
const baselines = [];
if (opts.only.includes('matrix')) {
  // The corpus of `npm run bench` (same options, so one generated copy serves both).
  const dir = path.join(ROOT, 'bench/.corpus/main-5000000');
  const meta = generateCorpus({ dir, files: 200, wordsPerFile: 25000, seed: 1, codings: 50000, special: true }, log);
  log(`bench:vscode: Framework Matrix session on ${path.relative(ROOT, dir)} (${meta.words} words, ${meta.codings} codings, ${meta.codes} codes; ${opts.matrixRuns} opens)`);
  // Baselines before and after the session, as npm run bench takes them around its parts.
  for (let i = 0; i < 3; i++) baselines.push(baselineMs(dir));
  try {
    merge(session('matrix', dir, { QDA_BENCH_ITERATIONS: String(opts.matrixRuns), ...(opts.coldProfile ? { QDA_BENCH_COLD: '1' } : {}), ...(opts.profile ? { QDA_BENCH_PROFILE: opts.profile.replace(/(\.cpuprofile)?$/, '-matrix.cpuprofile') } : {}) }));
  } finally {
    restorePristine(dir);
  }
  for (let i = 0; i < 2; i++) baselines.push(baselineMs(dir));
  scale = budgetScale(baselines);
  info.budgetScale = { baselineMs: Math.round(scale.measured), samples: baselines.map(Math.round), factor: Number(scale.factor.toFixed(2)) };
}
fs.rmSync(tmp, { recursive: true, force: true });
log(`bench:vscode: ${JSON.stringify(info)}`);

const pct = (sorted, q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
if (samples.keyColorsSet) info.keyColorsSetMedian = pct(samples.keyColorsSet.slice().sort((a, b) => a - b), 0.5);
const debounce = info.keyDebounceMs ?? 250;
const FIGURES = [
  ['activationMs', 'activate() → Codebook view registered (demo)', 100],
  ['readyMs', 'activate() → server qda/ready (demo)', undefined],
  ['treeMs', 'activate() → Codebook tree first render (demo)', undefined],
  ['visibleToPaintMs', '1 MB, 5,000 codings: editor visible → all painted', 100],
  ['openToPaintMs', '  open command → all painted', undefined],
  ['applyMs', '  the paint: setDecorations of every colour (sync)', 50],
  ['requestMs', '  the refresh on show: qda/documentPaint round trip', undefined],
  ['refreshApplyMs', '  the refresh on show: compare + re-send (sync)', 50],
  ['keyToPaintMs', `keystroke seen → repainted (incl. ${debounce} ms debounce)`, debounce + 100],
  ['keyEditRoundTripMs', '  (before it: editor.edit → change seen, VS Code)', undefined],
  ['keyWorkMs', '  keystroke refresh after the debounce', 100],
  ['keyApplyMs', '  keystroke refresh: compare + re-send (sync)', 50],
  // The whole extension host: mostly VS Code's built-in Markdown extension tokenising and
  // syncing the 1 MB document (see long-slices.mjs); ours is the (sync) rows above.
  ['openLagMs', 'longest ext-host block, any extension: open + paint', undefined],
  ['keyLagMs', 'longest ext-host block, any extension: keystroke', undefined],
  // The budget (issue 17.8) is for the reference baseline; scaled like npm run bench's rows.
  ['firstWebviewMs', 'the browser profile\'s first webview (a blank one; once per profile)', undefined],
  ['matrixPaintMs', 'bench corpus: Show Framework Matrix → page painted its cells', Math.round(500 * scale.factor)],
  ['matrixAnswerMs', '  command → data posted (qda/matrix ∥ page load)', undefined],
  ['matrixServerMs', '    of it: command → the server\'s answer (qda/matrix)', undefined],
  ['matrixDrawMs', '  data posted → first screenful painted (page\'s report)', undefined],
  ['matrixPageMs', '    of it: in the page (data received → first screenful painted)', undefined],
  ['matrixFullMs', '  command → whole table drawn (the rest in slices)', undefined],
];
const rows = [];
for (const [key, label, budget] of FIGURES) {
  const s = (samples[key] ?? []).slice().sort((a, b) => a - b);
  if (s.length === 0) continue;
  const median = pct(s, 0.5);
  const p95 = pct(s, 0.95);
  rows.push({ name: key, label, unit: 'ms', n: s.length, median, p95, budget, pass: budget === undefined ? undefined : p95 <= budget });
}

if (opts.json) {
  for (const r of rows) process.stdout.write(JSON.stringify({ name: r.name, unit: r.unit, median: r.median, p95: r.p95, budget: r.budget ?? null, pass: r.pass ?? null, n: r.n }) + '\n');
} else {
  const fmt = (v) => (v < 10 ? v.toFixed(1) : v.toFixed(0));
  const w = Math.max(...rows.map((r) => r.label.length));
  const lines = [
    `${'figure'.padEnd(w)}  ${'median'.padStart(7)}  ${'p95'.padStart(7)}  ${'budget'.padStart(8)}  pass`,
    ...rows.map((r) =>
      `${r.label.padEnd(w)}  ${(fmt(r.median) + ' ms').padStart(7)}  ${(fmt(r.p95) + ' ms').padStart(7)}  ${(r.budget === undefined ? '—' : `≤ ${r.budget} ms`).padStart(8)}  ${r.pass === undefined ? '' : r.pass ? 'yes' : 'NO'}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  process.stdout.write(
    `(pass: p95 within budget` +
      (opts.only.includes('startup') ? `; ${opts.runs} start-up sessions` : '') +
      (info.opens !== undefined ? `; per decoration session ${info.opens} opens of not yet loaded transcripts (${info.paintedFromPrefetch ?? 0} painted at once from the answer asked for on open) and ${opts.iterations} keystrokes; ` +
        `${info.ranges} ranges in ${info.colors} colours; colours re-sent per keystroke: ${info.keyColorsSetMedian ?? '?'}; longest synchronous decoration paint ${fmt(info.maxApplyMs ?? 0)} ms` : '') +
      (info.matrix ? `; Framework Matrix: ${info.matrix.rows} rows × ${info.matrix.columns} columns (${info.matrix.firstRows} in the first screenful), ${info.matrix.cells} cells with counts, the first open (the server's first count unless the warm-up after ready was done) ${fmt(samples.matrixPaintMs[0])} ms of which command → data posted ${fmt(samples.matrixAnswerMs[0])} ms, budget scaled ×${scale.factor.toFixed(2)} by a read+split baseline of ${scale.measured.toFixed(0)} ms (reference ${REFERENCE_BASELINE_MS} ms)` : '') +
      ')\n',
  );
}
process.exit(rows.every((r) => r.pass !== false) ? 0 : 1);
