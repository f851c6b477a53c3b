// The real server process over stdio, driven as an editor would drive it.
import { strict as assert } from 'node:assert';
import { promises as fsp, readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HoverRequest, DefinitionRequest, ReferencesRequest, CompletionRequest, WorkspaceSymbolRequest, type Hover, type Location, type CompletionList, type MarkupContent, type SymbolInformation } from 'vscode-languageserver-protocol';
import { serverSuite } from './lspClient';
import { LineIndex } from '../../server/src/core/text/text';
import { codeSelectionRequest, codebookTreeRequest, documentCodingsRequest, recodeCodingRequest, segmentsRequest, uncodeCodingRequest, uncodeSelectionRequest, type TreeNode } from '../../server/src/protocol';
import type { Coding } from '../../server/src/core/model/model';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');

async function makeProject(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'qda-server-'));
  const write = async (rel: string, text: string): Promise<void> => {
    await fsp.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fsp.writeFile(path.join(root, rel), text);
  };
  await write('qda.yaml', 'language: nb\ncoder: anna\ninterviewers: [Intervjuer]\n');
  const codebook = readFileSync(path.join(CORPUS, 'kodebok-eksempel.md'), 'utf8').replace('Hvordan ansatte lærte systemet.', 'Hvordan ansatte lærte systemet. Se [[Wenger 1998]].');
  await write('codebook.md', codebook);
  await write('transcripts/R2.md', readFileSync(path.join(CORPUS, 'intervju-R2.md'), 'utf8'));
  await write('memos/Wenger 1998.md', '# Praksisfellesskap\n\nSuperbrukerne er et lite praksisfellesskap: [[Superbrukere som støtte]].\nSe også [[Kompetanse og opplæring]].\n');
  await write('memos/Tjora 2021.md', '---\ntags: [metode]\n---\n# Stegvis-deduktiv induksjon\n\n## Kodene først\n\nEmpirinære **koder** tett på informantenes ord, se [boka](https://example.org/x.png).\n\n- steg 1\n- steg 2\n\n## Senere\n\nIkke med.\n');
  return root;
}

