// The server as the one writer of .qda/codings (issue 16.3), over stdio: a coding writes the
// JSONL file itself, Undo and Redo (qda/codingUndo, qda/codingRedo) give it back byte for byte,
// an operation that also changes codebook.md writes the codings only once the editor applied
// its part, and a codings file open with unsaved changes is never written under (that editor
// gets the change instead).
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits, serverSuite } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { codeSelectionRequest, codingRedoRequest, codingUndoRequest, documentCodingsRequest, type EditResult } from '../../server/src/protocol';

const R2 = 'Intervjuer: Hva skjedde?\r\n\r\nR2: Vi kalte det sandkassa 🙂, og alle fikk prøve.\r\n\r\nR2: Kundene merket det med en gang.\r\n';
const CODINGS = '.qda/codings/anna/transcripts/R2.md.jsonl';
// A BOM, an unknown key and no sorting by hand: what must survive byte for byte.
const OLD = 'merket det med en gang';
const EXISTING =
  `\uFEFF{"id":"old1","doc":"transcripts/R2.md","start":${R2.indexOf(OLD)},"end":${R2.indexOf(OLD) + OLD.length},"code":"K","exact":"${OLD}","coder":"anna","at":"2026-01-01T00:00:00Z","x-note":{"keep":[1,2]}}\n`;

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-writer-'));
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  await write('qda.yaml', 'language: nb\ncoder: anna\ninterviewers: [Intervjuer]\n');
  await write('codebook.md', '# Kodebok\n\n## Tema\n\n- **K** — en kode\n- **L**\n');
  await write('transcripts/R2.md', R2);
  await write(CODINGS, EXISTING);
  return root;
}

