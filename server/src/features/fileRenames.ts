// Transcripts renamed, moved or deleted (core: core/ops/fileRenames.ts).
//   workspace/willRenameFiles: VS Code asks before it renames or moves files in its explorer
//     (or applies a WorkspaceEdit that renames); the answer rewrites every coder's `doc`
//     fields and moves the per-transcript codings files, and VS Code applies it with the
//     rename as one undoable operation.
//   a quick fix on the orphaned codings of a transcript renamed outside the editor (git mv),
//     recognised by content; qda/missingTranscripts, qda/relinkCodings and
//     qda/deleteCodingsOfDoc for the Orphaned Codings view's groups.
import * as l10n from '../core/text/l10n';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type DeleteFile,
  type FileOperationRegistrationOptions,
  type RenameFile,
  type RenameFilesParams,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { ServerWorkspace } from '../workspace';
import type { DocCodingsParams, EditResult, MissingTranscript, RelinkCodingsParams } from '../protocol';
import { codingsOfMissingDocs, planDeleteCodingsOf, planDocRenames, planRelink, recogniseRenames as recogniseNow, type RecognisedRename, type RenamePlan } from '../core/ops/fileRenames';
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
 * Which renames VS Code asks about: Markdown and text files (transcripts by the default and
 * most qda.yaml globs; the handler checks what the project really has) and any folder.
 */
export const willRenameOptions: FileOperationRegistrationOptions = {
  filters: [
    { scheme: 'file', pattern: { glob: '**/*.{md,txt,MD,TXT}', matches: 'file' } },
    { scheme: 'file', pattern: { glob: '**', matches: 'folder' } },
  ],
};

/** The plan as a WorkspaceEdit: file moves first, then the line edits (in the moved files), then deletions. */
export function planToWorkspaceEdit(ws: ServerWorkspace, plan: RenamePlan): { edit: WorkspaceEdit; save: string[] } {
  const documentChanges: Array<TextDocumentEdit | RenameFile | DeleteFile> = [];
  // A moved file's edits are in offsets of its text under the old name.
  const sourceOf = new Map<string, string>();
  const save: string[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'move') {
      sourceOf.set(step.to, step.from);
      documentChanges.push({ kind: 'rename', oldUri: ws.uriOf(step.from), newUri: ws.uriOf(step.to), options: { overwrite: false } });
    } else if (step.kind === 'delete') {
      documentChanges.push({ kind: 'delete', uri: ws.uriOf(step.path), options: { ignoreIfNotExists: true } });
    } else if (step.edits.length > 0) {
      const textOf = sourceOf.get(step.path) ?? step.path;
      const uri = ws.uriOf(step.path);
      documentChanges.push({
        textDocument: { uri, version: null },
        edits: step.edits.map((e) => ({ range: ws.toRange(textOf, { start: e.start, end: e.end }), newText: e.newText })),
      });
      save.push(uri);
    }
  }
  return { edit: { documentChanges }, save };
}

/**
 * The files a plan moves, edits or deletes, as the disk has them: a file event the index has
 * not seen yet (or that the watcher never sent, as happened once for a codings file an earlier
 * plan moved away) must not make the plan edit a file that is gone or overwrite one that
 * exists. Files open in the editor keep the editor's text.
 */
async function reconcile(ws: ServerWorkspace, plan: RenamePlan, isOpen: (uri: string) => boolean): Promise<boolean> {
  const paths = new Set<string>();
  for (const step of plan.steps) {
    if (step.kind === 'move') {
      paths.add(step.from);
      paths.add(step.to);
    } else paths.add(step.path);
  }
  let changed = false;
  for (const path of paths) {
    if (isOpen(ws.uriOf(path))) continue;
    const onDisk = await ws.project.fs.readText(path);
    if (onDisk === ws.project.textOf(path)) continue;
    await ws.project.update(path, onDisk);
    changed = true;
  }
  return changed;
}

/** Plans, then plans again if the disk disagreed with the index about a file the plan touches. */
async function planAgainstDisk(ws: ServerWorkspace, make: () => RenamePlan | { error: string }, isOpen: (uri: string) => boolean): Promise<RenamePlan | { error: string }> {
  const plan = make();
  if ('error' in plan || !(await reconcile(ws, plan, isOpen))) return plan;
  return make();
}

/** workspace/willRenameFiles: the codings follow every transcript the rename moves. */
export async function willRenameFiles(ws: ServerWorkspace, params: RenameFilesParams, isOpen: (uri: string) => boolean): Promise<WorkspaceEdit | null> {
  const renames: Array<{ from: string; to: string }> = [];
  for (const f of params.files) {
    const from = ws.pathOf(f.oldUri);
    const to = ws.pathOf(f.newUri);
    if (from && to && from !== to) renames.push({ from, to });
  }
  if (renames.length === 0) return null;
  const plan = (await planAgainstDisk(ws, () => planDocRenames(ws.project, renames), isOpen)) as RenamePlan;
  if (plan.codings === 0) return null;
  return planToWorkspaceEdit(ws, plan).edit;
}

function planResult(ws: ServerWorkspace, plan: RenamePlan | { error: string }, nothing: string): EditResult {
  if ('error' in plan) return { error: plan.error };
  if (plan.steps.length === 0) return { error: plan.blocked.length > 0 ? l10n.t('Not changed: {0} cannot be rewritten (fix the lines it reports first).', plan.blocked.join(', ')) : nothing };
  return planToWorkspaceEdit(ws, plan);
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

export async function relinkCodings(ws: ServerWorkspace, p: RelinkCodingsParams, isOpen: (uri: string) => boolean): Promise<EditResult & { relinked?: number }> {
  const to = ws.pathOf(p.uri);
  if (!to) return { error: l10n.t('The file is outside the project folder.') };
  const plan = await planAgainstDisk(ws, () => planRelink(ws.project, p.doc, to), isOpen);
  return { ...planResult(ws, plan, l10n.t('No codings name {0}.', p.doc)), relinked: 'error' in plan ? undefined : plan.codings };
}

export async function deleteCodingsOfDoc(ws: ServerWorkspace, p: DocCodingsParams, isOpen: (uri: string) => boolean): Promise<EditResult & { removed?: number }> {
  const plan = (await planAgainstDisk(ws, () => planDeleteCodingsOf(ws.project, p.doc), isOpen)) as RenamePlan;
  return { ...planResult(ws, plan, l10n.t('No codings name {0}.', p.doc)), removed: plan.codings };
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
    const { edit, save } = planToWorkspaceEdit(ws, plan);
    const title = l10n.t('{0} codings belong to {1}', r.codings, r.to);
    out.push({
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: orphanDiagnostics.length > 0 ? orphanDiagnostics : undefined,
      isPreferred: true,
      edit,
      // The editor applies the edit, then runs this: the codings files it changed are saved
      // (client/src/fileRenames.ts), as after every other coding operation.
      command: { title, command: 'qda.filesSave', arguments: [save] },
    });
  }
  return out;
}
