// qda/formatQuote, qda/quotableSegments and qda/exportQuotes: inserting quotes from the tree,
// the "Find coded segment…" quick pick, and the quote bank.
import type { ServerWorkspace } from '../workspace';
import type { ExportQuotesParams, ExportQuotesResult, FormatQuoteParams, FormatQuoteResult, QuotableSegment } from '../protocol';
import { formatQuote, quoteInsertText } from '../core/checks/quotes';
import { quoteBankDocx, quoteBankMarkdown } from '../core/export/quoteBank';
import { segmentInfo } from './codebookTree';

export function formatQuoteRequestHandler(ws: ServerWorkspace, params: FormatQuoteParams): FormatQuoteResult {
  const project = ws.project;
  const target = params.uri !== undefined ? ws.pathOf(params.uri) : undefined;
  const chapter = target !== undefined && project.roleOf(target) === 'chapter';
  const info = project.codingById(params.id);
  if (!info) return { chapter, error: `There is no coding ${params.id}.` };
  const doc = info.coding.doc;
  const sub = params.range ? { start: ws.toOffset(doc, params.range.start), end: ws.toOffset(doc, params.range.end) } : undefined;
  const q = formatQuote(project, params.id, sub && sub.start < sub.end ? sub : undefined);
  if ('error' in q) return { chapter, error: q.error };
  let text = q.text;
  if (target !== undefined && params.position) {
    const chapterText = project.textOf(target) ?? '';
    text = quoteInsertText(chapterText, ws.toOffset(target, params.position), q);
  }
  return { chapter, text, form: q.form, informant: q.informant };
}

export function quotableSegments(ws: ServerWorkspace): QuotableSegment[] {
  const project = ws.project;
  return project
    .allCodings()
    .filter((i) => i.anchored)
    .sort((a, b) => (a.coding.doc < b.coding.doc ? -1 : a.coding.doc > b.coding.doc ? 1 : a.coding.start - b.coding.start))
    .map((info) => ({ ...segmentInfo(ws, info), categoryPath: project.findCode(info.coding.code)?.categoryPath ?? [] }));
}

export async function exportQuotes(ws: ServerWorkspace, params: ExportQuotesParams): Promise<ExportQuotesResult> {
  if (params.format === 'md') {
    const { text, segments } = quoteBankMarkdown(ws.project);
    return { text, segments };
  }
  const { bytes, segments } = await quoteBankDocx(ws.project);
  return { base64: Buffer.from(bytes).toString('base64'), segments };
}
