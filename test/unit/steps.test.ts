// Long analyses that can stop (issue 16, point 4): the segments, the framework matrix, the
// co-occurrence and queries pause every STEP items (core/text/steps.ts). Asked at a pause, a
// check that says "stop" ends them there; one that never does gets the same result as a count
// made pair by pair — however many pauses came in between. The server's driver (cancellation.ts,
// runSliced) starts a computation again when the project changed during a pause and answers
// RequestCancelled when the request was cancelled.
import { strict as assert } from 'node:assert';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { MemoryFileSystem } from '../../server/src/core/model/fs';
import { Project } from '../../server/src/core/project/project';
import { analysisSegments, analysisSegmentsSteps, type AnalysisSegment } from '../../server/src/core/analysis/segments';
import { buildMatrix, buildMatrixSteps } from '../../server/src/core/analysis/matrix';
import { cooccurrence, cooccurrenceSteps } from '../../server/src/core/analysis/cooccur';
import { analysisOf } from '../../server/src/core/analysis/recount';
import { evaluateQuerySteps, parseQuery } from '../../server/src/core/analysis/query';
import { compareCodersSteps } from '../../server/src/core/analysis/consensus';
import { agreementOfProjectSteps } from '../../server/src/core/analysis/agreementProject';
import { runSteps, STEP, Stopped, type Steps } from '../../server/src/core/text/steps';
import { countWords } from '../../server/src/core/text/text';
import { RESTARTS, runSliced } from '../../server/src/cancellation';
import { projectDiagnostics, projectDiagnosticsSteps } from '../../server/src/core/checks/diagnostics';

const CODES = ['Alfa', 'Beta', 'Gamma', 'Delta', 'Epsilon', 'Zeta'];
const CODEBOOK = `# Kodebok\n\n## Første\n\n- **Alfa**\n- **Beta**\n- **Gamma**\n\n## Andre\n\n- **Delta**\n- **Epsilon**\n- **Zeta**\n`;
const DOCS = 3;
const TURNS = 1200;
/** Codings per informant turn: DOCS × TURNS / 2 × 6 = 10,800 codings, five times STEP. */
const PER_TURN = 6;

interface Made {
  doc: string;
  start: number;
  end: number;
  code: string;
  informant: string | null;
  turn: number;
}

/** Transcripts of alternating interviewer and informant turns, each informant turn coded PER_TURN times. */
async function bigProject(): Promise<{ project: Project; made: Made[] }> {
  const files: Record<string, string> = {
    'qda.yaml': 'interviewers: [Intervjuer]\ninformants:\n  R1: { role: rådgiver }\n  R2: { role: leder }\n',
    'codebook.md': CODEBOOK,
  };
  const made: Made[] = [];
  let n = 0;
  for (let d = 0; d < DOCS; d++) {
    const doc = `transcripts/T${d}.md`;
    let text = '';
    const turns: Array<{ start: number; end: number; informant: string | null }> = [];
    for (let t = 0; t < TURNS; t++) {
      const label = t % 2 === 0 ? 'Intervjuer' : t % 4 === 1 ? 'R1' : 'R2';
      const head = `**${label}:** `;
      const body = `Tur ${t} der vi snakker om systemet og om det som skjedde etterpå i avdelingen.`;
      turns.push({ start: text.length, end: text.length + head.length + body.length, informant: label === 'Intervjuer' ? null : label });
      text += head + body + '\n\n';
    }
    const lines: Record<string, string[]> = { anna: [], bjorn: [] };
    turns.forEach((turn, t) => {
      if (turn.informant === null) return;
      for (let k = 0; k < PER_TURN; k++) {
        // Overlapping spans inside the turn, and every tenth reaching into the next turn.
        const start = turn.start + 12 + k * 7;
        const end = k === 0 && t % 10 === 1 ? turn.end + 20 : start + 15 + (k % 3) * 9;
        const code = CODES[(t * 7 + k * 5) % CODES.length];
        made.push({ doc, start, end, code, informant: turn.informant, turn: t });
        const coder = k % 2 ? 'anna' : 'bjorn';
        lines[coder].push(JSON.stringify({ id: `c${n++}`, doc, start, end, code, exact: text.slice(start, end), prefix: '', suffix: '', coder, at: '2026-01-01T00:00:00Z' }));
      }
    });
    files[doc] = text;
    for (const coder of ['anna', 'bjorn']) files[`.qda/codings/${coder}/${doc}.jsonl`] = lines[coder].join('\n') + '\n';
  }
  const project = new Project(new MemoryFileSystem(files));
  await project.load();
  return { project, made };
}

