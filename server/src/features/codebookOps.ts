// qda/renameItem, qda/mergeCodes, qda/moveItems, qda/newCategory, qda/deleteCode,
// qda/setDescription, qda/setColor and qda/exportCodebook: thin adapters over
// core/ops/codebookOps and core/export/exportCodebook. Edits come back as a WorkspaceEdit the client
// applies (one undo step) and then saves.
import * as l10n from '../core/text/l10n';
import { CodeActionKind, ResponseError, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { CancellationToken } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import { throwIfCancelled } from '../cancellation';
import {
  RUN_OPERATION_COMMAND,
  type OperationCommandArgs,
  type CodebookEditResult,
  type DeleteCodeParams,
  type ExportCodebookParams,
  type ExportCodebookResult,
  type MergeCodesParams,
  type MoveItemsParams,
  type NewCategoryParams,
  type RenameItemParams,
  type SetColorParams,
  type SetDescriptionParams,
} from '../protocol';
import { isServerOwned } from '../codingsWriter';
import type { OperationResult } from '../core/model/edits';
import { deleteCode, mergeCodes, moveItems, newCategory, renameItem, setColor, setDescription } from '../core/ops/codebookOps';
import { exportCodebook } from '../core/export/exportCodebook';
import { appendCodeEdit } from '../core/parse/codebook';
import { similarCodes } from '../core/checks/checks';
import { toWorkspaceEdit, type Operations } from '../operationReply';
import type { Project } from '../core/project/project';

type VersionOf = (uri: string) => number | null;

/** Codebook operations that also touch codings (rename, merge, delete) commit those after the client applied the rest. */
/**
 * `origin`: the editor Ctrl+Z undoes the operation in. An operation from the Codebook tree names
 * none, and is undone in codebook.md (Ctrl+Z there, or Edit › Undo, which the client follows
 * with the codings): the file every codebook operation changes, which the tree shows.
 */
function run(ops: Operations, op: (project: Project) => OperationResult, origin?: string, afterWrite?: () => Promise<unknown>): Promise<CodebookEditResult> {
  origin ??= ops.ws.uriOf(ops.ws.project.codebook.path);
  return ops.reply(() => {
    try {
      return op(ops.ws.project);
    } catch (err) {
      return { edits: [], error: l10n.t('The codebook could not be changed: {0}', (err as Error).message) };
    }
  }, { origin, afterWrite });
}

export const renameItemHandler = (ops: Operations, p: RenameItemParams, afterWrite?: () => Promise<unknown>): Promise<CodebookEditResult> =>
  run(ops, (project) => renameItem(project, p.name, p.newName), undefined, afterWrite);
export const mergeCodesHandler = (ops: Operations, p: MergeCodesParams): Promise<CodebookEditResult> => run(ops, (project) => mergeCodes(project, p.sources, p.target), p.origin);
export const moveItemsHandler = (ops: Operations, p: MoveItemsParams): Promise<CodebookEditResult> => run(ops, (project) => moveItems(project, p.names, p.target));
export const newCategoryHandler = (ops: Operations, p: NewCategoryParams): Promise<CodebookEditResult> =>
  run(ops, (project) => newCategory(project, p.name, { parent: p.parent, codes: p.codes, description: p.description }));
export const deleteCodeHandler = (ops: Operations, p: DeleteCodeParams): Promise<CodebookEditResult> => run(ops, (project) => deleteCode(project, p.name));
export const setDescriptionHandler = (ops: Operations, p: SetDescriptionParams): Promise<CodebookEditResult> => run(ops, (project) => setDescription(project, p.name, p.description));
export const setColorHandler = (ops: Operations, p: SetColorParams): Promise<CodebookEditResult> => run(ops, (project) => setColor(project, p.name, p.color));

export async function exportCodebookHandler(ws: ServerWorkspace, p: ExportCodebookParams, token?: CancellationToken): Promise<ExportCodebookResult> {
  try {
    const out = await exportCodebook(ws.project, p.format);
    throwIfCancelled(token);
    const counts = { codes: ws.project.codebook.codes.length, categories: ws.project.codebook.categories.length };
    return typeof out.content === 'string' ? { text: out.content, fileName: out.fileName, ...counts } : { base64: Buffer.from(out.content).toString('base64'), fileName: out.fileName, ...counts };
  } catch (err) {
    if (err instanceof ResponseError) throw err; // cancelled
    return { fileName: '', error: (err as Error).message };
  }
}

// ---- quick fixes for the codebook checks ----------------------------------------------

/**
 * qda.codeNearDuplicate: merge one code into the other (either way).
 * qda.unknownCode: add the code to the codebook, or map it to a similar existing code.
 */
export function codebookCodeActions(ws: ServerWorkspace, params: CodeActionParams, versionOf: VersionOf): CodeAction[] {
  if (params.context.only && !params.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
  const project = ws.project;
  const actions: CodeAction[] = [];
  const done = new Set<string>();
  const origin = params.textDocument.uri;
  /** A fix that changes codings too is a command (qda/mergeCodes through the one writer), not an edit. */
  const action = (title: string, diagnostic: Diagnostic, result: OperationResult, preferred = false, merge?: MergeCodesParams): void => {
    if (result.error || result.edits.length === 0 || done.has(title)) return;
    done.add(title);
    const fix: CodeAction = { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred };
    if (merge && result.edits.some((e) => isServerOwned(e.path))) {
      const args: OperationCommandArgs = { method: 'qda/mergeCodes', params: { ...merge, origin } };
      fix.command = { title, command: RUN_OPERATION_COMMAND, arguments: [args] };
    } else fix.edit = toWorkspaceEdit(ws, result, versionOf);
    actions.push(fix);
  };
  for (const d of params.context.diagnostics) {
    const data = (d.data ?? {}) as Record<string, unknown>;
    try {
      if (d.code === 'qda.codeNearDuplicate' && typeof data.name === 'string' && typeof data.other === 'string') {
        action(l10n.t("Merge '{0}' into '{1}'", data.name, data.other), d, mergeCodes(project, [data.name], data.other), true, { sources: [data.name], target: data.other });
        action(l10n.t("Merge '{0}' into '{1}'", data.other, data.name), d, mergeCodes(project, [data.other], data.name), false, { sources: [data.other], target: data.name });
      } else if (d.code === 'qda.unknownCode' && typeof data.code === 'string') {
        const name = data.code;
        const cbPath = project.config.codebook;
        const text = project.textOf(cbPath) ?? '';
        action(l10n.t("Add '{0}' to {1}", name, cbPath), d, { edits: [{ path: cbPath, create: !project.hasFile(cbPath), edits: [appendCodeEdit(text, project.codebook, name, project.config.language)] }] }, similarCodes(project, name, 1).length === 0);
        for (const code of similarCodes(project, name)) action(l10n.t("Map '{0}' to the existing code '{1}'", name, code.name), d, mergeCodes(project, [name], code.name), false, { sources: [name], target: code.name });
      }
    } catch {
      // A fix that cannot be computed is left out; the diagnostic stays.
    }
  }
  return actions;
}
