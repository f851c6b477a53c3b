// qda/segmentsDocx: "Save as Word…" in the Coded Segments view — the document `qda export
// segments-docx` writes, for the segments the view lists (the same query and filters).
import type { ServerWorkspace } from '../workspace';
import type { AnalysisXlsxResult, SegmentsDocxParams } from '../protocol';
import { segmentRows } from '../core/analysis/segmentTable';
import { segmentsDocx } from '../core/analysis/segmentsDocx';
import { selectCodedSegments } from './codedSegments';
import { runSteps } from '../core/text/steps';

export async function segmentsDocxHandler(ws: ServerWorkspace, p: SegmentsDocxParams): Promise<AnalysisXlsxResult> {
  const project = ws.project;
  const selected = runSteps(selectCodedSegments(ws, p.segments));
  if (typeof selected === 'string') return { error: selected };
  return { data: Buffer.from(await segmentsDocx(project, segmentRows(project, selected), p.title)).toString('base64') };
}
