// Issue 13.5 over stdio: a transcript renamed in the editor (workspace/didRenameFiles), renamed
// outside it (git mv: the quick fix that re-links its codings), and deleted (its codings stay,
// grouped under the missing file, until re-linked or deleted on purpose).
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionRequest, FileChangeType, DidChangeWatchedFilesNotification, DidRenameFilesNotification, WillRenameFilesRequest, type CodeAction } from 'vscode-languageserver-protocol';
import { serverSuite, type TestEditor } from './lspClient';
import { makeQuoteSelector } from '../../server/src/core/anchoring';
import type { Coding } from '../../server/src/core/model/model';
import {
  codebookTreeRequest,
  codingRedoRequest,
  codingUndoRequest,
  deleteCodingsOfDocRequest,
  documentCodingsRequest,
  missingTranscriptsRequest,
  relinkCodingsRequest,
  reviewCodingsRequest,
  RUN_OPERATION_COMMAND,
  type OperationCommandArgs,
  type RelinkCodingsParams,
  type TreeNode,
} from '../../server/src/protocol';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const R2 = readFileSync(path.join(CORPUS, 'intervju-R2.md'), 'utf8');
const T2 = 'transcripts/R2.md';
const PASSAGES = ['Jeg har lest skrivet', 'jobbet i banken i tjueto år', 'jeg var ganske skeptisk i starten', 'var egentlig lederen vår', 'Da er opptakeren på'];

function coding(exact: string, id: string, coder: string): Coding {
  const start = R2.indexOf(exact);
  return { id, doc: T2, start, end: start + exact.length, code: 'Kode', ...makeQuoteSelector(R2, start, start + exact.length), coder, at: '2026-11-23T10:00:00Z' };
}
const jsonl = (codings: Coding[]): string => codings.map((c) => JSON.stringify(c) + '\n').join('');

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-renames-'));
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  await write('qda.yaml', 'language: nb\ncoder: anna\ninterviewers: [Intervjuer]\n');
  await write('codebook.md', '## Tema\n- **Kode** — en kode\n');
  await write(T2, R2);
  await write(`.qda/codings/anna/${T2}.jsonl`, jsonl(PASSAGES.slice(0, 3).map((p, i) => coding(p, `a${i}`, 'anna'))));
  await write(`.qda/codings/bjorn/${T2}.jsonl`, jsonl(PASSAGES.slice(2).map((p, i) => coding(p, `b${i}`, 'bjorn'))));
  return root;
}

