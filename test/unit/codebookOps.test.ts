// Codebook operations on an in-memory project: rename, merge, move, new category, group,
// delete, describe and colour, with names in «», quotes, emoji, Norwegian letters and
// nested categories. Every result is applied and the project re-read from the files.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { applyToDisk, type OperationResult } from '../../server/src/core/ops/operations';
import { deleteCode, mergeCodes, moveItems, newCategory, normalizeEdits, renameItem, setColor, setDescription } from '../../server/src/core/ops/codebookOps';
import { parseCodebook } from '../../server/src/core/parse/codebook';
import { serializeCoding } from '../../server/src/core/parse/codings';
import type { Coding } from '../../server/src/core/model/model';
import { coding, fixture } from './codebookFixture';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

async function load(files = fixture()): Promise<{ fs: MemoryFileSystem; project: Project }> {
  const fs = new MemoryFileSystem(files);
  const project = new Project(fs);
  await project.load();
  return { fs, project };
}

async function apply(fs: MemoryFileSystem, project: Project, result: OperationResult): Promise<Project> {
  assert.equal(result.error, undefined, result.error);
  assert.ok(result.edits.length > 0, 'no edits');
  await applyToDisk(project, result);
  // A fresh index from the files, as the next session would see them.
  const fresh = new Project(fs);
  await fresh.load();
  return fresh;
}

function lines(fs: MemoryFileSystem, path: string): Coding[] {
  const text = new TextDecoder().decode(fs.files.get(path)!);
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Coding);
}

const read = (fs: MemoryFileSystem, path: string): string => new TextDecoder().decode(fs.files.get(path)!);

function diagnosticCodes(project: Project, code: string): number {
  return [...projectDiagnostics(project).values()].flat().filter((d) => d.code === code).length;
}

