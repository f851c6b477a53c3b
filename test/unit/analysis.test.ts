// Asking questions of the coded data: the query language, the informant a coding belongs to, the
// framework matrix, co-occurrence and the segment table — and the same counts from the CLI's
// three ways of giving them on the demo thesis.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { analysisSegments, segmentText } from '../../server/src/core/analysis/segments';
import { evaluateQuery, parseQuery, QuerySyntaxError } from '../../server/src/core/analysis/query';
import { buildMatrix, codesOfRow } from '../../server/src/core/analysis/matrix';
import { cooccurrence } from '../../server/src/core/analysis/cooccur';
import { segmentRows, segmentRowsToCsv } from '../../server/src/core/analysis/segmentTable';
import { main } from '../../server/src/cli';

const TEXT = [
  '**Intervjuer:** Hvordan lærte dere systemet?', // turn 0
  '**R1:** Vi lærte i sandkassa, og det tok tid.', // turn 1
  '**Intervjuer:** Og lederen?', // turn 2
  '**FL1:** Lederen brukte systemet selv hver dag.', // turn 3
  '**Intervjuer:** Noe mer?', // turn 4
  '**R1:** Nei, egentlig ikke noe mer.', // turn 5
].join('\n\n') + '\n';

const CODEBOOK = `# Kodebok

## Opplæring

- **Sandkasse** — læring i testmiljø
  - **Tid** — tid brukt på læring

## Ledelse

### Lederen går foran
- **Lederen bruker systemet**
`;

function coding(id: string, coder: string, code: string, exact: string, occurrence = 0): string {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = TEXT.indexOf(exact, at + 1);
  if (at < 0) throw new Error(`not in text: ${exact}`);
  return JSON.stringify({ id, doc: 'transcripts/T.md', start: at, end: at + exact.length, code, exact, prefix: '', suffix: '', coder, at: '2026-01-01T00:00:00Z' });
}

async function project(moreOfAnna: string[] = []): Promise<Project> {
  const anna = [
    ...moreOfAnna,
    coding('a1', 'anna', 'Sandkasse', 'Vi lærte i sandkassa'),
    coding('a2', 'anna', 'Tid', 'det tok tid'),
    coding('a3', 'anna', 'Lederen bruker systemet', 'Lederen brukte systemet selv'),
    // Starts in an interviewer turn: belongs to no informant.
    coding('a4', 'anna', 'Sandkasse', 'Hvordan lærte dere systemet?'),
  ];
  const bjorn = [coding('b1', 'bjorn', 'Sandkasse', 'sandkassa, og det tok tid'), coding('b2', 'bjorn', 'Lederen bruker systemet', 'Nei, egentlig ikke')];
  const fs = new MemoryFileSystem({
    'qda.yaml': 'interviewers: [Intervjuer]\ninformants:\n  R1: { role: rådgiver }\n  FL1: { role: leder }\n',
    'codebook.md': CODEBOOK,
    'transcripts/T.md': TEXT,
    '.qda/codings/anna/transcripts/T.md.jsonl': anna.join('\n') + '\n',
    '.qda/codings/bjorn/transcripts/T.md.jsonl': bjorn.join('\n') + '\n',
  });
  const p = new Project(fs);
  await p.load();
  return p;
}

