// Bundles the extension, the language server, the CLI and the mocha test files with esbuild.
// remark and friends are ESM-only; bundling them into CommonJS is what lets VS Code's
// extension host and plain `node` load them.
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // yaml and others ship "module" builds; prefer them for smaller bundles
  mainFields: ['module', 'main'],
};

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (/\.test\.ts$/.test(name) || name === 'atomicWriter.ts') out.push(p);
  }
  return out;
}

// allSettled: one failing bundle must not hide the others' errors or leave them half-written.
const results = await Promise.allSettled([
  build({ ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] }),
  build({ ...common, entryPoints: { server: 'server/src/server.ts', cli: 'server/src/cli.ts' }, outdir: 'dist' }),
  ...(production ? [] : [
    build({
      ...common,
      entryPoints: findTests('test').filter((p) => !p.startsWith(join('test', 'vscode'))),
      outdir: 'out/test',
      outbase: 'test',
      external: ['mocha', 'vscode'],
    }),
  ]),
]);
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length > 0) {
  for (const f of failed) console.error(String(f.reason?.message ?? f.reason));
  process.exit(1);
}