/** Runs a computation to its end, counting its pauses and never stopping it. */
function drain<T>(steps: Steps<T>): { value: T; pauses: number } {
  let pauses = 0;
  const value = runSteps(steps, () => (pauses++, false));
  return { value, pauses };
}

/** Stops a computation at its `at`-th pause; returns how many times the check was asked. */
function stopAt(steps: Steps<unknown>, at: number): number {
  let asked = 0;
  assert.throws(() => runSteps(steps, () => ++asked >= at), Stopped);
  return asked;
}

describe('steps: long analyses stop when asked and count alike when not', () => {
  let project: Project;
  let made: Made[];
  let segments: AnalysisSegment[];
  before(async () => {
    ({ project, made } = await bigProject());
    assert.ok(made.length > 4 * STEP, `${made.length} codings, enough for several pauses`);
    segments = drain(analysisSegmentsSteps(project)).value;
  });

  it('stops the segments, the matrix, the co-occurrence, a query, Compare Coders and the agreement at the pause where the check says so', () => {
    assert.equal(stopAt(analysisSegmentsSteps(project), 1), 1);
    assert.equal(stopAt(analysisSegmentsSteps(project), 2), 2);
    assert.equal(stopAt(buildMatrixSteps(project, segments, { rows: 'codes', count: 'words' }), 2), 2);
    assert.equal(stopAt(cooccurrenceSteps(segments), 3), 3);
    assert.equal(stopAt(evaluateQuerySteps(project, parseQuery('Første AND NOT Andre'), segments), 2), 2);
    assert.equal(stopAt(compareCodersSteps(project, 'anna', 'bjorn', []), 2), 2);
    assert.equal(stopAt(agreementOfProjectSteps(project, { coders: ['anna', 'bjorn'], unit: 'turn' }), 2), 2);
  });

  it('compares two coders and computes their agreement across pauses', () => {
    const comparison = drain(compareCodersSteps(project, 'anna', 'bjorn', []));
    assert.ok(comparison.pauses >= 1, `paused ${comparison.pauses} times`);
    // Each informant turn has six codings, three by each coder, of six different codes: every
    // coding is a place where the other coder did not code the same, except where two overlap.
    assert.ok(comparison.value.items.length > 0);
    assert.equal(comparison.value.codes.reduce((n, c) => n + c.count, 0), comparison.value.items.length);
    const agreement = drain(agreementOfProjectSteps(project, { coders: ['anna', 'bjorn'], unit: 'turn' }));
    assert.ok(agreement.pauses >= 1, `paused ${agreement.pauses} times`);
    assert.deepEqual(agreement.value.codes.map((c) => c.code).sort(), [...CODES].sort());
    // Per code, each coder's codings: half of the informant turns carry the code by anna, half by bjorn.
    for (const row of agreement.value.codes) assert.equal(row.codings.anna + row.codings.bjorn, made.filter((m) => m.code === row.code).length, row.code);
  });

  it('gives, across its pauses, the segments and the matrix a turn-by-turn count gives', () => {
    const run = drain(analysisSegmentsSteps(project));
    assert.ok(run.pauses >= 3, `paused ${run.pauses} times`);
    assert.equal(run.value.length, made.length);
    const byKey = (x: { doc: string; start: number; end: number; code: string }): string => `${x.doc} ${x.start} ${x.end} ${x.code}`;
    assert.deepEqual(run.value.map((s) => `${byKey(s)} ${s.informant}`).sort(), made.map((m) => `${byKey(m)} ${m.informant}`).sort());

    const matrix = drain(buildMatrixSteps(project, run.value, { rows: 'codes', cols: 'informants', count: 'codings' }));
    assert.ok(matrix.pauses >= 2, `paused ${matrix.pauses} times`);
    assert.deepEqual(matrix.value.columns, ['R1', 'R2']);
    for (const code of CODES) {
      const row = matrix.value.rows.find((r) => r.name === code)!;
      for (const informant of ['R1', 'R2']) assert.equal(row.cells[informant], made.filter((m) => m.code === code && m.informant === informant).length, `${code} × ${informant}`);
    }
    const words = drain(buildMatrixSteps(project, run.value, { rows: 'themes', cols: 'role', count: 'words' })).value;
    const text = (m: Made): string => project.textOf(m.doc)!.slice(m.start, m.end);
    const wordsOf = (theme: string[], role: string): number =>
      made.filter((m) => theme.includes(m.code) && (m.informant === 'R1' ? 'rådgiver' : 'leder') === role).reduce((sum, m) => sum + countWords(text(m)), 0);
    const first = words.rows.find((r) => r.name === 'Første')!;
    assert.equal(first.cells['rådgiver'], wordsOf(CODES.slice(0, 3), 'rådgiver'));
    assert.equal(first.cells['leder'], wordsOf(CODES.slice(0, 3), 'leder'));
  });

  it('gives, across its pauses, the co-occurrence and the query a pair-by-pair count gives', () => {
    const cooc = drain(cooccurrenceSteps(segments));
    assert.ok(cooc.pauses >= 3, `paused ${cooc.pauses} times`);
    const expected = new Map<string, [number, number]>();
    for (let i = 0; i < segments.length; i++) {
      for (let j = i + 1; j < segments.length; j++) {
        const [x, y] = [segments[i], segments[j]];
        // Segments come in document and start order: past here, none overlaps x or shares its turn.
        if (x.doc !== y.doc || y.start >= x.end + 200) break;
        if (x.code === y.code) continue;
        const key = [x.code, y.code].sort((p, q) => p.localeCompare(q)).join('|');
        const e = expected.get(key) ?? [0, 0];
        if (x.start < y.end && y.start < x.end) e[0]++;
        if (x.firstTurn >= 0 && y.firstTurn >= 0 && x.firstTurn <= y.lastTurn && y.firstTurn <= x.lastTurn) e[1]++;
        if (e[0] || e[1]) expected.set(key, e);
      }
    }
    assert.deepEqual(new Map(cooc.value.pairs.map((p) => [`${p.a}|${p.b}`, [p.overlapping, p.sameTurn] as [number, number]])), expected);

    const query = drain(evaluateQuerySteps(project, parseQuery('Alfa AND NOT Delta'), segments));
    assert.ok(query.pauses >= 1, `paused ${query.pauses} times`);
    const overlaps = (x: AnalysisSegment, y: AnalysisSegment): boolean => x.doc === y.doc && x.start < y.end && y.start < x.end;
    const delta = segments.filter((s) => s.code === 'Delta');
    const want = segments.filter((s) => s.code === 'Alfa' && !delta.some((d) => overlaps(s, d)));
    assert.ok(want.length > 0 && want.length < segments.filter((s) => s.code === 'Alfa').length, 'the query both keeps and drops codings');
    assert.deepEqual(query.value, want);
  });
  it('gathers, across its pauses, the diagnostics gathered in one piece: unknown codes, orphans and links, in every codings file', async () => {
    // A fresh project of the same files, with findings: a coding of an unknown code in one
    // transcript's file, one whose text is gone in another's, an unresolved link in a memo.
    const files: Record<string, string> = { 'memos/m.md': '# Memo\n\nSee [[Alfa]] and [[Nowhere]].\n' };
    for (const path of ['anna', 'bjorn'].flatMap((coder) => [0, 1, 2].map((d) => `.qda/codings/${coder}/transcripts/T${d}.md.jsonl`))) {
      const lines = project.textOf(path)!.split('\n');
      if (path.includes('/T0.md')) lines[5] = lines[5].replace(/"code":"\w+"/, '"code":"Ukjent"');
      if (path.includes('/T2.md')) lines[7] = lines[7].replace(/"exact":"[^"]*"/, '"exact":"ikke i teksten"');
      files[path] = lines.join('\n');
    }
    for (const path of ['qda.yaml', 'codebook.md', 'transcripts/T0.md', 'transcripts/T1.md', 'transcripts/T2.md']) files[path] = project.textOf(path)!;
    const withFindings = new Project(new MemoryFileSystem(files));
    await withFindings.load();
    const sliced = drain(projectDiagnosticsSteps(withFindings));
    assert.ok(sliced.pauses >= 4, `paused ${sliced.pauses} times (between codings files and between the checks)`);
    const codes = [...sliced.value.values()].flat().map((d) => d.code).sort();
    assert.ok(codes.includes('qda.unknownCode') && codes.includes('qda.orphanCoding') && codes.includes('qda.unresolvedLink'), codes.join(', '));
    // Gathered again from scratch (a fresh project: the first gathering is kept per version).
    const again = new Project(new MemoryFileSystem(files));
    await again.load();
    assert.deepEqual([...sliced.value].sort(), [...projectDiagnostics(again)].sort());
  });
});

