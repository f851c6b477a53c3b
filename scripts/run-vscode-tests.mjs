#!/usr/bin/env node
// Runs the mocha suites of test/vscode inside the REAL Node extension host of code-server
// (VS Code 1.139 server + web workbench), with the real `vscode` API, on a COPY of the demo
// thesis in a temporary folder. Headless Debian Chromium only hosts the workbench; the
// extension and the tests run in Node on the server side. Exit code = mocha's result
// (124 on timeout); the last line is "N passed, N failed".
//
// usage: node scripts/run-vscode-tests.mjs [--grep=TEXT] [--folder=DIR] [--no-build]
//          [--extensionDevelopmentPath=DIR] [--extensionTestsPath=FILE]   (default: this project, out/test/vscode/index.js)
//          [--timeout=SECONDS] [--verbose] [--keep]
// QDA_TRACE=FILE.json writes a Chromium trace of the whole run (open it in chrome://tracing or
// Perfetto); e.g. `QDA_TRACE=/tmp/t.json npm run bench:vscode -- --only=matrix` showed where the
// matrix's first open waits (the webview service worker's first install).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { build } from 'esbuild';
import { ensureTools } from './vscode-tools.mjs';
import {
  ROOT, makeRunDir, startCodeServer, launchChromium, remoteUri, workbenchUrl, copyProject,
  testProjectSource, memorySampler, chromiumPid, now, secs,
} from './vscode-lib.mjs';

const args = Object.create(null);
for (const a of process.argv.slice(2)) {
  const m = a.match(/^--([^=]+)(?:=(.*))?$/);
  if (m) args[m[1]] = m[2] ?? true;
  else { console.error(`unexpected argument ${a}`); process.exit(2); }
}
const devPath = path.resolve(args.extensionDevelopmentPath ?? ROOT);
const testsPath = path.resolve(args.extensionTestsPath ?? path.join(ROOT, 'out/test/vscode/index.js'));
const timeoutMs = Number(args.timeout ?? 300) * 1000;
const verbose = !!args.verbose || !!process.env.VERBOSE;

