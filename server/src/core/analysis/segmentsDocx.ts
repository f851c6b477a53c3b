// The segment table as a Word document, in the shape theses hand-make it: a landscape page, one
// row per coded segment with the same columns as the CSV and the workbook (segmentTable), the
// header row repeated at the top of every page, narrow columns for the facts and the widest for
// the text. The `docx` library is loaded when a document is written (core/text/docxLibrary.ts).
import type { Paragraph, Table, TableCell } from 'docx';
import { loadDocx } from '../text/docxLibrary';
import type { Project } from '../project/project';
import { segmentTable, type SegmentRow } from './segmentTable';

// Characters XML 1.0 cannot hold (Word refuses the file): dropped from text.
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Widths in twentieths of a point for the columns by name; the text takes what is left. */
const WIDTHS: Record<string, number> = { transcript: 1300, line: 550, informant: 850, question: 2600, theme: 1250, group: 1250, code: 1350, coder: 850 };
const ATTRIBUTE_WIDTH = 850;
/** A4 landscape (16838 twips wide) less two margins of 850 (1.5 cm). */
const PAGE_WIDTH = 16838;
const MARGIN = 850;
const MIN_TEXT_WIDTH = 3400;

export async function segmentsDocx(project: Project, rows: readonly SegmentRow[], title?: string): Promise<Uint8Array> {
  const { AlignmentType, Document, Packer, PageOrientation, Paragraph, ShadingType, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType } = await loadDocx();
  const table = segmentTable(project, rows);
  const header = table[0].map(String);
  const usable = PAGE_WIDTH - 2 * MARGIN;
  const fixed = header.map((name) => (name === 'text' ? 0 : (WIDTHS[name] ?? ATTRIBUTE_WIDTH)));
  const textWidth = Math.max(MIN_TEXT_WIDTH, usable - fixed.reduce((a, b) => a + b, 0));
  const widths = fixed.map((w, i) => (header[i] === 'text' ? textWidth : w));

  // A line break in a cell (a segment over two paragraphs) is a paragraph in Word. The cells
  // carry only what differs from the document's defaults (9 pt, spacing, the table's cell
  // margins): the docx library's objects per cell are what a long table's time goes to.
  const textColumn = header.indexOf('text');
  const paragraphs = (value: string | number, head: boolean, i: number): Paragraph[] =>
    String(value)
      .replace(XML_INVALID, '')
      .split(/\r?\n/)
      .map((line) => new Paragraph({ alignment: !head && typeof value === 'number' ? AlignmentType.RIGHT : undefined, children: [new TextRun(head ? { text: line, bold: true } : i === textColumn ? { text: line, size: 20 } : line)] }));
  const cell = (value: string | number, i: number, head: boolean): TableCell =>
    new TableCell({
      width: { size: widths[i], type: WidthType.DXA },
      shading: head ? { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' } : undefined,
      children: paragraphs(value, head, i),
    });
  const docTable = new Table({
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    rows: table.map((row, r) => new TableRow({ tableHeader: r === 0 ? true : undefined, children: row.map((v, i) => cell(v, i, r === 0)) })),
  });
  const children: Array<Paragraph | Table> = [];
  if (title) children.push(new Paragraph({ spacing: { after: 120 }, children: [new TextRun({ text: title.replace(XML_INVALID, ''), bold: true, size: 28 })] }));
  children.push(docTable);
  const doc = new Document({
    creator: 'Thesis QDA',
    title: title ?? 'Coded segments',
    styles: { default: { document: { run: { size: 17 }, paragraph: { spacing: { after: 40 } } } } },
    sections: [{ properties: { page: { size: { orientation: PageOrientation.LANDSCAPE }, margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN } } }, children }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
