// The shape of the code (issue 16): no import cycle anywhere in server/src and client/src, no
// file in core over 400 lines, and every folder of core one of the layers that lint
// (eslint.config.mjs, no-restricted-imports) keeps one way. The import graph is built from the
// TypeScript sources with the compiler's own pre-processor (type-only imports count too: a
// cycle of types is still two modules that cannot be understood apart).
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as TS from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');
// Loaded from node_modules at run time, not bundled into the test (it is 9 MB).
const ts = createRequire(__filename)('typescript') as typeof TS;

const MAX_CORE_LINES = 400;

// Known offenders, allowed by name (none today: keep it so). Anything not listed fails.
const KNOWN_CYCLES: string[][] = [];
const KNOWN_LONG_FILES: string[] = [];

type Graph = Map<string, string[]>;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Each source file (relative to the repository, '/'-separated) and the source files it imports. */
function importGraph(dirs: string[]): Graph {
  const files = dirs.flatMap((d) => sourceFiles(path.join(ROOT, d)));
  const known = new Set(files);
  const resolve = (from: string, spec: string): string | undefined => {
    if (!spec.startsWith('.')) return undefined; // a package
    const base = path.resolve(path.dirname(from), spec);
    return [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((c) => known.has(c));
  };
  const rel = (p: string): string => path.relative(ROOT, p).split(path.sep).join('/');
  const graph: Graph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = new Set<string>();
    for (const ref of info.importedFiles) {
      const target = resolve(file, ref.fileName);
      if (target) deps.add(rel(target));
    }
    graph.set(rel(file), [...deps].sort());
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself): each holds a cycle. */
function cyclicComponents(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  // Iterative Tarjan: the graph has hundreds of files, recursion depth is not a worry, but an
  // explicit stack keeps the order of visits plain.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const deps = graph.get(top.node) ?? [];
      if (top.i < deps.length) {
        const w = deps[top.i++];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.node);
        if (component.length > 1 || (graph.get(top.node) ?? []).includes(top.node)) out.push(component.sort());
      }
    }
  }
  return out;
}

/** One cycle through a component, as a chain of imports (a → b → … → a), for the failure message. */
function cycleIn(graph: Graph, component: string[]): string[] {
  const members = new Set(component);
  const start = component[0];
  // Breadth-first from start's imports back to start, inside the component: the shortest cycle.
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const dep of graph.get(node) ?? []) {
      if (!members.has(dep)) continue;
      if (dep === start) {
        const chain = [node];
        while (chain[0] !== start) chain.unshift(cameFrom.get(chain[0])!);
        return [...chain, start];
      }
      if (!cameFrom.has(dep)) {
        cameFrom.set(dep, node);
        queue.push(dep);
      }
    }
  }
  return component;
}

/** The cycles of the graph that are not (within) a known one, each as a chain of imports. */
function newCycles(graph: Graph, known: string[][]): string[][] {
  return cyclicComponents(graph)
    .filter((component) => !known.some((k) => component.every((f) => k.includes(f))))
    .map((component) => cycleIn(graph, component));
}

describe('architecture', () => {
  const graph = importGraph(['server/src', 'client/src']);

  it('finds a cycle and names its files (the check below can fail)', () => {
    const g: Graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    assert.deepEqual(cyclicComponents(g), [['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    assert.deepEqual(cycleIn(g, ['a.ts', 'b.ts', 'c.ts']), ['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    assert.deepEqual(newCycles(g, [['a.ts', 'b.ts', 'c.ts']]), [['e.ts', 'e.ts']]);
    assert.deepEqual(cyclicComponents(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), []);
  });

  it('reads the real import graph (core, features, client)', () => {
    assert.ok(graph.size > 100, `${graph.size} files`);
    assert.ok(graph.get('server/src/core/project/project.ts')?.includes('server/src/core/project/fileStore.ts'));
    assert.ok(graph.get('server/src/core/checks/diagnostics.ts')?.includes('server/src/core/project/project.ts'));
    assert.ok([...graph.keys()].some((f) => f.startsWith('client/src/')));
  });

  it('has no import cycle in server/src or client/src', () => {
    const cycles = newCycles(graph, KNOWN_CYCLES);
    assert.deepEqual(cycles.map((c) => c.join(' → ')), [], `import cycles:\n${cycles.map((c) => '  ' + c.join(' → ')).join('\n')}`);
  });

  it(`has no file in server/src/core over ${MAX_CORE_LINES} lines`, () => {
    const long = [...graph.keys()]
      .filter((f) => f.startsWith('server/src/core/') && !KNOWN_LONG_FILES.includes(f))
      .map((f) => ({ f, lines: readFileSync(path.join(ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_CORE_LINES)
      .map(({ f, lines }) => `${f}: ${lines} lines`);
    assert.deepEqual(long, []);
  });

  it('puts every file of core in a folder of a layer that lint keeps one way', () => {
    const config = readFileSync(path.join(ROOT, 'eslint.config.mjs'), 'utf8');
    const layers = /const LAYERS = (\[.*\]);/.exec(config);
    assert.ok(layers, 'eslint.config.mjs names the layers of core in const LAYERS');
    const known = new Set((JSON.parse(layers[1].replace(/'/g, '"')) as string[][]).flat());
    const outside = [...graph.keys()].filter((f) => f.startsWith('server/src/core/') && !known.has(f.split('/')[3]));
    assert.deepEqual(outside, [], 'a folder of core that is no layer in eslint.config.mjs (files directly in core too)');
  });
});
