// qda/matrix and qda/matrixCell: the framework matrix for the webview, and the segments behind
// one of its cells — the same core (analysis/recount: the project's kept counts, patched per
// transcript after an edit) as `qda matrix`, so the view, the CLI and the exports count alike.
// Both pause while the kept counts are brought up to date (core/text/steps.ts): the server runs
// them in slices (cancellation.ts, runSliced).
import * as l10n from '../core/text/l10n';
import type { ServerWorkspace } from '../workspace';
import type { MatrixCellParams, MatrixCellSegment, MatrixParams, MatrixResult } from '../protocol';
import { segmentText, type AnalysisSegment } from '../core/analysis/segments';
import { NO_VALUE, codesOfRow } from '../core/analysis/matrix';
import { analysisOf } from '../core/analysis/recount';
import { normalizeName } from '../core/text/text';
import type { Steps } from '../core/text/steps';

function attributesOf(ws: ServerWorkspace): string[] {
  return [...new Set(Object.values(ws.project.config.informants).flatMap((a) => Object.keys(a)))].sort();
}

export function* matrix(ws: ServerWorkspace, p: MatrixParams): Steps<MatrixResult> {
  const project = ws.project;
  const attributes = attributesOf(ws);
  const analysis = analysisOf(project);
  const options = { coder: p.coder || undefined, rows: p.rows, cols: p.cols, count: p.count };
  const valid = p.cols === 'informants' || attributes.includes(p.cols);
  yield* analysis.ready(valid ? { matrix: options } : {});
  const coders = analysis.coders();
  if (!valid) return { columns: [], rows: [], attributes, coders, error: l10n.t("No informant in qda.yaml has the attribute '{0}'.", p.cols) };
  const m = analysis.matrix(options);
  return { columns: m.columns, rows: m.rows, attributes, coders };
}

/** The analysis segments behind one cell (or, with column '', one row) of the matrix. */
export function* cellSegments(ws: ServerWorkspace, p: MatrixCellParams): Steps<AnalysisSegment[]> {
  const project = ws.project;
  yield* analysisOf(project).ready();
  // The codes the row counts, as buildMatrix counts them.
  const codes = new Set(codesOfRow(project, p.kind, p.row).map(normalizeName));
  const columnOf = (informant: string): string => (p.cols === 'informants' ? informant : project.config.informants[informant]?.[p.cols] || NO_VALUE);
  return analysisOf(project).segments({ coders: p.coder ? [p.coder] : undefined }).filter((s) => s.informant !== null && codes.has(normalizeName(s.code)) && (p.column === '' || columnOf(s.informant) === p.column));
}

export function* matrixCell(ws: ServerWorkspace, p: MatrixCellParams): Steps<MatrixCellSegment[]> {
  const project = ws.project;
  return (yield* cellSegments(ws, p)).map((s) => ({ uri: ws.uriOf(s.doc), range: ws.toRange(s.doc, { start: s.start, end: s.end }), code: s.code, coder: s.coder, informant: s.informant, text: segmentText(project, s) }));
}
