// Informants: counts per informant, next free codes, editing attributes in qda.yaml with its
// comments kept, and the import plan (targets, speaker mapping, identifiers file, .gitignore).
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { applyToDisk } from '../../server/src/core/ops/operations';
import { informantInfos, minimalEdit, nextFreeCodes, setInformantAttribute, withInformantAttribute } from '../../server/src/core/ops/informants';
import { planImport, previewImport, transcriptsFolder } from '../../server/src/core/import/plan';
import { parse as parseYaml } from 'yaml';
import { parseIdentifiers } from '../../server/src/core/parse/identifiers';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

const QDA_YAML = `# Innstillinger for oppgaven
language: nb
interviewers: [Intervjuer]
informants:
  # ledere
  FL1: { role: leder, office: Oslo } # første intervju
  R2: { role: rådgiver }
identifiers: .qda/identifiers.yaml # aldri commit
`;

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function makeProject(extra: Record<string, string> = {}): Project {
  return new Project(
    new MemoryFileSystem({
      'qda.yaml': QDA_YAML,
      'transcripts/FL1.md': '---\ntitle: FL1\n---\n**Intervjuer:** Hva gjør du?\n\n**FL1:** Jeg leder et team på fem.\n\n**Intervjuer:** Og?\n\n**FL1:** Vi bruker CRM hver dag.\n',
      'transcripts/gruppe.md': '**Intervjuer:** Hei.\n\n**FL1:** Hei alle.\n\n**P3:** Hei hei hei.\n',
      '.qda/codings/anna.jsonl': '',
      ...extra,
    }),
    'anna',
  );
}

