// qda/codeSelection, qda/uncodeSelection, qda/recodeCoding and qda/uncodeCoding: core computes
// the edits; operationReply.ts writes the codings files and replies (one undo step each).
import * as l10n from '../core/text/l10n';
import type { Operations, ReplyExtras } from '../operationReply';
import type { CodeSelectionParams, EditResult, RecodeCodingParams, UncodeCodingParams, UncodeSelectionParams } from '../protocol';
import { codeRange, recodeCoding, uncodeCoding, uncodeRange } from '../core/ops/operations';

export { toWorkspaceEdit } from '../operationReply';

export async function codeSelection(ops: Operations, params: CodeSelectionParams): Promise<EditResult & { id?: string }> {
  const ws = ops.ws;
  const path = ws.pathOf(params.uri);
  if (!path) return { error: l10n.t('The file is outside the project folder.') };
  const start = ws.toOffset(path, params.range.start);
  const end = ws.toOffset(path, params.range.end);
  const { id, ...reply } = await ops.reply(() => codeRange(ws.project, path, start, end, params.code, { create: params.create }), { origin: params.origin });
  return { ...reply, id };
}

export async function uncodeSelection(ops: Operations, params: UncodeSelectionParams): Promise<EditResult & { candidates?: string[]; removed?: number }> {
  const ws = ops.ws;
  const path = ws.pathOf(params.uri);
  if (!path) return { error: l10n.t('The file is outside the project folder.') };
  const start = ws.toOffset(path, params.range.start);
  const end = ws.toOffset(path, params.range.end);
  const reply: EditResult & ReplyExtras = await ops.reply(() => uncodeRange(ws.project, path, start, end, params.code), { origin: params.origin });
  // Several codes apply and none was named: the client asks which.
  if (reply.candidates && !reply.error && !reply.written && !reply.edit) return { candidates: reply.candidates };
  return reply;
}

export function recode(ops: Operations, params: RecodeCodingParams): Promise<EditResult> {
  return ops.reply(() => recodeCoding(ops.ws.project, params.id, params.code, { create: params.create }), { origin: params.origin, nothing: l10n.t('Nothing to change.') });
}

export function uncodeOne(ops: Operations, params: UncodeCodingParams): Promise<EditResult> {
  return ops.reply(() => uncodeCoding(ops.ws.project, params.id), { origin: params.origin });
}
