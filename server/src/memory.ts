// The server's heap once the project is loaded. V8 lets the old generation grow to up to 4×
// what survived the last full collection before it collects again, and it picks that factor
// when allocation is fast — which is exactly the editing session: every change to an open
// 8.5 MB codings file makes a new 8.5 MB string, every diagnostics pass a few large arrays,
// and such objects go straight to the large-object space, which only a full collection
// frees. On the 5M-word benchmark that garbage took the server from 290 MB at ready to
// 700 MB after 40 codings while the live heap stayed at 140 MB.
//
// Start-up keeps V8's defaults (almost everything it allocates then stays alive, and fewer
// full collections are faster). Once the index is built, the start-up garbage is collected
// once and the old generation may grow by a quarter of what is alive before the next full
// collection: the large garbage of a session is then freed at ~1.25× the live heap.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** Old-generation growth between full collections after start-up, in percent. */
const STEADY_HEAP_GROWING_PERCENT = 25;

/** Called once the index is ready. `QDA_HEAP=off` in the environment keeps V8's defaults. */
export function settleHeapAfterStartup(): void {
  if (process.env.QDA_HEAP === 'off') return;
  v8.setFlagsFromString(`--heap-growing-percent=${STEADY_HEAP_GROWING_PERCENT}`);
  fullGc();
}

function fullGc(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  // gc() without starting node with --expose-gc: expose it in a fresh context only.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  v8.setFlagsFromString('--no-expose-gc');
  gc?.();
}
