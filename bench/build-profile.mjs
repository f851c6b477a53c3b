// Builds an unminified copy of the server and CLI into bench/.profiles/dist for profiling
// (names in --cpu-prof output), without touching dist/.
import { build } from 'esbuild';
import { join } from 'node:path';
const root = join(import.meta.dirname, '..');
await build({ bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: false, minify: false, logLevel: 'warning', mainFields: ['module', 'main'], entryPoints: { server: join(root, 'server/src/server.ts'), cli: join(root, 'server/src/cli.ts') }, outdir: join(root, 'bench/.profiles/dist') });
