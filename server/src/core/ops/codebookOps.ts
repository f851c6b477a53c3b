// Codebook operations: rename, merge, move, new category, group, delete, describe, colour.
// Each returns an OperationResult: offset edits over codebook.md, every coder's codings file,
// the notes whose [[links]] change and qda.yaml, so the server can hand one WorkspaceEdit to
// the client (one undo step) and the CLI/tests can apply it to disk. Nothing is written here.
import { parseDocument, isMap, isScalar, isPair, type Pair, type YAMLMap } from 'yaml';
import type { CodebookCategory, CodebookCode, Coding } from '../model/model';
import type { Project } from '../project/project';
import { compareCodings, serializeCoding, type CodingsFile, type OffsetEdit } from '../parse/codings';
import { escapeCodeName, isUncategorisedName, uncategorisedHeading } from '../parse/codebook';
import { CONFIG_FILE } from '../parse/config';
import { normalizeName } from '../text/text';
import type { FileEdit, OperationResult } from './operations';

// ---- edit collection ------------------------------------------------------------------

/** Offset edits grouped by file; `result()` sorts them and joins edits that touch. */
class EditSet {
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

type Item = { kind: 'code'; code: CodebookCode } | { kind: 'category'; category: CodebookCategory };

function findItem(project: Project, name: string): Item | undefined {
  const code = project.findCode(name);
  if (code) return { kind: 'code', code };
  const category = project.findCategory(name);
  if (category) return { kind: 'category', category };
  return undefined;
}

function codebookText(project: Project): string {
  return project.texts.get(project.codebook.path) ?? '';
}

/** A name as it may be typed: whitespace collapsed; refused when links could not carry it. */
function checkNewName(raw: string): { name: string } | { error: string } {
  const name = raw.replace(/\s+/g, ' ').trim();
  if (name === '') return { error: 'A name cannot be empty.' };
  if (/[[\]|]/.test(name)) return { error: `'${name}' cannot be used as a name: [, ] and | would break [[links]] to it.` };
  if (name.startsWith('#')) return { error: `'${name}' cannot start with #.` };
  return { name };
}

/** What else the name would clash with (codes, categories, notes), or undefined. */
function collision(project: Project, name: string, self?: Item): string | undefined {
  const key = normalizeName(name);
  for (const c of project.codebook.codes) {
    if (normalizeName(c.name) === key && !(self?.kind === 'code' && self.code === c)) return `There is already a code '${c.name}' (${project.codebook.path} line ${c.line + 1}). Merge the codes instead if they mean the same.`;
  }
  for (const c of project.codebook.categories) {
    if (normalizeName(c.name) === key && !(self?.kind === 'category' && self.category === c)) return `There is already a category '${c.name}' (${project.codebook.path} line ${c.line + 1}).`;
  }
  const target = project.resolveLink(name);
  if (target?.kind === 'note') return `The note ${target.path} already has the name '${name}'; [[${name}]] links would become ambiguous.`;
  return undefined;
}

function writeBlockedFiles(project: Project, files: Iterable<CodingsFile>): string | undefined {
  for (const f of files) if (f.writeBlocked) return f.writeBlocked;
  return undefined;
}

/** Codings files with at least one coding of one of the (normalised) names. */
function filesUsing(project: Project, keys: ReadonlySet<string>): CodingsFile[] {
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

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just after the newline ending the line that holds `offset - 1`. */
function afterLineOf(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const nl = text.indexOf('\n', end);
  return nl === -1 ? text.length : nl + 1;
}

function endsWithoutNewline(text: string, at: number): boolean {
  return at === text.length && text.length > 0 && !text.endsWith('\n');
}

function indentOf(text: string, itemStart: number): number {
  return itemStart - lineStartOf(text, itemStart);
}

/** Width of a list marker and its space ("- " = 2, "10. " = 4) at an item's start. */
function markerWidth(text: string, itemStart: number): number {
  const m = /^(?:[-*+]|\d{1,9}[.)])[ \t]+/.exec(text.slice(itemStart, itemStart + 16));
  return m ? m[0].length : 2;
}

function reindent(block: string, from: number, to: number): string {
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

function withNewline(block: string): string {
  return block.endsWith('\n') ? block : block + '\n';
}

// ---- rename ---------------------------------------------------------------------------

/** Edits that point every [[link]] to `oldName` (however it resolves) at `newName`, keeping aliases. */
function linkEdits(project: Project, oldName: string, newName: string, edits: EditSet): number {
  let n = 0;
  for (const { path, link } of project.linksTo(oldName)) {
    edits.add(path, { start: link.targetRange.start, end: link.targetRange.end, newText: newName });
    n++;
  }
  return n;
}

/** Renames the key of `colors:` in qda.yaml, if the old name has a colour there. */
function colorKeyEdits(project: Project, oldName: string, newName: string | undefined, edits: EditSet): void {
  const text = project.texts.get(CONFIG_FILE);
  if (text === undefined) return;
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return;
  const colors = doc.get('colors', true);
  if (!isMap(colors)) return;
  for (const pair of (colors as YAMLMap).items) {
    if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
    if (normalizeName(String(pair.key.value)) !== normalizeName(oldName)) continue;
    if (newName === undefined) continue;
    edits.add(CONFIG_FILE, { start: pair.key.range[0], end: pair.key.range[1], newText: yamlKey(newName) });
  }
}

function yamlKey(name: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u.test(name) && !/ $/.test(name) ? name : JSON.stringify(name);
}

/**
 * Renames a code or a category: its name in codebook.md, the code in every coder's codings,
 * every [[link]] to it (aliases kept), and its colour key in qda.yaml.
 */
export function renameItem(project: Project, oldName: string, rawNewName: string): OperationResult {
  const item = findItem(project, oldName);
  if (!item) return { edits: [], error: `There is no code or category '${oldName}' in ${project.codebook.path}.` };
  const checked = checkNewName(rawNewName);
  if ('error' in checked) return { edits: [], error: checked.error };
  const newName = checked.name;
  const currentName = item.kind === 'code' ? item.code.name : item.category.name;
  if (newName === currentName) return { edits: [], error: `The name is already '${newName}'.` };
  const clash = collision(project, newName, item);
  if (clash) return { edits: [], error: `Not renamed: ${clash}` };
  const edits = new EditSet();
  const range = item.kind === 'code' ? item.code.nameRange : item.category.nameRange;
  edits.add(project.codebook.path, { start: range.start, end: range.end, newText: escapeCodeName(newName) });
  let codings = 0;
  if (item.kind === 'code') {
    const key = normalizeName(currentName);
    const files = filesUsing(project, new Set([key]));
    const blocked = writeBlockedFiles(project, files);
    if (blocked) return { edits: [], error: `Not renamed: ${blocked}.` };
    for (const file of files) {
      const r = transformCodingsFile(file, project.texts.get(file.path) ?? '', (c) => (normalizeName(c.code) === key ? { ...c, code: newName } : undefined));
      edits.add(file.path, r.edits);
      codings += r.changed;
    }
    colorKeyEdits(project, currentName, newName, edits);
  }
  const links = linkEdits(project, currentName, newName, edits);
  const what = item.kind === 'code' ? 'code' : 'category';
  return { edits: edits.fileEdits(), message: `Renamed ${what} '${currentName}' to '${newName}' (${codings} codings, ${links} links).` };
}

// ---- merge ----------------------------------------------------------------------------

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?…)»”"]$/.test(t) ? t : `${t}.`;
}

