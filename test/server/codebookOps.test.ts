// Codebook work through the real server over stdio: F2 rename from codebook.md and from a
// [[link]], refused renames, qda/mergeCodes, qda/moveItems, qda/deleteCode, and the quick fix
// that merges near-duplicates. Each operation must touch every affected file and nothing else;
// the codings files only through the server's writer, never in a WorkspaceEdit.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionRequest, PrepareRenameRequest, RenameRequest, type CodeAction, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { positionIn, serverSuite, type TestEditor } from './lspClient';
import { codingUndoRequest, commitEditRequest, deleteCodeRequest, exportCodebookRequest, mergeCodesRequest, moveItemsRequest, renameItemRequest, RUN_OPERATION_COMMAND, type OperationCommandArgs, type RenameReply } from '../../server/src/protocol';
import type { Coding } from '../../server/src/core/model/model';
import { fixture } from '../unit/codebookFixture';

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-codebook-'));
  for (const [rel, text] of Object.entries(fixture())) {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  }
  return root;
}

function touched(editor: TestEditor, edit: WorkspaceEdit): string[] {
  return (edit.documentChanges ?? [])
    .map((c) => ('kind' in c ? undefined : c.textDocument.uri))
    .filter((u): u is string => u !== undefined)
    .map((u) => path.relative(editor.root, URI.parse(u).fsPath).split(path.sep).join('/'))
    .sort();
}

/** Every file an operation's reply changes: its WorkspaceEdit's, and the server's own it writes on commit. */
function touchedBy(editor: TestEditor, result: { edit?: WorkspaceEdit; pending?: string[] }): string[] {
  const rel = (u: string): string => path.relative(editor.root, URI.parse(u).fsPath).split(path.sep).join('/');
  return [...(result.edit ? touched(editor, result.edit) : []), ...(result.pending ?? []).map(rel)].sort();
}