describe('analysis: the query language', () => {
  it('parses names, quoted names, «in vivo» names, precedence and parentheses', () => {
    const q = '"Tid og kø" AND NOT Ledelse';
    assert.deepEqual(parseQuery(q), { kind: 'andNot', left: { kind: 'name', name: 'Tid og kø', at: 0 }, right: { kind: 'name', name: 'Ledelse', at: q.indexOf('Ledelse') } });
    const t = parseQuery('A OR B AND C');
    assert.equal(t.kind, 'or');
    assert.equal(t.kind === 'or' && t.right.kind, 'and');
    assert.equal(parseQuery('(A OR B) AND C').kind, 'and');
    assert.deepEqual(parseQuery('Tid og kø'), { kind: 'name', name: 'Tid og kø', at: 0 });
    assert.deepEqual(parseQuery('«læring i sandkassa» OR x'), { kind: 'or', left: { kind: 'name', name: '«læring i sandkassa»', at: 0 }, right: { kind: 'name', name: 'x', at: 24 } });
    assert.equal(parseQuery('NOT A').kind, 'not');
  });

  it('says what is wrong, and where', () => {
    const bad = (q: string, re: RegExp): void => assert.throws(() => parseQuery(q), (e: unknown) => e instanceof QuerySyntaxError && re.test(e.message));
    bad('', /empty/);
    bad('A AND', /missing at the end/);
    bad('(A OR B', /"\)" is missing/);
    bad('"A OR B', /not closed/);
    bad('A ) B', /unexpected "\)" \(at character 3\)/);
  });

  it('says operators are written in capitals when lower-case ones made one unknown name', async () => {
    const p = await project();
    assert.throws(() => evaluateQuery(p, parseQuery('Sandkasse and not Tid'), analysisSegments(p)), /'Sandkasse and not Tid' is not a code, theme or group in codebook\.md\. Operators are written in capitals: AND, OR, NOT\./);
    assert.throws(() => evaluateQuery(p, parseQuery('Ukjent'), analysisSegments(p)), (e: Error) => e.message === "'Ukjent' is not a code, theme or group in codebook.md");
  });

  it('AND, AND NOT, OR and NOT select codings by overlapping text; a theme stands for its codes; a code for its child codes', async () => {
    const p = await project();
    const segs = analysisSegments(p);
    const ids = (q: string, scope?: Parameters<typeof evaluateQuery>[3]): string[] => evaluateQuery(p, parseQuery(q), segs, scope).map((s) => s.id).sort();
    assert.deepEqual(ids('Tid'), ['a2']);
    assert.deepEqual(ids('Sandkasse'), ['a1', 'a2', 'a4', 'b1'], 'with the child code Tid');
    assert.deepEqual(ids('Opplæring'), ['a1', 'a2', 'a4', 'b1'], 'a theme: every code in it');
    // Tid's a2 ("det tok tid") is overlapped by b1 ("sandkassa, og det tok tid"), not by a1 or a4.
    assert.deepEqual(ids('Tid AND Sandkasse'), ['a2', 'b1']);
    assert.deepEqual(ids('Tid AND NOT Ledelse'), ['a2']);
    assert.deepEqual(ids('Ledelse OR Tid'), ['a2', 'a3', 'b2']);
    assert.deepEqual(ids('NOT Sandkasse'), ['a3', 'b2']);
    // By turn: a3 (FL1's turn 3) and b2 (R1's turn 5) are two turns apart.
    assert.deepEqual(ids('"Lederen går foran" AND Tid', { kind: 'turns', distance: 0 }), []);
    assert.deepEqual(ids('"Lederen går foran" AND Tid', { kind: 'turns', distance: 2 }), ['a2', 'a3']);
    assert.deepEqual(ids('"Lederen går foran" AND Tid'), []);
  });

  it('a coding belongs to the informant of the turn where it starts; interviewer turns to none', async () => {
    const p = await project();
    const byId = new Map(analysisSegments(p).map((s) => [s.id, s]));
    assert.equal(byId.get('a1')!.informant, 'R1');
    assert.equal(byId.get('a3')!.informant, 'FL1');
    assert.equal(byId.get('a4')!.informant, null);
    assert.equal(segmentText(p, byId.get('b1')!), 'sandkassa, og det tok tid');
    assert.deepEqual(analysisSegments(p, { coders: ['bjorn'] }).map((s) => s.id), ['b1', 'b2']);
    assert.deepEqual(analysisSegments(p, { attributes: { role: 'leder' } }).map((s) => s.id), ['a3']);
    assert.deepEqual(analysisSegments(p, { informants: ['r1'] }).map((s) => s.id).sort(), ['a1', 'a2', 'b1', 'b2']);
  });
});

