#!/usr/bin/env node
// Installs the tools that run Thesis QDA in a real VS Code on machines without desktop VS Code:
//   - Node 24 (npm package `node`): code-server 4.139.x refuses any other Node major, and
//     @vscode/vsce 4 needs Node >= 22 while the project itself builds with Node 20;
//   - code-server 4.139.1 (= VS Code 1.139.1 server + web workbench);
//   - @vscode/vsce 4.1.0 (packaging, run under Node 24).
// Each goes into its own folder under .vscode-test/tools (git-ignored) with a package.json of
// its own, so npm does not walk up and install it into the project. Idempotent: a complete
// install is reused; QDA_VSCODE_TOOLS points at an install shared between clones.
//
// usage: node scripts/vscode-tools.mjs [--no-code-server]   (also imported: ensureTools())
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS_DIR, NODE24_HOME, CODE_SERVER_DIR, VSCE_JS, cleanEnv, toolsEnv, secs } from './vscode-lib.mjs';

export const VERSIONS = { node: '24.21.0', 'code-server': '4.139.1', '@vscode/vsce': '4.1.0' };
// Each tool in its own folder with its own package.json (see vscode-lib.mjs for why).
const FOLDERS = { node: 'node24', 'code-server': 'code-server', '@vscode/vsce': 'vsce' };

function installedVersion(name) {
  try {
    const pkg = path.join(TOOLS_DIR, FOLDERS[name], 'node_modules', name, 'package.json');
    return JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
  } catch {
    return undefined;
  }
}

// The version alone is not enough: code-server's postinstall (npm install in lib/vscode with
// native builds) may have failed half-way; these files exist only after a complete one.
function complete(name) {
  if (installedVersion(name) !== VERSIONS[name]) return false;
  if (name === 'node') return fs.existsSync(path.join(NODE24_HOME, 'bin/node'));
  if (name === '@vscode/vsce') return fs.existsSync(VSCE_JS);
  return (
    fs.existsSync(path.join(CODE_SERVER_DIR, 'out/node/entry.js')) &&
    fs.existsSync(path.join(CODE_SERVER_DIR, 'lib/vscode/out/server-main.js')) &&
    fs.existsSync(path.join(CODE_SERVER_DIR, 'lib/vscode/node_modules/@vscode/spdlog'))
  );
}

function npmInstall(name, env) {
  const dir = path.join(TOOLS_DIR, FOLDERS[name]);
  fs.mkdirSync(dir, { recursive: true });
  // Without a package.json here npm walks up and installs into the project itself.
  const pkg = path.join(dir, 'package.json');
  if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, JSON.stringify({ name: `thesis-qda-tool-${FOLDERS[name]}`, private: true }, null, 2) + '\n');
  const spec = `${name}@${VERSIONS[name]}`;
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--save-exact', spec], { cwd: dir, env, stdio: 'inherit' });
  if (r.status !== 0 || !complete(name)) {
    throw new Error(
      `npm install ${spec} in ${dir} failed (exit ${r.status}). code-server needs the Debian packages ` +
        `libkrb5-dev, pkg-config, build-essential and python3 (.ci/run installs them).`,
    );
  }
}

/**
 * Makes sure Node 24, @vscode/vsce and (unless codeServer is false) code-server are installed.
 * Returns the seconds spent installing (0 when everything was already there).
 */
export function ensureTools({ codeServer = true, log = (m) => console.log(`[vscode-tools] ${m}`) } = {}) {
  const t0 = performance.now();
  const wanted = ['node', '@vscode/vsce', ...(codeServer ? ['code-server'] : [])];
  const missing = wanted.filter((n) => !complete(n));
  for (const name of missing) {
    log(`installing ${name}@${VERSIONS[name]} into ${path.join(TOOLS_DIR, FOLDERS[name])}` +
      (name === 'code-server' ? ' (about 2 minutes: native builds)' : ''));
    // node itself installs with the plain environment; everything after it runs under Node 24
    // with node-gyp pointed at Node 24's headers (this machine's ~/.npmrc says nodedir=/usr).
    npmInstall(name, name === 'node' ? cleanEnv() : toolsEnv());
  }
  const spent = (performance.now() - t0) / 1000;
  log(missing.length ? `installed ${missing.join(', ')} in ${secs(spent * 1000)}` : `tools present in ${TOOLS_DIR}`);
  return missing.length ? spent : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureTools({ codeServer: !process.argv.includes('--no-code-server') });
    // Print the versions actually runnable, so a broken install shows here and not in a test.
    const env = toolsEnv();
    const v = spawnSync(path.join(NODE24_HOME, 'bin/node'), ['--version'], { env, encoding: 'utf8' });
    console.log(`[vscode-tools] node ${v.stdout.trim()}, vsce ${fs.existsSync(VSCE_JS) ? VERSIONS['@vscode/vsce'] : 'missing'}`);
  } catch (e) {
    console.error(`[vscode-tools] ${e.message}`);
    process.exit(1);
  }
}