describe('codebook work over stdio', function () {
  this.timeout(30000);
  const ctx = serverSuite(makeProject, { each: true });
  const read = (rel: string): string => readFileSync(path.join(ctx.root, rel), 'utf8');
  const codings = (rel: string): Coding[] => read(rel).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Coding);
  const positionOf = (rel: string, needle: string, delta = 1): { line: number; character: number } => positionIn(read(rel), needle, delta);


  it('renames a code with F2 in codebook.md: codebook, both coders’ codings, links and colour in one edit', async () => {
    const uri = ctx.editor.uri('codebook.md');
    const position = positionOf('codebook.md', '- **«læring i sandkassa»**', 6);
    const prepared = (await ctx.editor.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position })) as { range: unknown; placeholder: string };
    assert.equal(prepared.placeholder, '«læring i sandkassa»');
    const edit = (await ctx.editor.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'Trygt øvingsmiljø 🏖' })) as RenameReply;
    assert.deepEqual(touchedBy(ctx.editor, { edit, pending: edit.pending }), ['.qda/codings/anna.jsonl', '.qda/codings/bjorn.jsonl', 'codebook.md', 'memos/Wenger 1998.md', 'qda.yaml']);
    // The codings files are the server's: written on commit, never in the edit VS Code applies.
    assert.deepEqual(touched(ctx.editor, edit), ['codebook.md', 'memos/Wenger 1998.md', 'qda.yaml']);
    const untouched = read('chapters/kap5.md');
    await ctx.editor.applyResult({ edit, commit: edit.commit });
    assert.ok(read('codebook.md').includes('- **Trygt øvingsmiljø 🏖** — in vivo; testmiljøet.'));
    assert.ok(read('codebook.md').includes('se [[Trygt øvingsmiljø 🏖]].'));
    assert.ok(read('memos/Wenger 1998.md').includes('[[Trygt øvingsmiljø 🏖|sandkassa]]'));
    assert.deepEqual(codings('.qda/codings/bjorn.jsonl').map((c) => c.code), ['Trygt øvingsmiljø 🏖', 'Kunde-innsikt']);
    assert.equal(codings('.qda/codings/anna.jsonl').find((c) => c.id === 'a1')?.code, 'Trygt øvingsmiljø 🏖');
    assert.equal(read('chapters/kap5.md'), untouched);
    // The server's index follows: the new name is known and its links resolve.
    let again = await ctx.editor.connection.sendRequest(renameItemRequest, { name: 'Trygt øvingsmiljø 🏖', newName: 'Sandkassa' });
    for (let i = 0; i < 100 && again.error; i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await ctx.editor.connection.sendRequest(renameItemRequest, { name: 'Trygt øvingsmiljø 🏖', newName: 'Sandkassa' });
    }
    assert.equal(again.error, undefined);
    assert.match(again.message ?? '', /2 codings, 2 links/);
    assert.ok((ctx.editor.diagnostics.get(ctx.editor.uri('memos/Wenger 1998.md')) ?? []).every((x) => x.code !== 'qda.unresolvedLink'));
  });

  it('F2 through the server’s writer: no codings in the edit, nothing written for a rename never applied, the codings on commit, undo takes both back', async () => {
    const uri = ctx.editor.uri('codebook.md');
    const position = positionOf('codebook.md', '- **Superbrukere som støtte**', 6);
    const before = { anna: read('.qda/codings/anna.jsonl'), codebook: read('codebook.md'), memo: read('memos/Wenger 1998.md') };
    // The user cancels the refactor preview (or VS Code refuses the edit): no commit comes.
    const cancelled = (await ctx.editor.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'Støtte fra kolleger' })) as RenameReply;
    assert.ok(cancelled.commit !== undefined, 'the codings wait for a commit');
    assert.deepEqual(cancelled.pending, [ctx.editor.uri('.qda/codings/anna.jsonl')]);
    assert.deepEqual(touched(ctx.editor, cancelled), ['codebook.md', 'memos/Wenger 1998.md']);
    assert.equal(read('.qda/codings/anna.jsonl'), before.anna, 'nothing written before the commit');

    const edit = (await ctx.editor.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'Kollegastøtte' })) as RenameReply;
    assert.deepEqual(touched(ctx.editor, edit), ['codebook.md', 'memos/Wenger 1998.md']);
    assert.equal(read('.qda/codings/anna.jsonl'), before.anna);
    const committed = await ctx.editor.applyResult({ edit, commit: edit.commit });
    assert.deepEqual(committed.written, [ctx.editor.uri('.qda/codings/anna.jsonl')]);
    assert.equal(codings('.qda/codings/anna.jsonl').find((c) => c.id === 'a2')?.code, 'Kollegastøtte');
    assert.ok(read('codebook.md').includes('- **Kollegastøtte** — kolleger hjelper.'));
    // The older, never applied rename cannot be committed now: its codings are not those of today.
    const stale = await ctx.editor.connection.sendRequest(commitEditRequest, { commit: cancelled.commit! });
    assert.match(stale.error ?? '', /anna\.jsonl changed while the change was applied/);
    assert.equal(codings('.qda/codings/anna.jsonl').find((c) => c.id === 'a2')?.code, 'Kollegastøtte');
    // Ctrl+Z in codebook.md (where F2 was pressed): the codings back, the codebook and memo through the editor.
    assert.deepEqual(committed.history, { undo: { uri, version: null } });
    const undo = await ctx.editor.connection.sendRequest(codingUndoRequest, { uri });
    assert.ok(undo.edit && undo.commit !== undefined, JSON.stringify(undo));
    assert.deepEqual(touched(ctx.editor, undo.edit), ['codebook.md', 'memos/Wenger 1998.md']);
    await ctx.editor.applyResult(undo);
    assert.equal(read('.qda/codings/anna.jsonl'), before.anna, 'undo gives the codings back byte for byte');
    assert.equal(read('codebook.md'), before.codebook);
    assert.equal(read('memos/Wenger 1998.md'), before.memo);
  });

  it('renames a category from a [[link]] in a chapter, and refuses a clashing name with a message', async () => {
    const uri = ctx.editor.uri('chapters/kap5.md');
    const position = positionOf('chapters/kap5.md', '[[Kompetanse og opplæring]]', 4);
    const prepared = (await ctx.editor.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position })) as { placeholder: string };
    assert.equal(prepared.placeholder, 'Kompetanse og opplæring');
    await assert.rejects(
      ctx.editor.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'LEDELSE' }),
      (err: Error) => /already a category 'Ledelse'/.test(err.message),
    );
    const edit = (await ctx.editor.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'Læring på jobben' }))!;
    assert.deepEqual(touched(ctx.editor, edit), ['chapters/kap5.md', 'codebook.md']);
    await ctx.editor.applyAndSave(edit);
    assert.ok(read('codebook.md').includes('\n## Læring på jobben\n'));
    assert.ok(read('chapters/kap5.md').includes('Tema: [[Læring på jobben]].'));
    // A link to a note is not renamed here.
    await assert.rejects(
      ctx.editor.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: ctx.editor.uri('codebook.md') }, position: positionOf('codebook.md', '[[Wenger 1998]]', 4) }),
      (err: Error) => /links to the note memos\/Wenger 1998\.md/.test(err.message),
    );
  });

  it('merges codes through qda/mergeCodes and renames through qda/renameItem, saving exactly the files it changed', async () => {
    const merged = await ctx.editor.connection.sendRequest(mergeCodesRequest, { sources: ['Kunde-innsikt'], target: 'Kundeinnsikt' });
    assert.equal(merged.error, undefined);
    assert.equal(merged.removed, 1);
    assert.deepEqual(touchedBy(ctx.editor, merged), ['.qda/codings/anna.jsonl', '.qda/codings/bjorn.jsonl', 'chapters/kap5.md', 'codebook.md']);
    assert.deepEqual([...merged.save!, ...(merged.pending ?? [])].sort(), ['.qda/codings/anna.jsonl', '.qda/codings/bjorn.jsonl', 'chapters/kap5.md', 'codebook.md'].map((r) => ctx.editor.uri(r)).sort());
    await ctx.editor.applyResult(merged);
    assert.deepEqual(codings('.qda/codings/anna.jsonl').filter((c) => c.exact === 'Kundene merket det').map((c) => c.code), ['Kundeinnsikt']);
    assert.deepEqual(codings('.qda/codings/bjorn.jsonl').map((c) => c.code), ['«læring i sandkassa»', 'Kundeinnsikt']);
    assert.ok(!read('codebook.md').includes('Kunde-innsikt'));

    const refused = await ctx.editor.connection.sendRequest(renameItemRequest, { name: 'Korte økter', newName: 'kundeinnsikt' });
    assert.match(refused.error ?? '', /already a code 'Kundeinnsikt'/);
    assert.equal(refused.edit, undefined);
  });

  it('moves a code into another category, deletes a code after saying how many codings go, and exports', async () => {
    const moved = await ctx.editor.connection.sendRequest(moveItemsRequest, { names: ['Kundeinnsikt'], target: { kind: 'into', category: 'Ledelse' } });
    assert.deepEqual(touched(ctx.editor, moved.edit!), ['codebook.md']);
    await ctx.editor.applyResult(moved);
    assert.ok(read('codebook.md').includes('(R2).\n- **Kundeinnsikt** — bruke data om kunden\n\n## Ukategorisert'));
    const deletion = await ctx.editor.connection.sendRequest(deleteCodeRequest, { name: 'Kunde-innsikt' });
    assert.equal(deletion.removed, 2);
    assert.deepEqual(touchedBy(ctx.editor, deletion), ['.qda/codings/anna.jsonl', '.qda/codings/bjorn.jsonl', 'codebook.md']);
    const csv = await ctx.editor.connection.sendRequest(exportCodebookRequest, { format: 'csv' });
    assert.equal(csv.fileName, 'kodebok.csv');
    assert.ok(csv.text?.includes('\r\nLedelse,,Kundeinnsikt,,bruke data om kunden,1,1,FL1,anna,Kundene merket det,FL1\r\n'), csv.text);
    const docx = await ctx.editor.connection.sendRequest(exportCodebookRequest, { format: 'codebook-docx' });
    assert.equal(Buffer.from(docx.base64!, 'base64').subarray(0, 2).toString(), 'PK');
  });

  it('offers a quick fix that merges near-duplicate codes', async () => {
    const diagnostics = await ctx.editor.waitForDiagnostics('codebook.md', (d) => d.some((x) => x.code === 'qda.codeNearDuplicate'));
    const near = diagnostics.filter((d) => d.code === 'qda.codeNearDuplicate');
    const actions = (await ctx.editor.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: ctx.editor.uri('codebook.md') }, range: near[0].range, context: { diagnostics: near } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred]), [["Merge 'Kunde-innsikt' into 'Kundeinnsikt'", true], ["Merge 'Kundeinnsikt' into 'Kunde-innsikt'", false]]);
    // A fix that changes codings carries no edit: its command runs qda/mergeCodes (the server's writer, then the commit).
    assert.equal(actions[0].edit, undefined);
    const args = actions[0].command?.arguments?.[0] as OperationCommandArgs;
    assert.equal(actions[0].command?.command, RUN_OPERATION_COMMAND);
    assert.deepEqual(args, { method: 'qda/mergeCodes', params: { sources: ['Kunde-innsikt'], target: 'Kundeinnsikt', origin: ctx.editor.uri('codebook.md') } });
    const merged = await ctx.editor.connection.sendRequest(mergeCodesRequest, args.params);
    assert.deepEqual(touchedBy(ctx.editor, merged), ['.qda/codings/anna.jsonl', '.qda/codings/bjorn.jsonl', 'chapters/kap5.md', 'codebook.md']);
    await ctx.editor.applyResult(merged);
    await ctx.editor.waitForDiagnostics('codebook.md', (d) => d.every((x) => x.code !== 'qda.codeNearDuplicate'));
  });
});

