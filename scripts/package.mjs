#!/usr/bin/env node
// `npm run package`: a production build (minified, no source maps) packed by @vscode/vsce into
// thesis-qda-<version>.vsix at the project root. vsce 4 needs Node >= 22, so it runs under the
// Node 24 of .vscode-test/tools (installed on first use). Everything the extension needs is
// bundled into dist/, hence --no-dependencies; .vscodeignore lists what goes in.
//
// usage: node scripts/package.mjs [--out=FILE.vsix]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTools } from './vscode-tools.mjs';
import { ROOT, NODE24, VSCE_JS, toolsEnv } from './vscode-lib.mjs';

/** Builds and packs the extension; returns the .vsix path. Throws with vsce's output on failure. */
export function packageVsix({ out, log = (m) => console.log(`[package] ${m}`) } = {}) {
  ensureTools({ codeServer: false, log });
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.resolve(out ?? path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`));
  const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--production'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('production build failed (node scripts/build.mjs --production)');
  const vsceArgs = [VSCE_JS, 'package', '--no-dependencies', '--out', vsix];
  if (!pkg.repository) {
    // The Marketplace wants a repository; without one vsce would stop to ask (y/N).
    log('WARNING: package.json has no "repository"; packaging anyway');
    vsceArgs.push('--allow-missing-repository');
  }
  fs.rmSync(vsix, { force: true });
  const r = spawnSync(NODE24, vsceArgs, {
    cwd: ROOT,
    env: toolsEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // no stdin: vsce must never wait for an answer
  });
  const output = `${r.stdout}${r.stderr}`.trim();
  if (r.status !== 0 || !fs.existsSync(vsix)) throw new Error(`vsce package failed (exit ${r.status}):\n${output}`);
  for (const line of output.split('\n')) if (/WARN|DONE/.test(line)) log(line.trim());
  return vsix;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outArg = process.argv.slice(2).find((a) => a.startsWith('--out='));
  try {
    const vsix = packageVsix({ out: outArg?.slice('--out='.length) });
    console.log(`[package] ${path.relative(process.cwd(), vsix)}: ${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB`);
  } catch (e) {
    console.error(`[package] ${e.message}`);
    process.exit(1);
  }
}
