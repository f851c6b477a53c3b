// Long analyses that a keystroke does not wait behind (issue 16, point 4). The co-occurrence
// chart and the framework matrix over ~48,000 codings take a good part of a second; the server
// runs them in slices (cancellation.ts), so the events and requests that arrive meanwhile are
// handled between the slices: a keystroke and a hover sent behind a long analysis are answered
// before it, a cancellation sent while it runs ends it with RequestCancelled, and an analysis
// that a keystroke interrupted counts as core counts on the changed project. The order of the
// replies is asserted, never a duration.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource, DidChangeTextDocumentNotification, HoverRequest, LSPErrorCodes, type Hover, type MarkupContent } from 'vscode-languageserver-protocol';
import { serverSuite } from './lspClient';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import { LineIndex } from '../../server/src/core/text/text';
import { runSteps } from '../../server/src/core/text/steps';
import { Project } from '../../server/src/core/project/project';
import { NodeFileSystem } from '../../server/src/nodeFs';
import { ServerWorkspace } from '../../server/src/workspace';
import { chart } from '../../server/src/features/charts';
import { matrix } from '../../server/src/features/matrix';
import { chartRequest, matrixRequest, type ChartParams, type MatrixParams } from '../../server/src/protocol';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const R3 = readFileSync(path.join(CORPUS, 'interview-R3-en.md'), 'utf8');
const DOCS = 160;
const PER_DOC = 150;
const CODES = Array.from({ length: 40 }, (_, i) => `Code ${String(i + 1).padStart(2, '0')}`);
const INFORMANT_PREFIX = '**R3:** ';

interface Placed {
  doc: string;
  start: number;
  end: number;
  code: string;
}

/** DOCS copies of R3's interview with eight informants, each coded PER_DOC times by two coders, 40 codes in 4 themes. */
async function bigProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-sliced-'));
  await fsp.mkdir(path.join(root, 'transcripts'), { recursive: true });
  const informants = Array.from({ length: 8 }, (_, i) => `P${i + 1}`);
  await fsp.writeFile(path.join(root, 'qda.yaml'), `coder: anna\nlanguage: en\ninformants:\n${informants.map((p, i) => `  ${p}:\n    role: ${i % 2 ? 'adviser' : 'leader'}\n`).join('')}`);
  const themes = [0, 1, 2, 3].map((t) => `## Theme ${t + 1}\n\n${CODES.slice(t * 10, t * 10 + 10).map((c) => `- **${c}** — a code`).join('\n')}\n`);
  await fsp.writeFile(path.join(root, 'codebook.md'), `# Codebook\n\n${themes.join('\n')}`);
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < DOCS; k++) {
    const doc = `transcripts/T${String(k).padStart(3, '0')}.md`;
    const text = R3.replaceAll('R3', informants[k % informants.length]);
    await fsp.writeFile(path.join(root, doc), text);
    for (const coder of ['anna', 'bob']) {
      const lines: string[] = [];
      for (let j = 0; j < PER_DOC / 2; j++) {
        const start = 400 + Math.floor(random() * (text.length - 800));
        const end = start + 20 + Math.floor(random() * 300);
        lines.push(JSON.stringify({ id: `${coder}-${k}-${j}`, doc, start, end, code: CODES[Math.floor(random() * CODES.length)], ...makeQuoteSelector(text, start, end), coder, at: '2026-11-23T10:00:00Z' }));
      }
      await fsp.mkdir(path.join(root, `.qda/codings/${coder}/transcripts`), { recursive: true });
      await fsp.writeFile(path.join(root, `.qda/codings/${coder}/${doc}.jsonl`), lines.join('\n') + '\n');
    }
  }
  return root;
}

/** What the same requests give computed at once in this process (core, no slices), after `edit`. */
async function computedAtOnce(root: string, chartParams: ChartParams, matrixParams: MatrixParams, edit?: { doc: string; at: number; text: string }): Promise<[unknown, unknown]> {
  const project = new Project(new NodeFileSystem(root), 'anna');
  await project.load();
  if (edit) {
    const before = project.textOf(edit.doc)!;
    project.openTranscript(edit.doc, before);
    const after = before.slice(0, edit.at) + edit.text + before.slice(edit.at);
    project.editTranscript(edit.doc, [{ start: edit.at, end: edit.at, text: edit.text }], after);
  }
  const ws = new ServerWorkspace(root, project);
  return [await chart(ws, chartParams), runSteps(matrix(ws, matrixParams))];
}

