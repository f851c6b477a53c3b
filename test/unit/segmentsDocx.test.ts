// The segment table to Word (issue 17.5): `qda export segments-docx` writes a landscape .docx
// whose table, read back from word/document.xml, holds exactly the rows of segments-csv for the
// same query, the header row repeated on every page and the text column the widest.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import * as docx from 'docx';
import { main } from '../../server/src/cli';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { analysisSegments } from '../../server/src/core/analysis/segments';
import { segmentRows, segmentTable } from '../../server/src/core/analysis/segmentTable';
import { segmentsDocx } from '../../server/src/core/analysis/segmentsDocx';
import { cli, parseCsv } from './cliOutput';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');

const unescapeXml = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The table rows of word/document.xml: each cell's paragraphs joined by line breaks. */
function docxRows(xml: string): { rows: string[][]; header: string[] } {
  const rows = [...xml.matchAll(/<w:tr\b[^>]*>([\s\S]*?)<\/w:tr>/g)].map((tr) =>
    [...tr[1].matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((tc) => [...tc[1].matchAll(/<w:p\b[^>]*>([\s\S]*?)<\/w:p>/g)].map((p) => [...p[1].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => unescapeXml(t[1])).join('')).join('\n')),
  );
  const header = [...xml.matchAll(/<w:tr\b[^>]*>([\s\S]*?)<\/w:tr>/g)].filter((tr) => /<w:tblHeader(?:\/>|\s+w:val="(?:true|1|on)")/.test(tr[1])).map((tr) => tr[1]);
  return { rows, header };
}

/**
 * The reference: the whole table made of the docx library's objects, as segmentsDocx did before
 * its body rows were written directly (issue 17 follow-up). Same widths, properties and defaults.
 */
async function libraryDocumentXml(project: Project, title: string): Promise<string> {
  const { AlignmentType, Document, Packer, PageOrientation, Paragraph, ShadingType, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType } = docx;
  const table = segmentTable(project, segmentRows(project, analysisSegments(project)));
  const header = table[0].map(String);
  const W: Record<string, number> = { transcript: 1300, line: 550, informant: 850, question: 2600, theme: 1250, group: 1250, code: 1350, coder: 850 };
  const fixed = header.map((name) => (name === 'text' ? 0 : (W[name] ?? 850)));
  const textWidth = Math.max(3400, 16838 - 2 * 850 - fixed.reduce((a, b) => a + b, 0));
  const widths = fixed.map((w, i) => (header[i] === 'text' ? textWidth : w));
  const invalid = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
  const textColumn = header.indexOf('text');
  const paragraphs = (value: string | number, head: boolean, i: number) =>
    String(value)
      .replace(invalid, '')
      .split(/\r?\n/)
      .map((line) => new Paragraph({ alignment: !head && typeof value === 'number' ? AlignmentType.RIGHT : undefined, children: [new TextRun(head ? { text: line, bold: true } : i === textColumn ? { text: line, size: 20 } : line)] }));
  const cell = (value: string | number, i: number, head: boolean) =>
    new TableCell({ width: { size: widths[i], type: WidthType.DXA }, shading: head ? { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' } : undefined, children: paragraphs(value, head, i) });
  const doc = new Document({
    creator: 'Thesis QDA',
    title,
    styles: { default: { document: { run: { size: 17 }, paragraph: { spacing: { after: 40 } } } } },
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE }, margin: { top: 850, bottom: 850, left: 850, right: 850 } } },
        children: [
          new Paragraph({ spacing: { after: 120 }, children: [new TextRun({ text: title.replace(invalid, ''), bold: true, size: 28 })] }),
          new Table({
            width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
            columnWidths: widths,
            layout: TableLayoutType.FIXED,
            margins: { top: 40, bottom: 40, left: 80, right: 80 },
            rows: table.map((row, r) => new TableRow({ tableHeader: r === 0 ? true : undefined, children: row.map((v, i) => cell(v, i, r === 0)) })),
          }),
        ],
      },
    ],
  });
  return (await JSZip.loadAsync(await Packer.toBuffer(doc))).file('word/document.xml')!.async('string');
}

/** A transcript whose segments hold what XML must escape, a character it cannot hold, and a paragraph break. */
async function hostileProject(): Promise<Project> {
  const text = '**Intervjuer:** Hva med «A & B» <i>spørsmålet</i>?\n\n**R1:** Vi sa "ja" & \'nei\' <b>x</b>\u0001 her.\n\n**R1:** Andre avsnitt > første.\n';
  const coding = (id: string, code: string, from: string, to: string): string => {
    const start = text.indexOf(from);
    const end = text.indexOf(to) + to.length;
    return JSON.stringify({ id, doc: 'transcripts/T.md', start, end, code, exact: text.slice(start, end), prefix: '', suffix: '', coder: 'anna', at: '2026-01-01T00:00:00Z' });
  };
  const p = new Project(
    new MemoryFileSystem({
      'qda.yaml': 'interviewers: [Intervjuer]\ninformants:\n  R1: { role: "rådgiver & <leder>" }\n',
      'codebook.md': '# Kodebok\n\n## Tema & <3\n\n- **Tid & "kø" \'x\'** — farlig navn\n',
      'transcripts/T.md': text,
      '.qda/codings/anna/transcripts/T.md.jsonl': [coding('a1', 'Tid & "kø" \'x\'', 'Vi sa', 'her.'), coding('a2', 'Tid & "kø" \'x\'', 'Vi sa', 'første.')].join('\n') + '\n',
    }),
  );
  await p.load();
  return p;
}

