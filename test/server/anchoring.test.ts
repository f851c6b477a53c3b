// Live shifting, save and outside changes through the real server over stdio (issue 4).
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification, DidSaveTextDocumentNotification, DidCloseTextDocumentNotification, DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { serverSuite } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { acceptCodingRequest, deleteCodingRequest, documentCodingsRequest, reattachCodingRequest, reviewCodingsRequest } from '../../server/src/protocol';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const R2 = readFileSync(path.join(CORPUS, 'intervju-R2.md'), 'utf8');
const PASSAGES = ['Vi kalte det «læring i sandkassa»', 'Hun sa at det er lov å bruke tid, men det er ikke lov å la være.', 'Lederen er den som får deg til å tro på det.'];

function codingFor(text: string, exact: string, id: string): Coding {
  const start = text.indexOf(exact);
  return { id, doc: 'transcripts/R2.md', start, end: start + exact.length, code: 'Kode', ...makeQuoteSelector(text, start, start + exact.length), coder: 'anna', at: '2026-11-23T10:00:00Z' };
}

/** A project with R2 as `transcript` and anna's codings of PASSAGES made on the original R2. */
async function r2Project(prefix: string, transcript: string): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  await fsp.mkdir(path.join(root, 'transcripts'), { recursive: true });
  await fsp.mkdir(path.join(root, '.qda/codings'), { recursive: true });
  await fsp.writeFile(path.join(root, 'qda.yaml'), 'coder: anna\n');
  await fsp.writeFile(path.join(root, 'codebook.md'), '## Tema\n- **Kode** — en kode\n');
  await fsp.writeFile(path.join(root, 'transcripts/R2.md'), transcript);
  await fsp.writeFile(path.join(root, '.qda/codings/anna.jsonl'), PASSAGES.map((p, i) => JSON.stringify(codingFor(R2, p, `c${i}`)) + '\n').join(''));
  return root;
}

