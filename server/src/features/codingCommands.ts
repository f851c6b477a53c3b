// qda/codeSelection and qda/uncodeSelection: core computes offset edits on the codings file
// and codebook.md; here they become a WorkspaceEdit the client applies (undo works) and saves.
import * as l10n from '../core/text/l10n';
import type { TextDocumentEdit, WorkspaceEdit, CreateFile } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import type { CodeSelectionParams, EditResult, RecodeCodingParams, UncodeSelectionParams } from '../protocol';
import { codeRange, recodeCoding, uncodeCoding, uncodeRange, type OperationResult } from '../core/ops/operations';

export function toWorkspaceEdit(ws: ServerWorkspace, result: OperationResult, versionOf: (uri: string) => number | null): WorkspaceEdit {
  const documentChanges: Array<TextDocumentEdit | CreateFile> = [];
  for (const fe of result.edits) {
    const uri = ws.uriOf(fe.path);
    if (fe.create) documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    documentChanges.push({
      textDocument: { uri, version: fe.create ? null : versionOf(uri) },
      edits: fe.edits.map((e) => ({ range: ws.toRange(fe.path, { start: e.start, end: e.end }), newText: e.newText })),
    });
  }
  return { documentChanges };
}

function toEditResult(ws: ServerWorkspace, result: OperationResult, versionOf: (uri: string) => number | null): EditResult {
  if (result.error || result.edits.length === 0) return { error: result.error, message: result.message };
  return { edit: toWorkspaceEdit(ws, result, versionOf), save: result.edits.map((e) => ws.uriOf(e.path)), message: result.message };
}

export function codeSelection(ws: ServerWorkspace, params: CodeSelectionParams, versionOf: (uri: string) => number | null): EditResult & { id?: string } {
  const path = ws.pathOf(params.uri);
  if (!path) return { error: l10n.t('The file is outside the project folder.') };
  const start = ws.toOffset(path, params.range.start);
  const end = ws.toOffset(path, params.range.end);
  const result = codeRange(ws.project, path, start, end, params.code, { create: params.create });
  return { ...toEditResult(ws, result, versionOf), id: result.codingId };
}

export function uncodeSelection(ws: ServerWorkspace, params: UncodeSelectionParams, versionOf: (uri: string) => number | null): EditResult & { candidates?: string[]; removed?: number } {
  const path = ws.pathOf(params.uri);
  if (!path) return { error: l10n.t('The file is outside the project folder.') };
  const start = ws.toOffset(path, params.range.start);
  const end = ws.toOffset(path, params.range.end);
  const result = uncodeRange(ws.project, path, start, end, params.code);
  if (result.candidates && !result.error && result.edits.length === 0) return { candidates: result.candidates };
  return { ...toEditResult(ws, result, versionOf), candidates: result.candidates, removed: result.removed };
}

export function recode(ws: ServerWorkspace, params: RecodeCodingParams, versionOf: (uri: string) => number | null): EditResult {
  const result = recodeCoding(ws.project, params.id, params.code, { create: params.create });
  if (!result.error && result.edits.length === 0) return { error: l10n.t('Nothing to change.') };
  return toEditResult(ws, result, versionOf);
}

export function uncodeOne(ws: ServerWorkspace, id: string, versionOf: (uri: string) => number | null): EditResult {
  return toEditResult(ws, uncodeCoding(ws.project, id), versionOf);
}
