// framework.md's diagnostics: the parts it could not read (parse/frameworkNotes.ts), and notes
// whose row or column the matrix no longer has — a code renamed or deleted, an informant or an
// attribute value gone from qda.yaml. Such a note stays in the file (it is the analyst's text);
// it is reported so that it can be moved under its new heading or deleted by hand.
import * as l10n from '../text/l10n';
import type { QdaDiagnostic } from '../model/model';
import { parseFrameworkNotes, type FrameworkNotes } from '../parse/frameworkNotes';
import { normalizeName } from '../text/text';
import type { Project } from '../project/project';

/** The column an informant without the attribute falls in (analysis/matrix.ts's NO_VALUE). */
const NO_VALUE = '(none)';

export function frameworkNotesOf(project: Project): FrameworkNotes {
  const path = project.config.framework;
  return parseFrameworkNotes(path, project.textOf(path));
}

/** Every column a matrix of this project can have: informants, and every attribute's values. */
export function knownColumns(project: Project): Set<string> {
  const out = new Set<string>([NO_VALUE, ...project.informantLabels()].map(normalizeName));
  for (const attrs of Object.values(project.config.informants)) for (const v of Object.values(attrs)) if (v) out.add(normalizeName(v));
  return out;
}

export function frameworkDiagnostics(project: Project): QdaDiagnostic[] {
  const notes = frameworkNotesOf(project);
  const out = [...notes.diagnostics];
  if (!notes.notes.length && !notes.rows.length) return out;
  const columns = knownColumns(project);
  const isRow = (name: string): boolean => project.findCategory(name) !== undefined || project.findCode(name) !== undefined;
  for (const r of notes.rows) {
    if (isRow(r.name)) continue;
    out.push({ path: notes.path, range: { start: r.headingStart, end: r.headingEnd }, severity: 'warning', code: 'qda.frameworkNoteGone', message: l10n.t("{0} line {1}: '{2}' is no theme, group or code of the codebook; its notes are kept here but not shown in the matrix.", notes.path, r.line + 1, r.name) });
  }
  for (const n of notes.notes) {
    if (!isRow(n.row) || columns.has(normalizeName(n.column))) continue;
    out.push({ path: notes.path, range: { start: n.headingStart, end: n.bodyStart }, severity: 'warning', code: 'qda.frameworkNoteGone', message: l10n.t("{0} line {1}: '{2}' is no informant nor attribute value in qda.yaml; the note is kept here but not shown in the matrix.", notes.path, n.line + 1, n.column) });
  }
  return out;
}