describe('anchoring through the server', function () {
  this.timeout(30000);
  const ctx = serverSuite(() => r2Project('qda-anchor-', R2));
  const codingsPath = (): string => path.join(ctx.root, '.qda/codings/anna.jsonl');
  const onDisk = (): Coding[] => readFileSync(codingsPath(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Coding);
  const codingsSeen = async (): Promise<Array<[string, string]>> => {
    const list = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri: ctx.editor.uri('transcripts/R2.md') });
    const text = await currentText();
    const li = new LineIndex(text);
    return list.map((d) => [d.id, text.slice(li.offsetAt(d.range.start), li.offsetAt(d.range.end))]);
  };
  let editorText = R2;
  const currentText = async (): Promise<string> => editorText;


  it('shifts codings on every keystroke, writes them only on save, and forgets unsaved shifts on close', async () => {
    await ctx.editor.open('transcripts/R2.md');
    const uri = ctx.editor.uri('transcripts/R2.md');
    const insertAt = R2.indexOf('**R2:**');
    // Type "Ja. " before the first informant turn, one character at a time.
    let version = 1;
    for (const ch of 'Ja. ') {
      const at = new LineIndex(editorText).positionAt(insertAt + (editorText.length - R2.length));
      editorText = editorText.slice(0, insertAt + (editorText.length - R2.length)) + ch + editorText.slice(insertAt + (editorText.length - R2.length));
      await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: at, end: at }, text: ch }] });
    }
    assert.deepEqual(await codingsSeen(), PASSAGES.map((p, i) => [`c${i}`, p]));
    // Not saved yet: the file on disk still has the old offsets.
    assert.deepEqual(onDisk().map((c) => c.start), PASSAGES.map((p) => R2.indexOf(p)));

    await fsp.writeFile(path.join(ctx.root, 'transcripts/R2.md'), editorText);
    await ctx.editor.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    await waitFor(() => onDisk()[0].start === R2.indexOf(PASSAGES[0]) + 4);
    assert.deepEqual(onDisk().map((c) => [c.start, c.exact]), PASSAGES.map((p) => [editorText.indexOf(p), p]));

    // Typing inside the first passage grows it; closing without saving forgets that.
    const inside = editorText.indexOf(PASSAGES[0]) + 3;
    const pos = new LineIndex(editorText).positionAt(inside);
    editorText = editorText.slice(0, inside) + 'jo ' + editorText.slice(inside);
    await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: pos, end: pos }, text: 'jo ' }] });
    assert.equal((await codingsSeen())[0][1], 'Vi jo kalte det «læring i sandkassa»');
    await ctx.editor.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    editorText = readFileSync(path.join(ctx.root, 'transcripts/R2.md'), 'utf8');
    assert.deepEqual(await codingsSeen(), PASSAGES.map((p, i) => [`c${i}`, p]));
    assert.equal(onDisk()[0].exact, PASSAGES[0]);
  });

  it('keeps codings through typing, a deletion and its undo, and a wholesale replacement of the text', async () => {
    await ctx.editor.open('transcripts/R2.md');
    editorText = readFileSync(path.join(ctx.root, 'transcripts/R2.md'), 'utf8');
    const uri = ctx.editor.uri('transcripts/R2.md');
    let version = 100;
    const change = async (start: number, end: number, text: string): Promise<void> => {
      const li = new LineIndex(editorText);
      const range = { start: li.positionAt(start), end: li.positionAt(end) };
      editorText = editorText.slice(0, start) + text + editorText.slice(end);
      await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: ++version }, contentChanges: [{ range, text }] });
    };
    const original = editorText;
    const at = editorText.indexOf(PASSAGES[2]);
    await change(at + 8, at + 8, 'jo ');
    const grown = PASSAGES[2].slice(0, 8) + 'jo ' + PASSAGES[2].slice(8);
    assert.ok((await codingsSeen()).some(([, t]) => t === grown));
    await change(at, at + grown.length, '');
    assert.equal((await codingsSeen()).find(([id]) => id === 'c2')?.[1], '', 'the deleted passage is an orphan: nothing left to paint');
    await change(at, at, grown);
    assert.ok((await codingsSeen()).some(([id, t]) => id === 'c2' && t === grown), 'undo brings it back');
    // The whole text put back in one change (a revert): every coding where it was.
    await change(0, editorText.length, original);
    assert.deepEqual((await codingsSeen()).map(([, t]) => t), PASSAGES);
    await ctx.editor.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('re-anchors after an outside change: moved passages follow, a changed word is a fuzzy match flagged for review', async () => {
    const before = readFileSync(path.join(ctx.root, 'transcripts/R2.md'), 'utf8');
    // Keep the frontmatter at the top: insert the new turn right after it.
    const fmEnd = before.indexOf('---\n', 4) + 4;
    const outside = before.slice(0, fmEnd) + '**Intervjuer:** [00:00:01] En ny første tur.\n\n' + before.slice(fmEnd).replace('tro på det.', 'tro på dette.');
    await fsp.writeFile(path.join(ctx.root, 'transcripts/R2.md'), outside);
    editorText = outside;
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri('transcripts/R2.md'), type: FileChangeType.Changed }] });
    await waitFor(() => onDisk()[0].start === outside.indexOf(PASSAGES[0]));
    const disk = onDisk();
    assert.deepEqual(disk.slice(0, 2).map((c) => [c.start, c.exact]), PASSAGES.slice(0, 2).map((p) => [outside.indexOf(p), p]));
    // Re-attached where the changed sentence now is (approximate match of the old words).
    assert.equal(disk[2].start, outside.indexOf('Lederen er den som får deg til å tro på dette.'));
    assert.match(disk[2].exact, /^Lederen er den som får deg til å tro på det/);
    assert.equal((disk[2] as unknown as Record<string, unknown>).review, 'fuzzy');
    const diags = await ctx.editor.waitForDiagnostics('transcripts/R2.md', (d) => d.some((x) => x.code === 'qda.fuzzyCoding'));
    assert.match(diags.find((d) => d.code === 'qda.fuzzyCoding')!.message, /approximate match/);
  });
});

