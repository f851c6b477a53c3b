// Framework mode of the framework matrix (issue 17.2): the analyst's cell notes in framework.md
// (read, written at one cell, everything else kept, bad parts and gone rows reported), each
// cell's summary (the note, else the first segment), and `qda export matrix-csv --framework`.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { analysisSegments } from '../../server/src/core/analysis/segments';
import { buildMatrix } from '../../server/src/core/analysis/matrix';
import { frameworkCells, frameworkTable, shorten, SUMMARY_LENGTH } from '../../server/src/core/analysis/framework';
import { parseFrameworkNotes } from '../../server/src/core/parse/frameworkNotes';
import { frameworkNoteEdit, setFrameworkNote } from '../../server/src/core/ops/frameworkNotes';
import { frameworkNotesOf } from '../../server/src/core/checks/framework';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';
import { applyOffsetEdits } from '../../server/src/core/ops/operations';
import { main } from '../../server/src/cli';

const LONG = 'Vi lærte i sandkassa, og det tok tid, for ingen hadde satt av tid til å øve, og køen på telefonen ble ikke kortere av at vi satt der og klikket oss gjennom skjermbilder vi aldri hadde sett før den uka.';
const TEXT = [
  '**Intervjuer:** Hvordan lærte dere systemet?',
  `**R1:** ${LONG}`,
  '**Intervjuer:** Og lederen?',
  '**FL1:** Lederen brukte systemet selv hver dag.',
  '**R2:** Jeg lærte av kolleger.',
].join('\n\n') + '\n';

const CODEBOOK = `# Kodebok

## Opplæring

- **Sandkasse** — læring i testmiljø
- **Kolleger** — lære av kolleger

## Ledelse

- **Lederen bruker systemet**
`;

function coding(id: string, code: string, exact: string): string {
  const at = TEXT.indexOf(exact);
  if (at < 0) throw new Error(`not in text: ${exact}`);
  return JSON.stringify({ id, doc: 'transcripts/T.md', start: at, end: at + exact.length, code, exact, prefix: '', suffix: '', coder: 'anna', at: '2026-01-01T00:00:00Z' });
}

async function project(framework?: string): Promise<Project> {
  const files: Record<string, string> = {
    'qda.yaml': 'interviewers: [Intervjuer]\ninformants:\n  R1: { role: rådgiver }\n  R2: { role: rådgiver }\n  FL1: { role: leder }\n',
    'codebook.md': CODEBOOK,
    'transcripts/T.md': TEXT,
    '.qda/codings/anna/transcripts/T.md.jsonl': [coding('a1', 'Sandkasse', LONG), coding('a2', 'Lederen bruker systemet', 'Lederen brukte systemet selv'), coding('a3', 'Kolleger', 'Jeg lærte av kolleger')].join('\n') + '\n',
  };
  if (framework !== undefined) files['framework.md'] = framework;
  const p = new Project(new MemoryFileSystem(files));
  await p.load();
  return p;
}

const NOTES = `# Rammeverk

Notater til rammematrisen (veileder leser dette).

## Opplæring

Felles for temaet.

### rådgiver

Rådgiverne savner tid til å øve.

- Sandkasse hjelper.

### leder
Lederne nevner ikke opplæring.
## Ledelse
### rådgiver
`;

