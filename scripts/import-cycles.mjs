#!/usr/bin/env node
// Lists import cycles among the TypeScript files under a folder (default server/src): every
// relative import and export-from, type-only ones included, as a graph; each strongly connected
// component of more than one file (or a file importing itself) is a cycle. Exit code 1 if any.
//   node scripts/import-cycles.mjs [folder or file …]
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const folders = process.argv.slice(2);
if (folders.length === 0) folders.push('server/src');

function files(dir, out = []) {
  if (!statSync(dir).isDirectory()) return /\.tsx?$/.test(dir) ? [resolve(dir)] : out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(resolve(p));
  }
  return out;
}

function target(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const p of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (existsSync(p) && statSync(p).isFile()) return p;
  return undefined;
}

const all = folders.flatMap((f) => files(f));
const known = new Set(all);
const edges = new Map();
for (const f of all) {
  const text = readFileSync(f, 'utf8');
  const out = new Set();
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    const t = target(f, m[1] ?? m[2]);
    if (t && known.has(t)) out.add(t);
  }
  edges.set(f, out);
}

// Tarjan's strongly connected components.
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], cycles = [];
function visit(v) {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); onStack.add(v);
  for (const w of edges.get(v)) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1 || edges.get(v).has(v)) cycles.push(scc);
  }
}
for (const f of all) if (!idx.has(f)) visit(f);

const rel = (p) => relative(process.cwd(), p).split('\\').join('/');
console.log(`${all.length} files, ${[...edges.values()].reduce((n, s) => n + s.size, 0)} imports under ${folders.join(', ')}`);
for (const c of cycles) console.log(`cycle: ${c.map(rel).sort().join(' ↔ ')}`);
console.log(cycles.length === 0 ? 'no import cycle' : `${cycles.length} import cycle(s)`);
process.exit(cycles.length === 0 ? 0 : 1);