describe('orphaned and fuzzy codings through the server', function () {
  this.timeout(30000);
  // The transcript was edited while nobody watched: one passage deleted, one word changed.
  const ctx = serverSuite(() => r2Project('qda-orphans-', R2.replace(PASSAGES[1] + ' ', '').replace('tro på det.', 'tro på dette.')));
  const codingsPath = (): string => path.join(ctx.root, '.qda/codings/anna.jsonl');
  const onDisk = (): Array<Coding & { review?: string }> => readFileSync(codingsPath(), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));


  it('lists the orphan and the fuzzy match, then accepts, re-attaches and deletes on request', async () => {
    const review = await ctx.editor.connection.sendRequest(reviewCodingsRequest, {});
    assert.deepEqual(review.map((r) => [r.kind, r.id, r.exact]), [['orphan', 'c1', PASSAGES[1]], ['fuzzy', 'c2', PASSAGES[2]]]);
    // check reports both too (same diagnostics as the ctx.editor).
    const diags = await ctx.editor.waitForDiagnostics('.qda/codings/anna.jsonl', (d) => d.length >= 2);
    assert.deepEqual(diags.map((d) => d.code).sort(), ['qda.fuzzyCoding', 'qda.orphanCoding']);

    const accepted = await ctx.editor.connection.sendRequest(acceptCodingRequest, { id: 'c2' });
    await ctx.editor.applyResult(accepted);
    await waitFor(() => onDisk()[2].start !== R2.indexOf(PASSAGES[2]));
    const text = readFileSync(path.join(ctx.root, 'transcripts/R2.md'), 'utf8');
    assert.equal(onDisk()[2].start, text.indexOf('Lederen er den som får deg til å tro på dette.'));
    assert.equal(onDisk()[2].review, undefined);

    // Re-attach the orphan to a passage the analyst selects.
    const target = 'Det syntes jeg var en god måte å si det på.';
    const li = new LineIndex(text);
    const at = text.indexOf(target);
    const reattached = await ctx.editor.connection.sendRequest(reattachCodingRequest, { id: 'c1', uri: ctx.editor.uri('transcripts/R2.md'), range: { start: li.positionAt(at), end: li.positionAt(at + target.length) } });
    await ctx.editor.applyResult(reattached);
    await waitFor(() => onDisk().find((c) => c.id === 'c1')!.exact === target);
    let after = await ctx.editor.connection.sendRequest(reviewCodingsRequest, {});
    for (let i = 0; i < 50 && after.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await ctx.editor.connection.sendRequest(reviewCodingsRequest, {});
    }
    assert.deepEqual(after, []);

    const deleted = await ctx.editor.connection.sendRequest(deleteCodingRequest, { id: 'c0' });
    await ctx.editor.applyResult(deleted);
    assert.deepEqual(onDisk().map((c) => c.id).sort(), ['c1', 'c2']);
  });
});

describe('orphaned and fuzzy codings of an open transcript through the server', function () {
  this.timeout(30000);
  const ctx = serverSuite(() => r2Project('qda-orphans-open-', R2.replace(PASSAGES[1] + ' ', '').replace('tro på det.', 'tro på dette.')));
  const codingsPath = (): string => path.join(ctx.root, '.qda/codings/anna.jsonl');
  const onDisk = (): Array<Coding & { review?: string }> => readFileSync(codingsPath(), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

  it('re-attaches an orphan while its transcript is open: the open transcript shows it there at once', async () => {
    const text = await ctx.editor.open('transcripts/R2.md');
    const uri = ctx.editor.uri('transcripts/R2.md');
    const shown = async (): Promise<Map<string, string>> => {
      const list = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri });
      const li = new LineIndex(text);
      return new Map(list.filter((d) => d.anchored).map((d) => [d.id, text.slice(li.offsetAt(d.range.start), li.offsetAt(d.range.end))]));
    };
    assert.equal((await shown()).get('c1'), undefined, 'c1 is an orphan');
    const target = 'Det syntes jeg var en god måte å si det på.';
    const li = new LineIndex(text);
    const at = text.indexOf(target);
    const reattached = await ctx.editor.connection.sendRequest(reattachCodingRequest, { id: 'c1', uri, range: { start: li.positionAt(at), end: li.positionAt(at + target.length) } });
    await ctx.editor.applyResult(reattached);
    await waitFor(() => onDisk().find((c) => c.id === 'c1')!.exact === target);
    assert.equal((await shown()).get('c1'), target, 'the open transcript shows the re-attached coding');
  });
});

async function waitFor(test: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!test()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
