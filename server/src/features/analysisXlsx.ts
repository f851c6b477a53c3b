// qda/analysisXlsx: "Save as Excel…" in the Framework Matrix and Coded Segments views — the
// workbook `qda export matrix-xlsx|segments-xlsx` writes, for what the view shows.
import type { ServerWorkspace } from '../workspace';
import type { AnalysisXlsxParams, AnalysisXlsxResult } from '../protocol';
import { analysisSegments } from '../core/analysis/segments';
import { buildMatrix } from '../core/analysis/matrix';
import { segmentRows } from '../core/analysis/segmentTable';
import { matrixXlsx, segmentsXlsx } from '../core/analysis/xlsxTables';
import { selectCodedSegments } from './codedSegments';
import { runSteps } from '../core/text/steps';

export async function analysisXlsx(ws: ServerWorkspace, p: AnalysisXlsxParams): Promise<AnalysisXlsxResult> {
  const project = ws.project;
  if (p.kind === 'matrix') {
    const m = p.matrix;
    if (m.cols !== 'informants' && !Object.values(project.config.informants).some((a) => m.cols in a)) return { error: `No informant in qda.yaml has the attribute '${m.cols}'.` };
    const matrix = buildMatrix(project, analysisSegments(project, { coders: m.coder ? [m.coder] : undefined }), { rows: m.rows, cols: m.cols, count: m.count });
    return { data: Buffer.from(await matrixXlsx(matrix)).toString('base64') };
  }
  const selected = runSteps(selectCodedSegments(ws, p.segments));
  if (typeof selected === 'string') return { error: selected };
  return { data: Buffer.from(await segmentsXlsx(project, segmentRows(project, selected))).toString('base64') };
}
