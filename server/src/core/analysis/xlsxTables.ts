// The analysis tables as Excel workbooks: the same rows as the CSV exports (one table, two
// formats), with the matrix's tree shown by indentation and bold themes, and the segment
// table's long text wrapped.
import { xlsxWorkbook } from '../text/xlsx';
import type { Project } from '../project/project';
import { cooccurrenceTable, type Cooccurrence } from './cooccur';
import { matrixTable, type Matrix } from './matrix';
import { segmentTable, type SegmentRow } from './segmentTable';

export function matrixXlsx(matrix: Matrix, sheet = 'Matrix'): Promise<Uint8Array> {
  return xlsxWorkbook([
    {
      name: sheet,
      rows: matrixTable(matrix),
      indent: matrix.rows.map((r) => r.depth),
      bold: matrix.rows.flatMap((r, i) => (r.kind === 'theme' ? [i + 1] : [])),
    },
  ]);
}

export function segmentsXlsx(project: Project, rows: readonly SegmentRow[], sheet = 'Segments'): Promise<Uint8Array> {
  const table = segmentTable(project, rows);
  const header = table[0];
  return xlsxWorkbook([{ name: sheet, rows: table, wrap: [header.indexOf('question'), header.indexOf('text')] }]);
}

export function cooccurrenceXlsx(c: Cooccurrence): Promise<Uint8Array> {
  return xlsxWorkbook([
    { name: 'Overlapping', rows: cooccurrenceTable(c, 'overlapping') },
    { name: 'Same turn', rows: cooccurrenceTable(c, 'sameTurn') },
  ]);
}
