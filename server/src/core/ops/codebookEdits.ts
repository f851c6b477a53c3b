// The shared machinery of the codebook operations (codebookOps.ts, codebookMove.ts): collecting
// offset edits per file, looking codes and categories up, checking new names, rewriting
// codings files line group by line group, and small helpers over codebook.md's lines.
import type { CodebookCategory, CodebookCode, Coding } from '../model/model';
import type { Project } from '../project/project';
import { compareCodings, serializeCoding, type CodingsFile, type OffsetEdit } from '../parse/codings';
import * as l10n from '../text/l10n';
import { normalizeName } from '../text/text';
import type { FileEdit } from './operations';

// ---- edit collection ------------------------------------------------------------------

/** Offset edits grouped by file; `result()` sorts them and joins edits that touch. */
export class EditSet {
  private readonly byPath = new Map<string, { create: boolean; edits: OffsetEdit[] }>();

  add(path: string, edit: OffsetEdit | OffsetEdit[], create = false): void {
    const entry = this.byPath.get(path) ?? { create, edits: [] };
    entry.edits.push(...(Array.isArray(edit) ? edit : [edit]));
    this.byPath.set(path, entry);
  }

  get size(): number {
    return this.byPath.size;
  }

  fileEdits(): FileEdit[] {
    const out: FileEdit[] = [];
    for (const [path, { create, edits }] of this.byPath) {
      if (edits.length === 0) continue;
      out.push({ path, ...(create ? { create } : {}), edits: normalizeEdits(edits) });
    }
    return out;
  }
}

/**
 * Sorted, non-overlapping edits. An insertion at the start or end of a replaced range is
 * joined with it, so clients that reject touching edits (and undo) see one change there.
 * Insertions at the same offset keep the order they were added in.
 */
export function normalizeEdits(edits: readonly OffsetEdit[]): OffsetEdit[] {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || (a.e.end - a.e.start === 0 ? -1 : 0) - (b.e.end - b.e.start === 0 ? -1 : 0) || a.i - b.i).map((x) => x.e);
  const out: OffsetEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.start <= last.end && (e.start === last.end || e.start === e.end || last.start === last.end)) {
      if (e.start < last.end && e.end > last.end && last.start !== last.end) throw new Error('overlapping edits');
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, e.end), newText: last.newText + e.newText };
    } else if (last && e.start < last.end) {
      throw new Error('overlapping edits');
    } else out.push({ ...e });
  }
  return out;
}

// ---- looking things up ----------------------------------------------------------------

export type Item = { kind: 'code'; code: CodebookCode } | { kind: 'category'; category: CodebookCategory };

export function findItem(project: Project, name: string): Item | undefined {
  const code = project.findCode(name);
  if (code) return { kind: 'code', code };
  const category = project.findCategory(name);
  if (category) return { kind: 'category', category };
  return undefined;
}

export function codebookText(project: Project): string {
  return project.texts.get(project.codebook.path) ?? '';
}

/** A name as it may be typed: whitespace collapsed; refused when links could not carry it. */
export function checkNewName(raw: string): { name: string } | { error: string } {
  const name = raw.replace(/\s+/g, ' ').trim();
  if (name === '') return { error: l10n.t('A name cannot be empty.') };
  if (/[[\]|]/.test(name)) return { error: l10n.t("'{0}' cannot be used as a name: [, ] and | would break [[links]] to it.", name) };
  if (name.startsWith('#')) return { error: l10n.t("'{0}' cannot start with #.", name) };
  return { name };
}