describe('long analyses over stdio: keystrokes and cancellations are read while they run', function () {
  this.timeout(120_000);
  // A server of its own per test: the server keeps its counts (analysis/recount.ts), so a second
  // server-wide co-occurrence would be answered from them after one transcript is counted again,
  // where each test wants the long computation a server's first request makes.
  const suite = serverSuite(bigProject, { each: true });
  const DOC = 'transcripts/T005.md';
  const cooc: ChartParams = { chart: 'cooccurrence', rows: 'codes', cols: 'informants', count: 'codings', measure: 'overlapping', top: 30, theme: 'none' };
  const words: MatrixParams = { rows: 'codes', cols: 'role', count: 'words' };
  let text: string;
  /** A coded passage of DOC in an informant's turn: its line, and where its turn's words begin. */
  let passage: { line: number; bodyStart: number; coding: Placed };

  let version = 1;
  beforeEach(async () => {
    version = 1;
    text = await suite.editor.open(DOC);
    const li = new LineIndex(text);
    const codings = readFileSync(path.join(suite.root, `.qda/codings/anna/${DOC}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Placed);
    const informant = `**P6:** `;
    assert.equal(informant.length, INFORMANT_PREFIX.length);
    for (const coding of codings) {
      const line = li.positionAt(coding.start).line;
      const lineStart = li.offsetAt({ line, character: 0 });
      if (text.startsWith(informant, lineStart) && coding.start > lineStart + informant.length + 5) {
        passage = { line, bodyStart: informant.length, coding };
        break;
      }
    }
    assert.ok(passage, 'a coding in an informant turn');
  });

  /** A keystroke at the start of the passage's turn, then a hover on the passage (now a few characters further on). */
  function keystrokeAndHover(typed: string): Promise<Hover | null> {
    void suite.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: suite.editor.uri(DOC), version: ++version },
      contentChanges: [{ range: { start: { line: passage.line, character: passage.bodyStart }, end: { line: passage.line, character: passage.bodyStart } }, text: typed }],
    });
    const at = new LineIndex(text).offsetAt({ line: passage.line, character: passage.bodyStart });
    text = text.slice(0, at) + typed + text.slice(at);
    passage.coding = { ...passage.coding, start: passage.coding.start + typed.length, end: passage.coding.end + typed.length };
    return suite.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: suite.editor.uri(DOC) }, position: new LineIndex(text).positionAt(passage.coding.start + 1) });
  }

  it('answers a keystroke’s hover sent behind a co-occurrence and a matrix first, and then both with the numbers core computes at once', async () => {
    const order: string[] = [];
    const noted = <T>(name: string, p: Promise<T>): Promise<T> => p.then((r) => (order.push(name), r));
    const coocReply = noted('co-occurrence', suite.editor.connection.sendRequest(chartRequest, cooc));
    const matrixReply = noted('matrix', suite.editor.connection.sendRequest(matrixRequest, words));
    const hover = await noted('hover', keystrokeAndHover('Well, '));
    assert.ok(hover && (hover.contents as MarkupContent).value.includes(`**${passage.coding.code}**`), JSON.stringify(hover));
    await Promise.all([coocReply, matrixReply]);
    assert.deepEqual(order.slice(0, 1), ['hover'], `the hover did not wait for the analyses: ${order.join(', ')}`);
    assert.equal(order.length, 3);
    // Interrupted by the keystroke, the analyses started over on the changed text: the numbers
    // are those of one version of the project (the matrix counts words of the changed turn).
    const [coocWant, matrixWant] = await computedAtOnce(suite.root, cooc, words, { doc: DOC, at: new LineIndex(text).offsetAt({ line: passage.line, character: passage.bodyStart }), text: 'Well, ' });
    assert.deepEqual(await coocReply, coocWant);
    assert.deepEqual(await matrixReply, matrixWant);
    assert.ok((await coocReply).pairs!.length > 100, 'a co-occurrence worth computing');
  });

  it('ends a co-occurrence cancelled while it runs with RequestCancelled, after answering the keystroke and hover sent behind it', async () => {
    const order: string[] = [];
    const source = new CancellationTokenSource();
    const coocReply = suite.editor.connection.sendRequest(chartRequest, cooc, source.token).then(
      () => (order.push('co-occurrence answered'), 'answered'),
      (err: { code?: number }) => (order.push('co-occurrence refused'), err.code === LSPErrorCodes.RequestCancelled ? 'cancelled' : `failed ${err.code}`),
    );
    const hover = await keystrokeAndHover('So, ');
    order.push('hover');
    assert.ok(hover && (hover.contents as MarkupContent).value.includes(`**${passage.coding.code}**`), JSON.stringify(hover));
    // The co-occurrence is still running (the hover was answered between its slices): cancel it now.
    source.cancel();
    assert.equal(await coocReply, 'cancelled');
    assert.deepEqual(order, ['hover', 'co-occurrence refused']);
    // The server goes on: the same request, not cancelled, is answered.
    const again = await suite.editor.connection.sendRequest(chartRequest, cooc);
    assert.ok(again.pairs!.length > 100);
    assert.doesNotMatch(suite.editor.log, /qda: /, 'no error in the server log');
  });
});
