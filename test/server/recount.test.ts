// The framework matrix and the co-occurrence over stdio after coding operations: the server
// keeps its counts and patches them per transcript (core/analysis/recount.ts), and what it
// answers after a coding made and one removed is exactly what a server started fresh on the
// same files answers.
import { strict as assert } from 'node:assert';
import { serverSuite, TestEditor, copyOfDemo } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { chartRequest, codeSelectionRequest, matrixRequest, uncodeCodingRequest, type ChartParams, type MatrixParams, type MatrixResult } from '../../server/src/protocol';

const DOC = 'transcripts/teams-intervju-R1.md';
const CODE = 'Lederen bruker systemet selv';
const VIEWS: MatrixParams[] = [
  { rows: 'codes', cols: 'informants', count: 'codings' },
  { rows: 'themes', cols: 'role', count: 'informants' },
  { rows: 'groups', cols: 'group', count: 'words', coder: 'anna' },
];
const HEATMAP: ChartParams = { chart: 'cooccurrence', rows: 'codes', cols: 'informants', count: 'codings', measure: 'sameTurn', theme: 'light' };

const copyDemo = async (): Promise<string> => copyOfDemo('qda-recount-');

/** What the views show: every matrix of VIEWS and the co-occurrence pairs. */
async function answers(editor: TestEditor): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const p of VIEWS) out.push(await editor.connection.sendRequest(matrixRequest, p));
  const chart = await editor.connection.sendRequest(chartRequest, HEATMAP);
  // The Charts view's table: the pairs with the most codings in the same turn first, then by name.
  const pairs = chart.pairs!;
  assert.ok(pairs.length > 0);
  for (let i = 1; i < pairs.length; i++) {
    const [x, y] = [pairs[i - 1], pairs[i]];
    assert.ok(x.sameTurn > y.sameTurn || (x.sameTurn === y.sameTurn && (x.a.localeCompare(y.a) < 0 || (x.a === y.a && x.b.localeCompare(y.b) < 0))), `pairs in order at ${i}`);
  }
  out.push(pairs, chart.svg);
  return out;
}

const cell = (m: MatrixResult, row: string, column: string): number => m.rows.find((r) => r.name === row && r.kind === 'code')!.cells[column];

describe('framework matrix over stdio: counted again after a coding operation', function () {
  this.timeout(60000);
  const ctx = serverSuite(copyDemo);

  it('after a coding made and one removed, the matrices and the co-occurrence equal those of a fresh server', async () => {
    const before = (await answers(ctx.editor))[0] as MatrixResult;
    // Asked twice with nothing changed: the same answer.
    assert.deepEqual(await ctx.editor.connection.sendRequest(matrixRequest, VIEWS[0]), before);

    const text = await ctx.editor.open(DOC);
    const li = new LineIndex(text);
    const passage = 'lederen vår tok det på alvor fra første dag';
    const start = text.indexOf(passage);
    const coded = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: ctx.editor.uri(DOC), range: { start: li.positionAt(start), end: li.positionAt(start + passage.length) }, code: CODE });
    assert.equal(coded.error, undefined);
    await ctx.editor.applyResult(coded);
    // The reply comes after the index took the coding in; wait for the count to show it anyway.
    let after = await ctx.editor.connection.sendRequest(matrixRequest, VIEWS[0]);
    for (let i = 0; i < 100 && cell(after, CODE, 'R1') === cell(before, CODE, 'R1'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await ctx.editor.connection.sendRequest(matrixRequest, VIEWS[0]);
    }
    assert.equal(cell(after, CODE, 'R1'), cell(before, CODE, 'R1') + 1, 'the new coding counts in its cell');

    const check = async (label: string): Promise<void> => {
      const kept = await answers(ctx.editor);
      const fresh = await TestEditor.start(ctx.root);
      try {
        assert.deepEqual(kept, await answers(fresh), label);
      } finally {
        await fresh.stop();
      }
    };
    await check('after a coding made');

    // The coding removed again (qda/uncodeCoding).
    const removed = await ctx.editor.connection.sendRequest(uncodeCodingRequest, { id: coded.id! });
    assert.equal(removed.error, undefined);
    await ctx.editor.applyResult(removed);
    let again = await ctx.editor.connection.sendRequest(matrixRequest, VIEWS[0]);
    for (let i = 0; i < 100 && cell(again, CODE, 'R1') !== cell(before, CODE, 'R1'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await ctx.editor.connection.sendRequest(matrixRequest, VIEWS[0]);
    }
    assert.deepEqual(again, before, 'back to the counts before');
    await check('after the coding removed');
  });
});
