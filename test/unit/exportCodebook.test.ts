// The codebook appendix export: Markdown, CSV and .docx are parsed back and compared with
// the codebook and the project's counts. The .docx is unzipped (fflate) and its XML checked.
import { strict as assert } from 'node:assert';
import { mkdtempSync, promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { parseCodebook } from '../../server/src/core/parse/codebook';
import { CSV_COLUMNS, codebookOverview, codebookToCsv, codebookToDocx, codebookToMarkdown } from '../../server/src/core/export/exportCodebook';
import { main } from '../../server/src/cli';
import { fixture } from './codebookFixture';

async function load(): Promise<Project> {
  const project = new Project(new MemoryFileSystem(fixture()));
  await project.load();
  return project;
}

/** RFC 4180: quoted fields with "" escapes and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Paragraph texts and table rows of word/document.xml, in order. */
function docxContent(bytes: Uint8Array): { xml: string; headings: Array<[string, string]>; rows: string[][] } {
  const files = unzipSync(bytes);
  for (const required of ['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', '_rels/.rels']) assert.ok(files[required], `${required} in the .docx`);
  const xml = strFromU8(files['word/document.xml']);
  for (const [name, data] of Object.entries(files)) if (name.endsWith('.xml') || name.endsWith('.rels')) assert.equal(XMLValidator.validate(strFromU8(data)), true, `${name} is well-formed XML`);
  const parser = new XMLParser({ ignoreAttributes: false, preserveOrder: true, trimValues: false });
  const tree = parser.parse(xml) as unknown[];
  const headings: Array<[string, string]> = [];
  const rows: string[][] = [];
  const textOf = (nodes: unknown): string => {
    let s = '';
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (!n || typeof n !== 'object') return;
      for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
        if (k === 'w:t') for (const t of v as Array<Record<string, unknown>>) s += String(t['#text'] ?? '');
        else if (k !== ':@') walk(v);
      }
    };
    walk(nodes);
    return s;
  };
  const styleOf = (p: unknown[]): string => {
    for (const n of p) {
      const ppr = (n as Record<string, unknown[]>)['w:pPr'];
      if (!ppr) continue;
      for (const m of ppr) {
        const attrs = (m as Record<string, Record<string, string>>)[':@'];
        if ((m as Record<string, unknown>)['w:pStyle'] && attrs) return attrs['@_w:val'];
      }
    }
    return '';
  };
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
      if (k === 'w:p') {
        const style = styleOf(v as unknown[]);
        if (/^(Heading\d|Title)$/.test(style)) headings.push([style, textOf(v)]);
      } else if (k === 'w:tr') {
        rows.push((v as unknown[]).filter((c) => (c as Record<string, unknown>)['w:tc']).map((c) => textOf(c)));
      } else if (k !== ':@') walk(v);
    }
  };
  walk(tree);
  return { xml, headings, rows };
}

