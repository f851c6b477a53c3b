// framework.md (qda.yaml `framework:`): the analyst's own notes for the cells of the framework
// matrix, as framework analysis (Ritchie & Spencer) writes a summary per case and theme. A plain
// Markdown file a supervisor can read in git: a level-2 heading per row (theme, group or code
// name), under it a level-3 heading per column (informant or attribute value), and under that
// the note's paragraphs:
//
//     ## Kompetanse og opplæring
//     ### rådgiver
//     Rådgiverne savner opplæring i ...
//
// Anything else (a title, text before the first row, text between a row heading and its first
// column, deeper headings inside a note, fenced code) is the user's and is kept: the file is
// only ever changed by edits at one note (ops/frameworkNotes.ts), never rewritten. A part that
// cannot be read (a column heading before any row, an empty heading, a second note for the same
// cell) is reported with its line, and its text stays where it is.
import * as l10n from '../text/l10n';
import type { QdaDiagnostic } from '../model/model';
import { normalizeName } from '../text/text';

export const DEFAULT_FRAMEWORK_FILE = 'framework.md';

export interface FrameworkNote {
  row: string;
  column: string;
  /** The note's text, trimmed (what a cell shows); '' for a heading with nothing under it yet. */
  text: string;
  /** Offsets of the `###` heading line and of the body (after the heading's line break, to the next heading). */
  headingStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** 0-based line of the `###` heading. */
  line: number;
}

export interface FrameworkRow {
  name: string;
  headingStart: number;
  /** The name's offsets in the heading line (what a rename replaces). */
  nameStart: number;
  nameEnd: number;
  /** Just after the heading's line (its line break included, when there is one). */
  headingEnd: number;
  /** Where the row's section ends: the next level-1 or level-2 heading, or the end of the text. */
  end: number;
  line: number;
}

export interface FrameworkNotes {
  path: string;
  rows: FrameworkRow[];
  /** The first note of each cell, in file order (a later duplicate is reported, not used). */
  notes: FrameworkNote[];
  /** The later notes for a cell that already has one (reported; a merge of rows needs their text too). */
  duplicates: FrameworkNote[];
  diagnostics: QdaDiagnostic[];
}

/** A note's key: row and column names compared as every name is (case and Unicode form ignored). */
export function noteKey(row: string, column: string): string {
  return normalizeName(row) + '\u0000' + normalizeName(column);
}

const HEADING = /^(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$/;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

export function parseFrameworkNotes(path: string, text: string | undefined): FrameworkNotes {
  const out: FrameworkNotes = { path, rows: [], notes: [], duplicates: [], diagnostics: [] };
  if (text === undefined) return out;
  const seen = new Map<string, FrameworkNote>();
  const rowSeen = new Map<string, FrameworkRow>();
  let row: FrameworkRow | undefined;
  let note: FrameworkNote | undefined;
  let fence: string | undefined;
  const closeNote = (at: number): void => {
    if (!note) return;
    note.bodyEnd = at;
    note.text = text.slice(note.bodyStart, at).trim();
    note = undefined;
  };
  const warn = (start: number, end: number, message: string, code = 'qda.frameworkNotes'): void => {
    out.diagnostics.push({ path, range: { start, end }, severity: 'warning', code, message });
  };
  let offset = 0;
  let lineNo = 0;
  while (offset <= text.length) {
    const nl = text.indexOf('\n', offset);
    const lineEnd = nl === -1 ? text.length : nl;
    const next = nl === -1 ? text.length : nl + 1;
    const line = text.slice(offset, lineEnd).replace(/\r$/, '');
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) fence = undefined;
    } else if (fenceMatch) fence = fenceMatch[1];
    else {
      const h = HEADING.exec(line);
      const level = h ? h[1].length : 0;
      const name = h?.[2]?.trim() ?? '';
      if (h && level <= 3) {
        closeNote(offset);
        if (level <= 2 && row) row.end = offset;
        if (level === 1) row = undefined;
        else if (level === 2) {
          row = undefined;
          if (!name) warn(offset, lineEnd, l10n.t('{0} line {1}: a row heading (##) without a name; the text under it belongs to no row.', path, lineNo + 1));
          else {
            const nameStart = offset + line.indexOf(name, level);
            row = { name, headingStart: offset, nameStart, nameEnd: nameStart + name.length, headingEnd: next, end: text.length, line: lineNo };
            const key = normalizeName(name);
            // A second section for a row is read too (its notes count); only its notes may clash.
            if (!rowSeen.has(key)) rowSeen.set(key, row);
            out.rows.push(row);
          }
        } else if (!row) {
          warn(offset, lineEnd, l10n.t('{0} line {1}: a column heading (###) outside any row (##); it is kept but not shown in the matrix.', path, lineNo + 1));
        } else if (!name) {
          warn(offset, lineEnd, l10n.t('{0} line {1}: a column heading (###) without a name; the text under it is kept but not shown.', path, lineNo + 1));
        } else {
          const n: FrameworkNote = { row: row.name, column: name, text: '', headingStart: offset, bodyStart: next, bodyEnd: text.length, line: lineNo };
          const key = noteKey(row.name, name);
          const first = seen.get(key);
          if (first) {
            warn(offset, lineEnd, l10n.t('{0} line {1}: a second note for {2} × {3} (the first is on line {4}); only the first is shown, both are kept.', path, lineNo + 1, row.name, name, first.line + 1));
            out.duplicates.push(n);
            note = n; // closed (its range computed) but not shown
          } else {
            seen.set(key, n);
            out.notes.push(n);
            note = n;
          }
        }
      }
    }
    if (nl === -1) break;
    offset = next;
    lineNo++;
  }
  closeNote(text.length);
  if (fence) warn(text.length, text.length, l10n.t('{0}: a code block (```) is not closed; headings after it are not read.', path));
  return out;
}

/** The notes by cell key (noteKey). */
export function notesByCell(notes: FrameworkNotes): Map<string, FrameworkNote> {
  return new Map(notes.notes.map((n) => [noteKey(n.row, n.column), n]));
}
