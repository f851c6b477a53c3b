// Issue 16.3 (rest) in a real VS Code: F2 on a code and a transcript renamed in the explorer
// change the codings files through the server's one writer, never through a WorkspaceEdit. F2's
// edit holds only codebook.md and the [[links]]; once VS Code has applied it the codings on disk
// name the new code (the tree's counts unchanged), an F2 edit never applied writes nothing, and
// Ctrl+Z in codebook.md (qda.codingUndo) takes back codings and codebook together.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codebookCodes, findCodeNode, qda, readCodings, shownCount, waitFor, waitForAllSaved, workspaceRoot } from './helpers';

describe('F2 and explorer renames through the server’s writer (issue 16.3)', function () {
  this.timeout(90_000);
  const root = (): string => workspaceRoot();
  const codingsFiles = (): Map<string, string> => {
    const dir = path.join(root(), '.qda/codings');
    return new Map(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl')).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  };

  /** For waitFor: true once exactly `count` codings on disk name `code`. */
  const codingsNamed = (code: string, count: number) => (): true | undefined => (readCodings().filter((c) => c.code === code).length === count ? true : undefined);

  /**
   * A code with codings whose F2 rename edits codebook.md alone (no [[links]] to it), so that
   * VS Code undoes it without asking whether to undo in other files too; the F2 edit that renames
   * it to `code + suffix` (not applied), and its codings' count.
   */
  const codeOfCodebookAlone = async (doc: vscode.TextDocument, suffix: string): Promise<{ code: string; edit: vscode.WorkspaceEdit; count: number }> => {
    const all = readCodings();
    for (const code of codebookCodes().filter((x) => x !== 'Lære av kolleger' && all.some((k) => k.code === x))) {
      const at = doc.positionAt(doc.getText().indexOf(`**${code}**`) + 3);
      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, at, `${code}${suffix}`);
      if (edit.size === 1) return { code, edit, count: all.filter((c) => c.code === code).length };
    }
    throw new Error('no code with codings and no [[links]]');
  };

  it('F2 on a code: no codings in the edit, the codings on disk renamed once it is applied, tree counts unchanged; Ctrl+Z restores', async function () {
    const api = await qda();
    await waitForAllSaved();
    // A code of the codebook with codings in at least two files, that no other suite renames.
    const all = readCodings();
    const code = codebookCodes().find((c) => c !== 'Lære av kolleger' && new Set(all.filter((x) => x.code === c).map((x) => `${x.coder}/${x.doc}`)).size >= 2);
    assert.ok(code, 'a code with codings in two files');
    const count = all.filter((c) => c.code === code).length;
    const node = await waitFor('the code in the tree', () => findCodeNode(api.codebookTree, code));
    assert.equal(shownCount(node), count);
    const codebookPath = path.join(root(), 'codebook.md');
    const codebookBefore = fs.readFileSync(codebookPath, 'utf8');
    const filesBefore = codingsFiles();

    const doc = await vscode.workspace.openTextDocument(codebookPath);
    await vscode.window.showTextDocument(doc);
    const pos = doc.positionAt(doc.getText().indexOf(`**${code}**`) + 3);
    const rename = (name: string): Thenable<vscode.WorkspaceEdit> => vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, pos, name);

    // An F2 whose edit is never applied (the preview cancelled): its codings are never written.
    const dropped = await rename(`${code} (forkastet)`);
    assert.ok(dropped.size > 0);
    const newName = `${code} – omdøpt`;
    const edit = await rename(newName);
    const touched = edit.entries().map(([uri]) => path.relative(root(), uri.fsPath).split(path.sep).join('/'));
    assert.ok(touched.includes('codebook.md'), touched.join(', '));
    assert.ok(!touched.some((t) => t.startsWith('.qda/')), `no codings file in the edit: ${touched.join(', ')}`);
    assert.deepEqual(codingsFiles(), filesBefore, 'nothing written before the edit is applied');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('every coding renamed on disk', () => {
      const now = readCodings();
      return now.filter((c) => c.code === newName).length === count && !now.some((c) => c.code === code) ? true : undefined;
    });
    assert.ok(!readCodings().some((c) => c.code === `${code} (forkastet)`), 'the dropped rename wrote nothing');
    // The tree hears of the codebook's new name and of the codings written after the commit as
    // two changes; it settles on the renamed code with every coding it had.
    const renamed = await waitFor('the renamed code in the tree with its codings', async () => {
      const n = await findCodeNode(api.codebookTree, newName);
      return n && shownCount(n) === count ? n : undefined;
    });
    assert.equal(shownCount(renamed), count, 'the tree counts unchanged');
    await waitForAllSaved();
    assert.ok(fs.readFileSync(codebookPath, 'utf8').includes(`**${newName}**`));

    // Ctrl+Z in codebook.md, where F2 was pressed.
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, codebookPath);
    assert.equal(await vscode.commands.executeCommand('qda.codingUndo'), true);
    await waitFor('the codings back on disk', codingsNamed(code, count));
    assert.deepEqual(codingsFiles(), filesBefore, 'the codings files byte for byte as before');
    await waitForAllSaved();
    assert.equal(fs.readFileSync(codebookPath, 'utf8'), codebookBefore);
    const back = await waitFor('the old name in the tree', () => findCodeNode(api.codebookTree, code));
    assert.equal(shownCount(back), count);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('F2 on a code, then Edit › Undo and Edit › Redo from the menu (VS Code\'s own undo): the codings follow the codebook both ways', async function () {
    const api = await qda();
    await waitForAllSaved();
    const codebookPath = path.join(root(), 'codebook.md');
    const doc = await vscode.workspace.openTextDocument(codebookPath);
    await vscode.window.showTextDocument(doc);
    const { code, edit, count } = await codeOfCodebookAlone(doc, ' – menyen');
    const newName = `${code} – menyen`;
    const codebookBefore = doc.getText();
    const filesBefore = codingsFiles();
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the codings renamed on disk', codingsNamed(newName, count));
    // The reply of the commit, which the undo is matched against, has reached the client.
    await waitFor('the undo log ends with the rename, made in codebook.md', () => {
      const top = api.codingHistory().undo;
      return top && vscode.Uri.parse(top.uri).fsPath === codebookPath && top.version === doc.version ? true : undefined;
    });

    // Edit › Undo: VS Code takes back codebook.md; the codings follow.
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), codebookBefore, 'VS Code took back the codebook');
    await waitFor('the codings back on disk', codingsNamed(code, count));
    assert.deepEqual(codingsFiles(), filesBefore, 'the codings files byte for byte as before');
    const back = await waitFor('the old name in the tree with its codings', async () => {
      const n = await findCodeNode(api.codebookTree, code);
      return n && shownCount(n) === count ? n : undefined;
    });
    assert.equal(shownCount(back), count);

    // Edit › Redo: the rename again, codings too.
    await vscode.commands.executeCommand('redo');
    assert.ok(doc.getText().includes(`**${newName}**`), 'VS Code made the codebook change again');
    await waitFor('the codings renamed again', codingsNamed(newName, count));
    assert.ok(!readCodings().some((c) => c.code === code));

    // And back, so that the other suites find the demo as it was.
    await vscode.commands.executeCommand('undo');
    await waitFor('the codings back again', codingsNamed(code, count));
    assert.deepEqual(codingsFiles(), filesBefore);
    await waitForAllSaved();
    assert.equal(fs.readFileSync(codebookPath, 'utf8'), codebookBefore);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Rename in the Codebook tree, then Edit › Undo in codebook.md: the codings come back with the name', async function () {
    const api = await qda();
    await waitForAllSaved();
    const codebookPath = path.join(root(), 'codebook.md');
    const doc = await vscode.workspace.openTextDocument(codebookPath);
    // (Looked for with a name other than the tree's: an F2 edit never applied is committed by
    // the client once a document shows it, which the tree's rename to the same name would do.)
    const { code, count } = await codeOfCodebookAlone(doc, ' – prøve');
    const newName = `${code} – treet`;
    const codebookBefore = fs.readFileSync(codebookPath, 'utf8');
    const filesBefore = codingsFiles();
    const node = await waitFor('the code in the tree', () => findCodeNode(api.codebookTree, code));
    // Rename… from the tree's context menu (the new name given instead of typed).
    await vscode.commands.executeCommand('qda.codeRename', node.element, [node.element], newName);
    await waitFor('the codings renamed on disk', codingsNamed(newName, count));
    await waitFor('the undo log ends with the rename, undone in codebook.md', () => {
      const top = api.codingHistory().undo;
      return top && vscode.Uri.parse(top.uri).fsPath === codebookPath ? true : undefined;
    });
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('the codings back on disk', codingsNamed(code, count));
    assert.deepEqual(codingsFiles(), filesBefore, 'the codings files byte for byte as before');
    await waitForAllSaved();
    assert.equal(fs.readFileSync(codebookPath, 'utf8'), codebookBefore);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a transcript renamed in the explorer keeps its codings painted, moved by the server (no codings file left dirty)', async function () {
    const api = await qda();
    const doc = 'transcripts/teams-intervju-FL2.md';
    const codings = readCodings().filter((c) => c.doc === doc);
    assert.ok(codings.length > 0, `${doc} has codings`);
    const moved = 'transcripts/teams-intervju-FL2-omdøpt.md';
    const uri = (rel: string): vscode.Uri => vscode.Uri.file(path.join(root(), rel));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri(doc)));
    await waitFor('the codings painted', () => (api.decorationRanges(editor).length > 0 ? true : undefined));

    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(uri(doc), uri(moved));
    assert.ok(await vscode.workspace.applyEdit(edit));
    const at = (d: string): number => readCodings().filter((c) => c.doc === d).length;
    await waitFor('the codings name the new path on disk', () => (at(moved) === codings.length && at(doc) === 0 ? true : undefined));
    assert.ok(vscode.workspace.textDocuments.every((d) => !d.isDirty || !d.uri.fsPath.includes('.qda')), 'no codings file left unsaved in an editor');
    const exacts = new Set(codings.map((c) => c.exact));
    await waitFor('every coding painted in the renamed transcript', () => {
      const current = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri(moved).fsPath);
      if (!current) return undefined;
      const painted = new Set(api.decorationRanges(current).map((r) => current.document.getText(r)));
      return [...exacts].every((x) => painted.has(x)) ? true : undefined;
    });

    // Back, as the other suites expect the demo.
    const undo = new vscode.WorkspaceEdit();
    undo.renameFile(uri(moved), uri(doc));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await waitFor('the codings back at the old path', () => (at(doc) === codings.length && at(moved) === 0 ? true : undefined));
    // The server, too, has the transcript back with every coding on it before the next suite
    // counts (the disk being right is not enough: the server learns of the moved-back file
    // through its own events).
    await waitFor('every coding painted at the old path again', () => {
      const back = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri(doc).fsPath);
      if (!back) return undefined;
      const painted = new Set(api.decorationRanges(back).map((r) => back.document.getText(r)));
      return [...exacts].every((x) => painted.has(x)) ? true : undefined;
    });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
