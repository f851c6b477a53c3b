// Writing a note of framework.md (see parse/frameworkNotes.ts): one small edit at one cell — the
// note's body replaced, or its headings added where they belong — so that every other line of
// the file (the analyst's and the supervisor's) stays byte for byte. framework.md is a file the
// user reads: the edit goes back as a WorkspaceEdit, never written behind an open editor.
import * as l10n from '../text/l10n';
import { noteKey, notesByCell, parseFrameworkNotes, type FrameworkNote, type FrameworkRow } from '../parse/frameworkNotes';
import { normalizeName } from '../text/text';
import type { Project } from '../project/project';
import type { OffsetEdit, OperationResult } from '../model/edits';

export interface NoteEdit {
  edits: OffsetEdit[];
  /** Where the note's body starts in the text after the edits (for the editor's cursor). */
  bodyAt: number;
  /** The file does not exist yet. */
  create: boolean;
}

/** A note as Markdown under its `###`: a line that would read as a heading of the file's structure is escaped. */
function noteBody(note: string): string {
  const lines = note.replace(/\r\n?/g, '\n').trim().split('\n');
  return lines.map((l) => (/^ {0,3}#{1,3}(?:[ \t]|$)/.test(l) ? l.replace('#', '\\#') : l)).join('\n');
}

/** The separator that puts a new block on its own paragraph after `before`. */
function gap(before: string): string {
  if (before === '' || before.endsWith('\n\n')) return '';
  return before.endsWith('\n') ? '\n' : '\n\n';
}

/**
 * The edits that give framework.md a note for row × column: `note` replaces its text (an empty
 * note leaves the headings with nothing under them); without `note` the headings are only made
 * to exist (the editor then opens there).
 */
export function frameworkNoteEdit(path: string, text: string | undefined, row: string, column: string, note?: string, title = 'Framework'): NoteEdit {
  const src = text ?? '';
  const parsed = parseFrameworkNotes(path, src);
  const existing = notesByCell(parsed).get(noteKey(row, column));
  const body = note === undefined ? undefined : noteBody(note);
  if (existing) {
    // The cursor goes to the note's first character (past the blank line after its heading).
    const first = src.slice(existing.bodyStart, existing.bodyEnd).search(/\S/);
    if (body === undefined) return { edits: [], bodyAt: existing.bodyStart + Math.max(0, first), create: false };
    const following = existing.bodyEnd < src.length;
    const newText = (body ? body + '\n' : '') + (following ? '\n' : '');
    // A heading that is the file's last line, without a line break: the body starts on a new line.
    const lead = existing.bodyStart === src.length && !src.endsWith('\n') ? '\n' : '';
    return { edits: [{ start: existing.bodyStart, end: existing.bodyEnd, newText: lead + newText }], bodyAt: existing.bodyStart + lead.length, create: false };
  }
  const columnBlock = (prefix: string): { block: string; bodyAt: number } => {
    const head = `${prefix}### ${column}\n\n`;
    return { block: `${head}${body ? body + '\n' : ''}`, bodyAt: head.length };
  };
  const sectionRow = parsed.rows.find((r) => normalizeName(r.name) === normalizeName(row));
  if (sectionRow) {
    // At the end of the row's (first) section, before the next row's heading.
    const before = src.slice(0, sectionRow.end);
    const prefix = gap(before);
    const { block, bodyAt } = columnBlock(prefix);
    const after = sectionRow.end < src.length ? '\n' : '';
    return { edits: [{ start: sectionRow.end, end: sectionRow.end, newText: block + after }], bodyAt: sectionRow.end + bodyAt, create: false };
  }
  const head = text === undefined || src.trim() === '' ? `# ${title}\n\n` : gap(src);
  const rowHead = `## ${row}\n\n`;
  const { block, bodyAt } = columnBlock('');
  return { edits: [{ start: src.length, end: src.length, newText: head + rowHead + block }], bodyAt: src.length + head.length + rowHead.length + bodyAt, create: text === undefined };
}

/** The operation: framework.md (qda.yaml `framework:`) edited at one cell. */
export function setFrameworkNote(project: Project, row: string, column: string, note?: string): OperationResult & { bodyAt: number } {
  const path = project.config.framework;
  if (!row.trim() || !column.trim()) return { edits: [], bodyAt: 0, error: l10n.t('A note belongs to a row and a column of the matrix.') };
  const text = project.textOf(path);
  const edit = frameworkNoteEdit(path, text, row, column, note, l10n.t('Framework matrix notes'));
  return { edits: edit.edits.length ? [{ path, create: edit.create || undefined, edits: edit.edits }] : [], bodyAt: edit.bodyAt };
}

// ---- rows that follow the codebook ----------------------------------------------------

/**
 * A code, group or theme renamed: every `## old` heading of framework.md takes the new name,
 * so its notes stay in their cells instead of being reported as gone. Only the name in the
 * heading changes; the notes under it are not touched.
 */
export function frameworkRenameEdits(project: Project, oldName: string, newName: string): { path: string; edits: OffsetEdit[] } | undefined {
  const path = project.config.framework;
  const text = project.textOf(path);
  if (text === undefined) return undefined;
  const key = normalizeName(oldName);
  const edits = parseFrameworkNotes(path, text)
    .rows.filter((r) => normalizeName(r.name) === key)
    .map((r) => ({ start: r.nameStart, end: r.nameEnd, newText: newName }));
  return edits.length ? { path, edits } : undefined;
}

/**
 * Codes merged into `target`: their rows' notes go under the target's row. A column the target
 * (or an earlier source) already has a note for gets the source's note appended as a paragraph
 * of its own, so no text is lost and the cell shows both; the other notes move to the end of the
 * target's section. A source section left with nothing but its heading goes; one with text of
 * its own between the heading and its first note keeps that text under the target's name. When
 * the target has no row yet, the first source row is renamed to it instead.
 */
export function frameworkMergeEdits(project: Project, sources: readonly string[], target: string): { path: string; edits: OffsetEdit[] } | undefined {
  const path = project.config.framework;
  const text = project.textOf(path);
  if (text === undefined) return undefined;
  const parsed = parseFrameworkNotes(path, text);
  const targetKey = normalizeName(target);
  const sourceKeys = new Set(sources.map(normalizeName));
  sourceKeys.delete(targetKey);
  const sections = parsed.rows.filter((r) => sourceKeys.has(normalizeName(r.name)));
  if (sections.length === 0) return undefined;
  const edits: OffsetEdit[] = [];
  // Every note, shown or duplicate, in file order.
  const all = [...parsed.notes, ...parsed.duplicates].sort((a, b) => a.headingStart - b.headingStart);
  const inSection = (r: FrameworkRow): FrameworkNote[] => all.filter((n) => n.headingStart >= r.headingStart && n.headingStart < r.end);
  /** What stands for each column of the target row: a note where it is, or one moved (by index). */
  const targetNotes = new Map<string, FrameworkNote | number>();
  for (const n of parsed.notes) if (normalizeName(n.row) === targetKey) targetNotes.set(normalizeName(n.column), n);
  let home = parsed.rows.find((r) => normalizeName(r.name) === targetKey);
  let rest = sections;
  if (!home) {
    home = sections[0];
    rest = sections.slice(1);
    edits.push({ start: home.nameStart, end: home.nameEnd, newText: target });
    for (const n of inSection(home)) if (!targetNotes.has(normalizeName(n.column))) targetNotes.set(normalizeName(n.column), n);
  }
  const moved: string[] = [];
  for (const section of rest) {
    const notes = inSection(section);
    for (const n of notes) {
      const body = text.slice(n.bodyStart, n.bodyEnd).trim();
      const column = normalizeName(n.column);
      const existing = targetNotes.get(column);
      if (existing === undefined) {
        targetNotes.set(column, moved.length);
        moved.push(text.slice(n.headingStart, n.bodyEnd).trimEnd());
      } else if (!body) continue;
      else if (typeof existing === 'number') moved[existing] += `\n\n${body}`;
      else edits.push(appendToNote(text, existing, body));
    }
    // What the section holds besides its notes (an introduction of the row, text under an unnamed ###).
    let own = text.slice(section.headingEnd, section.end);
    for (const n of [...notes].reverse()) own = own.slice(0, n.headingStart - section.headingEnd) + own.slice(n.bodyEnd - section.headingEnd);
    if (own.trim() === '') edits.push({ start: section.headingStart, end: section.end, newText: '' });
    else {
      edits.push({ start: section.nameStart, end: section.nameEnd, newText: target });
      for (const n of notes) edits.push({ start: n.headingStart, end: n.bodyEnd, newText: '' });
    }
  }
  if (moved.length) {
    const before = text.slice(0, home.end);
    const after = home.end < text.length ? '\n' : '';
    edits.push({ start: home.end, end: home.end, newText: gap(before) + moved.join('\n\n') + '\n' + after });
  }
  return { path, edits };
}

/** The source's note as a paragraph after the target note's text (or as its text when it has none). */
function appendToNote(text: string, note: FrameworkNote, body: string): OffsetEdit {
  const raw = text.slice(note.bodyStart, note.bodyEnd);
  if (raw.trim() === '') {
    const lead = note.bodyStart === text.length && !text.endsWith('\n') ? '\n' : '';
    return { start: note.bodyStart, end: note.bodyStart, newText: `${lead}\n${body}\n` };
  }
  const at = note.bodyStart + raw.trimEnd().length;
  return { start: at, end: at, newText: `\n\n${body}` };
}