describe('steps: the kept analysis (recount.ts) is brought up to date in steps', () => {
  /** A keystroke in an open transcript: `typed` put inside the first coding of its informant turn `turn`. */
  function type(project: Project, doc: string, turn: number, typed: string): void {
    const before = project.textOf(doc)!;
    const at = before.indexOf(`Tur ${turn} `) + 'Tur '.length;
    project.editTranscript(doc, [{ start: at, end: at, text: typed }], before.slice(0, at) + typed + before.slice(at));
  }
  /** What the views ask, from the kept counts and from scratch. */
  function both(project: Project, coder?: string): { kept: unknown[]; scratch: unknown[] } {
    const analysis = analysisOf(project);
    const of = analysisSegments(project, { coders: coder ? [coder] : undefined });
    const options = { rows: 'codes', cols: 'role', count: 'words' } as const;
    return {
      kept: [analysis.segments({ coders: coder ? [coder] : undefined }), analysis.matrix({ coder, ...options }), analysis.cooccurrence(coder)],
      scratch: [of, buildMatrix(project, of, options), cooccurrence(of)],
    };
  }

  it('stops between transcripts, goes on from there, and stopped again after edits (one made during the pause) counts as from scratch', async () => {
    const { project } = await bigProject();
    const analysis = analysisOf(project);
    const need = { matrix: { count: 'words' as const }, cooccurrence: {} };
    // Each transcript has 3,600 segments (more than STEP): a pause between any two.
    assert.equal(stopAt(analysis.ready(need), 1), 1);
    const rest = drain(analysis.ready(need));
    assert.ok(rest.pauses >= 1, `paused ${rest.pauses} times after the first stop`);
    const first = both(project);
    assert.deepEqual(first.kept, first.scratch);

    for (let d = 0; d < DOCS; d++) project.openTranscript(`transcripts/T${d}.md`, project.textOf(`transcripts/T${d}.md`)!);
    type(project, 'transcripts/T0.md', 1, 'ja ');
    type(project, 'transcripts/T2.md', 5, 'nei og ');
    // A new total (one coder's pairs) and the changed transcripts, stopped at the first pause.
    assert.equal(stopAt(analysis.ready({ cooccurrence: { coder: 'anna' } }), 1), 1);
    // An edit while it is stopped, then a refresh that ends because the project moved during its pause.
    const moving = analysis.ready(need);
    assert.equal(moving.next().done, false);
    type(project, 'transcripts/T1.md', 3, 'altså ');
    assert.equal(moving.next().done, true, 'ends at the pause when the project moved');
    // A total being made when the kept documents change under it (another request brought them
    // up to date during its pause) is counted again, not made of parts of replaced documents.
    analysis.segments(); // up to date: the next pause is inside the new total
    const making = analysis.ready({ cooccurrence: { coder: 'bjorn' } });
    assert.equal(making.next().done, false);
    type(project, 'transcripts/T0.md', 9, 'mm ');
    analysis.segments();
    drain(making);
    type(project, 'transcripts/T0.md', 11, 'å '); // T0 counted again: its part of every total is taken away
    for (const coder of [undefined, 'anna', 'bjorn']) {
      const after = both(project, coder);
      assert.deepEqual(after.kept, after.scratch, coder ?? 'every coder');
    }
  });
});

