// The Orphaned codings view: what needs the analyst's eye after transcripts changed.
import * as l10n from '../core/text/l10n';
import type { ServerWorkspace } from '../workspace';
import type { EditResult, ReattachCodingParams, ReviewCoding } from '../protocol';
import { acceptCoding, codingsToReview, deleteCoding, reattachCoding } from '../core/ops/orphans';
import type { Operations } from '../operationReply';

export function reviewCodings(ws: ServerWorkspace): ReviewCoding[] {
  const project = ws.project;
  return codingsToReview(project).map(({ info, kind }) => {
    const c = info.coding;
    // The text as coded, from the file: a fuzzy match has already replaced it in `c`.
    const original = project.codingsFile(info.file)?.lines.find((l) => l.coding.id === c.id)?.coding ?? c;
    const text = project.textOf(c.doc);
    const start = Math.min(c.start, text?.length ?? 0);
    const end = Math.min(Math.max(c.end, start), text?.length ?? 0);
    const item: ReviewCoding = {
      kind,
      id: c.id,
      code: c.code,
      coder: c.coder,
      exact: original.exact,
      uri: ws.uriOf(c.doc),
      range: text === undefined ? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } : ws.toRange(c.doc, { start, end }),
      missingDocument: text === undefined,
    };
    if (info.score !== undefined) item.score = info.score;
    return item;
  });
}

/** Said when an operation changes nothing (a function: the language is set after start-up). */
const nothing = () => ({ nothing: l10n.t('Nothing to change.') });

export async function reattach(ops: Operations, p: ReattachCodingParams): Promise<EditResult> {
  const ws = ops.ws;
  const doc = ws.pathOf(p.uri);
  if (!doc) return { error: l10n.t('The file is outside the project folder.') };
  const start = ws.toOffset(doc, p.range.start);
  const end = ws.toOffset(doc, p.range.end);
  return ops.reply(() => reattachCoding(ws.project, p.id, doc, start, end), nothing());
}

export function accept(ops: Operations, id: string): Promise<EditResult> {
  return ops.reply(() => acceptCoding(ops.ws.project, id), nothing());
}

export function remove(ops: Operations, id: string): Promise<EditResult> {
  return ops.reply(() => deleteCoding(ops.ws.project, id), nothing());
}
