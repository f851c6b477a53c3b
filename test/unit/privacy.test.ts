// The privacy check: real names of the identifiers file found in the project's texts
// (qda.realName), and the edits of its quick fixes.
import { strict as assert } from 'node:assert';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { NameMatcher, REAL_NAME_CODE, replaceRealNameEdits } from '../../server/src/core/checks/privacy';
import { applyToDisk } from '../../server/src/core/ops/operations';
import { projectDiagnostics } from '../../server/src/core/checks/diagnostics';

/** The matched substrings of a text, with the codes they stand for. */
function found(identifiers: Record<string, string>, text: string, labels: string[] = []): string[] {
  return new NameMatcher(identifiers, labels).find(text).map((m) => `${text.slice(m.start, m.end)}=${m.codes.join('|')}`);
}

describe('privacy: real names in the text', () => {
  const ids = { 'Kari Nordmann': 'R4', 'Ingrid Haugland': 'Intervjuer' };

  it('finds a full name in any case and across a line break', () => {
    assert.deepEqual(found(ids, 'Jeg snakket med Kari Nordmann i går.'), ['Kari Nordmann=R4']);
    assert.deepEqual(found(ids, 'KARI NORDMANN og kari nordmann'), ['KARI NORDMANN=R4', 'kari nordmann=R4']);
    assert.deepEqual(found(ids, 'sa Kari\nNordmann'), ['Kari\nNordmann=R4']);
  });

  it('finds possessive forms and leaves the ending outside the range', () => {
    assert.deepEqual(found(ids, 'Karis leder, Kari’s kontor, Kari\'s team og Nordmanns rolle'), ['Kari=R4', 'Kari=R4', 'Kari=R4', 'Nordmann=R4']);
    assert.deepEqual(found({ 'Hans Moss': 'P2' }, "Hans' bil og Moss' hus"), ['Hans=P2', 'Moss=P2']);
    assert.deepEqual(found(ids, 'Kari Nordmanns beskrivelse'), ['Kari Nordmann=R4']);
  });

  it('matches whole words only', () => {
    assert.deepEqual(found(ids, 'Karin, Karianne, Nordmannsen, ekari og 2Kari'), []);
    assert.deepEqual(found(ids, '«Kari» (Kari) [Kari]. Kari-gruppen'), ['Kari=R4', 'Kari=R4', 'Kari=R4', 'Kari=R4']);
  });

  it('handles Norwegian letters in names and at word boundaries', () => {
    const no = { 'Åse Ødegård': 'FL3', 'Bjørn Sæther': 'R5' };
    assert.deepEqual(found(no, 'Åse Ødegårds team, ÅSE og åse ødegård'), ['Åse Ødegård=FL3', 'ÅSE=FL3', 'åse ødegård=FL3']);
    // ø and æ are letters: "Bjørnsen" and "Sætheren" are other words.
    assert.deepEqual(found(no, 'Bjørnsen, Sætheren, Bjørn og Sæthers'), ['Bjørn=R5', 'Sæther=R5']);
    assert.deepEqual(found(no, 'Ødegården'), []);
  });

  it('matches a word of a name alone only when it is capitalised (names that are common words)', () => {
    const common = { 'Per Strand': 'P1', Lie: 'P2' };
    assert.deepEqual(found(common, 'Det koster 100 kr per dag på stranda, ved strand og i lia'), []);
    assert.deepEqual(found(common, 'Per sa det. Strand var enig. Lie også, og per strand'), ['Per=P1', 'Strand=P1', 'Lie=P2', 'per strand=P1']);
  });

  it('never matches codes, speaker labels, particles or one-letter words on their own', () => {
    const odd = { 'Anna von Berg': 'R1', 'M Dahl': 'R2', 'Informant B Hansen': 'Informant B' };
    assert.deepEqual(found(odd, 'von Berg, Von, M, Informant, R1', ['Informant A', 'M']), ['Berg=R1']);
    assert.deepEqual(found(odd, 'Dahl og Hansen', ['Informant A', 'M']), ['Dahl=R2', 'Hansen=Informant B']);
    // A name mapped to itself is a code kept as it was, not a real name.
    assert.deepEqual(found({ R2: 'R2' }, 'R2 sa'), []);
  });

  it('names every code a shared word may stand for', () => {
    assert.deepEqual(found({ 'Kari Nordmann': 'R4', 'Kari Hansen': 'R5' }, 'Kari sa'), ['Kari=R4|R5']);
  });
});

