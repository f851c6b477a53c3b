// framework.md follows the codebook (issue 17 follow-up): a code, group or theme renamed takes
// its `## row` headings along, and codes merged bring their notes under the surviving row —
// two notes for one column become one note with both texts. Every result is applied to the
// in-memory folder and the project read again, as the next session would see it.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { applyToDisk, type OperationResult } from '../../server/src/core/ops/operations';
import { mergeCodes, renameItem } from '../../server/src/core/ops/codebookOps';
import { frameworkNotesOf } from '../../server/src/core/checks/framework';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';
import { analysisSegments } from '../../server/src/core/analysis/segments';
import { buildMatrix } from '../../server/src/core/analysis/matrix';
import { frameworkCells } from '../../server/src/core/analysis/framework';

const TEXT = '**Intervjuer:** Hvordan lærte dere systemet?\n\n**R1:** I sandkassa.\n\n**R2:** Av kolleger.\n\n**FL1:** Jeg brukte det selv.\n';

const CODEBOOK = `# Kodebok

## Opplæring

- **Sandkasse** — læring i testmiljø
- **Kolleger** — lære av kolleger
- **Kurs** — formell opplæring

## Ledelse

- **Lederen bruker systemet**
`;

function coding(id: string, code: string, exact: string): string {
  const at = TEXT.indexOf(exact);
  return JSON.stringify({ id, doc: 'transcripts/T.md', start: at, end: at + exact.length, code, exact, prefix: '', suffix: '', coder: 'anna', at: '2026-01-01T00:00:00Z' });
}

const NOTES = `# Rammeverk

Notater til rammematrisen.

## Opplæring

### rådgiver

Rådgiverne savner tid til å øve.

## Sandkasse

### rådgiver

Sandkassa er trygg.

- men treg

## Kolleger

### rådgiver

Kolleger hjelper mest.

### leder

Lederne viser vei.

## Ledelse

### leder

Går foran.
`;

async function load(framework = NOTES): Promise<{ fs: MemoryFileSystem; project: Project }> {
  const fs = new MemoryFileSystem({
    'qda.yaml': 'interviewers: [Intervjuer]\ninformants:\n  R1: { role: rådgiver }\n  R2: { role: rådgiver }\n  FL1: { role: leder }\n',
    'codebook.md': CODEBOOK,
    'transcripts/T.md': TEXT,
    'framework.md': framework,
    '.qda/codings/anna/transcripts/T.md.jsonl': [coding('a1', 'Sandkasse', 'I sandkassa.'), coding('a2', 'Kolleger', 'Av kolleger.'), coding('a3', 'Lederen bruker systemet', 'Jeg brukte det selv.')].join('\n') + '\n',
  });
  const project = new Project(fs);
  await project.load();
  return { fs, project };
}

async function apply(fs: MemoryFileSystem, project: Project, result: OperationResult): Promise<Project> {
  assert.equal(result.error, undefined, result.error);
  await applyToDisk(project, result);
  const fresh = new Project(fs);
  await fresh.load();
  return fresh;
}

const read = (fs: MemoryFileSystem, path: string): string => new TextDecoder().decode(fs.files.get(path)!);
const gone = (p: Project): string[] => (projectDiagnostics(p).get('framework.md') ?? []).filter((d) => d.code === 'qda.frameworkNoteGone' || d.code === 'qda.frameworkNotes').map((d) => d.message);

/** The notes the matrix shows, rows × roles, as `row × column: note`. */
function shown(p: Project): string[] {
  const segments = analysisSegments(p);
  const m = buildMatrix(p, segments, { rows: 'codes', cols: 'role' });
  const cells = frameworkCells(p, m, segments, frameworkNotesOf(p));
  const out: string[] = [];
  m.rows.forEach((r, i) => {
    for (const c of m.columns) if (cells[i][c]?.note) out.push(`${r.name} × ${c}: ${cells[i][c].note}`);
  });
  return out.sort();
}

/** Every non-blank line of a text, for "no line is lost". */
const lines = (t: string): string[] => t.split('\n').filter((l) => l.trim() && !l.startsWith('#'));