describe('informants: counts and attributes', () => {
  it('lists every informant with attributes, transcripts, turns, words and codings', async () => {
    const p = makeProject();
    await p.load();
    const text = p.textOf('transcripts/FL1.md')!;
    const start = text.indexOf('Vi bruker');
    const line = JSON.stringify({ id: 'c1', doc: 'transcripts/FL1.md', start, end: start + 9, code: 'CRM', exact: 'Vi bruker', prefix: '', suffix: '', coder: 'anna', at: '2026-01-01T00:00:00Z' });
    await p.update('.qda/codings/anna.jsonl', line + '\n');
    const infos = informantInfos(p);
    assert.deepEqual(
      infos.map((i) => [i.code, i.attributes, i.inConfig, i.transcripts, i.turns, i.words, i.codings]),
      [
        ['FL1', { role: 'leder', office: 'Oslo' }, true, ['transcripts/FL1.md', 'transcripts/gruppe.md'], 3, 13, 1],
        ['P3', {}, false, ['transcripts/gruppe.md'], 1, 3, 0],
        ['R2', { role: 'rådgiver' }, true, [], 0, 0, 0],
      ],
    );
  });

  it('suggests the next free code of each family of codes', () => {
    assert.deepEqual(nextFreeCodes(['R1', 'R2', 'R3']), ['R4']);
    assert.deepEqual(nextFreeCodes(['FL1', 'FL2', 'R1', 'R2', 'R3', 'P1']), ['R4', 'FL3', 'P2']);
    assert.deepEqual(nextFreeCodes(['Informant A', 'Informant B', 'R1']), ['Informant C', 'R2']);
    assert.deepEqual(nextFreeCodes(['P 1', 'P 2']), ['P 3']);
    assert.deepEqual(nextFreeCodes(['R1', 'R3']), ['R4']);
    assert.deepEqual(nextFreeCodes([]), ['R1']);
    assert.deepEqual(nextFreeCodes(['Intervjuer']), ['R1']);
  });

  it('sets an attribute in qda.yaml keeping comments, order and flow style', () => {
    const out = withInformantAttribute(QDA_YAML, 'FL1', 'office', 'Bergen');
    assert.equal(out, QDA_YAML.replace('office: Oslo', 'office: Bergen'));
    const added = withInformantAttribute(QDA_YAML, 'R2', 'alder', '40–49');
    assert.equal(added, QDA_YAML.replace('R2: { role: rådgiver }', 'R2: { role: rådgiver, alder: 40–49 }'));
    const newInformant = withInformantAttribute(QDA_YAML, 'P3', 'role', 'teamleder');
    assert.ok(newInformant.includes('  R2: { role: rådgiver }\n  P3: { role: teamleder }\n'), newInformant);
    assert.ok(newInformant.includes('# ledere') && newInformant.includes('# første intervju') && newInformant.includes('# aldri commit'));
    const removed = withInformantAttribute(QDA_YAML, 'FL1', 'office', undefined);
    assert.ok(removed.includes('FL1: { role: leder } # første intervju'), removed);
  });

  it('edits block-style entries line by line and quotes values YAML would misread', () => {
    const block = 'informants:\n  FL1:\n    role: leder   # sjef\n    office: Oslo\n  R2: { role: "rådgiver, senior" }\n# slutt\n';
    assert.equal(withInformantAttribute(block, 'FL1', 'office', 'Bergen'), block.replace('office: Oslo', 'office: Bergen'));
    assert.equal(withInformantAttribute(block, 'FL1', 'alder', '40'), block.replace('office: Oslo\n', 'office: Oslo\n    alder: "40"\n'));
    assert.equal(withInformantAttribute(block, 'FL1', 'role', undefined), block.replace('    role: leder   # sjef\n', ''));
    assert.equal(withInformantAttribute(block, 'R2', 'office', 'Oslo, sentrum'), block.replace('senior" }', 'senior", office: "Oslo, sentrum" }'));
    assert.equal(withInformantAttribute(block, 'R2', 'role', undefined), block.replace('{ role: "rådgiver, senior" }', '{}'));
    assert.equal(withInformantAttribute(QDA_YAML, 'FL1', 'role', undefined), QDA_YAML.replace('{ role: leder, office: Oslo }', '{ office: Oslo }'));
  });

  it('creates informants: when qda.yaml lacks it, and turns a list into a mapping', () => {
    assert.equal(withInformantAttribute('# tom\nlanguage: en\n', 'R1', 'role', 'lead'), '# tom\nlanguage: en\ninformants:\n  R1: { role: lead }\n');
    assert.equal(withInformantAttribute('language: en', 'R1', 'role', 'lead'), 'language: en\ninformants:\n  R1: { role: lead }\n');
    assert.equal(withInformantAttribute(undefined, 'R1', 'role', 'lead'), 'informants:\n  R1: { role: lead }\n');
    assert.equal(withInformantAttribute('informants: [R1, R2]\n', 'R2', 'role', 'x'), 'informants:\n  R1: {}\n  R2: { role: x }\n');
    assert.deepEqual(parseYaml(withInformantAttribute('informants:\n  R1:\n', 'R1', 'role', 'x')), { informants: { R1: { role: 'x' } } });
  });

  it('refuses a qda.yaml that does not parse, naming the file and line', () => {
    assert.throws(() => withInformantAttribute('language: nb\ninformants: [R1\n', 'R1', 'role', 'x'), /^Error: qda\.yaml:\d+ does not parse/);
    assert.throws(() => withInformantAttribute('informants: 3\n', 'R1', 'role', 'x'), /'informants' must be a mapping/);
  });

  it('returns a minimal edit of qda.yaml that the index applies', async () => {
    const p = makeProject();
    await p.load();
    const r = setInformantAttribute(p, 'FL1', 'office', 'Bergen');
    assert.equal(r.error, undefined);
    assert.equal(r.edits.length, 1);
    assert.deepEqual(r.edits[0]!.edits, [minimalEdit(QDA_YAML, QDA_YAML.replace('Oslo', 'Bergen'))]);
    assert.equal(r.edits[0]!.edits[0]!.newText, 'Bergen');
    await applyToDisk(p, r);
    assert.equal(p.config.informants.FL1!.office, 'Bergen');
    assert.match(setInformantAttribute(p, 'FL1', 'bad: key', 'x').error ?? '', /cannot be an attribute name/);
    assert.deepEqual(setInformantAttribute(p, 'FL1', 'office', 'Bergen').edits, []);
  });
});

const VTT = `WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ingrid Haugland>Kan du fortelle om jobben din?</v>

00:00:04.500 --> 00:00:09.000
<v Kari Nordmann>Ja, jeg jobber i banken.</v>

00:00:09.000 --> 00:00:12.000
<v Kari Nordmann>Vi bruker CRM hver dag.</v>
`;