describe('segments-docx: the segment table in Word', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-docx-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds the rows of segments-csv for the same query, on landscape pages with a repeated header row and the text column widest', async () => {
    const out = path.join(dir, 'segments.docx');
    const query = '"Kompetanse og opplæring" AND NOT "Ledelse av innføringen"';
    await cli(['export', 'segments-docx', '--query', query, '--attribute', 'group=bankintervju', '--out', out, DEMO]);
    const csv = parseCsv(await cli(['export', 'segments-csv', '--query', query, '--attribute', 'group=bankintervju', DEMO]));
    assert.ok(csv.length > 5, 'the query selects segments');
    const zip = await JSZip.loadAsync(fs.readFileSync(out));
    const xml = await zip.file('word/document.xml')!.async('string');
    const { rows, header } = docxRows(xml);
    // The CSV guards a leading = + - @ with ' (for spreadsheets); Word needs no guard.
    assert.deepEqual(rows, csv.map((row) => row.map((v) => v.replace(/^'(?=[=+\-@])/, ''))));
    assert.equal(header.length, 1, 'one header row, repeated on each page');
    assert.match(header[0], /<w:t(?:\s[^>]*)?>transcript<\/w:t>/, 'the header row is the first');
    assert.ok(rows[0].includes('question') && rows[0].includes('text'));
    assert.match(xml, /<w:pgSz [^>]*w:orient="landscape"/);
    const width = (m: RegExpMatchArray) => Number(m[1]);
    const grid = [...xml.matchAll(/<w:gridCol w:w="(\d+)"/g)].map(width);
    assert.equal(grid.length, csv[0].length);
    assert.equal(Math.max(...grid), grid[csv[0].indexOf('text')], 'the text column is the widest');
    // A full segment text that spans paragraphs is kept whole.
    assert.ok(csv.slice(1).every((r) => r.at(-1)!.length > 0));
  });

  it('writes the body rows as the docx library would, byte for byte, with names and text that XML must escape', async () => {
    const project = await hostileProject();
    const title = 'Segmenter: "Tid & kø" <alle>';
    const bytes = await segmentsDocx(project, segmentRows(project, analysisSegments(project)), title);
    const zip = await JSZip.loadAsync(bytes);
    const xml = await zip.file('word/document.xml')!.async('string');
    assert.equal(xml, await libraryDocumentXml(project, title));
    // The package is the library's: one numbering, each relationship once.
    const rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
    assert.equal(rels.match(/Target="fontTable\.xml"/g)?.length, 1, rels);
    const numbering = await zip.file('word/numbering.xml')!.async('string');
    assert.equal(numbering.match(/<w:abstractNum /g)?.length, 1);
    const { rows } = docxRows(xml);
    assert.equal(rows.length, 3);
    assert.ok(rows[2].at(-1)!.includes('Vi sa "ja" & \'nei\' <b>x</b> her.\n\n'), rows[2].at(-1));
  });

  it('reads back in mammoth (another Word reader) as one table with the rows of segments-csv', async () => {
    const out = path.join(dir, 'mammoth.docx');
    await cli(['export', 'segments-docx', '--query', '"Ledelse av innføringen"', '--out', out, DEMO]);
    const csv = parseCsv(await cli(['export', 'segments-csv', '--query', '"Ledelse av innføringen"', DEMO]));
    const html = (await mammoth.convertToHtml({ buffer: fs.readFileSync(out) })).value;
    assert.equal(html.match(/<table>/g)?.length, 1);
    const cells = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) =>
      [...tr[1].matchAll(/<t[dh]>([\s\S]*?)<\/t[dh]>/g)].map((td) => [...td[1].matchAll(/<p>([\s\S]*?)<\/p>/g)].map((p) => unescapeXml(p[1].replace(/<[^>]+>/g, ''))).join('\n')),
    );
    assert.ok(csv.length > 20, 'the query selects segments');
    // mammoth drops empty paragraphs; the CSV's cells with their blank lines taken out.
    assert.deepEqual(cells, csv.map((row) => row.map((v) => v.replace(/^'(?=[=+\-@])/, '').replace(/\n+/g, '\n').replace(/^\n|\n$/g, ''))));
  });

  it('asks for --out (a binary file)', async () => {
    let err = '';
    const code = await main(['export', 'segments-docx', DEMO], { stdout: () => undefined, stderr: (s) => (err += s), cwd: process.cwd() });
    assert.notEqual(code, 0);
    assert.match(err, /--out FILE\.docx/);
  });
});
