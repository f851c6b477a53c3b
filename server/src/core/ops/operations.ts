// Coding operations as edits to the project's files. Core computes the edits; the server
// turns them into a WorkspaceEdit the client applies, so VS Code's undo covers them and
// nothing writes behind an open editor's back. The CLI applies them to disk directly.
import * as l10n from '../text/l10n';
import type { Coding } from '../model/model';
import type { FileEdit, OperationResult } from '../model/edits';
import type { Project } from '../project/project';
import { insertCodingEdit, newCodingId, parseCodingsFile, removeCodingEdits, serializeCoding, type OffsetEdit } from '../parse/codings';
import { appendCodeEdit } from '../parse/codebook';
import { makeQuoteSelector } from '../anchoring';
import { normalizeName } from '../text/text';
import { coderOfCodingsFile } from '../parse/config';

// FileEdit and OperationResult are model types (core/model/edits.ts); exported here too for the
// modules that import them from here.
export type { FileEdit, OperationResult };

/** Shrinks a range so it does not start or end in whitespace. */
export function trimRange(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return [start, end];
}

export interface CodeRangeOptions {
  create?: boolean;
  now?: Date;
  id?: string;
}

export function codeRange(project: Project, doc: string, rawStart: number, rawEnd: number, codeName: string, options: CodeRangeOptions = {}): OperationResult {
  const text = project.texts.get(doc);
  if (text === undefined || project.roleOf(doc) !== 'transcript') {
    return { edits: [], error: l10n.t("{0} is not a transcript of this project (see 'transcripts' in qda.yaml).", doc) };
  }
  const [start, end] = trimRange(text, Math.max(0, rawStart), Math.min(text.length, rawEnd));
  if (start >= end) return { edits: [], error: l10n.t('Select the passage to code first.') };
  const name = codeName.replace(/\s+/g, ' ').trim();
  if (name === '') return { edits: [], error: l10n.t('A code needs a name.') };
  const edits: FileEdit[] = [];
  const existing = project.findCode(name);
  const codebookPath = project.config.codebook;
  if (!existing) {
    if (!options.create) return { edits: [], error: l10n.t("There is no code '{0}' in {1}.", name, codebookPath) };
    const codebookText = project.texts.get(codebookPath) ?? '';
    edits.push({ path: codebookPath, create: !project.texts.has(codebookPath), edits: [appendCodeEdit(codebookText, project.codebook, name, project.config.language)] });
  }
  const canonical = existing?.name ?? name;
  const coder = project.coder;
  const already = project.codingsOfDoc(doc).find((i) => i.coding.start === start && i.coding.end === end && i.coding.coder === coder && normalizeName(i.coding.code) === normalizeName(canonical));
  if (already) return { edits: [], error: l10n.t("This passage is already coded '{0}'.", canonical) };

  const codingsPath = project.codingsFileFor(doc);
  const codingsText = project.texts.get(codingsPath) ?? '';
  const file = project.codingsFiles.get(codingsPath) ?? parseCodingsFile(codingsPath, coder, codingsText);
  if (file.writeBlocked) return { edits: [], error: l10n.t('Not coded: {0}.', file.writeBlocked) };
  const coding: Coding = {
    id: options.id ?? newCodingId(),
    doc,
    start,
    end,
    code: canonical,
    ...makeQuoteSelector(text, start, end),
    coder,
    at: (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  edits.push({ path: codingsPath, create: !project.texts.has(codingsPath), edits: [insertCodingEdit(file, codingsText, coding)] });
  return { edits, codingId: coding.id, message: existing ? undefined : l10n.t("Created code '{0}' in {1}.", canonical, codebookPath) };
}

/**
 * Removes the current coder's codings that overlap start..end (or contain the cursor when
 * the range is empty). With several codes there and no `codeName`, returns the candidates.
 */
export function uncodeRange(project: Project, doc: string, start: number, end: number, codeName?: string): OperationResult {
  const coder = project.coder;
  const overlapping = project.codingsOfDoc(doc).filter((i) => (start === end ? i.coding.start <= start && i.coding.end >= end : i.coding.start < end && i.coding.end > start));
  // Only the coder's own codings, in their own files (old layout or new), are theirs to remove.
  const mine = overlapping.filter((i) => i.coding.coder === coder && coderOfCodingsFile(i.file) === coder);
  if (mine.length === 0) {
    const others = [...new Set(overlapping.map((i) => i.coding.coder))];
    return { edits: [], error: others.length > 0 ? l10n.t('No codings of yours ({0}) here; this passage is coded by {1}.', coder, others.join(', ')) : l10n.t('No coding here to remove.') };
  }
  const codes = [...new Set(mine.map((i) => i.coding.code))].sort((a, b) => a.localeCompare(b));
  let chosen = mine;
  if (codeName !== undefined) {
    chosen = mine.filter((i) => normalizeName(i.coding.code) === normalizeName(codeName));
    if (chosen.length === 0) return { edits: [], error: l10n.t("The selection is not coded '{0}'.", codeName), candidates: codes };
  } else if (codes.length > 1) {
    return { edits: [], candidates: codes };
  }
  const idsByFile = new Map<string, Set<string>>();
  for (const i of chosen) {
    const ids = idsByFile.get(i.file) ?? new Set<string>();
    ids.add(i.coding.id);
    idsByFile.set(i.file, ids);
  }
  const edits: FileEdit[] = [];
  for (const [codingsPath, ids] of idsByFile) {
    const file = project.codingsFiles.get(codingsPath);
    if (!file) return { edits: [], error: l10n.t('No codings file {0} to change.', codingsPath) };
    if (file.writeBlocked) return { edits: [], error: l10n.t('Not changed: {0}.', file.writeBlocked) };
    edits.push({ path: codingsPath, edits: removeCodingEdits(file, project.texts.get(codingsPath) ?? '', ids) });
  }
  return { edits, removed: [...idsByFile.values()].reduce((n, ids) => n + ids.size, 0) };
}

/** Applies offset edits to a text (edits must not overlap). */
export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  if (edits.length === 0) return text;
  // One pass over the text: slicing the whole text once per edit is quadratic, and writing
  // 10,000 re-anchored codings into an 8 MB codings file took ~50 s that way. Edits at the
  // same place keep the old order: the one given last ends up first.
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || b.i - a.i);
  const parts: string[] = [];
  let pos = 0;
  for (const { e } of sorted) {
    parts.push(text.slice(pos, e.start), e.newText);
    pos = Math.max(pos, e.end);
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

/**
 * Writes an operation's edits to the project's files atomically and feeds them to the index
 * (the CLI, tests, and the server's own writes such as re-anchored offsets). The edits were
 * computed against the index's text of each file, so that is what they apply to.
 */
export async function applyToDisk(project: Project, result: Pick<OperationResult, 'edits'>): Promise<void> {
  for (const fe of result.edits) {
    const known = project.texts.get(fe.path) ?? (await project.fs.readText(fe.path));
    const current = known ?? '';
    const next = applyOffsetEdits(current, fe.edits);
    // Edits that change nothing (a line replaced by itself) leave the file alone: no new
    // modification time, no file event, nothing in git's status.
    if (known !== undefined && next === current && project.texts.has(fe.path)) continue;
    await project.fs.writeAtomic(fe.path, next);
    await project.update(fe.path, next);
  }
}

/**
 * Moves one coding to another code (the passage's "Recode…"): its line in the codings file is
 * rewritten in place with the new code, plus the codebook entry when the code is new — one
 * edit, so one Ctrl+Z undoes all of it. Only the coder's own codings are theirs to change.
 */
export function recodeCoding(project: Project, id: string, codeName: string, options: { create?: boolean } = {}): OperationResult {
  const info = project.codingById(id);
  if (!info) return { edits: [], error: l10n.t('There is no coding {0}.', id) };
  const coder = project.coder;
  if (info.coding.coder !== coder || coderOfCodingsFile(info.file) !== coder) {
    return { edits: [], error: l10n.t("This coding is {0}'s; only your own codings ({1}) can be recoded.", info.coding.coder, coder) };
  }
  const name = codeName.replace(/\s+/g, ' ').trim();
  if (name === '') return { edits: [], error: l10n.t('A code needs a name.') };
  const existing = project.findCode(name);
  const canonical = existing?.name ?? name;
  if (normalizeName(canonical) === normalizeName(info.coding.code)) return { edits: [], error: l10n.t("The passage is already coded '{0}'.", canonical) };
  const { doc, start, end } = info.coding;
  if (project.codingsOfDoc(doc).some((i) => i.coding.start === start && i.coding.end === end && i.coding.coder === coder && normalizeName(i.coding.code) === normalizeName(canonical))) {
    return { edits: [], error: l10n.t("This passage is already coded '{0}' too; uncode it instead.", canonical) };
  }
  const file = project.codingsFiles.get(info.file);
  if (!file) return { edits: [], error: l10n.t('The codings file of {0} is gone.', id) };
  if (file.writeBlocked) return { edits: [], error: l10n.t('Not changed: {0}.', file.writeBlocked) };
  const edits: FileEdit[] = [];
  const codebookPath = project.config.codebook;
  if (!existing) {
    if (!options.create) return { edits: [], error: l10n.t("There is no code '{0}' in {1}.", name, codebookPath) };
    const codebookText = project.texts.get(codebookPath) ?? '';
    edits.push({ path: codebookPath, create: !project.texts.has(codebookPath), edits: [appendCodeEdit(codebookText, project.codebook, name, project.config.language)] });
  }
  const line = file.lines.find((l) => l.coding.id === id);
  if (!line) return { edits: [], error: l10n.t('The coding {0} is not in {1}.', id, info.file) };
  edits.push({ path: info.file, edits: [{ start: line.start, end: line.end, newText: serializeCoding({ ...line.coding, code: canonical }) }] });
  return {
    edits,
    codingId: id,
    message: l10n.t("Recoded from '{0}' to '{1}'.", info.coding.code, canonical) + (existing ? '' : ' ' + l10n.t("Created code '{0}' in {1}.", canonical, codebookPath)),
  };
}

/** Removes one coding by id (a passage's or a tree segment's "Uncode"): only the coder's own. */
export function uncodeCoding(project: Project, id: string): OperationResult {
  const info = project.codingById(id);
  if (!info) return { edits: [], error: l10n.t('There is no coding {0}.', id) };
  const coder = project.coder;
  if (info.coding.coder !== coder || coderOfCodingsFile(info.file) !== coder) {
    return { edits: [], error: l10n.t("This coding is {0}'s; only your own codings ({1}) can be removed.", info.coding.coder, coder) };
  }
  const file = project.codingsFiles.get(info.file);
  if (!file) return { edits: [], error: l10n.t('The codings file of {0} is gone.', id) };
  if (file.writeBlocked) return { edits: [], error: l10n.t('Not changed: {0}.', file.writeBlocked) };
  return { edits: [{ path: info.file, edits: removeCodingEdits(file, project.texts.get(info.file) ?? '', new Set([id])) }], removed: 1 };
}
