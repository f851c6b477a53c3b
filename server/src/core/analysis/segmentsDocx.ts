// The segment table as a Word document, in the shape theses hand-make it: a landscape page, one
// row per coded segment with the same columns as the CSV and the workbook (segmentTable), the
// header row repeated at the top of every page, narrow columns for the facts and the widest for
// the text. The `docx` library is loaded when a document is written (core/text/docxLibrary.ts);
// it makes the package, and the table's body rows are written into its document.xml directly.
import type { Paragraph, Table, TableCell } from 'docx';
import { loadDocx } from '../text/docxLibrary';
import { ZipReader } from '../text/zip';
import * as l10n from '../text/l10n';
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
  const { Document, Packer, PageOrientation, Paragraph, ShadingType, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType } = await loadDocx();
  const table = segmentTable(project, rows);
  const header = table[0].map(String);
  const usable = PAGE_WIDTH - 2 * MARGIN;
  const fixed = header.map((name) => (name === 'text' ? 0 : (WIDTHS[name] ?? ATTRIBUTE_WIDTH)));
  const textWidth = Math.max(MIN_TEXT_WIDTH, usable - fixed.reduce((a, b) => a + b, 0));
  const widths = fixed.map((w, i) => (header[i] === 'text' ? textWidth : w));

  // The document, its table's properties, grid and header row come from the docx library; the
  // body rows (thousands of cells) are written here as WordprocessingML, the same markup the
  // library writes for them: its objects per cell (a cell, a paragraph, a run, their properties)
  // and their garbage collection were nearly all of a long table's time (1,000 rows ≈ 3.5 s).
  const textColumn = header.indexOf('text');
  const headParagraphs = (value: string): Paragraph[] => value.replace(XML_INVALID, '').split(/\r?\n/).map((line) => new Paragraph({ children: [new TextRun({ text: line, bold: true })] }));
  const headCell = (value: string, i: number): TableCell =>
    new TableCell({ width: { size: widths[i], type: WidthType.DXA }, shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' }, children: headParagraphs(value) });
  // Made afresh for each packing: the library's Document keeps state from one packing to the
  // next (a second packing of one object repeats its numbering and a relationship).
  const makeDocument = (): InstanceType<typeof Document> => {
    const docTable = new Table({
      width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      rows: [new TableRow({ tableHeader: true, children: header.map((v, i) => headCell(v, i)) })],
    });
    const children: Array<Paragraph | Table> = [];
    if (title) children.push(new Paragraph({ spacing: { after: 120 }, children: [new TextRun({ text: title.replace(XML_INVALID, ''), bold: true, size: 28 })] }));
    children.push(docTable);
    return new Document({
      creator: 'Thesis QDA',
      title: title ?? 'Coded segments',
      styles: { default: { document: { run: { size: 17 }, paragraph: { spacing: { after: 40 } } } } },
      sections: [{ properties: { page: { size: { orientation: PageOrientation.LANDSCAPE }, margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN } } }, children }],
    });
  };
  // The library's document.xml (header row only), then the same with the body rows after it.
  const shell = new ZipReader(new Uint8Array(await Packer.toBuffer(makeDocument())));
  const entry = shell.get('word/document.xml');
  const xml = entry ? new TextDecoder('utf-8').decode(shell.read(entry)) : '';
  const end = xml.lastIndexOf('</w:tbl>');
  // Only a changed docx library could get here: say so rather than write a document without its rows.
  if (end < 0) throw new Error(l10n.t('The Word library wrote no table to put the rows in.'));
  const body = bodyRows(table.slice(1), widths, textColumn);
  return new Uint8Array(await Packer.toBuffer(makeDocument(), false, [{ path: 'word/document.xml', data: xml.slice(0, end) + body + xml.slice(end) }]));
}

/** Text as XML character data (as the library escapes it), without the characters XML cannot hold. */
function escapeText(s: string): string {
  return s.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * The body rows as WordprocessingML: a cell per value with its width, a paragraph per line of
 * the value (a segment over two paragraphs stays two), numbers right-aligned, the text column at
 * 10 pt; everything else comes from the document's defaults and the table's cell margins.
 */
function bodyRows(rows: ReadonlyArray<ReadonlyArray<string | number>>, widths: readonly number[], textColumn: number): string {
  const open = widths.map((w) => `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${w}"/></w:tcPr>`);
  const out: string[] = [];
  for (const row of rows) {
    let tr = '<w:tr>';
    row.forEach((value, i) => {
      const pPr = typeof value === 'number' ? '<w:pPr><w:jc w:val="right"/></w:pPr>' : '';
      const rPr = i === textColumn ? '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>' : '';
      let cell = open[i];
      for (const line of String(value).split(/\r?\n/)) cell += `<w:p>${pPr}<w:r>${rPr}<w:t xml:space="preserve">${escapeText(line)}</w:t></w:r></w:p>`;
      tr += cell + '</w:tc>';
    });
    out.push(tr + '</w:tr>');
  }
  return out.join('');
}