describe('framework.md: the analyst\'s cell notes', () => {
  it('reads a note per row × column, with its paragraphs, and keeps what is around it', () => {
    const notes = parseFrameworkNotes('framework.md', NOTES);
    assert.deepEqual(notes.diagnostics, []);
    assert.deepEqual(
      notes.notes.map((n) => [n.row, n.column, n.text]),
      [
        ['Opplæring', 'rådgiver', 'Rådgiverne savner tid til å øve.\n\n- Sandkasse hjelper.'],
        ['Opplæring', 'leder', 'Lederne nevner ikke opplæring.'],
        ['Ledelse', 'rådgiver', ''],
      ],
    );
  });

  it('reports a column outside any row, an empty heading and a second note for a cell, with file and line, and drops no text', () => {
    const text = '### løs\nTekst uten rad.\n## A\n### x\nførst\n### x\nandre\n##\nforeldreløs\n```\n## ikke en rad\n```\n';
    const notes = parseFrameworkNotes('framework.md', text);
    const messages = notes.diagnostics.map((d) => d.message);
    assert.equal(messages.length, 3, messages.join('\n'));
    assert.match(messages[0], /^framework\.md line 1: a column heading/);
    assert.match(messages[1], /^framework\.md line 6: a second note for A × x \(the first is on line 4\)/);
    assert.match(messages[2], /^framework\.md line 8: a row heading \(##\) without a name/);
    // The first note is the one shown; a heading inside a code block is no row.
    assert.deepEqual(notes.notes.map((n) => [n.row, n.column, n.text]), [['A', 'x', 'først']]);
    assert.deepEqual(notes.rows.map((r) => r.name), ['A']);
    // Writing another cell leaves every byte of the file as it was, the new note appended.
    const edit = frameworkNoteEdit('framework.md', text, 'B', 'y', 'ny');
    const after = applyOffsetEdits(text, edit.edits);
    assert.ok(after.startsWith(text), 'nothing before the new note changed');
    assert.equal(after.slice(text.length), '\n## B\n\n### y\n\nny\n');
  });

  it('writes a note: replaces the body of an existing one, adds a column under its row, a row at the end, or creates the file', () => {
    const replace = applyOffsetEdits(NOTES, frameworkNoteEdit('framework.md', NOTES, 'Opplæring', 'leder', 'Ny tekst.\n\n## ikke en rad').edits);
    assert.ok(replace.includes('### leder\nNy tekst.\n\n\\## ikke en rad\n\n## Ledelse'), replace);
    assert.deepEqual(parseFrameworkNotes('framework.md', replace).notes.map((n) => n.text)[1], 'Ny tekst.\n\n\\## ikke en rad');
    // Names compare as every name does (case ignored); the other notes are untouched.
    const same = parseFrameworkNotes('framework.md', applyOffsetEdits(NOTES, frameworkNoteEdit('framework.md', NOTES, 'opplæring', 'RÅDGIVER', 'Endret.').edits));
    assert.deepEqual(same.notes.map((n) => n.text), ['Endret.', 'Lederne nevner ikke opplæring.', '']);
    const column = applyOffsetEdits(NOTES, frameworkNoteEdit('framework.md', NOTES, 'Opplæring', 'kundekonsulent', 'K.').edits);
    assert.ok(column.includes('Lederne nevner ikke opplæring.\n\n### kundekonsulent\n\nK.\n\n## Ledelse'), column);
    const row = frameworkNoteEdit('framework.md', NOTES, 'Verktøy', 'leder');
    const rowText = applyOffsetEdits(NOTES, row.edits);
    assert.equal(rowText, NOTES + '\n## Verktøy\n\n### leder\n\n');
    assert.equal(row.bodyAt, rowText.length, 'the cursor goes under the new heading');
    const created = frameworkNoteEdit('framework.md', undefined, 'Opplæring', 'rådgiver', 'Første notat.', 'Rammeverk');
    assert.equal(created.create, true);
    assert.equal(applyOffsetEdits('', created.edits), '# Rammeverk\n\n## Opplæring\n\n### rådgiver\n\nFørste notat.\n');
    // Only opening at a note that is there: no edit.
    assert.deepEqual(frameworkNoteEdit('framework.md', NOTES, 'Ledelse', 'rådgiver').edits, []);
    const open = frameworkNoteEdit('framework.md', NOTES, 'Opplæring', 'rådgiver');
    assert.deepEqual(open.edits, []);
    assert.equal(open.bodyAt, NOTES.indexOf('Rådgiverne savner'), 'the cursor goes to the note\'s first word');
  });
});

describe('framework mode: a summary per cell', () => {
  it('shows the note when there is one, else the first segment shortened with its informant; empty cells stay empty', async () => {
    const p = await project(NOTES);
    const segments = analysisSegments(p);
    const m = buildMatrix(p, segments, { rows: 'codes', cols: 'role' });
    const cells = frameworkCells(p, m, segments, frameworkNotesOf(p));
    const at = (name: string) => cells[m.rows.findIndex((r) => r.name === name)];
    assert.deepEqual(at('Opplæring').rådgiver, { note: 'Rådgiverne savner tid til å øve.\n\n- Sandkasse hjelper.', summary: shorten(LONG), informant: 'R1' });
    // A note for a cell without codings is shown too; an empty note is no note.
    assert.deepEqual(at('Opplæring').leder, { note: 'Lederne nevner ikke opplæring.' });
    assert.deepEqual(at('Sandkasse').rådgiver, { summary: shorten(LONG), informant: 'R1' });
    assert.ok(at('Sandkasse').rådgiver.summary!.length <= SUMMARY_LENGTH + 1 && at('Sandkasse').rådgiver.summary!.endsWith('…'));
    assert.ok(LONG.startsWith(at('Sandkasse').rådgiver.summary!.slice(0, -1)));
    assert.deepEqual(at('Kolleger').rådgiver, { summary: 'Jeg lærte av kolleger', informant: 'R2' });
    assert.equal(at('Sandkasse').leder, undefined, 'no codings, no note: empty');
    assert.deepEqual(at('Ledelse').leder, { summary: 'Lederen brukte systemet selv', informant: 'FL1' });
    // The table the CSV and the workbook are made of: summaries in the cells, counts in the total.
    const table = frameworkTable(m, cells);
    assert.deepEqual(table[0], ['name', 'kind', 'leder', 'rådgiver', 'total']);
    assert.deepEqual(table.find((r) => r[0] === 'Kolleger'), ['Kolleger', 'code', '', 'Jeg lærte av kolleger (R2)', 1]);
  });

  it('keeps and reports a note whose row or column is gone, and shows it nowhere', async () => {
    const text = NOTES + '\n## Gammel kode\n\n### rådgiver\n\nSkrevet før koden ble slått sammen.\n\n## Ledelse\n\n### direktør\n\nIngen direktør er intervjuet.\n';
    const p = await project(text);
    const diagnostics = projectDiagnostics(p).get('framework.md') ?? [];
    const gone = diagnostics.filter((d) => d.code === 'qda.frameworkNoteGone').map((d) => d.message);
    const lineOf = (s: string) => text.slice(0, text.indexOf(s)).split('\n').length;
    assert.deepEqual(gone, [
      `framework.md line ${lineOf('## Gammel kode')}: 'Gammel kode' is no theme, group or code of the codebook; its notes are kept here but not shown in the matrix.`,
      `framework.md line ${lineOf('### direktør')}: 'direktør' is no informant nor attribute value in qda.yaml; the note is kept here but not shown in the matrix.`,
    ]);
    // Writing a note elsewhere keeps them byte for byte.
    const op = setFrameworkNote(p, 'Ledelse', 'leder', 'Ny.');
    assert.ok(applyOffsetEdits(text, op.edits[0].edits).includes('### rådgiver\n\nSkrevet før koden ble slått sammen.\n\n## Ledelse\n\n### direktør\n\nIngen direktør er intervjuet.\n'));
    const m = buildMatrix(p, analysisSegments(p), { rows: 'codes', cols: 'role' });
    const cells = frameworkCells(p, m, analysisSegments(p), frameworkNotesOf(p));
    assert.ok(!JSON.stringify(cells).includes('Skrevet før') && !JSON.stringify(cells).includes('Ingen direktør'));
  });

  it('follows framework.md as it changes, and the file is named in qda.yaml when it is not framework.md', async () => {
    const p = await project();
    assert.equal(p.roleOf('framework.md'), 'framework');
    const version = p.version;
    await p.update('framework.md', '## Sandkasse\n### R1\nEgen oppsummering.\n');
    assert.ok(p.version > version);
    const m = buildMatrix(p, analysisSegments(p), { rows: 'codes', cols: 'informants' });
    const cells = frameworkCells(p, m, analysisSegments(p), frameworkNotesOf(p));
    assert.equal(cells[m.rows.findIndex((r) => r.name === 'Sandkasse')].R1.note, 'Egen oppsummering.');
    await p.update('qda.yaml', 'framework: analyse/rammer.md\ninterviewers: [Intervjuer]\n');
    assert.equal(p.config.framework, 'analyse/rammer.md');
    assert.equal(p.roleOf('analyse/rammer.md'), 'framework');
    assert.equal(p.roleOf('framework.md'), 'other');
  });
});

describe('qda export matrix-csv|matrix-xlsx --framework', () => {
  const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');
  async function cli(args: string[]): Promise<string> {
    let out = '';
    let err = '';
    const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: process.cwd() });
    assert.equal(code, 0, err);
    return out;
  }

  it('writes the first segments in the cells of the demo, the counts in the total, as the core function does', async () => {
    const csv = await cli(['export', 'matrix-csv', '--framework', '--rows', 'themes', '--cols', 'role', DEMO]);
    const counts = await cli(['export', 'matrix-csv', '--rows', 'themes', '--cols', 'role', DEMO]);
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], counts.replace(/^\uFEFF/, '').trim().split('\r\n')[0], 'the same header');
    const opplaering = lines.find((l) => l.startsWith('Kompetanse og opplæring,'))!;
    // The first segment of a rådgiver under the theme, in transcript and offset order.
    const query = JSON.parse(await cli(['query', '"Kompetanse og opplæring"', '--attribute', 'role=rådgiver', '--json', DEMO])) as Array<{ doc: string; start: number; informant: string; text: string }>;
    query.sort((a, b) => (a.doc === b.doc ? a.start - b.start : a.doc < b.doc ? -1 : 1));
    assert.ok(opplaering.includes(`${shorten(query[0].text)} (${query[0].informant})`.replace(/"/g, '""')), opplaering);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-framework-'));
    try {
      await cli(['export', 'matrix-xlsx', '--framework', '--rows', 'themes', '--cols', 'role', '--out', path.join(dir, 'f.xlsx'), DEMO]);
      assert.ok(fs.statSync(path.join(dir, 'f.xlsx')).size > 1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