/**
 * Merges codes into `targetName`: their codings take the target's name (a coding that would
 * duplicate one the same coder already has on the same passage with the target is removed),
 * descriptions are appended to the target's, [[links]] point at the target, and the source
 * items leave codebook.md. A source may be a code that only codings use (not in the codebook).
 */
export function mergeCodes(project: Project, sourceNames: readonly string[], targetName: string): OperationResult {
  const target = project.findCode(targetName);
  if (!target) return { edits: [], error: `There is no code '${targetName}' to merge into.` };
  const targetKey = normalizeName(target.name);
  const sources: Array<{ name: string; code?: CodebookCode }> = [];
  const seen = new Set<string>();
  for (const raw of sourceNames) {
    const key = normalizeName(raw);
    if (key === targetKey || seen.has(key)) continue;
    seen.add(key);
    const code = project.findCode(raw);
    if (!code && project.codingsOfCode(raw).length === 0) return { edits: [], error: `There is no code '${raw}' in the codebook or the codings.` };
    if (code && code.children.length > 0) return { edits: [], error: `'${code.name}' has child codes (${code.children.join(', ')}); move or merge them first.` };
    if (code && isAncestor(project, code, target)) return { edits: [], error: `'${target.name}' is inside '${code.name}'.` };
    sources.push({ name: code?.name ?? raw, code });
  }
  if (sources.length === 0) return { edits: [], error: 'Choose at least one other code to merge.' };
  const keys = new Set(sources.map((s) => normalizeName(s.name)));
  const files = filesUsing(project, keys);
  const blocked = writeBlockedFiles(project, files);
  if (blocked) return { edits: [], error: `Not merged: ${blocked}.` };

  const edits = new EditSet();
  let moved = 0;
  let duplicates = 0;
  for (const file of files) {
    // Passages this file already has with the target (per coder), and those it gets now.
    const has = new Set<string>();
    const passage = (c: Coding): string => `${c.coder}\u0000${c.doc}\u0000${c.start}\u0000${c.end}`;
    for (const l of file.lines) if (normalizeName(l.coding.code) === targetKey) has.add(passage(l.coding));
    const r = transformCodingsFile(file, project.texts.get(file.path) ?? '', (c) => {
      if (!keys.has(normalizeName(c.code))) return undefined;
      const p = passage(c);
      if (has.has(p)) return null;
      has.add(p);
      return { ...c, code: target.name };
    });
    edits.add(file.path, r.edits);
    moved += r.changed;
    duplicates += r.removed;
  }

  const cb = codebookText(project);
  const parts = [target.description, ...sources.map((s) => s.code?.description ?? '')].map((d) => d.trim()).filter((d) => d !== '');
  const unique = parts.filter((d, i) => parts.findIndex((x) => normalizeName(x) === normalizeName(d)) === i);
  if (unique.length > 1) {
    edits.add(project.codebook.path, descriptionEdit(cb, target, unique.map(sentence).join(' ')));
  }
  for (const s of sources) {
    if (!s.code) continue;
    edits.add(project.codebook.path, { start: lineStartOf(cb, s.code.range.start), end: afterLineOf(cb, s.code.range.end), newText: '' });
  }
  let links = 0;
  for (const s of sources) links += linkEdits(project, s.name, target.name, edits);
  return {
    edits: edits.fileEdits(),
    removed: duplicates,
    message: `Merged ${sources.map((s) => `'${s.name}'`).join(', ')} into '${target.name}': ${moved} codings moved${duplicates ? `, ${duplicates} duplicates removed` : ''}, ${links} links updated.`,
  };
}

