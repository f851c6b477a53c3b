// Excel exports (issue 17.2, 17.3, 17.5): matrix-xlsx, segments-xlsx and cooccur-xlsx are real
// OOXML workbooks — read back with another library (read-excel-file), they hold exactly the rows
// of the CSV exports, numbers as numbers, and text that looks like a formula stays text.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import JSZip from 'jszip';
import { main } from '../../server/src/cli';
import { cli, parseCsv } from './cliOutput';
import { sheetName, xlsxWorkbook } from '../../server/src/core/text/xlsx';

const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');

describe('xlsx exports', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-xlsx-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('matrix-xlsx holds the rows of matrix-csv, counts as numbers, in a valid workbook', async () => {
    const out = path.join(dir, 'matrix.xlsx');
    await cli(['export', 'matrix-xlsx', '--rows', 'codes', '--cols', 'role', '--out', out, DEMO]);
    const sheets = await readXlsxFile(out);
    assert.equal(sheets.length, 1);
    assert.equal(sheets[0].sheet, 'Matrix');
    const csv = parseCsv(await cli(['export', 'matrix-csv', '--rows', 'codes', '--cols', 'role', DEMO]));
    const data = sheets[0].data;
    assert.equal(data.length, csv.length);
    assert.deepEqual(data[0], csv[0]);
    for (let r = 1; r < csv.length; r++) {
      assert.equal(data[r][0], csv[r][0].replace(/^'(?=[=+\-@])/, ''), `row ${r}'s name`);
      assert.equal(data[r][1], csv[r][1]);
      // Empty cells are zeros in the CSV; in the workbook every count is a number.
      assert.deepEqual(data[r].slice(2), csv[r].slice(2).map(Number), `row ${r}'s counts`);
    }
    // The package parts Excel needs, with their content types.
    const zip = await JSZip.loadAsync(fs.readFileSync(out));
    for (const part of ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/worksheets/sheet1.xml']) assert.ok(zip.file(part), `has ${part}`);
    const types = await zip.file('[Content_Types].xml')!.async('string');
    assert.match(types, /application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet\.main\+xml/);
  });

  it('segments-xlsx holds the segment table of segments-csv (with a query), full texts included', async () => {
    const out = path.join(dir, 'segments.xlsx');
    const query = '"Kompetanse og opplæring" AND NOT "Ledelse av innføringen"';
    await cli(['export', 'segments-xlsx', '--query', query, '--out', out, DEMO]);
    const [sheet] = await readXlsxFile(out);
    const csv = parseCsv(await cli(['export', 'segments-csv', '--query', query, DEMO]));
    assert.ok(csv.length > 10);
    const line = csv[0].indexOf('line');
    assert.deepEqual(
      sheet.data.map((row) => row.map((v) => (v === null ? '' : String(v)))),
      csv.map((row) => row.map((v, i) => (i === line ? v : v.replace(/^'(?=[=+\-@])/, '')))),
    );
  });

  it('cooccur-xlsx has a sheet per measure, each the code × code table', async () => {
    const out = path.join(dir, 'cooccur.xlsx');
    await cli(['export', 'cooccur-xlsx', '--out', out, DEMO]);
    const sheets = await readXlsxFile(out);
    assert.deepEqual(sheets.map((s) => s.sheet), ['Overlapping', 'Same turn']);
    const json = JSON.parse(await cli(['cooccur', '--json', DEMO])) as { codes: string[]; pairs: Array<{ a: string; b: string; overlapping: number; sameTurn: number }> };
    const [overlap, turn] = sheets.map((s) => s.data);
    assert.deepEqual(overlap[0], ['code', ...json.codes]);
    for (const p of json.pairs) {
      const i = json.codes.indexOf(p.a) + 1;
      const j = json.codes.indexOf(p.b) + 1;
      assert.equal(overlap[i][j], p.overlapping);
      assert.equal(turn[j][i], p.sameTurn);
    }
  });

  it('keeps text that looks like a formula as text, drops characters XML forbids, and makes sheet names Excel accepts', async () => {
    const bytes = await xlsxWorkbook([{ name: 'Koder: a/b [1]', rows: [['name', 'n'], ['=HYPERLINK("http://x")', 3], ['bell\u0007', null]] }]);
    const file = path.join(dir, 'hostile.xlsx');
    fs.writeFileSync(file, bytes);
    const [sheet] = await readXlsxFile(file);
    assert.equal(sheet.sheet, 'Koder_ a_b _1_');
    assert.deepEqual(sheet.data, [['name', 'n'], ['=HYPERLINK("http://x")', 3], ['bell', null]]);
    const xml = await (await JSZip.loadAsync(bytes)).file('xl/worksheets/sheet1.xml')!.async('string');
    assert.ok(!xml.includes('<f>'), 'no formula in the sheet');
    assert.equal(sheetName('x'.repeat(40)).length, 31);
    const taken = new Set<string>();
    assert.deepEqual([sheetName('Same', taken), sheetName('same', taken)], ['Same', 'same 2']);
  });

  it('refuses to write a workbook to the terminal', async () => {
    let err = '';
    const code = await main(['export', 'matrix-xlsx', DEMO], { stdout: () => undefined, stderr: (s) => (err += s), cwd: process.cwd() });
    assert.notEqual(code, 0);
    assert.match(err, /--out FILE\.xlsx/);
  });
});
