// The Orphaned codings view: what needs the analyst's eye after transcripts changed.
import * as l10n from '../core/text/l10n';
import type { ServerWorkspace } from '../workspace';
import type { EditResult, ReattachCodingParams, ReviewCoding } from '../protocol';
import { acceptCoding, codingsToReview, deleteCoding, reattachCoding } from '../core/ops/orphans';
import { toWorkspaceEdit } from './codingCommands';
import type { OperationResult } from '../core/ops/operations';

export function reviewCodings(ws: ServerWorkspace): ReviewCoding[] {
  const project = ws.project;
  return codingsToReview(project).map(({ info, kind }) => {
    const c = info.coding;
    // The text as coded, from the file: a fuzzy match has already replaced it in `c`.
    const original = project.codingsFiles.get(info.file)?.lines.find((l) => l.coding.id === c.id)?.coding ?? c;
    const text = project.texts.get(c.doc);
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

function toResult(ws: ServerWorkspace, result: OperationResult, versionOf: (uri: string) => number | null): EditResult {
  if (result.error || result.edits.length === 0) return { error: result.error ?? l10n.t('Nothing to change.') };
  return { edit: toWorkspaceEdit(ws, result, versionOf), save: result.edits.map((e) => ws.uriOf(e.path)) };
}

export function reattach(ws: ServerWorkspace, p: ReattachCodingParams, versionOf: (uri: string) => number | null): EditResult {
  const doc = ws.pathOf(p.uri);
  if (!doc) return { error: l10n.t('The file is outside the project folder.') };
  return toResult(ws, reattachCoding(ws.project, p.id, doc, ws.toOffset(doc, p.range.start), ws.toOffset(doc, p.range.end)), versionOf);
}

export function accept(ws: ServerWorkspace, id: string, versionOf: (uri: string) => number | null): EditResult {
  return toResult(ws, acceptCoding(ws.project, id), versionOf);
}

export function remove(ws: ServerWorkspace, id: string, versionOf: (uri: string) => number | null): EditResult {
  return toResult(ws, deleteCoding(ws.project, id), versionOf);
}
