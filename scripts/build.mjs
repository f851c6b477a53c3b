// Bundles the extension, the language server, the CLI and the mocha test files with esbuild.
// remark and friends are ESM-only; bundling them into CommonJS is what lets VS Code's
// extension host and plain `node` load them.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

// The server and the CLI load the charting library (server/src/chartLibrary.ts) with a dynamic
// import only when a chart is drawn; here that import becomes a require of dist/chart-library.js
// (built below), so ECharts is neither in server.js and cli.js nor parsed at their start-up.
// Tests bundle it in as usual.
const chartLibraryApart = {
  name: 'chart-library-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/chartLibrary$/ }, () => ({ path: './chart-library.js', external: true }));
  },
};

/** ECharts' NOTICE and licence (Apache-2.0, with the d3 parts it embeds) and ZRender's (BSD-3-Clause), which its redistribution must carry. */
function chartLibraryNotice() {
  const text = ['echarts/NOTICE', 'echarts/LICENSE', 'zrender/LICENSE'].map((f) => `${f.split('/')[0]}: ${f.split('/')[1]}\n\n${readFileSync(join('node_modules', f), 'utf8').trim()}`).join('\n\n');
  return `/*!\n${text.replace(/\*\//g, '* /')}\n*/`;
}

// allSettled: one failing bundle must not hide the others' errors or leave them half-written.
const results = await Promise.allSettled([
  build({ ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] }),
  build({ ...common, entryPoints: { server: 'server/src/server.ts', cli: 'server/src/cli.ts' }, outdir: 'dist', plugins: [chartLibraryApart] }),
  // Apache ECharts, for the charts only: its own file, required on the first chart. Its
  // development checks and warnings are compiled out (they would print to the CLI's stderr).
  build({ ...common, entryPoints: { 'chart-library': 'server/src/chartLibrary.ts' }, outdir: 'dist', define: { 'process.env.NODE_ENV': '"production"' }, banner: { js: chartLibraryNotice() } }),
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
