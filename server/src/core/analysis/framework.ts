// Framework mode of the framework matrix (Ritchie & Spencer's framework analysis): each cell
// holds a short summary instead of a number — the analyst's own note from framework.md when
// there is one, else the first segment of the cell (in document and offset order) shortened,
// with its informant. The view, `qda export matrix-csv --framework` and `matrix-xlsx
// --framework` all take their cells from here, beside the counts of buildMatrix.
import type { Project } from '../project/project';
import { notesByCell, noteKey, type FrameworkNotes } from '../parse/frameworkNotes';
import { normalizeName } from '../text/text';
import { xlsxWorkbook } from '../text/xlsx';
import { csvDocument } from '../text/csv';
import { NO_VALUE, codesOfRow, type Matrix } from './matrix';
import { segmentText, type AnalysisSegment } from './segments';

/** A summary's length in characters: a line or two in a cell, as framework charts hold. */
export const SUMMARY_LENGTH = 160;

export interface FrameworkCell {
  /** The analyst's note (framework.md), whole. */
  note?: string;
  /** The first segment's text, shortened to about SUMMARY_LENGTH characters, and its informant. */
  summary?: string;
  informant?: string;
}

/** Cells by row index (as matrix.rows) and column name; a cell without note nor segment is absent. */
export type FrameworkCells = Array<Record<string, FrameworkCell>>;

/** Text shortened at a word boundary, whitespace folded, with an ellipsis when cut. */
export function shorten(text: string, max = SUMMARY_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '') + '…';
}

export function frameworkCells(project: Project, matrix: Matrix, segments: readonly AnalysisSegment[], notes: FrameworkNotes): FrameworkCells {
  const attribute = matrix.by === 'informants' ? undefined : matrix.by;
  const columnOf = (informant: string): string => {
    if (!attribute) return informant;
    const value = project.config.informants[informant]?.[attribute];
    return value === undefined || value === '' ? NO_VALUE : value;
  };
  // The first segment of each code in each column (segments come in document and offset order).
  const first = new Map<string, Map<string, AnalysisSegment>>();
  // 50,000 segments spell a few hundred codes: each spelling is normalised once.
  const normalized = new Map<string, string>();
  for (const s of segments) {
    if (s.informant === null) continue;
    let code = normalized.get(s.code);
    if (code === undefined) normalized.set(s.code, (code = normalizeName(s.code)));
    let byColumn = first.get(code);
    if (!byColumn) first.set(code, (byColumn = new Map()));
    const column = columnOf(s.informant);
    if (!byColumn.has(column)) byColumn.set(column, s);
  }
  const before = (a: AnalysisSegment, b: AnalysisSegment): boolean => (a.doc === b.doc ? a.start < b.start : a.doc < b.doc);
  const byCell = notesByCell(notes);
  const columnNames = new Map(matrix.columns.map((c) => [normalizeName(c), c]));
  return matrix.rows.map((row) => {
    const codes = codesOfRow(project, row.kind, row.name);
    const cells: Record<string, FrameworkCell> = {};
    for (const column of matrix.columns) {
      let earliest: AnalysisSegment | undefined;
      for (const code of codes) {
        const s = first.get(normalizeName(code))?.get(column);
        if (s && (!earliest || before(s, earliest))) earliest = s;
      }
      const note = byCell.get(noteKey(row.name, column));
      const cell: FrameworkCell = {};
      if (note?.text) cell.note = note.text;
      if (earliest) {
        cell.summary = shorten(segmentText(project, earliest));
        cell.informant = earliest.informant ?? undefined;
      }
      if (cell.note !== undefined || cell.summary !== undefined) cells[columnNames.get(normalizeName(column)) ?? column] = cell;
    }
    return cells;
  });
}

/** What a cell says in a table: the note, else the summary with its informant; '' for an empty cell. */
export function cellText(cell: FrameworkCell | undefined): string {
  if (!cell) return '';
  if (cell.note !== undefined) return cell.note;
  return cell.summary === undefined ? '' : `${cell.summary} (${cell.informant ?? ''})`;
}

/** matrixTable's shape (name, kind, a column per informant or value, total) with the summaries in the cells. */
export function frameworkTable(matrix: Matrix, cells: FrameworkCells): Array<Array<string | number>> {
  return [['name', 'kind', ...matrix.columns, 'total'], ...matrix.rows.map((r, i) => [r.name, r.kind, ...matrix.columns.map((c) => cellText(cells[i]?.[c])), r.total])];
}

export function frameworkToCsv(matrix: Matrix, cells: FrameworkCells): string {
  return csvDocument(frameworkTable(matrix, cells));
}

export function frameworkXlsx(matrix: Matrix, cells: FrameworkCells, sheet = 'Framework'): Promise<Uint8Array> {
  return xlsxWorkbook([
    {
      name: sheet,
      rows: frameworkTable(matrix, cells),
      indent: matrix.rows.map((r) => r.depth),
      bold: matrix.rows.flatMap((r, i) => (r.kind === 'theme' ? [i + 1] : [])),
      wrap: matrix.columns.map((_, i) => i + 2),
    },
  ]);
}
