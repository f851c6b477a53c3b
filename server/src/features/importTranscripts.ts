// qda/importPreview and qda/importTranscripts: the server reads the chosen files, runs the
// importer (core/import, with mammoth for .docx, so the extension bundle stays small) and
// returns one WorkspaceEdit with the new transcripts, the identifiers file and its .gitignore
// line. The client applies and saves it, so nothing is written behind an open editor's back,
// the server stays the only writer of .qda/, and Undo works.
import * as l10n from '../core/text/l10n';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { CancellationToken, CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import { throwIfCancelled } from '../cancellation';
import type { ServerWorkspace } from '../workspace';
import type { ImportFilesParams, ImportPreviewResult, ImportTranscriptsResult } from '../protocol';
import { DEFAULT_MAX_BYTES } from '../core/import/common';
import { isLayoutId, TEXT_LAYOUTS } from '../core/import/layouts';
import { planImport, previewImport, refusedPreview, type ImportSource } from '../core/import/plan';
import { LineIndex } from '../core/text/text';

/** Reads the files; an error message names the file. */
async function readSources(ws: ServerWorkspace, uris: string[], token?: CancellationToken): Promise<ImportSource[] | string> {
  const out: ImportSource[] = [];
  for (const uri of uris) {
    throwIfCancelled(token);
    let fsPath: string;
    try {
      const parsed = URI.parse(uri);
      if (parsed.scheme !== 'file') return l10n.t('{0}: only files on this computer can be imported.', uri);
      fsPath = parsed.fsPath;
    } catch {
      return l10n.t('{0}: not a file URI.', uri);
    }
    const name = ws.pathOf(uri) ?? path.basename(fsPath);
    try {
      const stat = await fsp.stat(fsPath);
      if (stat.isDirectory()) return l10n.t('{0}: is a folder, not a file. Nothing was written.', name);
      if (stat.size > DEFAULT_MAX_BYTES) return l10n.t('{0}: is {1} MB, over the import limit of {2} MB. Nothing was written.', name, (stat.size / 1024 / 1024).toFixed(1), DEFAULT_MAX_BYTES / 1024 / 1024);
      out.push({ name, bytes: await fsp.readFile(fsPath) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? l10n.t('{0}: no such file. Nothing was written.', name) : l10n.t('{0}: {1}. Nothing was written.', name, (err as Error).message);
    }
  }
  return out;
}

function options(ws: ServerWorkspace, p: ImportFilesParams, sources: readonly ImportSource[]) {
  // Targets by source name, as core names the sources (the order of p.files).
  const targets: Record<string, string> = {};
  sources.forEach((s, i) => {
    const uri = p.targets?.[p.files[i]!];
    const target = uri === undefined ? undefined : ws.pathOf(uri);
    if (uri !== undefined) targets[s.name] = target ?? uri;
  });
  return {
    speakers: p.speakers,
    interviewers: p.interviewers,
    overwrite: (p.overwrite ?? []).map((u) => ws.pathOf(u)).filter((x): x is string => x !== undefined),
    layout: p.layout !== undefined && isLayoutId(p.layout) ? p.layout : undefined,
    targets,
  };
}

/** A layout the importer does not know, as a message; undefined when fine. */
function badLayout(p: ImportFilesParams): string | undefined {
  return p.layout !== undefined && !(isLayoutId(p.layout) && TEXT_LAYOUTS.includes(p.layout))
    ? l10n.t('"{0}" is not a transcript layout (use one of {1}). Nothing was written.', p.layout, TEXT_LAYOUTS.join(', '))
    : undefined;
}

export async function importPreview(ws: ServerWorkspace, p: ImportFilesParams, token?: CancellationToken): Promise<ImportPreviewResult> {
  const sources = badLayout(p) ?? (await readSources(ws, p.files, token));
  throwIfCancelled(token);
  const project = ws.project;
  if (typeof sources === 'string') return { ...refusedPreview(project, sources), files: [] };
  // The names the identifiers file already maps, as it is on disk now (see importTranscripts).
  await ws.enqueue(() => ws.diskCaughtUp([project.config.identifiers]));
  const preview = await previewImport(project, sources, options(ws, p, sources));
  return {
    ...preview,
    files: preview.files.map((f, i) => ({ ...f, uri: p.files[i]!, targetUri: ws.uriOf(f.target) })),
  };
}

export async function importTranscripts(ws: ServerWorkspace, p: ImportFilesParams, versionOf: (uri: string) => number | null): Promise<ImportTranscriptsResult> {
  const sources = badLayout(p) ?? (await readSources(ws, p.files));
  if (typeof sources === 'string') return { error: sources };
  // The edit of each file no editor holds (the identifiers file, always) goes out without a
  // version and is applied to the file as it is then: it is planned on the disk's text, not on
  // one the file watcher has not yet reported (workspace.ts, diskCaughtUp).
  const planned = () => planImport(ws.project, sources, options(ws, p, sources));
  let plan = await planned();
  const edited = [ws.project.config.identifiers, ...plan.edits.map((e) => e.path)];
  if (await ws.enqueue(() => ws.diskCaughtUp(edited))) plan = await planned();
  if (plan.error) return { error: plan.error };
  const documentChanges: Array<TextDocumentEdit | CreateFile> = [];
  for (const fe of plan.edits) {
    const uri = ws.uriOf(fe.path);
    const li = new LineIndex(plan.before[fe.path] ?? '');
    if (fe.create) documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    documentChanges.push({
      textDocument: { uri, version: fe.create ? null : versionOf(uri) },
      edits: fe.edits.map((e) => ({ range: { start: li.positionAt(e.start), end: li.positionAt(e.end) }, newText: e.newText })),
    });
  }
  const edit: WorkspaceEdit = { documentChanges };
  const n = plan.transcripts.length;
  return {
    edit,
    save: plan.edits.map((e) => ws.uriOf(e.path)),
    transcripts: plan.transcripts.map((t) => ws.uriOf(t)),
    identifiersUri: plan.identifiersPath ? ws.uriOf(plan.identifiersPath) : undefined,
    gitignore: plan.gitignore,
    warnings: plan.warnings,
    message: plan.identifiersPath
      ? n === 1
        ? l10n.t('Imported {0} transcript; real names saved in {1}.', n, plan.identifiersPath)
        : l10n.t('Imported {0} transcripts; real names saved in {1}.', n, plan.identifiersPath)
      : n === 1
        ? l10n.t('Imported {0} transcript.', n)
        : l10n.t('Imported {0} transcripts.', n),
  };
}