describe('codebook operations: rename', () => {
  it('renames a code in codebook.md, every coder’s codings, every [[link]] (aliases kept) and its colour', async () => {
    const { fs, project } = await load();
    const result = renameItem(project, '«LÆRING i sandkassa»', '«lære i sandkassa» – æøå 🏖');
    assert.deepEqual(result.edits.map((e) => e.path).sort(), ['.qda/codings/anna.jsonl', '.qda/codings/bjorn.jsonl', 'codebook.md', 'memos/Wenger 1998.md', 'qda.yaml']);
    const after = await apply(fs, project, result);
    const cb = read(fs, 'codebook.md');
    assert.ok(cb.includes('- **«lære i sandkassa» – æøå 🏖** — in vivo; testmiljøet.'));
    assert.ok(cb.includes('se [[«lære i sandkassa» – æøå 🏖]].'));
    assert.ok(read(fs, 'memos/Wenger 1998.md').includes('[[«lære i sandkassa» – æøå 🏖|sandkassa]]'));
    assert.deepEqual(lines(fs, '.qda/codings/anna.jsonl').filter((c) => c.id === 'a1').map((c) => c.code), ['«lære i sandkassa» – æøå 🏖']);
    assert.deepEqual(lines(fs, '.qda/codings/bjorn.jsonl').map((c) => c.code), ['«lære i sandkassa» – æøå 🏖', 'Kunde-innsikt']);
    assert.equal(after.countsOfCode('«lære i sandkassa» – æøå 🏖').codings, 2);
    assert.equal(after.colorOf('«lære i sandkassa» – æøå 🏖'), '#e6194b');
    assert.ok(read(fs, 'qda.yaml').includes('"«lære i sandkassa» – æøå 🏖": "#e6194b"'));
    assert.equal(diagnosticCodes(after, 'qda.unresolvedLink'), 0);
    assert.equal(diagnosticCodes(after, 'qda.unknownCode'), 0);
    // The other lines of the codings files are untouched, byte for byte.
    assert.equal(read(fs, '.qda/codings/anna.jsonl').split('\n').filter((l) => !l.includes('"a1"')).join('\n'), fixture()['.qda/codings/anna.jsonl'].split('\n').filter((l) => !l.includes('"a1"')).join('\n'));
  });

  it('renames a code with quotes and markdown characters, escaping them in the bold text', async () => {
    const { fs, project } = await load();
    const after = await apply(fs, project, renameItem(project, '"Det er lov å spørre"', '"Lov å *spørre*"'));
    assert.ok(read(fs, 'codebook.md').includes('- **"Lov å \\*spørre\\*"** — in vivo (R2).'));
    assert.equal(after.findCode('"Lov å *spørre*"')?.description, 'in vivo (R2).');
    assert.equal(after.countsOfCode('"Lov å *spørre*"').codings, 1);
  });

  it('renames a nested category and the links to it, leaving codings alone', async () => {
    const { fs, project } = await load();
    const result = renameItem(project, 'Sandkasse og superbrukere', 'Øving og støtte');
    assert.deepEqual(result.edits.map((e) => e.path).sort(), ['codebook.md', 'memos/Wenger 1998.md']);
    const after = await apply(fs, project, result);
    assert.ok(read(fs, 'codebook.md').includes('\n### Øving og støtte\n'));
    assert.deepEqual(after.findCode('Skjermet tid 🕐')?.categoryPath, ['Kompetanse og opplæring', 'Øving og støtte']);
    assert.ok(read(fs, 'memos/Wenger 1998.md').includes('[[Øving og støtte]]'));
  });

  it('allows a change of case only, and refuses names that collide, break links or are empty', async () => {
    const { fs, project } = await load();
    assert.match(renameItem(project, 'Kunde-innsikt', 'KUNDEINNSIKT').error ?? '', /already a code 'Kundeinnsikt'.*line 21/);
    assert.match(renameItem(project, 'Korte økter', 'ledelse').error ?? '', /already a category 'Ledelse'/);
    assert.match(renameItem(project, 'Korte økter', 'Praksisfellesskap').error ?? '', /note memos\/Wenger 1998\.md/);
    assert.match(renameItem(project, 'Korte økter', 'a|b').error ?? '', /\[\[links\]\]/);
    assert.match(renameItem(project, 'Korte økter', '   ').error ?? '', /empty/);
    assert.match(renameItem(project, 'Finnes ikke', 'X').error ?? '', /no code or category 'Finnes ikke'/);
    const after = await apply(fs, project, renameItem(project, 'Korte økter', 'korte  ØKTER'));
    assert.equal(after.findCode('korte økter')?.name, 'korte ØKTER');
  });

  it('refuses when a codings file that must change cannot be rewritten', async () => {
    const files = fixture();
    files['.qda/codings/bjorn.jsonl'] += '{"id": broken\n';
    const { project } = await load(files);
    const result = renameItem(project, '«læring i sandkassa»', 'Sandkassa');
    assert.deepEqual(result.edits, []);
    assert.match(result.error ?? '', /Not renamed: \.qda\/codings\/bjorn\.jsonl line 3 is not a valid coding/);
    // A code bjorn's file does not use can still be renamed.
    assert.equal(renameItem(project, 'Korte økter', 'Korte kurs').error, undefined);
  });
});