describe('runSliced: the server runs a computation in slices on one version of the project', () => {
  /** A computation of `items` items that pauses at each and reports the version it read. */
  function* counting(version: () => number, items: number, log: number[]): Steps<number> {
    const from = version();
    log.push(from);
    for (let i = 0; i < items; i++) {
      const until = performance.now() + 1;
      while (performance.now() < until); // a millisecond of work
      yield;
    }
    return from;
  }

  it('answers with the result of one start when nothing changes', async () => {
    const log: number[] = [];
    assert.equal(await runSliced(() => counting(() => 7, 40, log), undefined, () => 7), 7);
    assert.deepEqual(log, [7]);
  });

  it('starts again on the version a change made while it was paused, and the last start runs to its end', async () => {
    let version = 1;
    const log: number[] = [];
    // Something else (an event) changes the project whenever the event loop gets a turn.
    const timer = setInterval(() => version++, 0);
    try {
      const result = await runSliced(() => counting(() => version, 200, log), undefined, () => version);
      assert.equal(log.length, RESTARTS, `started on versions ${log.join(', ')}`);
      assert.equal(result, log[RESTARTS - 1], 'the result is the last start’s, computed on one version');
      assert.ok(log[0] < log[1] && log[1] < log[2], `a new version each time: ${log.join(', ')}`);
    } finally {
      clearInterval(timer);
    }
  });

  it('answers RequestCancelled when the token is cancelled while it is paused', async () => {
    const source = new CancellationTokenSource();
    const log: number[] = [];
    setImmediate(() => source.cancel());
    await assert.rejects(
      runSliced(() => counting(() => 1, 200, log), source.token, () => 1),
      (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled,
    );
    assert.deepEqual(log, [1], 'not started again');
  });
});
