// qda/analysisXlsx: "Save as Excel…" in the Framework Matrix and Coded Segments views — the
// workbook `qda export matrix-xlsx|segments-xlsx` writes, for what the view shows.
import type { ServerWorkspace } from '../workspace';
import * as l10n from '../core/text/l10n';
import type { AnalysisXlsxParams, AnalysisXlsxResult } from '../protocol';
import { analysisOf } from '../core/analysis/recount';
import { segmentRows } from '../core/analysis/segmentTable';
import { matrixXlsx, segmentsXlsx } from '../core/analysis/xlsxTables';
import { selectCodedSegments } from './codedSegments';
import { frameworkWorkbook } from './framework';
import { runSteps } from '../core/text/steps';

export async function analysisXlsx(ws: ServerWorkspace, p: AnalysisXlsxParams): Promise<AnalysisXlsxResult> {
  const project = ws.project;
  if (p.kind === 'matrix') {
    const m = p.matrix;
    if (m.cols !== 'informants' && !Object.values(project.config.informants).some((a) => m.cols in a)) return { error: l10n.t("No informant in qda.yaml has the attribute '{0}'.", m.cols) };
    if (p.framework) return { data: Buffer.from(await frameworkWorkbook(ws, m)).toString('base64') };
    const matrix = analysisOf(project).matrix({ coder: m.coder || undefined, rows: m.rows, cols: m.cols, count: m.count });
    return { data: Buffer.from(await matrixXlsx(matrix)).toString('base64') };
  }
  const selected = runSteps(selectCodedSegments(ws, p.segments));
  if (typeof selected === 'string') return { error: selected };
  return { data: Buffer.from(await segmentsXlsx(project, segmentRows(project, selected))).toString('base64') };
}
