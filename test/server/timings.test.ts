// QDA_TIMINGS=1: the server reports each transcript keystroke's handling time, and its live heap
// after start-up, on stderr (read by `npm run bench`); without it, nothing.
import { strict as assert } from 'node:assert';
import { promises as fsp, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol';
import { serverSuite, type ServerSuite } from './lspClient';
import { documentCodingsRequest } from '../../server/src/protocol';
import { makeQuoteSelector } from '../../server/src/core/anchoring';

const TEXT = '# Intervju\n\n**I:** Hva gjør du?\n\n**R1:** Jeg jobber med barn hver dag, og det liker jeg.\n';
const PASSAGE = 'barn hver dag';

async function project(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-timings-'));
  await fsp.mkdir(path.join(root, 'transcripts'), { recursive: true });
  await fsp.mkdir(path.join(root, '.qda/codings'), { recursive: true });
  await fsp.mkdir(path.join(root, 'memos'), { recursive: true });
  await fsp.writeFile(path.join(root, 'qda.yaml'), 'coder: anna\n');
  await fsp.writeFile(path.join(root, 'codebook.md'), '## Tema\n- **Kode** — en kode\n');
  await fsp.writeFile(path.join(root, 'transcripts/R1.md'), TEXT);
  await fsp.writeFile(path.join(root, 'memos/notat.md'), '# Notat\n');
  const start = TEXT.indexOf(PASSAGE);
  const coding = { id: 'c1', doc: 'transcripts/R1.md', start, end: start + PASSAGE.length, code: 'Kode', ...makeQuoteSelector(TEXT, start, start + PASSAGE.length), coder: 'anna', at: '2026-11-23T10:00:00Z' };
  await fsp.writeFile(path.join(root, '.qda/codings/anna.jsonl'), JSON.stringify(coding) + '\n');
  return root;
}

/** Types `n` characters at the start of R1's turn text and one into the memo, then settles. */
async function type(ctx: ServerSuite, n: number): Promise<void> {
  const editor = ctx.editor;
  await editor.open('transcripts/R1.md');
  await editor.open('memos/notat.md');
  const uri = editor.uri('transcripts/R1.md');
  const line = TEXT.split('\n').findIndex((l) => l.startsWith('**R1:**'));
  for (let i = 0; i < n; i++) {
    const at = { line, character: 8 + i };
    await editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 + i }, contentChanges: [{ range: { start: at, end: at }, text: 'x' }] });
  }
  const memoEnd = { line: 1, character: 0 };
  await editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: editor.uri('memos/notat.md'), version: 2 }, contentChanges: [{ range: { start: memoEnd, end: memoEnd }, text: 'Tekst\n' }] });
  const codings = await editor.connection.sendRequest(documentCodingsRequest, { uri });
  assert.equal(codings[0].range.start.character, TEXT.split('\n')[line].indexOf(PASSAGE) + n, 'the coding moved with the typing');
}

const timingLines = (log: string): string[] => log.split('\n').filter((l) => l.startsWith('qda-timing '));

describe('server timings (QDA_TIMINGS)', function () {
  this.timeout(30000);

  describe('with QDA_TIMINGS=1', () => {
    const ctx = serverSuite(project, { env: { QDA_TIMINGS: '1' } });
    it('writes one didChange-shift line per transcript change, none for other files, and the live heap after start-up', async () => {
      await type(ctx, 3);
      const shifts = (): string[] => timingLines(ctx.editor.log).filter((l) => l.startsWith('qda-timing didChange-shift '));
      // stderr is a pipe of its own: give its last line a moment to arrive.
      for (let i = 0; i < 50 && shifts().length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(shifts().length, 3, ctx.editor.log);
      for (const l of shifts()) assert.match(l, /^qda-timing didChange-shift \d+(\.\d+)?$/);
      const heap = timingLines(ctx.editor.log).filter((l) => !l.startsWith('qda-timing didChange-shift '));
      assert.equal(heap.length, 1, ctx.editor.log);
      const mb = Number(/^qda-timing heap-live-mb (\d+(?:\.\d+)?)$/.exec(heap[0]!)?.[1]);
      assert.ok(mb > 1 && mb < 200, `a plausible heap for a one-transcript project: ${heap[0]}`);
    });
  });

  describe('without it', () => {
    const ctx = serverSuite(project, { env: { QDA_TIMINGS: '' } });
    it('writes nothing', async () => {
      await type(ctx, 3);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(timingLines(ctx.editor.log), []);
    });
  });
});