describe('privacy: qda.realName diagnostics and replacements', () => {
  function project(extra: Record<string, string> = {}): Project {
    return new Project(
      new MemoryFileSystem({
        'qda.yaml': 'informants:\n  R4: { role: leder }\n',
        '.qda/identifiers.yaml': '# real names\nKari Nordmann: R4\nOla Dunk: R5\n',
        'transcripts/R4.md': '---\ntitle: Intervju med Kari Nordmann\n---\n**Intervjuer:** Hei Kari.\n\n**R4:** Ja, Karis team og Ola Dunk.\n',
        'memos/note.md': '# Notat\n\nKari Nordmann var tydelig.\n',
        'chapters/funn.md': 'Som Nordmann sa.\n',
        'codebook.md': '# Kodebok\n\n## Tema\n- **Kode** — Karis sitat.\n',
        'notes/other.md': 'Kari Nordmann (not a project file)\n',
        ...extra,
      }),
    );
  }

  it('warns in transcripts, memos, chapters and the codebook, never in the identifiers file', async () => {
    const p = project();
    await p.load();
    const real = [...projectDiagnostics(p)].flatMap(([path, list]) => list.filter((d) => d.code === REAL_NAME_CODE).map((d) => `${path}:${p.textOf(path)!.slice(d.range.start, d.range.end)}`));
    assert.deepEqual(real.sort(), [
      'chapters/funn.md:Nordmann',
      'codebook.md:Kari',
      'memos/note.md:Kari Nordmann',
      'transcripts/R4.md:Kari',
      'transcripts/R4.md:Kari',
      'transcripts/R4.md:Kari Nordmann',
      'transcripts/R4.md:Ola Dunk',
    ]);
    const d = projectDiagnostics(p).get('memos/note.md')![0]!;
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.data, { codes: ['R4'] });
    assert.ok(!d.message.includes('Kari'), `the message must not repeat the real name: ${d.message}`);
    assert.ok(d.message.includes('R4'));
    assert.equal(projectDiagnostics(p).has('.qda/identifiers.yaml'), false);
  });

  it('follows changes of the identifiers file and can be switched off in qda.yaml', async () => {
    const p = project();
    await p.load();
    await p.update('.qda/identifiers.yaml', 'Ola Dunk: R5\n');
    assert.equal(projectDiagnostics(p).get('memos/note.md'), undefined);
    await p.update('.qda/identifiers.yaml', undefined);
    assert.equal([...projectDiagnostics(p).values()].flat().filter((d) => d.code === REAL_NAME_CODE).length, 0);
    await p.update('.qda/identifiers.yaml', 'Kari Nordmann: R4\n');
    assert.equal(projectDiagnostics(p).get('memos/note.md')?.length, 1);
    await p.update('qda.yaml', 'checks: { qda.realName: false }\n');
    assert.equal([...projectDiagnostics(p).values()].flat().filter((d) => d.code === REAL_NAME_CODE).length, 0);
  });

  it('reports an identifiers file that does not parse on qda.yaml, without its content', async () => {
    const p = project({ '.qda/identifiers.yaml': 'Kari Nordmann: [R4\n', 'qda.yaml': 'language: nb\nidentifiers: .qda/identifiers.yaml\n' });
    await p.load();
    const d = projectDiagnostics(p).get('qda.yaml')?.find((x) => x.code === 'qda.identifiersParse');
    assert.ok(d, 'no qda.identifiersParse diagnostic');
    assert.match(d.message, /^\.qda\/identifiers\.yaml:\d+: does not parse/);
    assert.equal(p.textOf('qda.yaml')!.slice(d.range.start, d.range.end), 'identifiers');
    assert.equal([...projectDiagnostics(p).values()].flat().filter((x) => x.code === REAL_NAME_CODE).length, 0);
  });

  it('replaces all of one code in a file or in the project, keeping possessive endings', async () => {
    const p = project();
    await p.load();
    const inFile = replaceRealNameEdits(projectDiagnostics(p).get('transcripts/R4.md')!, 'R4');
    assert.deepEqual(inFile.map((e) => [e.path, e.edits.length]), [['transcripts/R4.md', 3]]);
    const all = replaceRealNameEdits([...projectDiagnostics(p).values()].flat(), 'R4');
    assert.deepEqual(all.map((e) => e.path), ['chapters/funn.md', 'codebook.md', 'memos/note.md', 'transcripts/R4.md']);
    await applyToDisk(p, { edits: all });
    assert.equal(p.textOf('transcripts/R4.md'), '---\ntitle: Intervju med R4\n---\n**Intervjuer:** Hei R4.\n\n**R4:** Ja, R4s team og Ola Dunk.\n');
    assert.equal(p.textOf('chapters/funn.md'), 'Som R4 sa.\n');
    const left = [...projectDiagnostics(p).values()].flat().filter((d) => d.code === REAL_NAME_CODE);
    assert.deepEqual(left.map((d) => d.data), [{ codes: ['R5'] }]);
  });

  it('leaves a word shared by two names to the analyst in "replace all"', () => {
    const diags = [{ path: 'a.md', range: { start: 0, end: 4 }, severity: 'warning' as const, code: REAL_NAME_CODE, message: '', data: { codes: ['R4', 'R5'] } }];
    assert.deepEqual(replaceRealNameEdits(diags, 'R4'), []);
  });

  it('scans a large project quickly and caches unchanged files', async () => {
    const turn = '**R4:** Vi snakket om systemet og Kari Nordmann sa at det gikk fint med opplæringen.\n\n';
    const files: Record<string, string> = { '.qda/identifiers.yaml': 'Kari Nordmann: R4\nPer Hansen: R5\nÅse Ødegård: FL3\n' };
    for (let i = 0; i < 40; i++) files[`transcripts/t${i}.md`] = turn.repeat(2000); // ~40 × 170 kB
    const p = new Project(new MemoryFileSystem(files));
    await p.load();
    let t = Date.now();
    const n = [...projectDiagnostics(p).values()].flat().filter((d) => d.code === REAL_NAME_CODE).length;
    const first = Date.now() - t;
    assert.equal(n, 40 * 2000);
    await p.update('transcripts/t0.md', turn);
    t = Date.now();
    projectDiagnostics(p);
    const again = Date.now() - t;
    assert.ok(first < 5000, `first scan took ${first} ms`);
    assert.ok(again < first / 2 + 50, `re-check after one file changed took ${again} ms (first ${first} ms): the cache is not used`);
  });
});
