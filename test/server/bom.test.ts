// A transcript (and a codings file) with a byte-order mark through the real server (issue 13,
// point 4): VS Code sends the text without the BOM, the disk has it; the server's offsets are
// the editor's, so opening, closing and file events move nothing and rewrite nothing.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DidSaveTextDocumentNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { serverSuite } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { documentCodingsRequest } from '../../server/src/protocol';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';

const BOM = '\uFEFF';
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
/** R2 as Windows tools save it: CRLF line endings (the BOM goes in front on disk). */
const TEXT = readFileSync(path.join(CORPUS, 'intervju-R2.md'), 'utf8').replace(/\n/g, '\r\n');
const DOC = 'transcripts/R2.md';
const CODINGS = `.qda/codings/anna/${DOC}.jsonl`;
const PASSAGES = ['Jeg har lest skrivet og skrevet under.', 'jeg var ganske skeptisk i starten', 'Lederen er den som får deg til å tro på det.'];

function codingOf(text: string, exact: string, id: string): Coding {
  const start = text.indexOf(exact);
  return { id, doc: DOC, start, end: start + exact.length, code: 'Kode', ...makeQuoteSelector(text, start, start + exact.length), coder: 'anna', at: '2026-11-23T10:00:00Z' };
}

async function project(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-bom-'));
  await fsp.mkdir(path.join(root, path.dirname(CODINGS)), { recursive: true });
  await fsp.mkdir(path.join(root, 'transcripts'), { recursive: true });
  await fsp.writeFile(path.join(root, 'qda.yaml'), 'coder: anna\n');
  await fsp.writeFile(path.join(root, 'codebook.md'), '## Tema\n- **Kode** — en kode\n');
  await fsp.writeFile(path.join(root, DOC), BOM + TEXT);
  // Codings made in the editor: offsets in the text without BOM. The file has a BOM too.
  await fsp.writeFile(path.join(root, CODINGS), BOM + PASSAGES.map((p, i) => JSON.stringify(codingOf(TEXT, p, `c${i}`)) + '\n').join(''));
  return root;
}

describe('a transcript with a byte-order mark, over stdio', function () {
  this.timeout(30000);
  const ctx = serverSuite(project);
  const uri = (): string => ctx.editor.uri(DOC);
  const codingsBytes = (): Buffer => readFileSync(path.join(ctx.root, CODINGS));
  const onDisk = (): Coding[] => codingsBytes().toString('utf8').replace(BOM, '').trim().split('\n').map((l) => JSON.parse(l) as Coding);
  const seen = async (text: string): Promise<string[]> => {
    const list = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri: uri() });
    const li = new LineIndex(text);
    return list.map((d) => `${d.id} ${d.anchored} ${text.slice(li.offsetAt(d.range.start), li.offsetAt(d.range.end))}`).sort();
  };
  const fileEvent = async (rel: string): Promise<void> => {
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri(rel), type: FileChangeType.Changed }] });
  };

  it('opens, closes and gets file events without moving a coding or rewriting the codings file', async () => {
    const before = codingsBytes();
    const mtime = statSync(path.join(ctx.root, CODINGS)).mtimeMs;
    assert.deepEqual(await seen(TEXT), PASSAGES.map((p, i) => `c${i} true ${p}`));
    await ctx.editor.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(), languageId: 'markdown', version: 1, text: TEXT } });
    assert.deepEqual(await seen(TEXT), PASSAGES.map((p, i) => `c${i} true ${p}`));
    await ctx.editor.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uri() } });
    await fileEvent(DOC);
    await fileEvent(CODINGS);
    assert.deepEqual(await seen(TEXT), PASSAGES.map((p, i) => `c${i} true ${p}`));
    assert.ok(codingsBytes().equals(before), 'the codings file is byte for byte as it was');
    assert.equal(statSync(path.join(ctx.root, CODINGS)).mtimeMs, mtime, 'and was not written');
    assert.deepEqual(ctx.editor.diagnostics.get(ctx.editor.uri(CODINGS)) ?? [], []);
  });

  it('typing and saving moves codings by what was typed; the codings file keeps its BOM, the transcript its BOM and CRLF', async () => {
    await ctx.editor.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(), languageId: 'markdown', version: 1, text: TEXT } });
    const at = TEXT.indexOf('**Intervjuer:**');
    const position = new LineIndex(TEXT).positionAt(at);
    const typed = 'Notat 1.\r\n';
    await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(), version: 2 }, contentChanges: [{ range: { start: position, end: position }, text: typed }] });
    const text = TEXT.slice(0, at) + typed + TEXT.slice(at);
    assert.deepEqual(await seen(text), PASSAGES.map((p, i) => `c${i} true ${p}`));
    // VS Code saves: the file keeps the encoding it was read with (UTF-8 with BOM).
    await fsp.writeFile(path.join(ctx.root, DOC), BOM + text);
    await ctx.editor.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: uri() } });
    await seen(text); // settled: the save's codings edits are written
    assert.ok(codingsBytes().subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'the codings file keeps its BOM');
    assert.deepEqual(onDisk().map((c) => [c.id, c.start - TEXT.indexOf(c.exact), text.slice(c.start, c.end)]), PASSAGES.map((p, i) => [`c${i}`, typed.length, p]));
    assert.equal(readFileSync(path.join(ctx.root, DOC), 'utf8'), BOM + text);
    // Closing and the file event afterwards change nothing more.
    const saved = codingsBytes();
    await ctx.editor.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uri() } });
    await fileEvent(DOC);
    assert.deepEqual(await seen(text), PASSAGES.map((p, i) => `c${i} true ${p}`));
    assert.ok(codingsBytes().equals(saved), 'not rewritten after close + file event');
  });
});