/** What else the name would clash with (codes, categories, notes), or undefined. */
export function collision(project: Project, name: string, self?: Item): string | undefined {
  const key = normalizeName(name);
  for (const c of project.codebook.codes) {
    if (normalizeName(c.name) === key && !(self?.kind === 'code' && self.code === c)) return l10n.t("There is already a code '{0}' ({1} line {2}). Merge the codes instead if they mean the same.", c.name, project.codebook.path, c.line + 1);
  }
  for (const c of project.codebook.categories) {
    if (normalizeName(c.name) === key && !(self?.kind === 'category' && self.category === c)) return l10n.t("There is already a category '{0}' ({1} line {2}).", c.name, project.codebook.path, c.line + 1);
  }
  const target = project.resolveLink(name);
  if (target?.kind === 'note') return l10n.t("The note {0} already has the name '{1}'; [[{1}]] links would become ambiguous.", target.path, name);
  return undefined;
}

export function writeBlockedFiles(project: Project, files: Iterable<CodingsFile>): string | undefined {
  for (const f of files) if (f.writeBlocked) return f.writeBlocked;
  return undefined;
}

/** Codings files with at least one coding of one of the (normalised) names. */
export function filesUsing(project: Project, keys: ReadonlySet<string>): CodingsFile[] {
  return [...project.codingsFiles.values()].filter((f) => f.lines.some((l) => keys.has(normalizeName(l.coding.code))));
}

// ---- codings file rewriting -----------------------------------------------------------

/**
 * Edits that apply `transform` to a codings file (undefined: unchanged, null: removed).
 * Lines of the same passage start (doc, start) are rewritten together so the file stays
 * sorted by doc, start, code, id; everything else is left byte for byte.
 */
export function transformCodingsFile(file: CodingsFile, text: string, transform: (c: Coding) => Coding | null | undefined): { edits: OffsetEdit[]; changed: number; removed: number } {
  const edits: OffsetEdit[] = [];
  let changed = 0;
  let removed = 0;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = file.lines;
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && lines[j].coding.doc === lines[i].coding.doc && lines[j].coding.start === lines[i].coding.start) j++;
    const group = lines.slice(i, j);
    const results = group.map((l) => transform(l.coding));
    i = j;
    if (results.every((r) => r === undefined)) continue;
    const kept: Coding[] = [];
    results.forEach((r, k) => {
      if (r === null) removed++;
      else {
        if (r !== undefined) changed++;
        kept.push(r ?? group[k].coding);
      }
    });
    const wasSorted = group.every((l, k) => k === 0 || compareCodings(group[k - 1].coding, l.coding) <= 0);
    if (wasSorted) kept.sort(compareCodings);
    const start = group[0].start;
    const lastEnd = group[group.length - 1].end;
    if (kept.length === 0) {
      const nl = text.indexOf('\n', lastEnd);
      edits.push({ start, end: nl === -1 ? text.length : nl + 1, newText: '' });
    } else {
      edits.push({ start, end: lastEnd, newText: kept.map(serializeCoding).join(eol) });
    }
  }
  return { edits, changed, removed };
}

// ---- text helpers ---------------------------------------------------------------------

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just after the newline ending the line that holds `offset - 1`. */
export function afterLineOf(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const nl = text.indexOf('\n', end);
  return nl === -1 ? text.length : nl + 1;
}

export function endsWithoutNewline(text: string, at: number): boolean {
  return at === text.length && text.length > 0 && !text.endsWith('\n');
}

export function indentOf(text: string, itemStart: number): number {
  return itemStart - lineStartOf(text, itemStart);
}

/** Width of a list marker and its space ("- " = 2, "10. " = 4) at an item's start. */
export function markerWidth(text: string, itemStart: number): number {
  const m = /^(?:[-*+]|\d{1,9}[.)])[ \t]+/.exec(text.slice(itemStart, itemStart + 16));
  return m ? m[0].length : 2;
}

export function reindent(block: string, from: number, to: number): string {
  const pad = ' '.repeat(to);
  return block
    .split('\n')
    .map((line, i, all) => {
      if (line.trim() === '') return i === all.length - 1 ? line : '';
      let k = 0;
      while (k < from && line[k] === ' ') k++;
      return pad + line.slice(k);
    })
    .join('\n');
}

export function withNewline(block: string): string {
  return block.endsWith('\n') ? block : block + '\n';
}
