// Requests the client cancels (issue 16, point 4): VS Code cancels a Ctrl+T or Shift+F12 the
// user typed past, a view cancels what it asked before it closed. A request still waiting for
// the index — here, the project is loading — must be answered with RequestCancelled and not be
// computed; the same requests, not cancelled, are answered once the index is ready.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource, LSPErrorCodes, ReferencesRequest, WorkspaceSymbolRequest, type RequestType } from 'vscode-languageserver-protocol';
import { TestEditor } from './lspClient';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import { disagreementsRequest, exportCodebookRequest, exportQuotesRequest, importPreviewRequest, matrixRequest, segmentsRequest } from '../../server/src/protocol';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const R3 = readFileSync(path.join(CORPUS, 'interview-R3-en.md'), 'utf8');

/** Enough transcripts, each coded by two coders, that loading the index takes a while. */
async function project(filler: number): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-cancel-'));
  await fsp.mkdir(path.join(root, 'transcripts'), { recursive: true });
  await fsp.writeFile(path.join(root, 'qda.yaml'), 'coder: anna\nlanguage: en\ninformants:\n  R3:\n    role: teacher\n');
  await fsp.writeFile(path.join(root, 'codebook.md'), '## Theme\n- **Code** — a code\n');
  await fsp.writeFile(path.join(root, 'captions.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Kari>Hello there.\n');
  for (const coder of ['anna', 'bob']) {
    for (let k = 0; k < filler; k++) {
      const doc = `transcripts/R3-${k}.md`;
      if (coder === 'anna') await fsp.writeFile(path.join(root, doc), R3);
      const lines: string[] = [];
      for (let j = 0; j < 40; j++) {
        const start = 300 + j * 97 + (coder === 'bob' ? 11 : 0);
        lines.push(JSON.stringify({ id: `${coder}-${k}-${j}`, doc, start, end: start + 40, code: 'Code', ...makeQuoteSelector(R3, start, start + 40), coder, at: '2026-11-23T10:00:00Z' }));
      }
      await fsp.mkdir(path.join(root, `.qda/codings/${coder}/transcripts`), { recursive: true });
      await fsp.writeFile(path.join(root, `.qda/codings/${coder}/${doc}.jsonl`), lines.join('\n') + '\n');
    }
  }
  return root;
}

describe('cancelled requests over stdio', function () {
  this.timeout(60_000);
  let root: string;
  let editor: TestEditor;
  before(async () => {
    root = await project(150);
  });
  after(async () => {
    await editor?.stop();
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('answers the long requests cancelled while the index loads with RequestCancelled, and the same requests afterwards with results', async () => {
    editor = await TestEditor.launch(root);
    const codebook = editor.uri('codebook.md');
    const requests: Array<[string, RequestType<unknown, unknown, unknown>, unknown, (r: unknown) => boolean]> = [
      ['matrix', matrixRequest as RequestType<unknown, unknown, unknown>, { rows: 'codes', cols: 'informants', count: 'codings' }, (r) => (r as { rows: unknown[] }).rows.length === 2],
      ['segments', segmentsRequest as RequestType<unknown, unknown, unknown>, { code: 'Code' }, (r) => (r as unknown[]).length === 150 * 80],
      ['disagreements', disagreementsRequest as RequestType<unknown, unknown, unknown>, { a: 'anna', b: 'bob' }, (r) => (r as { items: unknown[] }).items.length > 0],
      ['quote bank', exportQuotesRequest as RequestType<unknown, unknown, unknown>, { format: 'md' }, (r) => (r as { segments: number }).segments === 150 * 80],
      ['codebook export', exportCodebookRequest as RequestType<unknown, unknown, unknown>, { format: 'csv' }, (r) => (r as { codes: number }).codes === 1],
      ['import preview', importPreviewRequest as RequestType<unknown, unknown, unknown>, { files: [editor.uri('captions.vtt')] }, (r) => (r as { files: unknown[] }).files.length === 1],
      ['workspace symbols', WorkspaceSymbolRequest.type as unknown as RequestType<unknown, unknown, unknown>, { query: '' }, (r) => (r as unknown[]).length === 2],
      [
        'references',
        ReferencesRequest.type as unknown as RequestType<unknown, unknown, unknown>,
        { textDocument: { uri: codebook }, position: { line: 1, character: 5 }, context: { includeDeclaration: false } },
        (r) => (r as unknown[]).length === 150 * 80,
      ],
    ];
    const outcomes = requests.map(([name, type, params]) => {
      const source = new CancellationTokenSource();
      const reply = editor.connection.sendRequest(type, params, source.token);
      source.cancel();
      return reply.then(
        () => `${name}: answered`,
        (err: { code?: number; message?: string }) => `${name}: ${err.code === LSPErrorCodes.RequestCancelled ? 'cancelled' : `failed ${err.code} ${err.message}`}`,
      );
    });
    assert.equal(editor.isReady, false, 'the test must cancel while the index is loading');
    assert.deepEqual(await Promise.all(outcomes), requests.map(([name]) => `${name}: cancelled`));

    await editor.ready;
    for (const [name, type, params, complete] of requests) {
      const result = await editor.connection.sendRequest(type, params);
      assert.ok(complete(result), `${name}: ${JSON.stringify(result).slice(0, 300)}`);
    }
    assert.doesNotMatch(editor.log, /qda: /, 'no error in the server log');
  });
});