describe('framework.md follows F2 and merges over stdio', function () {
  this.timeout(30000);
  const NOTES = '# Rammeverk\n\n## «læring i sandkassa»\n\n### R2\n\nTrygt å prøve.\n\n## Kunde-innsikt\n\n### FL1\n\nKundene merket det.\n\n## Kundeinnsikt\n\n### FL1\n\nData om kunden.\n';
  const ctx = serverSuite(async () => {
    const root = await makeProject();
    await fsp.writeFile(path.join(root, 'framework.md'), NOTES);
    return root;
  }, { each: true });
  const read = (rel: string): string => readFileSync(path.join(ctx.root, rel), 'utf8');

  it('F2 on a code: the reply renames its ## heading in framework.md beside codebook.md; Ctrl+Z takes it back with the rest', async () => {
    const uri = ctx.editor.uri('codebook.md');
    const position = positionIn(read('codebook.md'), '- **«læring i sandkassa»**', 6);
    const edit = (await ctx.editor.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'Trygt øvingsmiljø' })) as RenameReply;
    // framework.md is the user's: in the WorkspaceEdit, with codebook.md, the memo and qda.yaml.
    assert.deepEqual(touched(ctx.editor, edit), ['codebook.md', 'framework.md', 'memos/Wenger 1998.md', 'qda.yaml']);
    const committed = await ctx.editor.applyResult({ edit, commit: edit.commit });
    assert.equal(read('framework.md'), NOTES.replace('## «læring i sandkassa»', '## Trygt øvingsmiljø'));
    assert.deepEqual(committed.history, { undo: { uri, version: null } });
    const undo = await ctx.editor.connection.sendRequest(codingUndoRequest, { uri });
    assert.ok(undo.edit, JSON.stringify(undo));
    assert.ok(touched(ctx.editor, undo.edit).includes('framework.md'));
    await ctx.editor.applyResult(undo);
    assert.equal(read('framework.md'), NOTES);
  });

  it('qda/mergeCodes: both notes of a column kept in one cell under the surviving row, in the edit the client applies', async () => {
    const merged = await ctx.editor.connection.sendRequest(mergeCodesRequest, { sources: ['Kunde-innsikt'], target: 'Kundeinnsikt' });
    assert.equal(merged.error, undefined);
    assert.ok(touched(ctx.editor, merged.edit!).includes('framework.md'));
    await ctx.editor.applyResult(merged);
    assert.equal(read('framework.md'), '# Rammeverk\n\n## «læring i sandkassa»\n\n### R2\n\nTrygt å prøve.\n\n## Kundeinnsikt\n\n### FL1\n\nData om kunden.\n\nKundene merket det.\n');
  });
});