describe('language server over stdio', function () {
  this.timeout(30000);
  const ctx = serverSuite(makeProject);


  it('codes a selection through qda/codeSelection, writes the codings file and shows the coding everywhere', async () => {
    const text = await ctx.editor.open('transcripts/R2.md');
    const li = new LineIndex(text);
    const sentence = 'Vi kalte det «læring i sandkassa», for det var et sted der du kunne prøve uten at noe ble ødelagt.';
    const start = text.indexOf(sentence);
    const range = { start: li.positionAt(start), end: li.positionAt(start + sentence.length) };
    const result = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: ctx.editor.uri('transcripts/R2.md'), range, code: '«læring i sandkassa»' });
    assert.equal(result.error, undefined);
    // The server wrote the codings file itself: the reply names it, and there is nothing for the editor to apply.
    assert.deepEqual(result.written, [ctx.editor.uri('.qda/codings/anna/transcripts/R2.md.jsonl')]);
    assert.equal(result.edit, undefined);
    await ctx.editor.applyResult(result);
    const onDisk = JSON.parse(readFileSync(path.join(ctx.root, '.qda/codings/anna/transcripts/R2.md.jsonl'), 'utf8')) as Coding;
    assert.equal(onDisk.exact, sentence);
    assert.equal(onDisk.code, '«læring i sandkassa»');
    assert.equal(onDisk.id, result.id);

    // Decorations data and the tree follow.
    let decorations = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri: ctx.editor.uri('transcripts/R2.md') });
    for (let i = 0; i < 50 && decorations.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      decorations = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri: ctx.editor.uri('transcripts/R2.md') });
    }
    assert.deepEqual(decorations.map((d) => [d.code, d.range]), [['«læring i sandkassa»', range]]);
    const tree = await ctx.editor.connection.sendRequest(codebookTreeRequest, {});
    const find = (nodes: TreeNode[], name: string): TreeNode | undefined => {
      for (const n of nodes) {
        if (n.name === name) return n;
        const inner = find(n.children, name);
        if (inner) return inner;
      }
      return undefined;
    };
    const node = find(tree.roots, '«læring i sandkassa»');
    assert.deepEqual(node && [node.kind, node.codings, node.informants], ['code', 1, 1]);
    const theme = find(tree.roots, 'Kompetanse og opplæring');
    assert.deepEqual(theme && [theme.kind, theme.codings], ['category', 1]);

    // Hover over the coded passage names the code, its description and the coder.
    const hover = await ctx.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ctx.editor.uri('transcripts/R2.md') }, position: li.positionAt(start + 5) }) as Hover;
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /«læring i sandkassa»/);
    assert.match(value, /in vivo; informanten beskriver øvingsmiljøet/);
    assert.match(value, /coded by anna · R2/);

    // The coding is a reference of the code, at its transcript passage.
    const memo = await ctx.editor.open('memos/Wenger 1998.md');
    const codebook = await ctx.editor.open('codebook.md');
    const cbIndex = new LineIndex(codebook);
    const refs = await ctx.editor.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: ctx.editor.uri('codebook.md') }, position: cbIndex.positionAt(codebook.indexOf('«læring i sandkassa»') + 3), context: { includeDeclaration: false } }) as Location[];
    assert.deepEqual(refs, [{ uri: ctx.editor.uri('transcripts/R2.md'), range }]);
    void memo;
  });

  it('resolves [[links]]: definition, references, hover, completion; reports broken links; finds workspace symbols', async () => {
    const memo = readFileSync(path.join(ctx.root, 'memos/Wenger 1998.md'), 'utf8');
    const li = new LineIndex(memo);
    const at = (needle: string, delta = 2): { line: number; character: number } => li.positionAt(memo.indexOf(needle) + delta);
    const def = await ctx.editor.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: ctx.editor.uri('memos/Wenger 1998.md') }, position: at('[[Superbrukere som støtte]]', 4) }) as Location;
    const codebook = readFileSync(path.join(ctx.root, 'codebook.md'), 'utf8');
    const cbIndex = new LineIndex(codebook);
    const nameStart = codebook.indexOf('Superbrukere som støtte');
    assert.deepEqual(def, { uri: ctx.editor.uri('codebook.md'), range: { start: cbIndex.positionAt(nameStart), end: cbIndex.positionAt(nameStart + 'Superbrukere som støtte'.length) } });

    const noteRefs = await ctx.editor.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: ctx.editor.uri('codebook.md') }, position: cbIndex.positionAt(codebook.indexOf('[[Wenger 1998]]') + 3), context: { includeDeclaration: false } }) as Location[];
    assert.deepEqual(noteRefs.map((r) => r.uri), [ctx.editor.uri('codebook.md')]);

    const hover = await ctx.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ctx.editor.uri('memos/Wenger 1998.md') }, position: at('[[Kompetanse og opplæring]]', 5) }) as Hover;
    assert.match((hover.contents as MarkupContent).value, /\*\*Kompetanse og opplæring\*\*[\s\S]*Hvordan ansatte lærte systemet[\s\S]*6 codes · 1 codings/);
    // A link to a note: a short excerpt that renders as the note does, without "## " or URLs.
    const noteHover = await ctx.editor.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ctx.editor.uri('codebook.md') }, position: cbIndex.positionAt(codebook.indexOf('[[Wenger 1998]]') + 3) }) as Hover;
    assert.equal((noteHover.contents as MarkupContent).value, '**Praksisfellesskap** · memos/Wenger 1998.md\n\nSuperbrukerne er et lite praksisfellesskap: Superbrukere som støtte. Se også Kompetanse og opplæring.');

    // Typing "[[Sand" in the memo offers the code with that name.
    await ctx.editor.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: ctx.editor.uri('memos/Wenger 1998.md'), version: 2 },
      contentChanges: [{ range: { start: li.positionAt(memo.length), end: li.positionAt(memo.length) }, text: 'Se [[Sand' }],
    });
    const after = new LineIndex(memo + 'Se [[Sand');
    const completion = await ctx.editor.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: ctx.editor.uri('memos/Wenger 1998.md') }, position: after.positionAt(memo.length + 9) }) as CompletionList;
    const item = completion.items.find((i) => i.label === 'Sandkasse og superbrukere');
    assert.ok(item, 'the category is offered');
    assert.ok(completion.items.some((i) => i.label === '«læring i sandkassa»'));
    // Accepting it closes the link; the cursor lands after ]] (the end of the inserted text).
    const accept = (text: string, edit: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }) => {
      const ix = new LineIndex(text);
      const s = ix.offsetAt(edit.range.start);
      const next = text.slice(0, s) + edit.newText + text.slice(ix.offsetAt(edit.range.end));
      return { next, cursor: s + edit.newText.length };
    };
    const typed = accept(memo + 'Se [[Sand', item.textEdit as never);
    assert.equal(typed.next, memo + 'Se [[Sandkasse og superbrukere]]');
    assert.equal(typed.next.slice(typed.cursor - 2, typed.cursor), ']]');
    // The editor auto-closed the brackets ("[[Sand|]]"): one ]] stays, and the cursor is after it.
    await ctx.editor.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: ctx.editor.uri('memos/Wenger 1998.md'), version: 3 },
      contentChanges: [{ text: memo + 'Se [[Sand]] videre.' }],
    });
    const closed = await ctx.editor.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: ctx.editor.uri('memos/Wenger 1998.md') }, position: after.positionAt(memo.length + 9) }) as CompletionList;
    const auto = accept(memo + 'Se [[Sand]] videre.', closed.items.find((i) => i.label === 'Sandkasse og superbrukere')!.textEdit as never);
    assert.equal(auto.next, memo + 'Se [[Sandkasse og superbrukere]] videre.');
    assert.equal(auto.next.slice(auto.cursor), ' videre.');

    // An unclosed [[ is not a link; a link to nothing is.
    await ctx.editor.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: ctx.editor.uri('memos/Wenger 1998.md'), version: 4 },
      contentChanges: [{ text: memo + 'Se [[Finnes ikke]].\n' }],
    });
    const diags = await ctx.editor.waitForDiagnostics('memos/Wenger 1998.md', (d) => d.length > 0);
    assert.deepEqual(diags.map((d) => [d.code, d.message]), [['qda.unresolvedLink', '[[Finnes ikke]] resolves to no code, category or note.']]);

    const symbols = await ctx.editor.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'sandkas' }) as SymbolInformation[];
    assert.deepEqual(symbols.map((s) => s.name).sort(), ['Sandkasse og superbrukere', '«læring i sandkassa»']);
  });

  it('removes a coding with qda/uncodeSelection and reports the codings file when it is malformed', async () => {
    const text = readFileSync(path.join(ctx.root, 'transcripts/R2.md'), 'utf8');
    const li = new LineIndex(text);
    const start = text.indexOf('«læring i sandkassa»');
    const res = await ctx.editor.connection.sendRequest(uncodeSelectionRequest, { uri: ctx.editor.uri('transcripts/R2.md'), range: { start: li.positionAt(start), end: li.positionAt(start + 3) } });
    assert.equal(res.removed, 1);
    await ctx.editor.applyResult(res);
    assert.equal(readFileSync(path.join(ctx.root, '.qda/codings/anna/transcripts/R2.md.jsonl'), 'utf8'), '');

    await fsp.writeFile(path.join(ctx.root, '.qda/codings/anna/transcripts/R2.md.jsonl'), '{"id":"x1","doc":"transcripts/R2.md","start":5,"end":1,"code":"K"}\n');
    await ctx.editor.applyAndSave({ documentChanges: [] });
    await ctx.editor.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ctx.editor.uri('.qda/codings/anna/transcripts/R2.md.jsonl'), type: 2 }] });
    const diags = await ctx.editor.waitForDiagnostics('.qda/codings/anna/transcripts/R2.md.jsonl', (d) => d.length > 0);
    assert.equal(diags[0].code, 'qda.codingsMalformed');
    assert.equal(diags[0].range.start.line, 0);
    assert.match(diags[0].message, /Line 1 is not a valid coding: "end" is before "start"/);
    const refused = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: ctx.editor.uri('transcripts/R2.md'), range: { start: li.positionAt(start), end: li.positionAt(start + 10) }, code: 'Dobbeltregistrering' });
    assert.match(refused.error ?? '', /anna\/transcripts\/R2\.md\.jsonl line 1 is not a valid coding/);
    assert.equal(refused.edit, undefined);
  });

  it('recodes a passage (qda/recodeCoding) so the segments move to the new code, and uncodes one coding by id (qda/uncodeCoding)', async () => {
    // The test before leaves a malformed codings file behind: start from an empty one.
    await fsp.writeFile(path.join(ctx.root, '.qda/codings/anna/transcripts/R2.md.jsonl'), '');
    await ctx.editor.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ctx.editor.uri('.qda/codings/anna/transcripts/R2.md.jsonl'), type: 2 }] });
    await ctx.editor.waitForDiagnostics('.qda/codings/anna/transcripts/R2.md.jsonl', (d) => d.length === 0);
    const text = await ctx.editor.open('transcripts/R2.md');
    const li = new LineIndex(text);
    const start = text.indexOf('Hun sa at det er lov');
    const range = { start: li.positionAt(start), end: li.positionAt(start + 40) };
    const coded = await ctx.editor.connection.sendRequest(codeSelectionRequest, { uri: ctx.editor.uri('transcripts/R2.md'), range, code: 'Recode fra', create: true });
    assert.equal(coded.error, undefined);
    await ctx.editor.applyResult(coded);
    const id = coded.id!;
    const moved = await ctx.editor.connection.sendRequest(recodeCodingRequest, { id, code: 'Recode til', create: true });
    assert.equal(moved.error, undefined);
    await ctx.editor.applyResult(moved);
    const segmentsOf = (code: string) => ctx.editor.connection.sendRequest(segmentsRequest, { code });
    let to = await segmentsOf('Recode til');
    for (let i = 0; i < 50 && to.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      to = await segmentsOf('Recode til');
    }
    assert.deepEqual(to.map((s) => s.id), [id]);
    assert.deepEqual(await segmentsOf('Recode fra'), []);
    const codings = await ctx.editor.connection.sendRequest(documentCodingsRequest, { uri: ctx.editor.uri('transcripts/R2.md') });
    assert.deepEqual(codings.filter((c) => c.id === id).map((c) => [c.code, c.mine]), [['Recode til', true]]);

    const removed = await ctx.editor.connection.sendRequest(uncodeCodingRequest, { id });
    assert.equal(removed.error, undefined);
    await ctx.editor.applyResult(removed);
    let after = await segmentsOf('Recode til');
    for (let i = 0; i < 50 && after.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await segmentsOf('Recode til');
    }
    assert.deepEqual(after, []);
    assert.match((await ctx.editor.connection.sendRequest(uncodeCodingRequest, { id })).error ?? '', /no coding/);
  });
});