describe('codebook export', () => {
  it('builds the overview in codebook order with counts and one example quote per code', async () => {
    const project = await load();
    const overview = codebookOverview(project);
    assert.deepEqual(overview.entries.map((e) => (e.kind === 'category' ? `#${e.level} ${e.name}` : `${'  '.repeat(e.depth)}${e.name}`)), [
      '#2 Kompetanse og opplæring', '#3 Sandkasse og superbrukere', '«læring i sandkassa»', 'Superbrukere som støtte', '  Skjermet tid 🕐', '#3 Læringsformer', 'Korte økter',
      '#2 Ledelse', 'Lederen går foran', '"Det er lov å spørre"', '#2 Ukategorisert', 'Kundeinnsikt', 'Kunde-innsikt',
    ]);
    const sandkasse = overview.entries.find((e) => e.name === '«læring i sandkassa»');
    assert.ok(sandkasse?.kind === 'code');
    assert.deepEqual([sandkasse.codings, sandkasse.informants], [2, ['R2']]);
    // The 6-word coding is preferred to a shorter one; the informant comes with it.
    assert.deepEqual(sandkasse.example, { text: 'Vi kalte det «læring i sandkassa», for det var trygt', informant: 'R2', doc: 'transcripts/R2.md' });
    const theme = overview.entries.find((e) => e.name === 'Kompetanse og opplæring');
    assert.deepEqual(theme?.kind === 'category' && [theme.codes, theme.codings, theme.informants], [4, 3, 1]);
  });

  it('writes Markdown that reads back as the same categories and codes', async () => {
    const project = await load();
    const md = codebookToMarkdown(project);
    const back = parseCodebook('appendix.md', md).codebook;
    assert.equal(back.title, 'Kodebok');
    assert.deepEqual(back.categories.map((c) => [c.name, c.level]), project.codebook.categories.map((c) => [c.name, c.level]));
    assert.deepEqual(back.codes.map((c) => [c.name, c.categoryPath, c.parentCode]), project.codebook.codes.map((c) => [c.name, c.categoryPath, c.parentCode]));
    assert.ok(md.includes('- **«læring i sandkassa»** — in vivo; testmiljøet. *(2 kodinger, 1 informant)*\n  Eksempel: «Vi kalte det «læring i sandkassa», for det var trygt» (R2)\n'), md);
    assert.ok(md.includes('Hvordan ansatte lærer. Se Wenger 1998.'), 'links read as text');
  });

  it('writes CSV with one row per code that parses back to the codebook and the counts', async () => {
    const project = await load();
    const csv = codebookToCsv(project);
    assert.ok(csv.startsWith('\uFEFF'));
    const [header, ...rows] = parseCsv(csv.slice(1));
    assert.deepEqual(header, [...CSV_COLUMNS]);
    assert.equal(rows.length, project.codebook.codes.length);
    const col = (name: (typeof CSV_COLUMNS)[number]): number => header.indexOf(name);
    for (const [i, code] of project.codebook.codes.entries()) {
      const r = rows[i];
      assert.equal(r[col('code')], code.name);
      assert.equal(r[col('description')], code.description.replace('[[Wenger 1998]]', 'Wenger 1998'));
      assert.equal(r[col('theme')], code.categoryPath[0] ?? '');
      assert.equal(r[col('group')], code.categoryPath.slice(1).join(' › '));
      assert.equal(r[col('parent_code')], code.parentCode ?? '');
      const counts = project.countsOfCode(code.name);
      assert.equal(Number(r[col('codings')]), counts.codings, code.name);
      assert.equal(Number(r[col('informants')]), counts.informants.length);
      assert.equal(r[col('coders')], counts.coders.join('; '));
    }
    const quoted = rows.find((r) => r[col('code')] === '"Det er lov å spørre"')!;
    assert.deepEqual([quoted[col('example')], quoted[col('example_informant')]], ['Det er lov å spørre', 'R2']);
  });

  it('writes a .docx whose XML is well-formed, with a heading per category and a table row per code', async () => {
    const project = await load();
    const { headings, rows } = docxContent(await codebookToDocx(project));
    assert.deepEqual(headings, [
      ['Title', 'Kodebok'], ['Heading1', 'Kompetanse og opplæring'], ['Heading2', 'Sandkasse og superbrukere'], ['Heading2', 'Læringsformer'], ['Heading1', 'Ledelse'], ['Heading1', 'Ukategorisert'],
    ]);
    const body = rows.filter((r) => r[0] !== 'Kode');
    assert.equal(rows.filter((r) => r[0] === 'Kode').length, 4, 'one table (with header row) per category that has codes');
    assert.deepEqual(body.map((r) => r[0]), ['«læring i sandkassa»', 'Superbrukere som støtte', '– Skjermet tid 🕐', 'Korte økter', 'Lederen går foran', '"Det er lov å spørre"', 'Kundeinnsikt', 'Kunde-innsikt']);
    for (const r of body) {
      const name = r[0].replace(/^– /, '');
      const counts = project.countsOfCode(name);
      assert.deepEqual([r[1], Number(r[2]), Number(r[3])], [project.findCode(name)!.description, counts.codings, counts.informants.length], name);
    }
    assert.equal(body[0][4], '«Vi kalte det «læring i sandkassa», for det var trygt» (R2)');
  });

  it('runs from the command line: qda export csv|codebook-md|codebook-docx [--out FILE]', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'qda-export-'));
    try {
      for (const [rel, text] of Object.entries(fixture())) {
        await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
        await fsp.writeFile(path.join(root, rel), text);
      }
      let out = '';
      let err = '';
      const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s), cwd: root };
      assert.equal(await main(['export', 'codebook-docx', '.', '--out', 'vedlegg/kodebok.docx'], io), 0, err);
      assert.match(err, /Wrote vedlegg\/kodebok\.docx \(8 codes, 5 categories\)/);
      assert.equal(docxContent(new Uint8Array(readFileSync(path.join(root, 'vedlegg/kodebok.docx')))).rows.length, 12);
      assert.equal(await main(['export', 'csv', '.'], io), 0);
      assert.equal(parseCsv(out).length, 9);
      err = '';
      assert.equal(await main(['export', 'codebook-docx', '.'], io), 2);
      assert.match(err, /give --out FILE\.docx/);
      err = '';
      assert.equal(await main(['export', 'pdf', '.'], io), 2);
      assert.match(err, /unknown export format 'pdf'; available: codebook-md, codebook-docx, csv/);
    } finally {
      await fsp.rm(root, { recursive: true, force: true });
    }
  });
});