/** Bundles test/vscode/index.ts and every *.test.ts beside it (vscode and mocha stay external). */
async function bundleTests() {
  const dir = path.join(ROOT, 'test/vscode');
  const entries = fs.readdirSync(dir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(dir, f));
  fs.rmSync(path.join(ROOT, 'out/test/vscode'), { recursive: true, force: true });
  await build({
    entryPoints: entries,
    outdir: path.join(ROOT, 'out/test/vscode'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline', // stack traces of failures point at the .ts lines
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

// Workbench log lines that are not test output (both arrive through window.codeAutomationLog).
const NOISE = [
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^\[Service Worker\]/,
  /^\[AgentHost/,
  /^\[AccountPolicyGate\]/,
  /^Creation of workbench contribution/,
  /^Started local extension host/,
  /^\s*$/,
];

const t0 = now();
const timings = {};
let exitCode = 1;
let server, browser, sampler, runDir, automationLog;
const errorLines = [];
try {
  timings.tools = ensureTools();
  if (!args['no-build'] && !args.extensionDevelopmentPath) {
    const tb = now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
    timings.build = secs(now() - tb);
  }
  if (!fs.existsSync(path.join(devPath, 'package.json'))) throw new Error(`${devPath} has no package.json`);
  if (!args.extensionTestsPath) await bundleTests();

  runDir = makeRunDir('test');
  const source = path.resolve(args.folder ?? testProjectSource());
  const folder = copyProject(source, path.join(runDir, 'workspace', path.basename(source)));
  console.log(`[vscode-tests] ${path.relative(ROOT, source)} copied to ${folder}`);
  const resultFile = path.join(runDir, 'logs/result.json');
  automationLog = fs.createWriteStream(path.join(runDir, 'logs/automation.log'));

  const tStart = now();
  server = await startCodeServer(runDir, { folder, verbose });
  const tListen = now();
  const launched = await launchChromium(runDir);
  browser = launched.context;
  const page = launched.page;
  const chromePid = chromiumPid();
  sampler = memorySampler(() => [server.proc.pid, chromePid, process.pid]);

  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  // Smoke-test mode: the workbench calls these instead of closing a desktop window.
  await page.exposeFunction('codeAutomationExit', (code, logs) => {
    for (const l of logs ?? []) {
      const f = path.join(runDir, 'logs/vscode', l.relativePath);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, l.contents);
    }
    resolveExit(code);
  });
  await page.exposeFunction('codeAutomationLog', (type, a) => {
    const line = util.format(...(a ?? []));
    automationLog.write(`[${type}] ${line}\n`);
    if (type === 'error') errorLines.push(line.split('\n').slice(0, 6).join('\n'));
    if (verbose || (type === 'info' && !NOISE.some((re) => re.test(line)))) console.log(line);
  });
  page.on('pageerror', (e) => automationLog.write(`[pageerror] ${e}\n`));

  const payload = [
    ['extensionDevelopmentPath', remoteUri(server.authority, devPath)],
    ['extensionTestsPath', remoteUri(server.authority, testsPath)],
    ['extensionEnvironment', JSON.stringify({
      QDA_TEST_RESULT_FILE: resultFile,
      ...(args.grep ? { MOCHA_GREP: String(args.grep) } : {}),
    })],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  const tPage = now();
  let cdp, traceEvents = [];
  if (process.env.QDA_TRACE) {
    cdp = await browser.newCDPSession(page);
    cdp.on('Tracing.dataCollected', (e) => traceEvents.push(...e.value));
    await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'toplevel', 'blink.user_timing', 'loading', 'navigation'] } });
  }
  await page.goto(workbenchUrl(server.url, folder, payload));
  const timer = setTimeout(() => resolveExit('timeout'), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  if (cdp) {
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end'); await done;
    fs.writeFileSync(process.env.QDA_TRACE, JSON.stringify({ traceEvents }));
  }
  const tDone = now();
  if (code === 'timeout') {
    console.error(`[vscode-tests] TIMEOUT after ${timeoutMs / 1000} s`);
    await page.screenshot({ path: path.join(runDir, 'logs/timeout.png') }).catch(() => {});
    exitCode = 124;
  } else {
    exitCode = Number(code) || 0;
  }
  console.log(
    `[vscode-tests] exit=${exitCode} tools=${timings.tools ? secs(timings.tools * 1000) : 'present'}` +
      (timings.build ? ` build=${timings.build}` : '') +
      ` code-server-listen=${secs(tListen - tStart)} page-load->tests-done=${secs(tDone - tPage)}` +
      ` total=${secs(tDone - t0)} peak-PSS(code-server+chromium+harness)=${sampler.stop()}MiB`,
  );
  if (exitCode !== 0 && !verbose && errorLines.length) {
    console.log('[vscode-tests] last error-level log lines:');
    for (const l of errorLines.slice(-5)) console.log('  ' + l.replace(/\n/g, '\n  '));
  }
  if (fs.existsSync(resultFile)) {
    const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    console.log(`${r.passes} passed, ${r.failures} failed` + (r.pending ? `, ${r.pending} skipped` : ''));
  } else {
    // The runner never reported: it could not load, crashed, or hung.
    if (exitCode === 0) exitCode = 1;
    console.log('0 passed, 1 failed');
  }
} catch (e) {
  console.error(`[vscode-tests] ${e.stack ?? e}`);
  console.log('0 passed, 1 failed');
  exitCode = 1;
} finally {
  sampler?.stop();
  await browser?.close().catch(() => {});
  await server?.stop();
  automationLog?.end();
  if (runDir) {
    if (exitCode === 0 && !args.keep) fs.rmSync(runDir, { recursive: true, force: true });
    else console.log(`[vscode-tests] logs kept in ${path.join(runDir, 'logs')}`);
  }
}
process.exit(exitCode);
