#!/usr/bin/env node
// `npm run test:e2e`: installs the real-VS-Code tools when missing, builds once, then runs the
// browser end-to-end suites (test/e2e/*.e2e.mjs) with mocha and closes with "N passed, N failed".
// usage: node test/e2e/run.mjs [--grep=TEXT] [--no-build] [FILE.e2e.mjs ...]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { ensureTools } from '../../scripts/vscode-tools.mjs';
import { ROOT, now, secs } from '../../scripts/vscode-lib.mjs';

const argv = process.argv.slice(2);
const grep = argv.find((a) => a.startsWith('--grep='))?.slice('--grep='.length);
const files = argv.filter((a) => !a.startsWith('--')).map((f) => path.resolve(f));
const t0 = now();
try {
  ensureTools();
  if (!argv.includes('--no-build')) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
  }
} catch (e) {
  console.error(`[e2e] ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 120_000, color: process.stdout.isTTY });
if (grep) mocha.grep(grep);
const dir = path.join(ROOT, 'test/e2e');
for (const f of files.length ? files : fs.readdirSync(dir).filter((n) => n.endsWith('.e2e.mjs')).sort().map((n) => path.join(dir, n))) {
  mocha.addFile(f);
}
await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const s = runner.stats ?? { passes: 0, pending: 0 };
  console.log(`[e2e] ${secs(now() - t0)} in all`);
  console.log(`${s.passes} passed, ${failures} failed` + (s.pending ? `, ${s.pending} skipped` : ''));
  process.exitCode = failures ? 1 : 0;
});