describe('analysis: matrix, co-occurrence and the segment table', () => {
  it('counts codings, informants and words by informant and by attribute; interviewer turns count nowhere', async () => {
    const p = await project();
    const segs = analysisSegments(p);
    const m = buildMatrix(p, segs, { rows: 'codes', cols: 'informants', count: 'codings' });
    assert.deepEqual(m.columns, ['FL1', 'R1']);
    assert.deepEqual(
      m.rows.map((r) => [r.kind, r.name, r.cells.FL1, r.cells.R1, r.total]),
      [
        ['theme', 'Opplæring', 0, 3, 3],
        ['code', 'Sandkasse', 0, 2, 2],
        ['code', 'Tid', 0, 1, 1],
        ['theme', 'Ledelse', 1, 1, 2],
        ['group', 'Lederen går foran', 1, 1, 2],
        ['code', 'Lederen bruker systemet', 1, 1, 2],
      ].map(([kind, name, fl1, r1, total]) => [kind, name, fl1, r1, total]),
    );
    // Theme rows hold child codes too: Opplæring = Sandkasse (a1, b1) + Tid (a2); a4 starts in an interviewer turn.
    const byRole = buildMatrix(p, segs, { rows: 'themes', cols: 'role', count: 'informants' });
    assert.deepEqual(byRole.columns, ['leder', 'rådgiver']);
    assert.deepEqual(byRole.rows.map((r) => [r.name, r.cells.leder, r.cells['rådgiver'], r.total]), [
      ['Opplæring', 0, 1, 1],
      ['Ledelse', 1, 1, 2],
    ]);
    const words = buildMatrix(p, segs, { rows: 'themes', count: 'words' });
    // Vi lærte i sandkassa (4) + det tok tid (3) + sandkassa, og det tok tid (5) = 12.
    assert.equal(words.rows[0].cells.R1, 12);
  });

  it('counts codings of a code the codebook does not define in a last section, so the matrix adds up to the segments', async () => {
    // A code renamed by hand in a codings file: no longer in the codebook.
    const p = await project([coding('a5', 'anna', 'Ukjent kode', 'Nei, egentlig ikke')]);
    const segs = analysisSegments(p);
    const m = buildMatrix(p, segs, { rows: 'codes', cols: 'informants' });
    assert.deepEqual(m.rows.slice(-2).map((r) => [r.kind, r.name, r.depth, r.cells.R1, r.total]), [
      ['theme', '(not in the codebook)', 0, 1, 1],
      ['code', 'Ukjent kode', 1, 1, 1],
    ]);
    // Every theme row together: every coding that belongs to an informant, as the segment table lists them.
    const themes = buildMatrix(p, segs, { rows: 'themes', cols: 'informants' });
    assert.equal(themes.rows.reduce((n, r) => n + r.total, 0), segs.filter((s) => s.informant !== null).length);
    assert.deepEqual(codesOfRow(p, 'theme', '(not in the codebook)'), ['Ukjent kode']);
  });

  it('counts pairs of codings that overlap and that share a turn', async () => {
    const p = await project();
    const c = cooccurrence(analysisSegments(p));
    const pair = (a: string, b: string): [number, number] | undefined => {
      const x = c.pairs.find((q) => q.a === a && q.b === b);
      return x && [x.overlapping, x.sameTurn];
    };
    // Sandkasse × Tid: b1 overlaps a2 (text); a1 and b1 share turn 1 with a2.
    assert.deepEqual(pair('Sandkasse', 'Tid'), [1, 2]);
    assert.equal(pair('Lederen bruker systemet', 'Sandkasse'), undefined);
  });

  it('the segment table has the informant, attributes, the question before and theme › group › code', async () => {
    const p = await project();
    const rows = segmentRows(p, analysisSegments(p, { coders: ['anna'] }));
    const a3 = rows.find((r) => r.text.startsWith('Lederen brukte'))!;
    assert.deepEqual([a3.informant, a3.attributes.role, a3.question, a3.theme, a3.group, a3.code, a3.line], ['FL1', 'leder', 'Og lederen?', 'Ledelse', 'Lederen går foran', 'Lederen bruker systemet', 7]);
    const csv = segmentRowsToCsv(p, rows);
    assert.ok(csv.startsWith('\uFEFFtranscript,line,informant,role,question,theme,group,code,coder,text\r\n'));
  });
});

