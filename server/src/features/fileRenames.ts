// Transcripts renamed, moved or deleted (core: core/ops/fileRenames.ts).
//   workspace/didRenameFiles: VS Code renamed or moved files (its explorer, a WorkspaceEdit
//     that renames, or undoing one of those); the server rewrites every coder's `doc` fields
//     and moves the per-transcript codings files itself, through its one writer (one entry of
//     its undo log). Done after the rename and not in answer to willRenameFiles: a rename that
//     fails or is cancelled after willRenameFiles leaves the codings as they were, and undoing
//     a rename in the explorer (which asks no willRenameFiles) moves them back.
//   a quick fix on the orphaned codings of a transcript renamed outside the editor (git mv),
//     recognised by content; qda/missingTranscripts, qda/relinkCodings and
//     qda/deleteCodingsOfDoc for the Orphaned Codings view's groups.
import * as l10n from '../core/text/l10n';
import { CodeActionKind, type CodeAction, type CodeActionParams, type FileOperationRegistrationOptions, type RenameFilesParams } from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import type { Operations } from '../operationReply';
import { RUN_OPERATION_COMMAND, type DocCodingsParams, type EditResult, type MissingTranscript, type OperationCommandArgs, type RelinkCodingsParams } from '../protocol';
import { codingsOfMissingDocs, planDeleteCodingsOf, planDocRenames, planRelink, planResult, recogniseRenames as recogniseNow, renamedFiles, type RecognisedRename, type RenamePlan } from '../core/ops/fileRenames';
import type { OperationResult } from '../core/model/edits';
import type { Project } from '../core/project/project';

/**
 * Code actions are asked for on every cursor move: the recognition (a pass over every coding,
 * and a search when a transcript is missing) runs once per version of the index.
 */
const recognised = new WeakMap<Project, { version: number; result: RecognisedRename[] }>();
function recogniseRenames(project: Project): RecognisedRename[] {
  const cached = recognised.get(project);
  if (cached && cached.version === project.version) return cached.result;
  const result = recogniseNow(project);
  recognised.set(project, { version: project.version, result });
  return result;
}

/**
 * Which renames VS Code reports: Markdown and text files (transcripts by the default and most
 * qda.yaml globs; the handler checks what the project really has) and any folder.
 */
export const renameFileOptions: FileOperationRegistrationOptions = {
  filters: [
    { scheme: 'file', pattern: { glob: '**/*.{md,txt,MD,TXT}', matches: 'file' } },
    { scheme: 'file', pattern: { glob: '**', matches: 'folder' } },
  ],
};

/**
 * The files a plan moves, edits or deletes, as the disk has them: a file event the index has
 * not seen yet (or that the watcher never sent, as happened once for a codings file an earlier
 * plan moved away) must not make the plan edit a file that is gone or overwrite one that
 * exists. Files open in the editor keep the editor's text. In the queue, like the file events.
 */
async function reconcile(ws: ServerWorkspace, plan: RenamePlan): Promise<boolean> {
  const paths: string[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'move') paths.push(step.from, step.to);
    else paths.push(step.path);
  }
  return ws.enqueue(() => ws.diskCaughtUp(paths));
}

/** Plans, then plans again if the disk disagreed with the index about a file the plan touches. */
async function planAgainstDisk(ws: ServerWorkspace, make: () => RenamePlan | { error: string }): Promise<RenamePlan | { error: string }> {
  const plan = make();
  if ('error' in plan || !(await reconcile(ws, plan))) return plan;
  return make();
}

/**
 * workspace/willRenameFiles: nothing to add to the rename. The codings follow once it has
 * happened (didRenameFiles); a client that still asks gets null.
 */
export function willRenameFiles(): null {
  return null;
}

/** workspace/didRenameFiles: the codings follow every transcript the rename moved, written by the server. */
export async function didRenameFiles(ops: Operations, params: RenameFilesParams): Promise<EditResult> {
  const ws = ops.ws;
  const renames: Array<{ from: string; to: string }> = [];
  for (const f of params.files) {
    const from = ws.pathOf(f.oldUri);
    const to = ws.pathOf(f.newUri);
    if (from && to && from !== to) renames.push({ from, to });
  }
  if (renames.length === 0) return {};
  // The renamed files themselves, at both paths, as the disk has them now: a request right after
  // the rename counts the transcript under its new name (its own file events come a moment later).
  await ws.enqueue(() => ws.diskCaughtUp(renamedFiles(ws.project, renames)));
  return ops.reply(await replanned(ws, () => planDocRenames(ws.project, renames), ''));
}

