// The segment table to Word (issue 17.5): `qda export segments-docx` writes a landscape .docx
// whose table, read back from word/document.xml, holds exactly the rows of segments-csv for the
// same query, the header row repeated on every page and the text column the widest.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import JSZip from 'jszip';
import { main } from '../../server/src/cli';
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

  it('asks for --out (a binary file)', async () => {
    let err = '';
    const code = await main(['export', 'segments-docx', DEMO], { stdout: () => undefined, stderr: (s) => (err += s), cwd: process.cwd() });
    assert.notEqual(code, 0);
    assert.match(err, /--out FILE\.docx/);
  });
});