/** Polls a request until its answer satisfies `test` (the server handles file events in its queue). */
async function until<T>(what: string, ask: () => Promise<T>, test: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await ask();
    if (test(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

const codeCount = async (editor: TestEditor): Promise<number> => {
  const tree = await editor.connection.sendRequest(codebookTreeRequest, {});
  const find = (nodes: TreeNode[]): TreeNode | undefined => nodes.map((n) => (n.name === 'Kode' ? n : find(n.children))).find(Boolean);
  return find(tree.roots)?.codings ?? -1;
};

/** Each coding painted in `doc`, as [id, text under it, anchored]. */
async function painted(editor: TestEditor, doc: string, text: string): Promise<Array<[string, boolean]>> {
  const list = await editor.connection.sendRequest(documentCodingsRequest, { uri: editor.uri(doc) });
  const lines = text.split('\n');
  return list.map((d) => [lines[d.range.start.line].slice(d.range.start.character, d.range.start.line === d.range.end.line ? d.range.end.character : undefined), d.anchored] as [string, boolean]).sort();
}
const expectedPainted = (passages: string[]): Array<[string, boolean]> => passages.map((p) => [p, true] as [string, boolean]).sort();
const ALL = [...PASSAGES.slice(0, 3), ...PASSAGES.slice(2)];

describe('transcripts renamed, moved or deleted over stdio (issue 13.5)', function () {
  this.timeout(30000);
  const ctx = serverSuite(makeProject, { each: true });

  it('moves the codings files and rewrites the doc fields of every coder itself once the rename is done (didRenameFiles); undo moves them back', async () => {
    const to = 'intervjuer/R2-anonymisert.md';
    await fsp.writeFile(path.join(ctx.root, 'qda.yaml'), 'language: nb\ncoder: anna\ninterviewers: [Intervjuer]\ntranscripts: ["transcripts/**/*.md", "intervjuer/**/*.md"]\n');
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri('qda.yaml'), type: FileChangeType.Changed }] });
    const before = Object.fromEntries(['anna', 'bjorn'].map((coder) => [coder, readFileSync(path.join(ctx.root, `.qda/codings/${coder}/${T2}.jsonl`), 'utf8')]));
    // Asked before the rename: no edit (the codings files are the server's, written after it).
    const edit = await ctx.editor.connection.sendRequest(WillRenameFilesRequest.type, { files: [{ oldUri: ctx.editor.uri(T2), newUri: ctx.editor.uri(to) }] });
    assert.equal(edit, null);
    assert.equal(readFileSync(path.join(ctx.root, `.qda/codings/anna/${T2}.jsonl`), 'utf8'), before.anna, 'nothing moves before the rename happened');
    // VS Code renames the transcript, then says so.
    await ctx.editor.renameOnDisk(T2, to);
    await ctx.editor.connection.sendNotification(DidRenameFilesNotification.type, { files: [{ oldUri: ctx.editor.uri(T2), newUri: ctx.editor.uri(to) }] });
    // Written at the new place first, then deleted at the old: done when both are so.
    await until('the codings files moved', async () => ['anna', 'bjorn'].every((c) => existsSync(path.join(ctx.root, `.qda/codings/${c}/${to}.jsonl`)) && !existsSync(path.join(ctx.root, `.qda/codings/${c}/${T2}.jsonl`))), (v) => v);
    for (const coder of ['anna', 'bjorn']) {
      const lines = readFileSync(path.join(ctx.root, `.qda/codings/${coder}/${to}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Coding);
      assert.ok(lines.every((c) => c.doc === to), `${coder}: every doc is the new path`);
      assert.equal(lines.length, 3);
      assert.equal(existsSync(path.join(ctx.root, `.qda/codings/${coder}/${T2}.jsonl`)), false);
    }
    await until('every coding painted in the renamed transcript', () => painted(ctx.editor, to, R2), (v) => JSON.stringify(v) === JSON.stringify(expectedPainted(ALL)));
    assert.equal(await codeCount(ctx.editor), 6);
    assert.deepEqual(await ctx.editor.connection.sendRequest(missingTranscriptsRequest, {}), []);
    assert.deepEqual(await ctx.editor.connection.sendRequest(reviewCodingsRequest, {}), []);

    // The move is one entry of the server's undo log: undone, the codings files are back byte for byte.
    const undo = await ctx.editor.connection.sendRequest(codingUndoRequest, {});
    assert.equal(undo.error, undefined);
    assert.equal(undo.edit, undefined);
    for (const coder of ['anna', 'bjorn']) {
      assert.equal(readFileSync(path.join(ctx.root, `.qda/codings/${coder}/${T2}.jsonl`), 'utf8'), before[coder]);
      assert.equal(existsSync(path.join(ctx.root, `.qda/codings/${coder}/${to}.jsonl`)), false);
    }
    const redo = await ctx.editor.connection.sendRequest(codingRedoRequest, {});
    assert.equal(redo.error, undefined);
    assert.equal(readFileSync(path.join(ctx.root, `.qda/codings/anna/${to}.jsonl`), 'utf8'), before.anna.split(T2).join(to));
  });

  it('moves a codings file open in an editor away and back again (the editor showing the deleted file holds no edits of its own)', async () => {
    const to = 'transcripts/R2-ny.md';
    const annaOld = `.qda/codings/anna/${T2}.jsonl`;
    const before = await ctx.editor.open(annaOld);
    const rename = async (from: string, target: string): Promise<void> => {
      await ctx.editor.renameOnDisk(from, target);
      await ctx.editor.connection.sendNotification(DidRenameFilesNotification.type, { files: [{ oldUri: ctx.editor.uri(from), newUri: ctx.editor.uri(target) }] });
    };
    await rename(T2, to);
    await until('anna\'s codings moved', async () => existsSync(path.join(ctx.root, annaOld)), (v) => !v);
    await rename(to, T2);
    await until('anna\'s codings back', async () => existsSync(path.join(ctx.root, annaOld)) && !existsSync(path.join(ctx.root, `.qda/codings/anna/${to}.jsonl`)), (v) => v);
    assert.equal(readFileSync(path.join(ctx.root, annaOld), 'utf8'), before);
    assert.equal(existsSync(path.join(ctx.root, `.qda/codings/anna/${to}.jsonl`)), false);
    assert.equal(await codeCount(ctx.editor), 6);
  });

  it('writes nothing when the rename asked about does not happen', async () => {
    const to = 'transcripts/R2-ny.md';
    const before = readFileSync(path.join(ctx.root, `.qda/codings/anna/${T2}.jsonl`), 'utf8');
    assert.equal(await ctx.editor.connection.sendRequest(WillRenameFilesRequest.type, { files: [{ oldUri: ctx.editor.uri(T2), newUri: ctx.editor.uri(to) }] }), null);
    // No didRenameFiles follows (the rename failed); a later request sees the codings where they were.
    assert.equal(await codeCount(ctx.editor), 6);
    assert.equal(readFileSync(path.join(ctx.root, `.qda/codings/anna/${T2}.jsonl`), 'utf8'), before);
    assert.equal(existsSync(path.join(ctx.root, `.qda/codings/anna/${to}.jsonl`)), false);
  });

  it('plans against the disk: a codings file gone without a file event is not moved, one that appeared is added to', async () => {
    const to = 'transcripts/R2-ny.md';
    // Behind the server's back (a missed file event): bjorn's file is gone, and anna already has a file for the new name.
    await fsp.rm(path.join(ctx.root, `.qda/codings/bjorn/${T2}.jsonl`));
    const annaOld = readFileSync(path.join(ctx.root, `.qda/codings/anna/${T2}.jsonl`), 'utf8');
    await fsp.writeFile(path.join(ctx.root, `.qda/codings/anna/${to}.jsonl`), '');
    await ctx.editor.renameOnDisk(T2, to);
    await ctx.editor.connection.sendNotification(DidRenameFilesNotification.type, { files: [{ oldUri: ctx.editor.uri(T2), newUri: ctx.editor.uri(to) }] });
    await until('anna\'s old file gone', async () => existsSync(path.join(ctx.root, `.qda/codings/anna/${T2}.jsonl`)), (v) => !v);
    const moved = readFileSync(path.join(ctx.root, `.qda/codings/anna/${to}.jsonl`), 'utf8');
    assert.equal(moved, annaOld.split(T2).join(to), 'anna\'s three codings, each naming the new path');
    assert.equal(existsSync(path.join(ctx.root, `.qda/codings/bjorn/${to}.jsonl`)), false, 'bjorn\'s file, gone, is not made up');
  });

  it('answers null for a rename that moves no transcript with codings', async () => {
    await fsp.writeFile(path.join(ctx.root, 'memos/note.md'), '# Note\n').catch(async () => {
      await fsp.mkdir(path.join(ctx.root, 'memos'));
      await fsp.writeFile(path.join(ctx.root, 'memos/note.md'), '# Note\n');
    });
    const edit = await ctx.editor.connection.sendRequest(WillRenameFilesRequest.type, { files: [{ oldUri: ctx.editor.uri('memos/note.md'), newUri: ctx.editor.uri('memos/other.md') }] });
    assert.equal(edit, null);
  });

  it('recognises a rename outside the editor (git mv) and offers one quick fix that re-links every coding', async () => {
    const to = 'transcripts/R2-anonymisert.md';
    await ctx.editor.renameOnDisk(T2, to, (t) => t.replace('var egentlig lederen vår', 'var egentlig [leder] vår'));
    const codingsFile = `.qda/codings/anna/${T2}.jsonl`;
    const diagnostics = await ctx.editor.waitForDiagnostics(codingsFile, (d) => d.filter((x) => x.code === 'qda.orphanCoding').length === 3);
    const actions = (await ctx.editor.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: ctx.editor.uri(codingsFile) },
      range: diagnostics[0].range,
      context: { diagnostics: [diagnostics[0]] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title === `6 codings belong to ${to}`);
    assert.ok(fix, `the quick fix, among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.isPreferred, true);
    // The same fix is offered in the transcript that holds the codings now.
    const inTranscript = (await ctx.editor.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: ctx.editor.uri(to) },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    assert.deepEqual(inTranscript.map((a) => a.title), [`6 codings belong to ${to}`]);
    // No edit: the fix's command asks for the re-link, which the server writes itself.
    assert.equal(fix.edit, undefined);
    assert.equal(fix.command?.command, RUN_OPERATION_COMMAND);
    const args = fix.command?.arguments?.[0] as OperationCommandArgs;
    assert.deepEqual(args, { method: 'qda/relinkCodings', params: { doc: T2, uri: ctx.editor.uri(to), origin: ctx.editor.uri(codingsFile) } });
    const relinked = await ctx.editor.connection.sendRequest(relinkCodingsRequest, args.params as RelinkCodingsParams);
    assert.equal(relinked.edit, undefined);
    assert.equal(relinked.written?.length, 4, 'both coders\' files written at the new name and deleted at the old');
    await ctx.editor.applyResult(relinked);
    const anonymised = readFileSync(path.join(ctx.root, to), 'utf8');
    await until('every coding painted in the renamed transcript', () => painted(ctx.editor, to, anonymised), (v) => v.length === 6 && v.every(([, anchored]) => anchored));
    const texts = (await painted(ctx.editor, to, anonymised)).map(([t]) => t);
    assert.ok(texts.includes('var egentlig [leder] vår'), `the anonymised passage is found: ${texts.join(' | ')}`);
    // The orphan warnings of the old file are withdrawn (the file moved with its transcript).
    await ctx.editor.waitForDiagnostics(codingsFile, (d) => !d.some((x) => x.code === 'qda.orphanCoding'));
    assert.deepEqual(await ctx.editor.connection.sendRequest(missingTranscriptsRequest, {}), []);
    assert.equal(await codeCount(ctx.editor), 6);
  });

  it('keeps a deleted transcript\'s codings as orphans under the missing file; re-links them, or deletes exactly them', async () => {
    await fsp.rm(path.join(ctx.root, T2));
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri(T2), type: FileChangeType.Deleted }] });
    const missing = await until('the missing transcript listed', () => ctx.editor.connection.sendRequest(missingTranscriptsRequest, {}), (m) => m.length === 1);
    assert.deepEqual(missing, [{ doc: T2, uri: ctx.editor.uri(T2), codings: 6 }]);
    const review = await ctx.editor.connection.sendRequest(reviewCodingsRequest, {});
    assert.equal(review.filter((r) => r.missingDocument && r.uri === ctx.editor.uri(T2)).length, 6);
    assert.ok(existsSync(path.join(ctx.root, `.qda/codings/anna/${T2}.jsonl`)), 'the codings are not deleted with the transcript');

    // The transcript comes back under another name: re-link to it.
    await fsp.writeFile(path.join(ctx.root, 'transcripts/R2-ny.md'), R2);
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri('transcripts/R2-ny.md'), type: FileChangeType.Created }] });
    const suggested = await until('the new file suggested', () => ctx.editor.connection.sendRequest(missingTranscriptsRequest, {}), (m) => m[0]?.suggestion !== undefined);
    assert.deepEqual(suggested[0].suggestion, { uri: ctx.editor.uri('transcripts/R2-ny.md'), path: 'transcripts/R2-ny.md', found: 6 });
    const relink = await ctx.editor.connection.sendRequest(relinkCodingsRequest, { doc: T2, uri: ctx.editor.uri('transcripts/R2-ny.md') });
    assert.equal(relink.error, undefined);
    assert.equal(relink.relinked, 6);
    await ctx.editor.applyResult(relink);
    await until('every coding painted in the re-linked transcript', () => painted(ctx.editor, 'transcripts/R2-ny.md', R2), (v) => JSON.stringify(v) === JSON.stringify(expectedPainted(ALL)));

    // Delete it too: now delete its codings on purpose.
    await fsp.rm(path.join(ctx.root, 'transcripts/R2-ny.md'));
    await ctx.editor.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: ctx.editor.uri('transcripts/R2-ny.md'), type: FileChangeType.Deleted }] });
    await until('the missing transcript listed', () => ctx.editor.connection.sendRequest(missingTranscriptsRequest, {}), (m) => m.length === 1 && m[0].doc === 'transcripts/R2-ny.md');
    const removed = await ctx.editor.connection.sendRequest(deleteCodingsOfDocRequest, { doc: 'transcripts/R2-ny.md' });
    assert.equal(removed.removed, 6);
    await ctx.editor.applyResult(removed);
    await until('no missing transcript left', () => ctx.editor.connection.sendRequest(missingTranscriptsRequest, {}), (m) => m.length === 0);
    assert.equal(await codeCount(ctx.editor), 0);
    assert.equal(existsSync(path.join(ctx.root, '.qda/codings/anna/transcripts/R2-ny.md.jsonl')), false);
  });
});