describe('the server writes the codings files itself, with undo and redo', function () {
  this.timeout(30000);
  const ctx = serverSuite(makeProject, { each: true });
  const bytes = (rel: string): Buffer => readFileSync(path.join(ctx.root, rel));
  const rangeOf = (needle: string) => {
    const li = new LineIndex(R2);
    const start = R2.indexOf(needle);
    return { start: li.positionAt(start), end: li.positionAt(start + needle.length) };
  };
  const codingsShown = async (): Promise<string[]> =>
    (await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri: ctx.editor.uri('transcripts/R2.md') })).map((c) => `${c.code}:${c.id}`).sort();

  it('codes a passage by writing the JSONL file itself; undo and redo restore it byte for byte', async () => {
    await ctx.editor.open('transcripts/R2.md');
    const origin = ctx.editor.uri('transcripts/R2.md');
    const before = bytes(CODINGS);
    const coded = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: origin, range: rangeOf('Vi kalte det sandkassa 🙂'), code: 'L', origin });
    assert.equal(coded.error, undefined);
    assert.equal(coded.edit, undefined, 'nothing for the editor to apply');
    assert.deepEqual(coded.written, [ctx.editor.uri(CODINGS)]);
    // Written before the reply came: the new line, sorted in, and the old line kept as it was.
    const after = bytes(CODINGS);
    const lines = after.toString('utf8').replace(/^\uFEFF/, '').split('\n').filter(Boolean);
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { id: string }).id), [coded.id, 'old1']);
    assert.ok(after.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'the BOM stays');
    assert.ok(after.toString('utf8').includes(EXISTING.slice(1)), 'the old line byte for byte');
    assert.deepEqual(coded.history, { undo: { uri: origin, version: 1 } });
    assert.deepEqual(await codingsShown(), [`K:old1`, `L:${coded.id}`].sort());

    const undone = await ctx.editor.connection.sendRequest(codingUndoRequest, { uri: origin });
    assert.equal(undone.error, undefined);
    assert.deepEqual(undone.written, [ctx.editor.uri(CODINGS)]);
    assert.ok(bytes(CODINGS).equals(before), 'undo gives the file back byte for byte');
    assert.deepEqual(undone.history, { redo: { uri: origin, version: 1 } });
    assert.deepEqual(await codingsShown(), ['K:old1']);

    const redone = await ctx.editor.connection.sendRequest(codingRedoRequest, { uri: origin });
    assert.equal(redone.error, undefined);
    assert.ok(bytes(CODINGS).equals(after), 'redo writes it again byte for byte');
    assert.deepEqual(redone.history, { undo: { uri: origin, version: 1 } });
    assert.deepEqual(await codingsShown(), [`K:old1`, `L:${coded.id}`].sort(), 'the same coding, same id');
    // Nothing more to redo; undo twice is undo once (the log holds one operation).
    assert.deepEqual((await ctx.editor.connection.sendRequest(codingRedoRequest, {})).written, undefined);
    await ctx.editor.connection.sendRequest(codingUndoRequest, {});
    assert.deepEqual((await ctx.editor.connection.sendRequest(codingUndoRequest, {})).written, undefined);
    assert.ok(bytes(CODINGS).equals(before));
  });

  it('a new code while coding: codebook.md through the editor first, the codings only on commit; undo takes back both', async () => {
    const origin = ctx.editor.uri('transcripts/R2.md');
    const codingsBefore = bytes(CODINGS);
    const codebookBefore = bytes('codebook.md');
    // The editor refuses the edit (never commits): nothing is written anywhere.
    const refused = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: origin, range: rangeOf('alle fikk prøve'), code: 'Ny kode', create: true, origin });
    assert.ok(refused.edit && refused.commit !== undefined);
    assert.deepEqual(refused.pending, [ctx.editor.uri(CODINGS)]);
    assert.deepEqual(refused.save, [ctx.editor.uri('codebook.md')]);
    assert.ok(bytes(CODINGS).equals(codingsBefore), 'no codings written before the commit');

    const made = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: origin, range: rangeOf('alle fikk prøve'), code: 'Ny kode', create: true, origin });
    const committed = await ctx.editor.applyResult(made);
    assert.deepEqual(committed.written, [ctx.editor.uri(CODINGS)]);
    const codingsAfter = bytes(CODINGS);
    const codebookAfter = bytes('codebook.md');
    assert.match(codebookAfter.toString('utf8'), /\*\*Ny kode\*\*/);
    assert.match(codingsAfter.toString('utf8'), /"code":"Ny kode"/);
    // The old reply's commit is still known, but the codings changed since: refused, nothing written.
    const late = await ctx.editor.connection.sendRequest('qda/commitEdit', { commit: refused.commit }) as EditResult;
    assert.match(late.error ?? '', /R2\.md\.jsonl changed while the change was applied/);
    assert.ok(bytes(CODINGS).equals(codingsAfter));

    // Undo: the codebook's part comes back as an edit, the codings with its commit.
    const undo = await ctx.editor.connection.sendRequest(codingUndoRequest, { uri: origin });
    assert.ok(undo.edit && undo.commit !== undefined, JSON.stringify(undo));
    await ctx.editor.applyResult(undo);
    assert.ok(bytes(CODINGS).equals(codingsBefore), 'codings byte for byte');
    assert.ok(bytes('codebook.md').equals(codebookBefore), 'codebook byte for byte');
    await ctx.editor.applyResult(await ctx.editor.connection.sendRequest(codingRedoRequest, { uri: origin }));
    assert.ok(bytes(CODINGS).equals(codingsAfter));
    assert.ok(bytes('codebook.md').equals(codebookAfter));
  });

  it('never writes under a codings file open with unsaved changes (the editor gets the change); an open, saved one follows the write', async () => {
    await ctx.editor.open('transcripts/R2.md');
    const uri = ctx.editor.uri(CODINGS);
    const origin = ctx.editor.uri('transcripts/R2.md');
    const disk = bytes(CODINGS).toString('utf8').replace(/^\uFEFF/, '');
    // Open with an edit of the user's own (a line typed by hand, not saved).
    const typed = disk + '{"id":"hand1","doc":"transcripts/R2.md","start":0,"end":5,"code":"K","exact":"Inter","coder":"anna"}\n';
    await ctx.editor.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'jsonl', version: 1, text: typed } });
    const viaEditor = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: origin, range: rangeOf('Vi kalte det'), code: 'L', origin });
    assert.equal(viaEditor.error, undefined);
    assert.equal(bytes(CODINGS).toString('utf8').replace(/^\uFEFF/, ''), disk, 'nothing written under the editor');
    // The change goes to that editor, checked against its version, and is saved there with the user's line.
    const change = viaEditor.edit?.documentChanges?.[0] as TextDocumentEdit;
    assert.deepEqual([change.textDocument.uri, change.textDocument.version], [uri, 1]);
    assert.deepEqual(viaEditor.save, [uri]);
    assert.ok(viaEditor.commit !== undefined, 'recorded for Ctrl+Z once applied');
    const applied = applyTextEdits(typed, change.edits as TextEdit[]);
    assert.ok(applied.includes('"id":"hand1"') && applied.includes(`"id":"${viaEditor.id}"`), 'both the typed line and the coding');
    // As VS Code does: the edit, then the save; then the commit.
    await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: applied }] });
    await fsp.writeFile(path.join(ctx.root, CODINGS), '\uFEFF' + applied);
    assert.deepEqual((await ctx.editor.applyResult({ commit: viaEditor.commit })).history, { undo: { uri: origin, version: 1 } });
    assert.deepEqual(await codingsShown(), [`K:hand1`, `K:old1`, `L:${viaEditor.id}`].sort());

    // Saved (its text as on disk): the next coding is written by the server, and the editor
    // reloading it (VS Code sends the new text) does not move the index back or twice.
    const coded = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: origin, range: rangeOf('alle fikk'), code: 'L', origin });
    assert.equal(coded.error, undefined);
    assert.deepEqual(coded.written, [uri]);
    const written = bytes(CODINGS).toString('utf8').replace(/^\uFEFF/, '');
    assert.ok(written.includes('"id":"hand1"') && written.includes(`"id":"${coded.id}"`));
    // A second coding right away, before the editor caught up, is written too (not taken for unsaved edits).
    const second = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: origin, range: rangeOf('Kundene'), code: 'L', origin });
    assert.deepEqual(second.written, [uri]);
    await ctx.editor.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: written }] });
    assert.deepEqual(await codingsShown(), [`K:hand1`, `K:old1`, `L:${viaEditor.id}`, `L:${coded.id}`, `L:${second.id}`].sort(), 'the late reload did not step the index back');
  });

  it('refuses to undo over a codings file changed since, and says which', async () => {
    const origin = ctx.editor.uri('transcripts/R2.md');
    const coded = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: origin, range: rangeOf('Vi kalte det'), code: 'L', origin });
    assert.equal(coded.error, undefined);
    const byHand = bytes(CODINGS).toString('utf8').replace('"code":"L"', '"code":"K"');
    await fsp.writeFile(path.join(ctx.root, CODINGS), byHand);
    await ctx.editor.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ctx.editor.uri(CODINGS), type: 2 }] });
    const undo = await ctx.editor.connection.sendRequest(codingUndoRequest, { uri: origin });
    assert.match(undo.error ?? '', /R2\.md\.jsonl changed since that coding operation/);
    assert.equal(bytes(CODINGS).toString('utf8'), byHand);
    assert.deepEqual(undo.history, {});
  });
});
