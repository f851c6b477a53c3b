// What a name stands for: the codebook's codes and categories and the notes (memos, chapters)
// by normalised name, as [[links]], hovers and coding operations look them up. Part of the
// derived index (codingIndex.ts), built with it after any change of the codebook or the notes.
import type { Codebook, CodebookCategory, CodebookCode } from '../model/model';
import type { WikiLink } from '../parse/links';
import { basename, normalizeName, stripExtension } from '../text/text';
import type { NoteFile } from './fileStore';

export type LinkTarget =
  | { kind: 'code'; code: CodebookCode }
  | { kind: 'category'; category: CodebookCategory }
  | { kind: 'note'; path: string; title?: string };

export class NameIndex {
  private readonly codeIndex = new Map<string, CodebookCode>();
  private readonly categoryIndex = new Map<string, CodebookCategory>();
  private readonly noteIndex = new Map<string, NoteFile>();

  constructor(codebook: Codebook, private readonly notes: ReadonlyMap<string, NoteFile>) {
    const { codeIndex, categoryIndex, noteIndex } = this;
    for (const c of codebook.codes) if (!codeIndex.has(normalizeName(c.name))) codeIndex.set(normalizeName(c.name), c);
    for (const c of codebook.categories) if (!categoryIndex.has(normalizeName(c.name))) categoryIndex.set(normalizeName(c.name), c);
    for (const note of notes.values()) {
      if (note.role === 'codebook') continue;
      const fileName = normalizeName(stripExtension(basename(note.path)));
      if (!noteIndex.has(fileName)) noteIndex.set(fileName, note);
      if (note.title && !noteIndex.has(normalizeName(note.title))) noteIndex.set(normalizeName(note.title), note);
    }
  }

  findCode(name: string): CodebookCode | undefined {
    return this.codeIndex.get(normalizeName(name));
  }

  findCategory(name: string): CodebookCategory | undefined {
    return this.categoryIndex.get(normalizeName(name));
  }

  /** Codes first, then categories, then notes by file name or title. */
  resolveLink(target: string): LinkTarget | undefined {
    const key = normalizeName(target);
    const code = this.codeIndex.get(key);
    if (code) return { kind: 'code', code };
    const category = this.categoryIndex.get(key);
    if (category) return { kind: 'category', category };
    const note = this.noteIndex.get(key) ?? this.noteIndex.get(normalizeName(stripExtension(basename(target))));
    if (note) return { kind: 'note', path: note.path, title: note.title };
    return undefined;
  }
}

/** Every [[link]] in memos, chapters and the codebook whose target resolves to the name. */
export function linksTo(names: NameIndex, notes: Iterable<NoteFile>, name: string): Array<{ path: string; link: WikiLink }> {
  const target = names.resolveLink(name);
  const out: Array<{ path: string; link: WikiLink }> = [];
  for (const note of notes) {
    for (const link of note.links) {
      const t = names.resolveLink(link.target);
      if (t && target && sameTarget(t, target)) out.push({ path: note.path, link });
      else if (!t && !target && normalizeName(link.target) === normalizeName(name)) out.push({ path: note.path, link });
    }
  }
  return out;
}

function sameTarget(a: LinkTarget, b: LinkTarget): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'code' && b.kind === 'code') return a.code === b.code;
  if (a.kind === 'category' && b.kind === 'category') return a.category === b.category;
  if (a.kind === 'note' && b.kind === 'note') return a.path === b.path;
  return false;
}
