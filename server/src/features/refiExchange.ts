// qda/refiExport, qda/refiImportPreview and qda/refiImport: REFI-QDA exchange from the command
// palette (issue 19). The server reads the archive (an untrusted file: core/refi bounds and
// checks everything) and converts it in memory; the preview is that conversion with nothing
// written. A .qdpx becomes a new project folder, written all or nothing beside the workspace;
// a .qdc comes back as a WorkspaceEdit of codebook.md and qda.yaml, which the client applies
// and saves, so Undo works and nothing is written behind an open editor's back.
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { ServerWorkspace } from '../workspace';
import * as l10n from '../core/text/l10n';
import type { RefiExportParams, RefiExportResult, RefiImportParams, RefiImportPreview, RefiImportResult } from '../protocol';
import { buildRefiCodebook, exportQdpx } from '../core/refi/exportProject';
import { importQdpx, mergeQdc, RefiError } from '../core/refi/importProject';
import { configWithColors, type CodebookMergeResult } from '../core/refi/importCodebook';
import type { RefiImportResult as CoreImportResult } from '../core/refi/importProject';
import { CONFIG_FILE } from '../core/parse/config';
import { minimalEdit } from '../core/ops/informants';
import type { OperationResult } from '../core/ops/operations';
import { NODE_ZIP_CODEC } from '../nodeZip';
import { codingCounts, readRefiFile, targetProblem, writeNewProject } from '../refiNode';
import { toWorkspaceEdit } from './codingCommands';

type VersionOf = (uri: string) => number | null;

function fileName(ws: ServerWorkspace, ext: string): string {
  const base = (ws.project.codebook.title ?? path.basename(ws.root)).replace(/[/\\:*?"<>|\u0000-\u001f]+/g, '-').trim() || 'thesis';
  return `${base}.${ext}`;
}

export function refiExport(ws: ServerWorkspace, p: RefiExportParams): RefiExportResult {
  const project = ws.project;
  try {
    if (p.format === 'qdc') {
      const { xml, codes, warnings } = buildRefiCodebook(project);
      if (codes === 0) return { fileName: '', error: l10n.t('{0}: no codes to export (a .qdc needs at least one)', project.codebook.path) };
      return { fileName: fileName(ws, 'qdc'), base64: Buffer.from(xml, 'utf8').toString('base64'), warnings, counts: { sources: 0, codes, selections: 0, users: 0, cases: 0, notes: 0 } };
    }
    const { bytes, result } = exportQdpx(project, project.codebook.title ?? path.basename(ws.root), NODE_ZIP_CODEC);
    return { fileName: fileName(ws, 'qdpx'), base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), warnings: result.warnings, counts: result.counts };
  } catch (err) {
    return { fileName: '', error: (err as Error).message };
  }
}

function localPath(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

const empty = (kind: 'qdpx' | 'qdc', error?: string): RefiImportPreview => ({ kind, error, create: [], added: [], replaced: [], kept: [], removed: [], skipped: [] });

interface Converted {
  preview: RefiImportPreview;
  project?: CoreImportResult;
  codebook?: CodebookMergeResult;
  target?: string;
}

/** Reads and converts; nothing is written. Every refusal is a message naming the file. */
async function convert(ws: ServerWorkspace, p: RefiImportParams): Promise<Converted> {
  const kind = /\.qdc$/i.test(p.file) ? 'qdc' : 'qdpx';
  const file = localPath(p.file);
  if (!file) return { preview: empty(kind, l10n.t('{0}: only files on this computer can be imported', p.file)) };
  const name = path.basename(file);
  const bytes = await readRefiFile(file, name);
  if (typeof bytes === 'string') return { preview: empty(kind, bytes) };
  const project = ws.project;
  if (kind === 'qdc') {
    let xml: string;
    try {
      xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { preview: empty(kind, `${name}: not UTF-8 text`) };
    }
    try {
      const replace = p.mode === 'replace';
      const merged = mergeQdc(xml, name, project.textOf(project.codebook.path) ?? '', project.codebook, {
        rename: p.mode === 'rename',
        replace,
        codingCounts: replace ? codingCounts(project) : undefined,
        language: project.config.language,
      });
      return { preview: { ...empty(kind), added: merged.addedNames, replaced: merged.replaced, kept: merged.kept, removed: merged.removed, skipped: merged.skipped }, codebook: merged };
    } catch (err) {
      if (err instanceof RefiError) return { preview: empty(kind, err.message.startsWith(name) ? err.message : `${name}: ${err.message}`) };
      throw err;
    }
  }
  const target = p.target === undefined ? undefined : localPath(p.target);
  if (!target) return { preview: empty(kind, l10n.t('{0}: choose a new folder on this computer for the imported project', name)) };
  const problem = await targetProblem(target, target);
  if (problem) return { preview: empty(kind, problem) };
  try {
    const result = importQdpx(bytes, { language: project.config.language, codec: NODE_ZIP_CODEC });
    return { preview: { ...empty(kind), create: [...result.files.keys()].sort(), counts: result.counts, skipped: result.skipped }, project: result, target };
  } catch (err) {
    if (err instanceof RefiError) return { preview: empty(kind, `${name}: ${err.message}`) };
    throw err;
  }
}

export async function refiImportPreview(ws: ServerWorkspace, p: RefiImportParams): Promise<RefiImportPreview> {
  return (await convert(ws, p)).preview;
}

export async function refiImport(ws: ServerWorkspace, p: RefiImportParams, versionOf: VersionOf): Promise<RefiImportResult> {
  const { preview, project, codebook, target } = await convert(ws, p);
  if (preview.error) return { preview, error: preview.error };
  if (project && target) {
    try {
      await writeNewProject(target, project.files);
    } catch (err) {
      return { preview, error: l10n.t('{0}: could not write the project: {1}', target, (err as Error).message) };
    }
    return { preview, folder: URI.file(target).toString() };
  }
  if (!codebook) return { preview, error: l10n.t('nothing to import') };
  const config = configWithColors(ws.project.textOf(CONFIG_FILE) ?? '', codebook.colors);
  if (config.error) return { preview, error: config.error };
  const cbPath = ws.project.codebook.path;
  const before = ws.project.textOf(cbPath);
  const result: OperationResult = { edits: [{ path: cbPath, create: before === undefined, edits: [minimalEdit(before ?? '', codebook.text)] }] };
  if (config.text !== undefined) {
    const cfg = ws.project.textOf(CONFIG_FILE);
    result.edits.push({ path: CONFIG_FILE, create: cfg === undefined, edits: [minimalEdit(cfg ?? '', config.text)] });
  }
  return { preview, edit: toWorkspaceEdit(ws, result, versionOf), save: result.edits.map((e) => ws.uriOf(e.path)) };
}
