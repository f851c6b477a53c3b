// Writing a note of framework.md (see parse/frameworkNotes.ts): one small edit at one cell — the
// note's body replaced, or its headings added where they belong — so that every other line of
// the file (the analyst's and the supervisor's) stays byte for byte. framework.md is a file the
// user reads: the edit goes back as a WorkspaceEdit, never written behind an open editor.
import * as l10n from '../text/l10n';
import { noteKey, notesByCell, parseFrameworkNotes } from '../parse/frameworkNotes';
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
