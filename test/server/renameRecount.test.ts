// Issue 16: a transcript renamed, moved back, deleted and re-created, or closed unsaved — the
// counts the server keeps per transcript (core/analysis/recount.ts, under Project.docVersion)
// follow at once, and equal those of a server started fresh on the same files. A request sent
// right after workspace/didRenameFiles sees the rename: the server takes the renamed files at
// both paths into its index then, not when its file watcher reports them a moment later.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DidRenameFilesNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { serverSuite, TestEditor, copyOfDemo } from './lspClient';
import { matrixRequest, type MatrixParams, type MatrixResult } from '../../server/src/protocol';
import { LineIndex } from '../../server/src/core/text/text';

const FL2 = 'transcripts/teams-intervju-FL2.md';
const MOVED = 'transcripts/teams-intervju-FL2-omdøpt.md';
const VIEWS: MatrixParams[] = [
  { rows: 'codes', cols: 'informants', count: 'codings' },
  { rows: 'themes', cols: 'role', count: 'words', coder: 'anna' },
];

const copyDemo = async (): Promise<string> => copyOfDemo('qda-renamecount-');

async function matrices(editor: TestEditor): Promise<MatrixResult[]> {
  const out: MatrixResult[] = [];
  for (const p of VIEWS) out.push(await editor.connection.sendRequest(matrixRequest, p));
  return out;
}

/** What a server started now on the same files answers. */
async function fresh(root: string): Promise<MatrixResult[]> {
  const other = await TestEditor.start(root);
  try {
    return await matrices(other);
  } finally {
    await other.stop();
  }
}

const fl2Codings = (m: MatrixResult): number => m.rows.filter((r) => r.kind === 'code').reduce((n, r) => n + (r.cells.FL2 ?? 0), 0);

describe('counts after a transcript is renamed, moved back, re-created or closed unsaved (issue 16)', function () {
  this.timeout(60000);
  const ctx = serverSuite(copyDemo, { each: true });
  const e = (): TestEditor => ctx.editor;
  const rename = (from: string, to: string) => e().connection.sendNotification(DidRenameFilesNotification.type, { files: [{ oldUri: e().uri(from), newUri: e().uri(to) }] });
  const watched = (changes: Array<[string, FileChangeType]>) => e().connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: changes.map(([rel, type]) => ({ uri: e().uri(rel), type })) });

  it('a request sent right after didRenameFiles counts the transcript under its new name (no file event yet)', async () => {
    const before = await matrices(e());
    assert.ok(fl2Codings(before[0]!) > 0, 'FL2 has codings');
    await fsp.rename(path.join(ctx.root, FL2), path.join(ctx.root, MOVED));
    await rename(FL2, MOVED);
    // No await between the rename and the request, and the file watcher has said nothing.
    const moved = await matrices(e());
    assert.deepEqual(moved, await fresh(ctx.root), 'right after the rename, as a server started on the renamed files');
    assert.deepEqual(moved, before, 'the same counts: only the name changed');

    await fsp.rename(path.join(ctx.root, MOVED), path.join(ctx.root, FL2));
    await rename(MOVED, FL2);
    assert.deepEqual(await matrices(e()), before, 'moved back: as before');
    // The watcher's events, late: nothing changes.
    await watched([[FL2, FileChangeType.Deleted], [MOVED, FileChangeType.Created], [MOVED, FileChangeType.Deleted], [FL2, FileChangeType.Created]]);
    assert.deepEqual(await matrices(e()), before);
  });

  for (const order of ['open, then close', 'close, then open']) {
    it(`renamed away and back while open in the editor (${order}), file events late: as a fresh server`, async () => {
      const text = readFileSync(path.join(ctx.root, FL2), 'utf8');
      const before = await matrices(e());
      const open = (rel: string) => e().connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: e().uri(rel), languageId: 'markdown', version: 1, text } });
      const close = (rel: string) => e().connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: e().uri(rel) } });
      await open(FL2);
      await matrices(e());
      for (const [from, to] of [[FL2, MOVED], [MOVED, FL2]] as const) {
        // As VS Code reports a rename of an open document: the editor moves, then the rename.
        await fsp.rename(path.join(ctx.root, from), path.join(ctx.root, to));
        if (order === 'open, then close') await open(to);
        await close(from);
        if (order === 'close, then open') await open(to);
        await rename(from, to);
        const now = await matrices(e());
        assert.deepEqual(now, before, `right after ${from} → ${to}`);
      }
      await watched([[FL2, FileChangeType.Deleted], [MOVED, FileChangeType.Created], [MOVED, FileChangeType.Deleted], [FL2, FileChangeType.Created]]);
      await close(FL2);
      assert.deepEqual(await matrices(e()), await fresh(ctx.root));
      assert.deepEqual(await matrices(e()), before);
    });
  }

  it('deleted and re-created on disk, and closed with unsaved edits that changed its speakers: as a fresh server', async () => {
    const text = readFileSync(path.join(ctx.root, FL2), 'utf8');
    const before = await matrices(e());
    await fsp.rm(path.join(ctx.root, FL2));
    await watched([[FL2, FileChangeType.Deleted]]);
    const gone = await matrices(e());
    assert.equal(fl2Codings(gone[0]!), 0, 'deleted: none of its codings counted');
    await fsp.writeFile(path.join(ctx.root, FL2), text);
    await watched([[FL2, FileChangeType.Created]]);
    assert.deepEqual(await matrices(e()), before, 're-created: as before');

    // Every FL2 turn given to P1 in the editor, counted, then discarded by closing unsaved.
    await e().connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: e().uri(FL2), languageId: 'markdown', version: 1, text } });
    const li = new LineIndex(text);
    const changes = [...text.matchAll(/^\*\*FL2:\*\*/gm)].reverse().map((m) => ({ range: { start: li.positionAt(m.index! + 2), end: li.positionAt(m.index! + 5) }, text: 'P1' }));
    assert.ok(changes.length > 0);
    await e().connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: e().uri(FL2), version: 2 }, contentChanges: changes });
    const edited = await matrices(e());
    assert.equal(fl2Codings(edited[0]!), 0, 'the unsaved speakers are counted while open');
    await e().connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: e().uri(FL2) } });
    assert.deepEqual(await matrices(e()), before, 'closed unsaved: as before');
    assert.deepEqual(before, await fresh(ctx.root));
  });
});