describe('analysis: the segment table of a focus group', () => {
  // A moderator's question, an informant's answer, a chorus, then the coded answer: the question
  // of that answer is the moderator's, not the chorus's "Ja." nor the other informant's words.
  const FOCUS = [
    '**M:** Hva gjorde det vanskelig å lære?', // turn 0
    '**P2:** Tiden, rett og slett.', // turn 1
    '**Flere:** Ja.', // turn 2
    '**P1:** Vi fikk aldri øve før vi gikk live.', // turn 3
  ].join('\n\n') + '\n';
  async function focusGroup(): Promise<Project> {
    const exact = 'Vi fikk aldri øve';
    const at = FOCUS.indexOf(exact);
    const fs = new MemoryFileSystem({
      // `group` is an attribute as in the demo; P1's role is left empty.
      'qda.yaml': 'interviewers: [M]\ninformants:\n  P1: { group: A, role: }\n  P2: { group: A, role: leder }\n',
      'codebook.md': '# Kodebok\n\n## Opplæring\n\n### Tid\n- **Ingen øving**\n',
      'transcripts/F.md': FOCUS,
      '.qda/codings/anna/transcripts/F.md.jsonl': JSON.stringify({ id: 'f1', doc: 'transcripts/F.md', start: at, end: at + exact.length, code: 'Ingen øving', exact, prefix: '', suffix: '', coder: 'anna', at: '2026-01-01T00:00:00Z' }) + '\n',
    });
    const p = new Project(fs);
    await p.load();
    return p;
  }

  it("takes the question from the interviewer's last turn, not a chorus or another informant", async () => {
    const p = await focusGroup();
    const [row] = segmentRows(p, analysisSegments(p));
    assert.equal(row.informant, 'P1');
    assert.equal(row.question, 'Hva gjorde det vanskelig å lære?');
  });

  it('heads an attribute named like a fixed column "(informant)", so no two columns share a name', async () => {
    const p = await focusGroup();
    const csv = segmentRowsToCsv(p, segmentRows(p, analysisSegments(p)));
    const [header, first] = csv.replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(header, 'transcript,line,informant,group (informant),role,question,theme,group,code,coder,text');
    assert.equal(first, 'transcripts/F.md,7,P1,A,,Hva gjorde det vanskelig å lære?,Opplæring,Tid,Ingen øving,anna,Vi fikk aldri øve');
    assert.equal(new Set(header.split(',')).size, header.split(',').length);
  });

  it('reads an attribute left empty in qda.yaml as no value: "(none)" in a matrix by it, never "null"', async () => {
    const p = await focusGroup();
    assert.deepEqual(p.config.informants.P1, { group: 'A' });
    const m = buildMatrix(p, analysisSegments(p), { rows: 'codes', cols: 'role' });
    assert.deepEqual(m.columns, ['leder', '(none)']);
    assert.equal(m.rows.find((r) => r.name === 'Ingen øving')?.cells['(none)'], 1);
  });
});