describe('import into a project', () => {
  it('writes into the folder of the first transcripts glob', async () => {
    const p = makeProject({ 'qda.yaml': 'transcripts: ["data/intervjuer/**/*.md"]\n' });
    await p.load();
    assert.equal(transcriptsFolder(p), 'data/intervjuer');
    const q = makeProject({ 'qda.yaml': 'transcripts: ["**/*.md"]\n' });
    await q.load();
    assert.equal(transcriptsFolder(q), 'transcripts');
  });

  it('previews speakers, targets and the next free codes', async () => {
    const p = makeProject({ '.qda/identifiers.yaml': 'Ingrid Haugland: Intervjuer\n' });
    await p.load();
    const preview = await previewImport(p, [{ name: 'kari.vtt', bytes: enc(VTT) }]);
    assert.equal(preview.error, undefined);
    assert.deepEqual(preview.files.map((f) => [f.target, f.exists, f.turns]), [['transcripts/kari.md', false, 2]]);
    assert.deepEqual(preview.files[0]!.speakers.map((s) => [s.source, s.label, s.role]), [
      ['Ingrid Haugland', 'Intervjuer', 'interviewer'],
      ['Kari Nordmann', 'Kari Nordmann', 'informant'],
    ]);
    assert.deepEqual(preview.known, { 'Ingrid Haugland': 'Intervjuer' });
    assert.deepEqual(preview.suggestions, ['FL2', 'P4', 'R3']);
  });

  it('maps a speaker, writes the identifiers file and adds it to .gitignore', async () => {
    const p = makeProject({ '.gitignore': 'node_modules/\n' });
    await p.load();
    const plan = await planImport(p, [{ name: 'kari.vtt', bytes: enc(VTT) }], { speakers: { 'Kari Nordmann': 'R4' }, interviewers: ['Ingrid Haugland'] });
    assert.equal(plan.error, undefined);
    assert.deepEqual(plan.edits.map((e) => [e.path, e.create === true]), [['transcripts/kari.md', true], ['.qda/identifiers.yaml', true], ['.gitignore', false]]);
    await applyToDisk(p, plan);
    const md = p.textOf('transcripts/kari.md')!;
    assert.match(md, /^\*\*R4:\*\* \[00:00:04\] Ja, jeg jobber i banken\. Vi bruker CRM hver dag\.$/m);
    assert.match(md, /^\*\*Intervjuer:\*\* \[00:00:01\]/m);
    assert.ok(!/Kari|Ingrid|Haugland|Nordmann/.test(md), md);
    assert.deepEqual(parseIdentifiers('x', p.textOf('.qda/identifiers.yaml') ?? (await p.fs.readText('.qda/identifiers.yaml'))), { 'Ingrid Haugland': 'Intervjuer', 'Kari Nordmann': 'R4' });
    assert.equal(await p.fs.readText('.gitignore'), 'node_modules/\n.qda/identifiers.yaml\n');
    assert.deepEqual(p.transcriptOf('transcripts/kari.md')?.informants, ['R4']);
    // The transcript contains only codes: no privacy warning.
    assert.equal([...projectDiagnostics(p).values()].flat().filter((d) => d.code === 'qda.realName').length, 0);
  });

  it('never replaces an existing transcript without confirmation; known names are mapped again', async () => {
    const p = makeProject({ 'transcripts/kari.md': 'old\n', '.qda/identifiers.yaml': '# keep me\nKari Nordmann: R4\n', '.gitignore': '.qda/identifiers.yaml\n' });
    await p.load();
    const refused = await planImport(p, [{ name: 'kari.vtt', bytes: enc(VTT) }]);
    assert.match(refused.error ?? '', /^transcripts\/kari\.md already exists/);
    assert.deepEqual(refused.edits, []);
    const plan = await planImport(p, [{ name: 'kari.vtt', bytes: enc(VTT) }], { overwrite: ['transcripts/kari.md'], interviewers: ['Ingrid Haugland'] });
    assert.equal(plan.error, undefined);
    assert.deepEqual(plan.edits.map((e) => e.path), ['transcripts/kari.md', '.qda/identifiers.yaml']);
    assert.deepEqual(plan.edits[0]!.edits, [{ start: 0, end: 4, newText: plan.results[0]!.result.markdown }]);
    await applyToDisk(p, plan);
    assert.match(p.textOf('transcripts/kari.md')!, /\*\*R4:\*\*/);
    assert.equal(await p.fs.readText('.qda/identifiers.yaml'), '# keep me\nKari Nordmann: R4\nIngrid Haugland: Intervjuer\n');
  });

  it('names the bad file and writes nothing', async () => {
    const p = makeProject();
    await p.load();
    const plan = await planImport(p, [{ name: 'ok.vtt', bytes: enc(VTT) }, { name: 'tom.vtt', bytes: enc('') }]);
    assert.match(plan.error ?? '', /^tom\.vtt: is empty\. Nothing was written\.$/);
    assert.deepEqual(plan.edits, []);
    const preview = await previewImport(p, [{ name: 'notes.vtt', bytes: enc('hello\n') }]);
    assert.match(preview.error ?? '', /^notes\.vtt(:\d+)?: /);
  });

  it('refuses two files that would become one transcript, in the preview and in the import', async () => {
    const p = makeProject();
    await p.load();
    const two = [{ name: 'mai/kari.vtt', bytes: enc(VTT) }, { name: 'juni/kari.vtt', bytes: enc(VTT) }];
    const want = 'juni/kari.vtt: would be written to transcripts/kari.md, like mai/kari.vtt; import them one at a time. Nothing was written.';
    assert.equal((await previewImport(p, two)).error, want);
    const plan = await planImport(p, two);
    assert.equal(plan.error, want);
    assert.deepEqual(plan.edits, []);
  });
});
