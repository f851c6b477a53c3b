// qda/framework and qda/frameworkNote: framework mode of the framework matrix — the counts of
// qda/matrix with a short summary per cell (the analyst's note from framework.md, else the
// cell's first segment), and "Edit note…", which gives framework.md the cell's headings (and
// text) as a WorkspaceEdit: framework.md is a file the user reads, never the server's to write.
import * as l10n from '../core/text/l10n';
import type { ServerWorkspace } from '../workspace';
import type { FrameworkNoteParams, FrameworkNoteResult, FrameworkResult, MatrixParams } from '../protocol';
import { analysisSegments, analysisSegmentsSteps } from '../core/analysis/segments';
import { buildMatrix, isNotInCodebookSection, type Matrix } from '../core/analysis/matrix';
import { frameworkCells, frameworkXlsx, type FrameworkCells } from '../core/analysis/framework';
import { frameworkNotesOf } from '../core/checks/framework';
import { setFrameworkNote } from '../core/ops/frameworkNotes';
import { applyOffsetEdits } from '../core/ops/operations';
import { LineIndex } from '../core/text/text';
import { toWorkspaceEdit } from '../operationReply';
import { matrix } from './matrix';
import type { Steps } from '../core/text/steps';

/** The matrix and its framework cells for the params (the same segments for both). */
function frameworkOf(ws: ServerWorkspace, p: MatrixParams): { matrix: Matrix; cells: FrameworkCells } {
  const project = ws.project;
  const segments = analysisSegments(project, { coders: p.coder ? [p.coder] : undefined });
  const m = buildMatrix(project, segments, { rows: p.rows, cols: p.cols, count: p.count });
  return { matrix: m, cells: frameworkCells(project, m, segments, frameworkNotesOf(project)) };
}

/** Pauses (core/text/steps.ts): the server runs it in slices (cancellation.ts, runSliced). */
export function* framework(ws: ServerWorkspace, p: MatrixParams): Steps<FrameworkResult> {
  const uri = ws.uriOf(ws.project.config.framework);
  // The counts as qda/matrix has them (its checks and messages too); the cells beside them.
  const counts = yield* matrix(ws, p);
  if (counts.error) return { ...counts, cells: [], uri };
  // The cells are placed on the rows and columns qda/matrix gave (its counts not made twice).
  const project = ws.project;
  const segments = yield* analysisSegmentsSteps(project, { coders: p.coder ? [p.coder] : undefined });
  const m: Matrix = { by: p.cols, count: p.count, columns: counts.columns, rows: counts.rows };
  return { ...counts, cells: frameworkCells(project, m, segments, frameworkNotesOf(project)), uri };
}

/** "Save as Excel…" in framework mode: the summaries in the cells (as `qda export matrix-xlsx --framework`). */
export async function frameworkWorkbook(ws: ServerWorkspace, p: MatrixParams): Promise<Uint8Array> {
  const { matrix: m, cells } = frameworkOf(ws, p);
  return frameworkXlsx(m, cells);
}

export function frameworkNote(ws: ServerWorkspace, p: FrameworkNoteParams, versionOf: (uri: string) => number | null): FrameworkNoteResult {
  const project = ws.project;
  const path = project.config.framework;
  const uri = ws.uriOf(path);
  // The matrix's last section is no part of the codebook: a heading for it in framework.md
  // would be reported as a row that is gone.
  if (isNotInCodebookSection(project, p.row)) {
    return { error: l10n.t('These codings use codes the codebook does not define; add the codes to the codebook (or recode the codings) to write notes on them.'), uri, position: { line: 0, character: 0 } };
  }
  const result = setFrameworkNote(project, p.row, p.column, p.text);
  const before = project.textOf(path) ?? '';
  const after = result.edits.length ? applyOffsetEdits(before, result.edits[0].edits) : before;
  const position = new LineIndex(after).positionAt(result.bodyAt);
  if (result.error) return { error: result.error, uri, position };
  if (result.edits.length === 0) return { uri, position }; // the headings are there: only open it
  return { edit: toWorkspaceEdit(ws, result, versionOf), save: [uri], uri, position };
}