describe('analysis: the same counts three ways on the demo thesis', () => {
  const DEMO = path.resolve(__dirname, '../../../examples/demo-thesis');
  async function cli(args: string[]): Promise<string> {
    let out = '';
    let err = '';
    const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: process.cwd() });
    assert.equal(code, 0, err);
    return out;
  }

  it('matrix --json, export matrix-csv and query --json agree on every theme × role cell', async () => {
    const json = JSON.parse(await cli(['matrix', '--rows', 'themes', '--cols', 'role', '--json', DEMO]));
    assert.deepEqual(Object.keys(json), ['columns', 'rows']);
    const csv = (await cli(['export', 'matrix-csv', '--rows', 'themes', '--cols', 'role', DEMO])).trim().split('\r\n').map((l) => l.split(','));
    assert.deepEqual(csv[0], ['name', 'kind', ...json.columns, 'total']);
    const roles = new Map<string, string>([
      ['FL1', 'leder'], ['FL2', 'leder'], ['R1', 'rådgiver'], ['R2', 'rådgiver'], ['R3', 'rådgiver'],
      ['P1', 'kundekonsulent'], ['P2', 'kundekonsulent'], ['P3', 'teamleder'], ['P4', 'kundekonsulent'], ['Informant A', 'digitaliseringsrådgiver'],
    ]);
    let nonZero = 0;
    for (const row of json.rows as Array<{ name: string; kind: string; cells: Record<string, number>; total: number }>) {
      const line = csv.find((l) => l[0] === row.name)!;
      assert.deepEqual(line.slice(2).map(Number), [...json.columns.map((c: string) => row.cells[c]), row.total], row.name);
      // Third way: the theme's codings as a query, counted by the informant's role.
      const segments = JSON.parse(await cli(['query', `"${row.name}"`, '--json', DEMO])) as Array<{ informant: string | null }>;
      const counted: Record<string, number> = {};
      for (const s of segments) if (s.informant) counted[roles.get(s.informant)!] = (counted[roles.get(s.informant)!] ?? 0) + 1;
      for (const col of json.columns) assert.equal(row.cells[col], counted[col] ?? 0, `${row.name} × ${col}`);
      assert.equal(row.total, Object.values(counted).reduce((a, b) => a + b, 0));
      nonZero += Object.values(row.cells as Record<string, number>).filter((n) => n > 0).length;
    }
    assert.ok(nonZero >= 10, 'the demo shows something worth seeing by role');
  });

  it('query --json prints one object per coding with the documented keys, text as in the transcript', async () => {
    const out = JSON.parse(await cli(['query', '"Tid og kø" AND NOT "Ledelse av innføringen"', '--json', DEMO]));
    assert.ok(out.length > 0);
    for (const s of out) {
      assert.deepEqual(Object.keys(s), ['doc', 'start', 'end', 'code', 'coder', 'informant', 'text']);
      assert.equal(s.code, 'Tid og kø');
      assert.equal(s.text.length, s.end - s.start);
    }
  });
});

describe('analysis: co-occurrence equals the pair-by-pair count', () => {
  it('on 400 random codings over two transcripts (text overlaps and shared turns)', () => {
    let seed = 11;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const segs = Array.from({ length: 400 }, (_, i) => {
      const start = Math.floor(random() * 5000);
      const end = start + 1 + Math.floor(random() * 300);
      const firstTurn = random() < 0.1 ? -1 : Math.floor(start / 100);
      return { id: `s${i}`, doc: random() < 0.5 ? 'a' : 'b', start, end, code: `K${Math.floor(random() * 12)}`, coder: 'x', informant: null, firstTurn, lastTurn: firstTurn < 0 ? -1 : Math.floor(end / 100) };
    });
    const expected = new Map<string, [number, number]>();
    for (let i = 0; i < segs.length; i++) {
      for (let j = i + 1; j < segs.length; j++) {
        const [x, y] = [segs[i], segs[j]];
        if (x.doc !== y.doc || x.code === y.code) continue;
        const key = [x.code, y.code].sort((p, q) => p.localeCompare(q)).join('|');
        const e = expected.get(key) ?? [0, 0];
        if (x.start < y.end && y.start < x.end) e[0]++;
        if (x.firstTurn >= 0 && y.firstTurn >= 0 && x.firstTurn <= y.lastTurn && y.firstTurn <= x.lastTurn) e[1]++;
        if (e[0] || e[1]) expected.set(key, e);
      }
    }
    const actual = new Map(cooccurrence(segs).pairs.map((p) => [`${p.a}|${p.b}`, [p.overlapping, p.sameTurn] as [number, number]]));
    assert.deepEqual(actual, expected);
  });
});