function isAncestor(project: Project, maybeAncestor: CodebookCode, code: CodebookCode): boolean {
  for (let p = code.parentCode; p !== undefined; p = project.findCode(p)?.parentCode) {
    if (normalizeName(p) === normalizeName(maybeAncestor.name)) return true;
  }
  return false;
}

// ---- describe -------------------------------------------------------------------------

/** The end of a code item's first paragraph (its description), before any nested list. */
function descriptionEnd(text: string, code: CodebookCode): number {
  const from = code.nameRange.end;
  const rest = text.slice(from, code.range.end);
  const m = /\n[ \t]*\n|\n[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]/.exec(rest);
  return m ? from + m.index : code.range.end;
}

function descriptionEdit(text: string, code: CodebookCode, description: string): OffsetEdit {
  // After the closing ** of the name.
  const start = code.nameRange.end + 2;
  const flat = description.replace(/\s+/g, ' ').trim();
  return { start, end: descriptionEnd(text, code), newText: flat ? ` — ${flat}` : '' };
}

/** Sets the description of a code (the rest of its list item's line) or a category (the paragraph under its heading). */
export function setDescription(project: Project, name: string, description: string): OperationResult {
  const item = findItem(project, name);
  if (!item) return { edits: [], error: `There is no code or category '${name}' in ${project.codebook.path}.` };
  const text = codebookText(project);
  const flat = description.replace(/\s+/g, ' ').trim();
  if (item.kind === 'code') {
    return { edits: [{ path: project.codebook.path, edits: [descriptionEdit(text, item.code, flat)] }], message: `Description of '${item.code.name}' updated.` };
  }
  const c = item.category;
  const headingEnd = afterLineOf(text, c.nameRange.end);
  if (c.description) {
    // The paragraph starts at the first non-blank line after the heading.
    let p = headingEnd;
    while (p < text.length && /\s/.test(text[p])) p++;
    const rest = text.slice(p, c.range.end);
    const m = /\n[ \t]*\n|\n[ \t]*(?:[-*+]|\d{1,9}[.)]|#{1,6})[ \t]/.exec(rest);
    const end = m ? p + m.index : p + rest.replace(/\s+$/, '').length;
    if (!flat) {
      const after = afterLineOf(text, end);
      return { edits: [{ path: project.codebook.path, edits: [{ start: headingEnd, end: text.slice(end, after).trim() === '' ? after : end, newText: '' }] }] };
    }
    return { edits: [{ path: project.codebook.path, edits: [{ start: p, end, newText: flat }] }], message: `Description of '${c.name}' updated.` };
  }
  if (!flat) return { edits: [], error: `'${c.name}' has no description.` };
  const lead = endsWithoutNewline(text, headingEnd) ? '\n' : '';
  return { edits: [{ path: project.codebook.path, edits: [{ start: headingEnd, end: headingEnd, newText: `${lead}${flat}\n` }] }], message: `Description of '${c.name}' updated.` };
}

