// The theme report as a Word document: real Word headings (Heading 1 theme, 2 group, 3 code)
// so that Word's navigation pane and its table of contents work; the TOC field is updated by
// Word when the file is opened. Supervisors can comment on it in Word.
import type { Paragraph, Table, TableOfContents } from 'docx';
import { loadDocx } from '../text/docxLibrary';
import type { ItemReviewStatus, ReviewThread } from './reviewState';
import { targetLabel } from './reviewState';
import type { ReportCode, ThemeReport } from './themeReport';
import { REPORT_LABELS } from './themeReportHtml';

type Block = Paragraph | Table | TableOfContents;

export async function themeReportDocx(report: ThemeReport, lineOf?: (doc: string, offset: number) => number): Promise<Uint8Array> {
  const { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableOfContents, TableRow, TextRun, WidthType } = await loadDocx();
  const l = REPORT_LABELS[report.language];
  const blocks: Block[] = [];
  const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel], s?: ItemReviewStatus): void => {
    blocks.push(new Paragraph({ heading: level, children: [new TextRun(text), ...(s ? [new TextRun({ text: `  [${l.status[s.status]}]`, size: 18, color: s.status === 'agreed' ? '14522A' : s.status === 'needs-work' ? '7A3B00' : '555555' })] : [])] }));
    if (s?.note) blocks.push(new Paragraph({ children: [new TextRun({ text: s.note, italics: true, color: '7A3B00' })] }));
  };
  const threads = (ts: ReviewThread[], showTarget = false): void => {
    for (const t of ts) {
      if (showTarget) blocks.push(new Paragraph({ children: [new TextRun({ text: targetLabel(t.on, lineOf), bold: true })] }));
      for (const c of t.comments) {
        blocks.push(new Paragraph({ indent: { left: 284 }, shading: { fill: 'FFF8E1' }, children: [new TextRun({ text: `${c.author}, ${c.at.slice(0, 10)}: `, bold: true, size: 18 }), new TextRun({ text: c.body, size: 20 })] }));
      }
    }
  };
  const table = (head: [string, string], rows: Array<[string, number]>): void => {
    if (!rows.length) return;
    const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold, size: 18 })] })] });
    blocks.push(new Table({ width: { size: 50, type: WidthType.PERCENTAGE }, rows: [new TableRow({ tableHeader: true, children: [cell(head[0], true), cell(head[1], true)] }), ...rows.map(([k, n]) => new TableRow({ children: [cell(k), cell(String(n))] }))] }));
    blocks.push(new Paragraph(''));
  };
  const code = (c: ReportCode): void => {
    heading(c.name, HeadingLevel.HEADING_3, c.status);
    blocks.push(new Paragraph({ children: [new TextRun({ text: `${l.definition}: `, bold: true }), new TextRun(c.definition.trim() || l.noDefinition), new TextRun({ text: ` · ${c.codings} ${l.segments}`, color: '555555' })] }));
    threads(c.threads);
    if (c.byInformant.length) {
      blocks.push(new Paragraph({ children: [new TextRun({ text: l.byInformant, bold: true, size: 18 })] }));
      table([l.informant, l.count], c.byInformant);
    }
    for (const a of c.byAttribute) {
      if (!a.counts.length) continue;
      blocks.push(new Paragraph({ children: [new TextRun({ text: `${l.byAttribute}: ${a.attribute}`, bold: true, size: 18 })] }));
      table([a.attribute, l.count], a.counts);
    }
    for (const s of c.segments) {
      blocks.push(
        new Paragraph({ indent: { left: 567 }, spacing: { before: 120 }, children: [new TextRun({ text: s.text, italics: true }), new TextRun(` (${s.informant})`)] }),
        new Paragraph({ indent: { left: 567 }, children: [new TextRun({ text: `${s.doc}, ${l.line} ${s.line}${s.timestamp ? ` [${s.timestamp}]` : ''}`, size: 16, color: '666666' })] }),
      );
    }
    if (c.omitted) blocks.push(new Paragraph({ indent: { left: 567 }, children: [new TextRun({ text: l.omitted(c.omitted), size: 16, color: '666666' })] }));
  };
  blocks.push(new Paragraph({ text: report.title, heading: HeadingLevel.TITLE }));
  blocks.push(new Paragraph(`${report.totals.themes} ${l.themes} · ${report.totals.codes} ${l.codes} · ${report.totals.segments} ${l.segments} · ${report.totals.openThreads} ${l.openThreads}`));
  // Not a heading: the table of contents would list itself.
  blocks.push(new Paragraph({ spacing: { before: 240 }, children: [new TextRun({ text: l.contents, bold: true, size: 28 })] }));
  blocks.push(new TableOfContents(l.contents, { hyperlink: true, headingStyleRange: '1-3' }));
  for (const t of report.themes) {
    heading(t.name, HeadingLevel.HEADING_1, t.status);
    if (t.description) blocks.push(new Paragraph(t.description));
    threads(t.threads);
    for (const s of t.sections) {
      if (s.group !== undefined) {
        heading(s.group, HeadingLevel.HEADING_2, s.status);
        if (s.description) blocks.push(new Paragraph(s.description));
      }
      threads(s.threads);
      s.codes.forEach(code);
    }
  }
  if (report.passageThreads.length) {
    blocks.push(new Paragraph({ text: l.passages, heading: HeadingLevel.HEADING_1 }));
    threads(report.passageThreads, true);
  }
  const doc = new Document({ creator: 'Thesis QDA', title: report.title, features: { updateFields: true }, sections: [{ children: blocks }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}