describe('codebook operations: merge', () => {
  it('moves codings to the target without duplicates per coder and passage, combines descriptions, updates links, removes the source', async () => {
    const { fs, project } = await load();
    const result = mergeCodes(project, ['Kunde-innsikt'], 'kundeinnsikt');
    assert.equal(result.error, undefined);
    assert.equal(result.removed, 1);
    assert.deepEqual(result.edits.map((e) => e.path).sort(), ['.qda/codings/anna.jsonl', '.qda/codings/bjorn.jsonl', 'chapters/kap5.md', 'codebook.md']);
    const after = await apply(fs, project, result);
    // anna had both codes on the same passage: one coding remains; bjorn's moves over.
    assert.deepEqual(lines(fs, '.qda/codings/anna.jsonl').filter((c) => c.exact === 'Kundene merket det').map((c) => [c.id, c.code]), [['a3', 'Kundeinnsikt']]);
    assert.deepEqual(lines(fs, '.qda/codings/bjorn.jsonl').map((c) => [c.id, c.code]), [['b1', '«læring i sandkassa»'], ['b2', 'Kundeinnsikt']]);
    assert.equal(after.findCode('Kunde-innsikt'), undefined);
    assert.equal(after.findCode('Kundeinnsikt')?.description, 'bruke data om kunden. å forstå kunden.');
    assert.equal(read(fs, 'chapters/kap5.md'), '# Funn\n\nKunder: [[Kundeinnsikt]] og [[kundeinnsikt|innsikten]]. Tema: [[Kompetanse og opplæring]].\n');
    assert.deepEqual(after.countsOfCode('Kundeinnsikt'), { codings: 2, informants: ['FL1'], coders: ['anna', 'bjorn'], documents: 1 });
    assert.ok(read(fs, 'codebook.md').endsWith('## Ukategorisert\n- **Kundeinnsikt** — bruke data om kunden. å forstå kunden.\n'));
  });

  it('merges several codes, including one only the codings use (map to an existing code)', async () => {
    const files = fixture();
    files['.qda/codings/bjorn.jsonl'] += serializeCoding(coding('b3', 'Superbrukerne hjalp', 'Hjelp fra kolleger', 'bjorn')) + '\n';
    const { fs, project } = await load(files);
    assert.equal(diagnosticCodes(project, 'qda.unknownCode'), 1);
    const after = await apply(fs, project, mergeCodes(project, ['Hjelp fra kolleger', 'Korte økter'], 'Superbrukere som støtte'));
    assert.equal(diagnosticCodes(after, 'qda.unknownCode'), 0);
    assert.equal(after.countsOfCode('Superbrukere som støtte').codings, 2);
    assert.equal(after.findCode('Korte økter'), undefined);
    // The category that held only the merged code stays, now empty.
    assert.ok(read(fs, 'codebook.md').includes('### Læringsformer\n\n## Ledelse'));
  });

  it('refuses a source with child codes, an unknown target and merging a code into itself', async () => {
    const { project } = await load();
    assert.match(mergeCodes(project, ['Superbrukere som støtte'], 'Korte økter').error ?? '', /child codes \(Skjermet tid 🕐\)/);
    assert.match(mergeCodes(project, ['Korte økter'], 'Nope').error ?? '', /no code 'Nope'/);
    assert.match(mergeCodes(project, ['korte økter'], 'Korte økter').error ?? '', /at least one other code/);
  });
});

