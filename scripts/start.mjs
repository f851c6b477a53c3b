#!/usr/bin/env node
// `npm start`: builds the extension, then opens examples/demo-thesis in a real VS Code
// (code-server on 127.0.0.1, no password on loopback, workspace trusted, no welcome page, no
// telemetry) with the extension loaded from this working tree, and prints the URL to open.
// Ctrl+C stops code-server and everything it started.
//
// usage: npm start [-- FOLDER] [--port=N] [--no-build] [--run-dir=DIR]
//   FOLDER    project to open (default examples/demo-thesis); it is edited in place
//   --port    preferred port (default 8765; another free one is used when it is taken; 0 = any)
//   --run-dir profile/HOME/logs folder (default .vscode-test/run-start, kept between runs)
//
// The extension is linked into this run's extensions folder, so the plain URL works in any
// browser; after a rebuild (`npm run build`) run "Developer: Reload Window" to load it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureTools } from './vscode-tools.mjs';
import { ROOT, makeRunDir, startCodeServer, linkWorkingTreeExtension, freePort, workbenchUrl, secs, now } from './vscode-lib.mjs';

const args = Object.create(null);
const positional = [];
for (const a of process.argv.slice(2)) {
  const m = a.match(/^--([^=]+)(?:=(.*))?$/);
  if (m) args[m[1]] = m[2] ?? true;
  else positional.push(a);
}
const folder = path.resolve(positional[0] ?? path.join(ROOT, 'examples/demo-thesis'));

const t0 = now();
try {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  ensureTools();
  if (!args['no-build']) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('build failed (node scripts/build.mjs)');
  }
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js is missing after the build');
} catch (e) {
  console.error(`[start] ${e.message}`);
  process.exit(1);
}

// One fixed run folder, so the window layout and settings a human changes survive restarts.
const runDir = args['run-dir'] ? path.resolve(args['run-dir']) : makeRunDir('start', { fixed: true });
for (const d of ['home', 'user-data/User', 'extensions', 'tmp', 'logs']) fs.mkdirSync(path.join(runDir, d), { recursive: true });
linkWorkingTreeExtension(runDir);
const port = await freePort(Number(args.port ?? process.env.PORT ?? 8765));
let server;
try {
  server = await startCodeServer(runDir, { folder, port, keepSettings: true });
} catch (e) {
  console.error(`[start] ${e.message}`);
  process.exit(1);
}
const url = workbenchUrl(server.url, folder);
console.log(`
Thesis QDA is running in VS Code (code-server) after ${secs(now() - t0)}.
  Open:    ${url}
  Folder:  ${folder}
  Logs:    ${path.join(runDir, 'logs')}
Press Ctrl+C to stop.
`);

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n[start] ${signal}: stopping code-server`);
  await server.stop();
  process.exit(0);
};
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => void stop(s));
server.proc.on('exit', (code, signal) => {
  if (stopping) return;
  console.error(`[start] code-server exited (${code ?? signal}); log: ${server.logFile}`);
  process.exit(1);
});
