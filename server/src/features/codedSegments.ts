// qda/codedSegments: the segments the Coded Segments view lists — those of a query, of code or
// theme names, or of a matrix cell — narrowed by coder, informant and attribute, each with the
// informant, transcript, line, attributes and theme › group › code (the segment table's rows, so
// the view, `qda query` and `qda export segments-csv` agree). It pauses while the kept segments
// are brought up to date and while a query is evaluated (core/text/steps.ts): the server runs it
// in slices (cancellation.ts, runSliced).
import type { ServerWorkspace } from '../workspace';
import type { CodedSegmentsParams, CodedSegmentsResult, EditResult, SaveQueryParams } from '../protocol';
import { saveQuery } from '../core/ops/savedQueries';
import { toWorkspaceEdit } from './codingCommands';
import type { AnalysisSegment, SegmentFilter } from '../core/analysis/segments';
import { analysisOf } from '../core/analysis/recount';
import { codesOfName, evaluateQuerySteps, parseQuery, QueryNameError, QuerySyntaxError, type QueryScope } from '../core/analysis/query';
import { segmentRows } from '../core/analysis/segmentTable';
import { normalizeName } from '../core/text/text';
import { cellSegments } from './matrix';
import type { Steps } from '../core/text/steps';

const DEFAULT_LIMIT = 2000;

export function* codedSegments(ws: ServerWorkspace, p: CodedSegmentsParams): Steps<CodedSegmentsResult> {
  const project = ws.project;
  yield* analysisOf(project).ready();
  const coders = analysisOf(project).coders();
  const informants = project.informantLabels();
  const attributeValues = [...new Set(Object.values(project.config.informants).flatMap((a) => Object.entries(a).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`)))].sort((a, b) => a.localeCompare(b));
  const saved = Object.entries(project.config.queries).map(([name, q]) => ({ name, ...q }));
  const docs = [...new Set(project.allCodings().map((i) => i.coding.doc))].sort((a, b) => a.localeCompare(b));
  const base = { coders, informants, attributeValues, docs, names: builderNames(project), saved };
  const selected = yield* selectCodedSegments(ws, p);
  if (typeof selected === 'string') return { ...base, segments: [], total: 0, error: selected };
  const shown = selected.slice(0, Math.max(0, p.limit ?? DEFAULT_LIMIT));
  const rows = segmentRows(project, shown);
  return {
    ...base,
    total: selected.length,
    segments: shown.map((s, i) => {
      const r = rows[i];
      return { uri: ws.uriOf(s.doc), range: ws.toRange(s.doc, { start: s.start, end: s.end }), doc: s.doc, line: r.line, code: s.code, theme: r.theme, group: r.group, coder: s.coder, informant: s.informant, attributes: r.attributes, text: r.text };
    }),
  };
}

/** Every segment the parameters select (no limit), or the message of a query that cannot be run. */
export function* selectCodedSegments(ws: ServerWorkspace, p: CodedSegmentsParams): Steps<AnalysisSegment[] | string> {
  const project = ws.project;
  yield* analysisOf(project).ready();
  const filter: SegmentFilter = { coders: p.coder ? [p.coder] : undefined, informants: p.informant ? [p.informant] : undefined, docs: p.doc ? [p.doc] : undefined };
  if (p.attribute) {
    const eq = p.attribute.indexOf('=');
    if (eq > 0) filter.attributes = { [p.attribute.slice(0, eq)]: p.attribute.slice(eq + 1) };
  }
  let selected: AnalysisSegment[];
  try {
    if (p.cell) {
      // The cell's own options, then the view's filters on top.
      const key = (s: AnalysisSegment): string => `${s.id}\u0000${s.coder}\u0000${s.doc}\u0000${s.start}`;
      const inFilter = new Set(analysisOf(project).segments(filter).map(key));
      selected = (yield* cellSegments(ws, p.cell)).filter((s) => inFilter.has(key(s)));
    } else {
      const segments = analysisOf(project).segments(filter);
      const withChildren = p.withChildren !== false;
      const scope: QueryScope = p.scope === undefined || p.scope === 'overlap' ? { kind: 'overlap' } : { kind: 'turns', distance: p.scope === 'turn' ? 0 : Math.max(0, Math.floor(p.scope)) };
      if (p.names?.length) {
        const codes = new Set(p.names.flatMap((n) => codesOfName(project, n, withChildren)).map(normalizeName));
        selected = segments.filter((s) => codes.has(normalizeName(s.code)));
      } else if (p.both) {
        // As the co-occurrence counts them: the codes themselves, not their child codes.
        const [a, b] = p.both;
        selected = yield* evaluateQuerySteps(project, { kind: 'and', left: { kind: 'name', name: a, at: 0 }, right: { kind: 'name', name: b, at: 0 } }, segments, scope, false);
      } else if (p.query?.trim()) {
        selected = yield* evaluateQuerySteps(project, parseQuery(p.query), segments, scope, withChildren);
      } else selected = segments;
    }
  } catch (err) {
    if (err instanceof QuerySyntaxError || err instanceof QueryNameError) return err.message;
    throw err;
  }
  return selected;
}

/** What the query builder offers: themes, groups and codes in codebook order (themes are the top headings, as in the matrix). */
function builderNames(project: ServerWorkspace['project']): CodedSegmentsResult['names'] {
  const { categories, codes } = project.codebook;
  const topLevel = Math.min(...categories.map((c) => c.level), Infinity);
  const entries = [
    ...categories.map((c) => ({ at: c.range.start, name: c.name, kind: c.level === topLevel ? ('theme' as const) : ('group' as const) })),
    ...codes.map((c) => ({ at: c.range.start, name: c.name, kind: 'code' as const })),
  ];
  return entries.sort((a, b) => a.at - b.at).map(({ name, kind }) => ({ name, kind }));
}

export function saveQueryHandler(ws: ServerWorkspace, p: SaveQueryParams, versionOf: (uri: string) => number | null): EditResult {
  const result = saveQuery(ws.project, p.name, { query: p.query, scope: p.scope });
  if (result.error || result.edits.length === 0) return { error: result.error, message: result.message };
  return { edit: toWorkspaceEdit(ws, result, versionOf), save: result.edits.map((e) => ws.uriOf(e.path)), message: result.message };
}