describe('codebook operations: move, new category, group', () => {
  it('moves a code into another category, joining its list', async () => {
    const { fs, project } = await load();
    const after = await apply(fs, project, moveItems(project, ['Kundeinnsikt'], { kind: 'into', category: 'Ledelse' }));
    assert.deepEqual(after.findCode('Kundeinnsikt')?.categoryPath, ['Ledelse']);
    assert.ok(read(fs, 'codebook.md').includes('- **"Det er lov å spørre"** — in vivo (R2).\n- **Kundeinnsikt** — bruke data om kunden\n\n## Ukategorisert\n- **Kunde-innsikt**'));
    assert.equal(after.countsOfCode('Kundeinnsikt').codings, 1, 'codings follow by name');
  });

  it('moves several codes before and after a sibling, and a nested code with its parent', async () => {
    const { fs, project } = await load();
    let after = await apply(fs, project, moveItems(project, ['Kunde-innsikt', 'Superbrukere som støtte'], { kind: 'before', sibling: 'Lederen går foran' }));
    assert.deepEqual(after.codebook.codes.filter((c) => c.categoryPath[0] === 'Ledelse').map((c) => [c.name, c.parentCode ?? '']), [
      ['Kunde-innsikt', ''], ['Superbrukere som støtte', ''], ['Skjermet tid 🕐', 'Superbrukere som støtte'], ['Lederen går foran', ''], ['"Det er lov å spørre"', ''],
    ]);
    after = await apply(fs, after, moveItems(after, ['Korte økter'], { kind: 'after', sibling: '"Det er lov å spørre"' }));
    assert.deepEqual(after.codebook.codes.filter((c) => c.categoryPath[0] === 'Ledelse').map((c) => c.name).slice(-2), ['"Det er lov å spørre"', 'Korte økter']);
    assert.deepEqual(after.findCode('Korte økter')?.categoryPath, ['Ledelse']);
  });

  it('moves a code under another code as a child, and a child out to the top level', async () => {
    const { fs, project } = await load();
    let after = await apply(fs, project, moveItems(project, ['«læring i sandkassa»'], { kind: 'under', code: 'Superbrukere som støtte' }));
    assert.deepEqual(after.findCode('Superbrukere som støtte')?.children, ['Skjermet tid 🕐', '«læring i sandkassa»']);
    assert.ok(read(fs, 'codebook.md').includes('  - **Skjermet tid 🕐** — lederen gir tid.\n  - **«læring i sandkassa»** — in vivo; testmiljøet.\n\n### Læringsformer'));
    after = await apply(fs, after, moveItems(after, ['Skjermet tid 🕐'], { kind: 'into', category: 'Ukategorisert' }));
    assert.equal(after.findCode('Skjermet tid 🕐')?.parentCode, undefined);
    assert.ok(read(fs, 'codebook.md').endsWith('- **Kunde-innsikt** — å forstå kunden.\n- **Skjermet tid 🕐** — lederen gir tid.\n'));
    assert.match(moveItems(after, ['Superbrukere som støtte'], { kind: 'under', code: '«læring i sandkassa»' }).error ?? '', /cannot go under itself/);
  });

  it('moves a category with its sub-categories into another, shifting heading levels, and back after a sibling', async () => {
    const { fs, project } = await load();
    let after = await apply(fs, project, moveItems(project, ['Kompetanse og opplæring'], { kind: 'into', category: 'Ledelse' }));
    const cb = parseCodebook('codebook.md', read(fs, 'codebook.md')).codebook;
    assert.deepEqual(cb.categories.map((c) => [c.name, c.level]), [
      ['Ledelse', 2], ['Kompetanse og opplæring', 3], ['Sandkasse og superbrukere', 4], ['Læringsformer', 4], ['Ukategorisert', 2],
    ]);
    assert.deepEqual(after.findCode('Skjermet tid 🕐')?.categoryPath, ['Ledelse', 'Kompetanse og opplæring', 'Sandkasse og superbrukere']);
    assert.equal(after.findCategory('Kompetanse og opplæring')?.description, 'Hvordan ansatte lærer. Se [[Wenger 1998]].');
    after = await apply(fs, after, moveItems(after, ['Kompetanse og opplæring'], { kind: 'after', sibling: 'Ukategorisert' }));
    assert.deepEqual(after.codebook.categories.map((c) => [c.name, c.level]), [
      ['Ledelse', 2], ['Ukategorisert', 2], ['Kompetanse og opplæring', 2], ['Sandkasse og superbrukere', 3], ['Læringsformer', 3],
    ]);
    assert.equal(after.codebook.codes.length, 8);
    assert.ok(read(fs, 'codebook.md').endsWith('### Læringsformer\n- **Korte økter** — ti minutter.\n'));
    assert.match(moveItems(after, ['Kompetanse og opplæring'], { kind: 'into', category: 'Læringsformer' }).error ?? '', /cannot go into itself/);
    assert.match(moveItems(after, ['Ledelse'], { kind: 'under', code: 'Kundeinnsikt' }).error ?? '', /category cannot go under a code/);
  });

  it('adds a main theme before the uncategorised section and a sub-category under a theme', async () => {
    const { fs, project } = await load();
    let after = await apply(fs, project, newCategory(project, 'Kunder og «innsikt»'));
    assert.ok(read(fs, 'codebook.md').includes('(R2).\n\n## Kunder og «innsikt»\n\n## Ukategorisert\n'));
    after = await apply(fs, after, newCategory(after, 'Motstand', { parent: 'Ledelse', description: 'Hvem som sa nei.' }));
    assert.deepEqual(after.findCategory('Motstand')?.path, ['Ledelse', 'Motstand']);
    assert.equal(after.findCategory('Motstand')?.description, 'Hvem som sa nei.');
    assert.match(newCategory(after, 'ledelse').error ?? '', /already a category/);
  });

  it('groups selected codes into a new category', async () => {
    const { fs, project } = await load();
    const after = await apply(fs, project, newCategory(project, 'Kundeforståelse 👀', { codes: ['Kundeinnsikt', 'Kunde-innsikt', 'Korte økter'] }));
    assert.deepEqual(after.codesInCategory(after.findCategory('Kundeforståelse 👀')!).map((c) => c.name), ['Kundeinnsikt', 'Kunde-innsikt', 'Korte økter']);
    assert.ok(read(fs, 'codebook.md').includes('## Kundeforståelse 👀\n\n- **Kundeinnsikt** — bruke data om kunden\n- **Kunde-innsikt** — å forstå kunden.\n- **Korte økter** — ti minutter.\n\n## Ukategorisert\n'));
  });
});