describe('framework.md follows renames and merges of the codebook', () => {
  it('a code renamed takes its ## heading along: the note stays in its cell, nothing else in the file changes', async () => {
    const { fs, project } = await load();
    const result = renameItem(project, 'sandkasse', 'Øving i «sandkassa»');
    assert.deepEqual(result.edits.map((e) => e.path).sort(), ['.qda/codings/anna/transcripts/T.md.jsonl', 'codebook.md', 'framework.md']);
    const after = await apply(fs, project, result);
    assert.equal(read(fs, 'framework.md'), NOTES.replace('## Sandkasse\n', '## Øving i «sandkassa»\n'));
    assert.deepEqual(gone(after), []);
    assert.ok(shown(after).includes('Øving i «sandkassa» × rådgiver: Sandkassa er trygg.\n\n- men treg'), shown(after).join('\n'));
  });

  it('a theme renamed takes its heading along too, every section of it; a project without framework.md gets no edit for it', async () => {
    const twice = NOTES + '\n## opplæring\n\n### leder\n\nEn ny runde.\n';
    const { fs, project } = await load(twice);
    const after = await apply(fs, project, renameItem(project, 'Opplæring', 'Kompetanse'));
    assert.equal(read(fs, 'framework.md'), twice.replace('## Opplæring\n', '## Kompetanse\n').replace('## opplæring\n', '## Kompetanse\n'));
    assert.deepEqual(gone(after), []);
    assert.deepEqual(shown(after).filter((s) => s.startsWith('Kompetanse')), ['Kompetanse × leder: En ny runde.', 'Kompetanse × rådgiver: Rådgiverne savner tid til å øve.']);
    const none = new MemoryFileSystem({ 'codebook.md': CODEBOOK });
    const bare = new Project(none);
    await bare.load();
    assert.deepEqual(renameItem(bare, 'Kurs', 'Kurs og opplegg').edits.map((e) => e.path), ['codebook.md']);
  });

  it('codes merged: a column both have keeps both notes in one cell, the others move under the target, the source row goes', async () => {
    const { fs, project } = await load();
    const result = mergeCodes(project, ['Kolleger'], 'Sandkasse');
    assert.ok(result.edits.some((e) => e.path === 'framework.md'));
    const after = await apply(fs, project, result);
    const text = read(fs, 'framework.md');
    assert.deepEqual(gone(after), [], text);
    assert.deepEqual(shown(after), [
      'Ledelse × leder: Går foran.',
      'Opplæring × rådgiver: Rådgiverne savner tid til å øve.',
      'Sandkasse × leder: Lederne viser vei.',
      'Sandkasse × rådgiver: Sandkassa er trygg.\n\n- men treg\n\nKolleger hjelper mest.',
    ]);
    assert.ok(!text.includes('## Kolleger'), text);
    // Never lose text: every line of the notes is still in the file, once.
    assert.deepEqual(lines(text).sort(), lines(NOTES).sort());
    assert.ok(text.includes('## Sandkasse\n\n### rådgiver\n\nSandkassa er trygg.\n\n- men treg\n\nKolleger hjelper mest.\n\n### leder\n\nLederne viser vei.\n\n## Ledelse\n'), text);
  });

  it('merged into a code without a row: the source row takes the target name; several sources and a row with its own text', async () => {
    const notes = NOTES.replace('## Kolleger\n\n', '## Kolleger\n\nEn innledning til raden.\n\n') + '\n## Kurs\n\n### leder\n\nKurs for ledere.\n\n### rådgiver\n\n### R1\n\nR1 tok kurset.\n';
    const { fs, project } = await load(notes);
    const after = await apply(fs, project, mergeCodes(project, ['Kolleger', 'Kurs'], 'Lederen bruker systemet'));
    const text = read(fs, 'framework.md');
    // Kolleger had no row for the target to go to: its heading is renamed, its notes stay; Kurs's join it.
    assert.ok(text.includes('## Lederen bruker systemet\n\nEn innledning til raden.\n\n### rådgiver\n\nKolleger hjelper mest.\n\n### leder\n\nLederne viser vei.\n\nKurs for ledere.\n\n### R1\n\nR1 tok kurset.\n'), text);
    assert.ok(!text.includes('## Kurs'), text);
    assert.deepEqual(lines(text).sort(), lines(notes).sort());
    assert.deepEqual(gone(after), [], text);
    assert.ok(shown(after).includes('Lederen bruker systemet × leder: Lederne viser vei.\n\nKurs for ledere.'), shown(after).join('\n'));
  });
});
