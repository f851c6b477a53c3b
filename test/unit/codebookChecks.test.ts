// Methodological checks on the codebook: which fire, where, at what severity, and that
// qda.yaml `checks:` switches each off.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { isNearDuplicate, nameSimilarity, similarCodes } from '../../server/src/core/checks/checks';
import type { QdaDiagnostic } from '../../server/src/core/model/model';
import { coding, codings, fixture } from './codebookFixture';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

async function checks(files: Record<string, string>): Promise<{ project: Project; list: QdaDiagnostic[] }> {
  const project = new Project(new MemoryFileSystem(files));
  await project.load();
  const list = [...projectDiagnostics(project).values()].flat().filter((d) => /^qda\.(code|category|codes)/.test(d.code));
  return { project, list };
}

const names = (list: QdaDiagnostic[], code: string): string[] => list.filter((d) => d.code === code).map((d) => String(d.data?.name)).sort();

describe('codebook checks', () => {
  it('flags unused codes, codes without description, single-code categories, uncategorised codes and near-duplicates', async () => {
    const { project, list } = await checks(fixture());
    const text = project.textOf('codebook.md')!;
    assert.deepEqual(names(list, 'qda.codeUnused'), ['Korte økter', 'Lederen går foran', 'Skjermet tid 🕐']);
    // Superbrukere som støtte has a child code: a grouping code is not "unused".
    assert.deepEqual(names(list, 'qda.codeNoDescription'), []);
    assert.deepEqual(names(list, 'qda.categorySingleCode'), ['Læringsformer']);
    assert.deepEqual(names(list, 'qda.codesUncategorised'), ['Kunde-innsikt', 'Kundeinnsikt']);
    const near = list.filter((d) => d.code === 'qda.codeNearDuplicate');
    assert.deepEqual(near.map((d) => [d.data?.name, d.data?.other, text.slice(d.range.start, d.range.end)]), [['Kunde-innsikt', 'Kundeinnsikt', 'Kunde-innsikt']]);
    assert.match(near[0].message, /line 21/);
    // Advice, never errors.
    assert.ok(list.every((d) => d.severity === 'information' || d.severity === 'hint'), JSON.stringify(list.map((d) => d.severity)));
    assert.equal(list.filter((d) => d.code === 'qda.codeSingleInformant').length, 0, 'only when qda.yaml asks');
  });

  it('reports codes without description as hints, and codes used by too few informants when qda.yaml asks', async () => {
    const files = fixture();
    files['codebook.md'] = files['codebook.md'].replace('- **Korte økter** — ti minutter.', '- **Korte økter**');
    files['qda.yaml'] += 'checks:\n  qda.codeSingleInformant: 2\n';
    const { list } = await checks(files);
    assert.deepEqual(list.filter((d) => d.code === 'qda.codeNoDescription').map((d) => [d.data?.name, d.severity]), [['Korte økter', 'hint']]);
    const single = list.filter((d) => d.code === 'qda.codeSingleInformant');
    assert.deepEqual(single.map((d) => d.data?.name).sort(), ['"Det er lov å spørre"', 'Kunde-innsikt', 'Kundeinnsikt', 'Superbrukere som støtte', '«læring i sandkassa»']);
    assert.match(single.find((d) => d.data?.name === 'Kundeinnsikt')!.message, /one informant only \(FL1\); qda\.yaml asks for at least 2/);
  });

  it('switches each check off from qda.yaml', async () => {
    const files = fixture();
    files['qda.yaml'] += 'checks:\n  qda.codeUnused: false\n  qda.codeNearDuplicate: off\n  qda.categorySingleCode: false\n  qda.codesUncategorised: false\n';
    const { list } = await checks(files);
    assert.deepEqual(list.map((d) => d.code), []);
  });

  it('says nothing about unused or uncategorised codes in a fresh project without codings or themes', async () => {
    const { list } = await checks({ 'codebook.md': '# Kodebok\n\n## Ukategorisert\n- **Alpha** — a\n- **Beta** — b\n' });
    assert.deepEqual(list, []);
  });

  it('finds near-duplicate names by letters, edit distance and shared words, but not merely related names', () => {
    assert.ok(isNearDuplicate('Kundeinnsikt', 'kunde-innsikt'));
    assert.ok(isNearDuplicate('«læring i sandkassa»', 'Læring i sandkassen'));
    assert.ok(isNearDuplicate('Superbrukere som støtte', 'Støtte som superbrukere'));
    assert.ok(isNearDuplicate('Tid og kø', 'tid og kø 🕐'));
    assert.ok(!isNearDuplicate('Lederen går foran', 'Lederen viser at hen ikke kan alt'));
    assert.ok(!isNearDuplicate('E-læring gir lite', 'Lære av kolleger'));
    assert.ok(!isNearDuplicate('Tid', 'Tiden'));
    assert.equal(nameSimilarity('Kundeinnsikt', '«Kunde-innsikt»'), 1);
    assert.ok(nameSimilarity('Superbrukere som støtte', 'Superbrukere som hjelp') > nameSimilarity('Superbrukere som støtte', 'Tid og kø'));
  });

  it('suggests existing codes similar to an unknown one, best first', async () => {
    const files = fixture();
    files['.qda/codings/bjorn.jsonl'] += codings('bjorn', [coding('b9', 'Superbrukerne hjalp', 'Superbruker-støtte', 'bjorn')]);
    const { project, list } = await checks(files);
    assert.ok([...projectDiagnostics(project).values()].flat().some((d) => d.code === 'qda.unknownCode' && d.data?.code === 'Superbruker-støtte'));
    assert.equal(similarCodes(project, 'Superbruker-støtte')[0]?.name, 'Superbrukere som støtte');
    assert.ok(list.length > 0);
  });

  it('keeps the demo thesis free of errors and warnings from these checks', async () => {
    const { readFileSync, readdirSync, statSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(__dirname, '../../../examples/demo-thesis');
    const files: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else files[path.relative(root, p).split(path.sep).join('/')] = readFileSync(p, 'utf8');
      }
    };
    walk(root);
    const { list } = await checks(files);
    assert.ok(list.every((d) => d.severity === 'information' || d.severity === 'hint'));
    assert.ok(list.length < 15, `${list.length} notes on the demo: ${list.map((d) => d.message).join('\n')}`);
  });

  it('finds in a large codebook exactly the near-duplicates the pairwise test finds', async () => {
    // 400 names from a small vocabulary, with typos, swapped letters, æøå and reordered words
    // among them: the shortcut that skips the edit distance must not change a single answer.
    const words = ['læring', 'kunde', 'innsikt', 'leder', 'støtte', 'tid', 'kø', 'rådgiver', 'system', 'opplæring', 'mål', 'salg', 'kolleger', 'trygghet', 'endring'];
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const names: string[] = [];
    const seen = new Set<string>();
    while (names.length < 400) {
      let name = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(words)).join(' ');
      if (rand() < 0.3 && names.length > 0) {
        const base = pick(names);
        const at = Math.floor(rand() * base.length);
        name = rand() < 0.5 ? base.slice(0, at) + pick(['e', 'ø', 'a', 'x']) + base.slice(at + 1) : base.split(' ').reverse().join(' ');
      }
      name = name.charAt(0).toUpperCase() + name.slice(1);
      if (seen.has(name.normalize('NFC').toLowerCase())) continue;
      seen.add(name.normalize('NFC').toLowerCase());
      names.push(name);
    }
    const { list } = await checks({ 'codebook.md': '# Kodebok\n\n## Tema\n' + names.map((n) => `- **${n}** — beskrivelse\n`).join('') });
    const expected: string[][] = [];
    for (let j = 0; j < names.length; j++) {
      const i = names.slice(0, j).findIndex((other) => isNearDuplicate(other, names[j]!));
      if (i !== -1) expected.push([names[j]!, names[i]!]);
    }
    const found = list.filter((d) => d.code === 'qda.codeNearDuplicate').map((d) => [String(d.data?.name), String(d.data?.other)]);
    assert.ok(expected.length > 20, `the fixture has near-duplicates to find (${expected.length})`);
    assert.deepEqual(found, expected);
  });
});