describe('codebook operations: delete, describe, colour', () => {
  it('deletes a code with every coder’s codings and says how many go', async () => {
    const { fs, project } = await load();
    const result = deleteCode(project, 'Kunde-innsikt');
    assert.equal(result.removed, 2);
    assert.match(result.message ?? '', /2 codings; 1 \[\[link\]\] to it no longer resolve/);
    const after = await apply(fs, project, result);
    assert.equal(after.findCode('Kunde-innsikt'), undefined);
    assert.deepEqual(lines(fs, '.qda/codings/bjorn.jsonl').map((c) => c.id), ['b1']);
    assert.deepEqual(lines(fs, '.qda/codings/anna.jsonl').map((c) => c.id).sort(), ['a1', 'a2', 'a3', 'a5']);
    assert.match(deleteCode(after, 'Superbrukere som støtte').error ?? '', /child codes/);
  });

  it('sets, replaces and clears descriptions of codes and categories', async () => {
    const { fs, project } = await load();
    let after = await apply(fs, project, setDescription(project, 'Superbrukere som støtte', 'Kolleger med\nekstra opplæring.'));
    assert.ok(read(fs, 'codebook.md').includes('- **Superbrukere som støtte** — Kolleger med ekstra opplæring.\n  - **Skjermet tid 🕐**'));
    assert.equal(after.findCode('Skjermet tid 🕐')?.parentCode, 'Superbrukere som støtte');
    after = await apply(fs, after, setDescription(after, 'Korte økter', ''));
    assert.ok(read(fs, 'codebook.md').includes('\n- **Korte økter**\n'));
    after = await apply(fs, after, setDescription(after, 'Ledelse', 'Hvordan lederne «gikk foran».'));
    assert.equal(after.findCategory('Ledelse')?.description, 'Hvordan lederne «gikk foran».');
    after = await apply(fs, after, setDescription(after, 'Kompetanse og opplæring', 'Læring.'));
    assert.equal(after.findCategory('Kompetanse og opplæring')?.description, 'Læring.');
    after = await apply(fs, after, setDescription(after, 'Kompetanse og opplæring', ''));
    assert.equal(after.findCategory('Kompetanse og opplæring')?.description, '');
    assert.ok(read(fs, 'codebook.md').includes('## Kompetanse og opplæring\n\n### Sandkasse'));
  });

  it('sets a colour in qda.yaml, adding the colors map when missing', async () => {
    const { fs, project } = await load();
    let after = await apply(fs, project, setColor(project, 'kundeinnsikt', '#000075'));
    assert.equal(after.colorOf('Kundeinnsikt'), '#000075');
    after = await apply(fs, after, setColor(after, 'Skjermet tid 🕐', '#911eb4'));
    assert.equal(after.colorOf('Skjermet tid 🕐'), '#911eb4');
    assert.ok(read(fs, 'qda.yaml').includes('  "Skjermet tid 🕐": "#911eb4"\n'));
    assert.match(setColor(after, 'Kundeinnsikt', 'red').error ?? '', /not a colour/);
    const bare = fixture();
    bare['qda.yaml'] = 'coder: anna';
    const b = await load(bare);
    const afterBare = await apply(b.fs, b.project, setColor(b.project, 'Korte økter', '#aabbcc'));
    assert.equal(read(b.fs, 'qda.yaml'), 'coder: anna\ncolors:\n  Korte økter: "#aabbcc"\n');
    assert.equal(afterBare.colorOf('Korte økter'), '#aabbcc');
  });

  it('joins touching edits and rejects overlapping ones', () => {
    assert.deepEqual(normalizeEdits([{ start: 5, end: 9, newText: '' }, { start: 5, end: 5, newText: 'x' }, { start: 9, end: 9, newText: 'y' }]), [{ start: 5, end: 9, newText: 'xy' }]);
    assert.throws(() => normalizeEdits([{ start: 1, end: 5, newText: '' }, { start: 3, end: 8, newText: '' }]));
  });
});