/**
 * The operation that carries out a plan, for ops.reply (which computes it again in its queue):
 * the disk is reconciled first for the files the plan touches.
 */
async function replanned(ws: ServerWorkspace, make: () => RenamePlan | { error: string }, nothing: string): Promise<() => OperationResult> {
  await planAgainstDisk(ws, make);
  return () => {
    const plan = make();
    if ('error' in plan) return { edits: [], error: plan.error };
    if (plan.steps.length === 0 && plan.blocked.length > 0) return { edits: [], error: l10n.t('Not changed: {0} cannot be rewritten (fix the lines it reports first).', plan.blocked.join(', ')) };
    if (plan.steps.length === 0) return nothing ? { edits: [], error: nothing } : { edits: [] };
    return { ...planResult(ws.project, plan), removed: plan.codings };
  };
}

export function missingTranscripts(ws: ServerWorkspace): MissingTranscript[] {
  const byFrom = new Map(recogniseRenames(ws.project).map((r) => [r.from, r] as const));
  return [...codingsOfMissingDocs(ws.project)]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([doc, list]) => {
      const r = byFrom.get(doc);
      const item: MissingTranscript = { doc, uri: ws.uriOf(doc), codings: list.length };
      if (r) item.suggestion = { uri: ws.uriOf(r.to), path: r.to, found: r.found };
      return item;
    });
}

export async function relinkCodings(ops: Operations, p: RelinkCodingsParams): Promise<EditResult & { relinked?: number }> {
  const ws = ops.ws;
  const to = ws.pathOf(p.uri);
  if (!to) return { error: l10n.t('The file is outside the project folder.') };
  const { removed, ...reply } = await ops.reply(await replanned(ws, () => planRelink(ws.project, p.doc, to), l10n.t('No codings name {0}.', p.doc)), { origin: p.origin });
  return { ...reply, relinked: reply.error ? undefined : removed };
}

export async function deleteCodingsOfDoc(ops: Operations, p: DocCodingsParams): Promise<EditResult & { removed?: number }> {
  const ws = ops.ws;
  const reply = await ops.reply(await replanned(ws, () => planDeleteCodingsOf(ws.project, p.doc), l10n.t('No codings name {0}.', p.doc)));
  return reply;
}

/**
 * The quick fix for a rename outside the editor: on the orphaned codings of the missing
 * transcript (in the codings files) and anywhere in the transcript that holds them now.
 */
export function renameCodeActions(ws: ServerWorkspace, params: CodeActionParams): CodeAction[] {
  const path = ws.pathOf(params.textDocument.uri);
  if (!path) return [];
  const role = ws.project.roleOf(path);
  if (role !== 'codings' && role !== 'transcript') return [];
  const orphanDiagnostics = params.context.diagnostics.filter((d) => d.code === 'qda.orphanCoding');
  if (role === 'codings' && orphanDiagnostics.length === 0) return [];
  const matching = recogniseRenames(ws.project).filter((r) => {
    if (role === 'transcript') return r.to === path;
    // The orphaned lines under the cursor must name the missing transcript.
    const file = ws.project.codingsFile(path);
    return !!file?.lines.some((l) => l.coding.doc === r.from);
  });
  const out: CodeAction[] = [];
  for (const r of matching) {
    const plan = planRelink(ws.project, r.from, r.to);
    if ('error' in plan || plan.steps.length === 0) continue;
    const title = l10n.t('{0} codings belong to {1}', r.codings, r.to);
    // No edit: the codings files are the server's to write. The command asks for the re-link
    // and applies its reply like any operation's (client/src/serverEdits.ts).
    const args: OperationCommandArgs = { method: 'qda/relinkCodings', params: { doc: r.from, uri: ws.uriOf(r.to), origin: params.textDocument.uri } };
    out.push({
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: orphanDiagnostics.length > 0 ? orphanDiagnostics : undefined,
      isPreferred: true,
      command: { title, command: RUN_OPERATION_COMMAND, arguments: [args] },
    });
  }
  return out;
}
