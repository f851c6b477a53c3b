// Options shared by the analysis commands (query, matrix, cooccur and their exports): which
// codings take part. `--coder NAME` (repeatable or comma-separated; default all coders),
// `--informant CODE`, `--attribute NAME=VALUE`, `--doc PATH`.
import { analysisSegments, type AnalysisSegment, type SegmentFilter } from '../core/analysis/segments';
import { evaluateQuery, parseQuery, QueryNameError, QuerySyntaxError, type QueryScope } from '../core/analysis/query';
import type { Project } from '../core/project/project';
import { performance } from 'node:perf_hooks';
import { CliError, type CliIo, type ParsedArgs } from './io';

export function listFlag(parsed: ParsedArgs, name: string): string[] | undefined {
  const values = parsed.flags.get(name)?.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return values?.length ? values : undefined;
}

export function segmentFilter(parsed: ParsedArgs): SegmentFilter {
  const attributes: Record<string, string> = {};
  for (const a of parsed.flags.get('attribute') ?? []) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new CliError(`--attribute takes NAME=VALUE, e.g. --attribute role=rådgiver, not '${a}'`);
    attributes[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
  }
  return { coders: listFlag(parsed, 'coder'), informants: listFlag(parsed, 'informant'), docs: listFlag(parsed, 'doc'), attributes };
}

/** `--scope overlap|turn|N` (N turns apart at most). */
export function queryScope(parsed: ParsedArgs): QueryScope {
  const v = parsed.flags.get('scope')?.at(-1) ?? 'overlap';
  if (v === 'overlap') return { kind: 'overlap' };
  if (v === 'turn') return { kind: 'turns', distance: 0 };
  if (/^\d+$/.test(v)) return { kind: 'turns', distance: Number(v) };
  throw new CliError(`--scope is overlap, turn or a number of turns, not '${v}'`);
}

/**
 * Runs an analysis step; under QDA_TIMINGS=1 prints its own time for the benchmark, after
 * building the coding index (that is loading the project, measured elsewhere).
 */
export function timed<T>(io: CliIo, name: string, project: Project, step: () => T): T {
  if (process.env.QDA_TIMINGS !== '1') return step();
  project.allCodings();
  const t0 = performance.now();
  const result = step();
  io.stderr(`qda-timing ${name} ${(performance.now() - t0).toFixed(2)}\n`);
  return result;
}

/**
 * The filtered segments, narrowed by a query (or `--saved NAME`, a query saved in qda.yaml) when
 * one is given. Counted from scratch, not through the kept analysis (recount.ts) the server
 * uses: a CLI process answers once, so keeping each transcript's part would only cost time
 * (the matrix 66 → 99 ms, the co-occurrence 211 → 265 ms on the bench corpus), and the
 * language server's counts are checked against these (test/vscode/matrix.test.ts and
 * test/unit/recount.test.ts).
 */
export function selectSegments(project: Project, parsed: ParsedArgs, query: string | undefined): AnalysisSegment[] {
  const segments = analysisSegments(project, segmentFilter(parsed));
  let scope = queryScope(parsed);
  const savedName = parsed.flags.get('saved')?.at(-1);
  if (savedName !== undefined) {
    const saved = project.config.queries[savedName];
    if (!saved) throw new CliError(`qda.yaml has no saved query '${savedName}'; saved queries: ${Object.keys(project.config.queries).join(', ') || 'none'}`);
    if (query !== undefined) throw new CliError('give a query or --saved NAME, not both');
    query = saved.query;
    if (!parsed.flags.has('scope') && saved.scope !== undefined) scope = saved.scope === 'overlap' ? { kind: 'overlap' } : { kind: 'turns', distance: saved.scope === 'turn' ? 0 : saved.scope };
  }
  if (query === undefined) return segments;
  try {
    return evaluateQuery(project, parseQuery(query), segments, scope, !parsed.flags.has('without-children'));
  } catch (err) {
    if (err instanceof QuerySyntaxError || err instanceof QueryNameError) throw new CliError(err.message);
    throw err;
  }
}
