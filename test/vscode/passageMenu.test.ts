// Issue 15.3 in a real VS Code: work on a coded passage where it is. With the cursor in a coded
// passage of a transcript: Recode (one edit, one Ctrl+Z), Uncode (the named code when several
// apply), Show in Codebook, Insert Quote into Chapter; and Uncode/Recode on a tree segment.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, waitFor, readCodings, uncodedPassage, transcripts, workspaceRoot, findCodeNode, codebookCodes } from './helpers';

interface PassageResult { applied: boolean; id?: string; code?: string }
const CHAPTER = 'chapters/kapittel-5-funn.md';

async function codedPassage(doc: string, codes: string[]) {
  const uri = vscode.Uri.file(path.join(workspaceRoot(), doc));
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
  const passage = uncodedPassage(editor.document.getText(), doc);
  for (const code of codes) {
    editor.selection = new vscode.Selection(editor.document.positionAt(passage.start), editor.document.positionAt(passage.end));
    await vscode.commands.executeCommand('qda.selectionCode', { code });
    await waitFor(`${code} on "${passage.exact}" on disk`, () => readCodings().find((c) => c.doc === doc && c.code === code && c.exact === passage.exact));
  }
  // The cursor inside the passage, nothing selected: where a right-click puts it.
  const inside = editor.document.positionAt(passage.start + 3);
  editor.selection = new vscode.Selection(inside, inside);
  return { editor, passage };
}