// ---- colour ---------------------------------------------------------------------------

/** Sets (or with '' removes) a code's colour under `colors:` in qda.yaml. */
export function setColor(project: Project, name: string, color: string): OperationResult {
  const code = project.findCode(name);
  const codeName = code?.name ?? name;
  if (color !== '' && !/^#[0-9a-fA-F]{6}$/.test(color)) return { edits: [], error: `'${color}' is not a colour like #e6194b.` };
  const text = project.texts.get(CONFIG_FILE);
  const value = JSON.stringify(color);
  if (text === undefined) {
    if (color === '') return { edits: [] };
    return { edits: [{ path: CONFIG_FILE, create: true, edits: [{ start: 0, end: 0, newText: `colors:\n  ${yamlKey(codeName)}: ${value}\n` }] }] };
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { edits: [], error: 'qda.yaml does not parse; fix it first.' };
  const colors = isMap(doc.contents) ? doc.get('colors', true) : undefined;
  if (isMap(colors)) {
    const pair = (colors as YAMLMap).items.find((p): p is Pair => isPair(p) && isScalar(p.key) && normalizeName(String(p.key.value)) === normalizeName(codeName));
    if (pair && isScalar(pair.value) && pair.value.range) {
      if (color === '' && isScalar(pair.key) && pair.key.range) {
        const ls = lineStartOf(text, pair.key.range[0]);
        if (text.slice(ls, pair.key.range[0]).trim() === '' && !(colors as YAMLMap).flow) {
          return { edits: [{ path: CONFIG_FILE, edits: [{ start: ls, end: afterLineOf(text, pair.value.range[1]), newText: '' }] }] };
        }
      } else if (color !== '') {
        return { edits: [{ path: CONFIG_FILE, edits: [{ start: pair.value.range[0], end: pair.value.range[1], newText: value }] }] };
      }
    } else if (color === '') return { edits: [] };
    const last = (colors as YAMLMap).items[(colors as YAMLMap).items.length - 1];
    if (!(colors as YAMLMap).flow && last && isScalar(last.key) && last.key.range && last.value && isScalar(last.value) && last.value.range) {
      const indent = last.key.range[0] - lineStartOf(text, last.key.range[0]);
      const at = afterLineOf(text, last.value.range[1]);
      return { edits: [{ path: CONFIG_FILE, edits: [{ start: at, end: at, newText: `${endsWithoutNewline(text, at) ? '\n' : ''}${' '.repeat(indent)}${yamlKey(codeName)}: ${value}\n` }] }] };
    }
  } else if (colors === undefined || colors === null) {
    if (color === '') return { edits: [] };
    const lead = text === '' || text.endsWith('\n') ? '' : '\n';
    return { edits: [{ path: CONFIG_FILE, edits: [{ start: text.length, end: text.length, newText: `${lead}colors:\n  ${yamlKey(codeName)}: ${value}\n` }] }] };
  }
  // A flow map or an unusual layout: rewrite the document through the YAML library.
  if (color === '') doc.deleteIn(['colors', codeName]);
  else doc.setIn(['colors', codeName], color);
  return { edits: [{ path: CONFIG_FILE, edits: [{ start: 0, end: text.length, newText: doc.toString() }] }] };
}

// ---- move -----------------------------------------------------------------------------

export type MoveTarget =
  | { kind: 'into'; category: string }
  | { kind: 'before' | 'after'; sibling: string }
  | { kind: 'under'; code: string };

interface Block {
  item: Item;
  name: string;
  /** The lines removed from their old place. */
  start: number;
  end: number;
  text: string;
}

function blockOf(text: string, item: Item): Block {
  if (item.kind === 'code') {
    const start = lineStartOf(text, item.code.range.start);
    const end = afterLineOf(text, item.code.range.end);
    return { item, name: item.code.name, start, end, text: withNewline(text.slice(start, end)) };
  }
  const c = item.category;
  return { item, name: c.name, start: c.range.start, end: c.range.end, text: text.slice(c.range.start, c.range.end) };
}

/** A category block with its headings shifted so its top heading has `level`. */
function relevel(project: Project, block: Block, level: number): string | { error: string } {
  if (block.item.kind !== 'category') return block.text;
  const shift = level - block.item.category.level;
  const inside = project.codebook.categories.filter((c) => c.range.start >= block.start && c.range.start < block.end);
  if (inside.some((c) => c.level + shift > 6)) return { error: `'${block.name}' has too many levels of sub-categories to go there (Markdown headings stop at level 6).` };
  let out = block.text;
  for (const c of [...inside].sort((a, b) => b.range.start - a.range.start)) {
    const at = c.range.start - block.start;
    const m = /^#{1,6}/.exec(out.slice(at));
    if (!m) continue;
    out = out.slice(0, at) + '#'.repeat(c.level + shift) + out.slice(at + m[0].length);
  }
  return out;
}

function resolveItems(project: Project, names: readonly string[]): Item[] | { error: string } {
  const items: Item[] = [];
  for (const n of names) {
    const item = findItem(project, n);
    if (!item) return { error: `There is no code or category '${n}' in ${project.codebook.path}.` };
    items.push(item);
  }
  return items;
}

/** Drops items that lie inside another item of the list (they move with it). */
function outermost(text: string, items: Item[]): Block[] {
  const blocks = items.map((i) => blockOf(text, i));
  const unique = blocks.filter((b, i) => blocks.findIndex((x) => x.start === b.start && x.end === b.end) === i);
  return unique.filter((b) => !unique.some((o) => o !== b && o.start <= b.start && b.end <= o.end && (o.end - o.start) > (b.end - b.start)));
}

/** Back from `p` over whitespace and over text that is being removed. */
function trimBack(text: string, p: number, min: number, removed: readonly Block[]): number {
  for (;;) {
    if (p <= min) return min;
    if (/\s/.test(text[p - 1])) {
      p--;
      continue;
    }
    const r = removed.find((b) => b.start < p && p <= b.end);
    if (r) {
      p = r.start;
      continue;
    }
    return p;
  }
}

function insideRemoved(p: number, removed: readonly Block[]): boolean {
  return removed.some((b) => b.start < p && p < b.end);
}

/** The first sub-category of `c` (where its own codes end). */
function firstSubcategory(project: Project, c: CodebookCategory): CodebookCategory | undefined {
  return project.codebook.categories.find((x) => x.range.start > c.range.start && x.range.start < c.range.end && x.level > c.level);
}

function directCodes(project: Project, c: CodebookCategory): CodebookCode[] {
  const own = firstSubcategory(project, c)?.range.start ?? c.range.end;
  return project.codebook.codes.filter((x) => !x.parentCode && x.range.start > c.range.start && x.range.start < own);
}

/**
 * Moves codes and categories: into a category (codes join its own list, categories become
 * its last sub-category), before or after a sibling, or under a code as child codes. Codes
 * keep their codings (they are linked by name), so only codebook.md changes.
 */
export function moveItems(project: Project, names: readonly string[], target: MoveTarget): OperationResult {
  const resolved = resolveItems(project, names);
  if ('error' in resolved) return { edits: [], error: resolved.error };
  if (resolved.length === 0) return { edits: [], error: 'Nothing to move.' };
  const text = codebookText(project);
  const blocks = outermost(text, resolved);
  const codes = blocks.filter((b) => b.item.kind === 'code');
  const cats = blocks.filter((b) => b.item.kind === 'category');
  const pieces: string[] = [];
  let at: number;
  const fail = (error: string): OperationResult => ({ edits: [], error });

  const place = (level: number | undefined, indent: number | undefined): string | { error: string } => {
    for (const b of blocks) {
      if (b.item.kind === 'code') {
        pieces.push(reindent(b.text, indentOf(text, b.item.code.range.start), indent ?? 0));
      } else {
        const r = relevel(project, b, level ?? 2);
        if (typeof r !== 'string') return r;
        pieces.push(r);
      }
    }
    return '';
  };

  let newText: string;
  if (target.kind === 'under') {
    const parent = project.findCode(target.code);
    if (!parent) return fail(`There is no code '${target.code}'.`);
    if (cats.length > 0) return fail('A category cannot go under a code; drop it on a category instead.');
    if (codes.some((b) => b.start <= parent.range.start && parent.range.end <= b.end)) return fail(`'${parent.name}' cannot go under itself or its own child codes.`);
    const indent = indentOf(text, parent.range.start) + markerWidth(text, parent.range.start);
    const r = place(undefined, indent);
    if (typeof r !== 'string') return fail(r.error);
    at = afterLineOf(text, parent.range.end);
    if (insideRemoved(at, blocks)) at = trimBack(text, at, parent.range.end, blocks);
    newText = (endsWithoutNewline(text, at) ? '\n' : '') + pieces.join('');
  } else if (target.kind === 'into') {
    const category = project.findCategory(target.category);
    if (!category) return fail(`There is no category '${target.category}'.`);
    if (cats.some((b) => b.start <= category.range.start && category.range.start < b.end)) return fail(`'${category.name}' cannot go into itself or its own sub-categories.`);
    if (codes.length > 0 && cats.length > 0) return fail('Move codes and categories separately.');
    if (codes.length > 0) {
      const own = directCodes(project, category).filter((c) => !blocks.some((b) => b.start <= c.range.start && c.range.end <= b.end));
      const last = own[own.length - 1];
      if (last) {
        const r = place(undefined, indentOf(text, last.range.start));
        if (typeof r !== 'string') return fail(r.error);
        at = afterLineOf(text, last.range.end);
        newText = (endsWithoutNewline(text, at) ? '\n' : '') + pieces.join('');
      } else {
        const r = place(undefined, 0);
        if (typeof r !== 'string') return fail(r.error);
        const end = firstSubcategory(project, category)?.range.start ?? category.range.end;
        at = trimBack(text, end, category.nameRange.end, blocks);
        newText = '\n\n' + pieces.join('').replace(/\n+$/, '') + (at === text.length ? '\n' : '');
      }
    } else {
      if (category.level >= 6) return fail(`'${category.name}' is at heading level 6; no deeper level exists.`);
      const r = place(category.level + 1, undefined);
      if (typeof r !== 'string') return fail(r.error);
      at = trimBack(text, category.range.end, category.nameRange.end, blocks);
      newText = '\n\n' + pieces.map((p) => p.replace(/\s+$/, '')).join('\n\n') + (at === text.length ? '\n' : '');
    }
  } else {
    const sibling = findItem(project, target.sibling);
    if (!sibling) return fail(`There is no code or category '${target.sibling}'.`);
    const siblingBlock = blockOf(text, sibling);
    if (blocks.some((b) => b.start <= siblingBlock.start && siblingBlock.end <= b.end)) return fail(`'${target.sibling}' is one of the items being moved.`);
    if (sibling.kind === 'code') {
      if (cats.length > 0) return fail('A category goes next to another category, or into one.');
      const r = place(undefined, indentOf(text, sibling.code.range.start));
      if (typeof r !== 'string') return fail(r.error);
      at = target.kind === 'before' ? siblingBlock.start : siblingBlock.end;
      newText = (endsWithoutNewline(text, at) ? '\n' : '') + pieces.join('');
    } else {
      if (codes.length > 0) return fail('A code goes into a category, next to another code or under a code.');
      const r = place(sibling.category.level, undefined);
      if (typeof r !== 'string') return fail(r.error);
      const body = pieces.map((p) => p.replace(/\s+$/, '')).join('\n\n');
      if (target.kind === 'before') {
        at = siblingBlock.start;
        newText = body + '\n\n';
      } else if (siblingBlock.end < text.length) {
        at = siblingBlock.end;
        newText = body + '\n\n';
      } else {
        at = trimBack(text, text.length, sibling.category.nameRange.end, blocks);
        newText = '\n\n' + body + (at === text.length ? '\n' : '');
      }
    }
  }
  if (insideRemoved(at, blocks)) return fail('The items cannot be moved inside themselves.');
  const edits = new EditSet();
  for (const b of blocks) edits.add(project.codebook.path, { start: b.start, end: b.end, newText: '' });
  edits.add(project.codebook.path, { start: at, end: at, newText });
  const nCodes = codes.length;
  const nCats = cats.length;
  return { edits: edits.fileEdits(), message: `Moved ${[nCodes ? `${nCodes} code${nCodes === 1 ? '' : 's'}` : '', nCats ? `${nCats} categor${nCats === 1 ? 'y' : 'ies'}` : ''].filter(Boolean).join(' and ')}.` };
}

// ---- new category / group -------------------------------------------------------------

/**
 * Adds a category: under `parent` (as its last sub-category) or as a main theme (before the
 * uncategorised section). With `codes`, those codes move into it ("Group into new category").
 */
export function newCategory(project: Project, rawName: string, options: { parent?: string; codes?: readonly string[]; description?: string } = {}): OperationResult {
  const checked = checkNewName(rawName);
  if ('error' in checked) return { edits: [], error: checked.error };
  const name = checked.name;
  const clash = collision(project, name);
  if (clash) return { edits: [], error: `No category added: ${clash}` };
  const text = codebookText(project);
  let level = 2;
  let at: number;
  let blocks: Block[] = [];
  if (options.codes && options.codes.length > 0) {
    const items = resolveItems(project, options.codes);
    if ('error' in items) return { edits: [], error: items.error };
    if (items.some((i) => i.kind !== 'code')) return { edits: [], error: 'Only codes can be grouped; move categories by dragging them.' };
    blocks = outermost(text, items);
  }
  const parent = options.parent !== undefined ? project.findCategory(options.parent) : undefined;
  if (options.parent !== undefined && !parent) return { edits: [], error: `There is no category '${options.parent}'.` };
  if (parent) {
    if (parent.level >= 6) return { edits: [], error: `'${parent.name}' is at heading level 6; no deeper level exists.` };
    level = parent.level + 1;
    at = trimBack(text, parent.range.end, parent.nameRange.end, blocks);
  } else {
    const uncategorised = project.codebook.categories.find((c) => c.level === 2 && isUncategorisedName(c.name));
    if (uncategorised && uncategorised.range.start > 0) at = trimBack(text, uncategorised.range.start, 0, blocks);
    else at = trimBack(text, text.length, 0, blocks);
  }
  const codesText = blocks.map((b) => reindent(b.text, indentOf(text, (b.item as { code: CodebookCode }).code.range.start), 0)).join('');
  const desc = options.description?.replace(/\s+/g, ' ').trim();
  let body = `${'#'.repeat(level)} ${escapeCodeName(name)}\n`;
  if (desc) body += `${desc}\n`;
  if (codesText) body += `\n${codesText}`;
  body = body.replace(/\n+$/, '');
  const lead = at === 0 ? '' : '\n\n';
  const edits = new EditSet();
  for (const b of blocks) edits.add(project.codebook.path, { start: b.start, end: b.end, newText: '' });
  const trailing = at === text.length ? '\n' : '';
  edits.add(project.codebook.path, { start: at, end: at, newText: lead + body + trailing }, !project.texts.has(project.codebook.path));
  return { edits: edits.fileEdits(), message: blocks.length ? `Grouped ${blocks.length} code${blocks.length === 1 ? '' : 's'} into '${name}'.` : `Added category '${name}'.` };
}

// ---- delete ---------------------------------------------------------------------------

/**
 * Deletes a code from codebook.md together with every coder's codings of it. `removed` says
 * how many codings go, so the client can ask before it applies the edit.
 */
export function deleteCode(project: Project, name: string): OperationResult {
  const code = project.findCode(name);
  const codeName = code?.name ?? name;
  const key = normalizeName(codeName);
  if (!code && project.codingsOfCode(name).length === 0) return { edits: [], error: `There is no code '${name}'.` };
  if (code && code.children.length > 0) return { edits: [], error: `'${code.name}' has child codes (${code.children.join(', ')}); move, merge or delete them first.` };
  const files = filesUsing(project, new Set([key]));
  const blocked = writeBlockedFiles(project, files);
  if (blocked) return { edits: [], error: `Not deleted: ${blocked}.` };
  const edits = new EditSet();
  let removed = 0;
  for (const file of files) {
    const r = transformCodingsFile(file, project.texts.get(file.path) ?? '', (c) => (normalizeName(c.code) === key ? null : undefined));
    edits.add(file.path, r.edits);
    removed += r.removed;
  }
  if (code) {
    const text = codebookText(project);
    edits.add(project.codebook.path, { start: lineStartOf(text, code.range.start), end: afterLineOf(text, code.range.end), newText: '' });
  }
  const links = project.linksTo(codeName).length;
  return {
    edits: edits.fileEdits(),
    removed,
    message: `Deleted code '${codeName}' and its ${removed} coding${removed === 1 ? '' : 's'}${links ? `; ${links} [[link${links === 1 ? '' : 's'}]] to it no longer resolve` : ''}.`,
  };
}

/** Where "New code" without a category goes, for messages. */
export function uncategorisedName(project: Project): string {
  return project.codebook.uncategorisedName ?? uncategorisedHeading(project.config.language);
}