describe('a coded passage’s menu in a real VS Code', function () {
  this.timeout(90_000);

  it('recodes the passage under the cursor in one edit that one Ctrl+Z undoes', async () => {
    const api = await qda();
    const doc = transcripts()[1];
    const [from, to] = codebookCodes().slice(2, 4);
    const { editor, passage } = await codedPassage(doc, [from]);
    const before = readCodings();
    const mine = before.find((c) => c.doc === doc && c.code === from && c.exact === passage.exact)!;
    const result = await vscode.commands.executeCommand<PassageResult>('qda.passageRecode', undefined, { code: to });
    assert.deepEqual(result, { applied: true, id: mine.id, code: to });
    const after = await waitFor(`the coding ${mine.id} recoded to ${to} on disk`, () => {
      const now = readCodings();
      return now.find((c) => c.id === mine.id)?.code === to ? now : undefined;
    });
    assert.equal(after.length, before.length, 'recoding moves the coding; it adds or removes none');
    assert.deepEqual({ ...after.find((c) => c.id === mine.id), code: from }, mine);
    // The tree counts it under its new code.
    await waitFor(`${to}'s segments in the tree include the passage`, async () => {
      const node = await findCodeNode(api.codebookTree, to);
      const segs = node ? ((await api.codebookTree.getChildren(node.element as never)) ?? []) as Array<{ segment: { id: string } }> : [];
      return segs.some((s) => s.segment.id === mine.id) ? true : undefined;
    });
    // One Ctrl+Z in the transcript undoes the whole recode.
    await vscode.window.showTextDocument(editor.document, vscode.ViewColumn.One);
    await vscode.commands.executeCommand('qda.codingUndo');
    await waitFor(`the coding back under ${from}`, () => (readCodings().find((c) => c.id === mine.id)?.code === from ? true : undefined));
  });

  it('uncodes the named code of a passage with two codes, leaves the other, and on a tree segment uncodes that segment', async () => {
    const api = await qda();
    const doc = transcripts()[2];
    const [a, b] = codebookCodes().slice(4, 6);
    const { passage } = await codedPassage(doc, [a, b]);
    const result = await vscode.commands.executeCommand<PassageResult>('qda.passageUncode', undefined, { code: b });
    assert.equal(result?.applied, true);
    assert.equal(result?.code, b);
    await waitFor(`${b} gone from "${passage.exact}"`, () => (readCodings().some((c) => c.doc === doc && c.code === b && c.exact === passage.exact) ? undefined : true));
    const kept = readCodings().find((c) => c.doc === doc && c.code === a && c.exact === passage.exact);
    assert.ok(kept, `${a} stays on the passage`);

    // The same from the Codebook tree: the segment's own Uncode, no selection needed.
    const node = await waitFor(`${a} in the tree`, () => findCodeNode(api.codebookTree, a));
    const segment = await waitFor(`the segment ${kept.id} under ${a}`, async () => {
      const segs = ((await api.codebookTree.getChildren(node.element as never)) ?? []) as Array<{ kind: string; segment: { id: string } }>;
      return segs.find((s) => s.segment.id === kept.id);
    });
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(workspaceRoot(), CHAPTER)), { viewColumn: vscode.ViewColumn.Two });
    const fromTree = await vscode.commands.executeCommand<PassageResult>('qda.passageUncode', segment);
    assert.equal(fromTree?.applied, true);
    await waitFor(`${kept.id} gone from disk`, () => (readCodings().some((c) => c.id === kept.id) ? undefined : true));
  });

  it('recodes a tree segment to a new code, created in the codebook', async () => {
    const api = await qda();
    const doc = transcripts()[3];
    const [a] = codebookCodes().slice(6, 7);
    const { passage } = await codedPassage(doc, [a]);
    const coded = readCodings().find((c) => c.doc === doc && c.code === a && c.exact === passage.exact)!;
    const node = await waitFor(`${a} in the tree`, () => findCodeNode(api.codebookTree, a));
    const segment = await waitFor(`the segment under ${a}`, async () => {
      const segs = ((await api.codebookTree.getChildren(node.element as never)) ?? []) as Array<{ kind: string; segment: { id: string } }>;
      return segs.find((s) => s.segment.id === coded.id);
    });
    const result = await vscode.commands.executeCommand<PassageResult>('qda.passageRecode', segment, { code: 'Omkodet fra treet' });
    assert.equal(result?.applied, true);
    await waitFor('the new code in codebook.md', () => (codebookCodes().includes('Omkodet fra treet') ? true : undefined));
    await waitFor('the coding under the new code', () => (readCodings().find((c) => c.id === coded.id)?.code === 'Omkodet fra treet' ? true : undefined));
  });

  it('shows the passage’s code in the Codebook and inserts the passage as a quote into the chapter', async () => {
    await qda();
    const chapterUri = vscode.Uri.file(path.join(workspaceRoot(), CHAPTER));
    const chapter = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(chapterUri), vscode.ViewColumn.Two);
    const end = chapter.document.positionAt(chapter.document.getText().length);
    await chapter.edit((e) => e.insert(end, '\nFra transkripsjonen: '));
    const cursor = chapter.document.positionAt(chapter.document.getText().length);
    chapter.selection = new vscode.Selection(cursor, cursor);

    const doc = transcripts()[4];
    const [a] = codebookCodes().slice(7, 8);
    const { passage } = await codedPassage(doc, [a]);
    const coding = readCodings().find((c) => c.doc === doc && c.code === a && c.exact === passage.exact)!;
    const shown = await vscode.commands.executeCommand<PassageResult>('qda.passageShowInCodebook');
    assert.deepEqual(shown, { applied: true, id: coding.id, code: a });

    await vscode.window.showTextDocument(vscode.Uri.file(path.join(workspaceRoot(), doc)), { viewColumn: vscode.ViewColumn.One });
    const quoted = await vscode.commands.executeCommand<PassageResult>('qda.passageInsertQuote');
    assert.equal(quoted?.id, coding.id);
    await waitFor('the quote with its anchor in the chapter', () => (chapter.document.getText().includes(`<!--qda:${coding.id}-->`) ? true : undefined));
    await vscode.window.showTextDocument(chapter.document, vscode.ViewColumn.Two);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.ok(fs.existsSync(chapterUri.fsPath));
  });
});
