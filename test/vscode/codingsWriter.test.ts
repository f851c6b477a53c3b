// Issue 16.3 in a real VS Code: the server writes the codings file itself. Code a passage, Undo
// in the transcript editor (qda.codingUndo, what Ctrl+Z runs there after a coding) and the
// highlight and the line on disk are gone, Redo brings both back — while the codings file is
// open beside it, where VS Code shows every step without the file ever becoming dirty.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, readCodings, uncodedPassage, waitFor, workspaceRoot } from './helpers';

describe('the server as the one writer of the codings files (issue 16.3)', function () {
  this.timeout(90_000);

  it('codes, undoes from the transcript editor (highlight and line gone), and redoes; an open codings file follows', async function () {
    const api = await qda();
    await vscode.workspace.saveAll(false);
    const doc = 'transcripts/teams-intervju-FL2.md';
    const codingsPath = path.join(workspaceRoot(), `.qda/codings/anna/${doc}.jsonl`);
    const codingsDoc = await vscode.workspace.openTextDocument(codingsPath);
    await vscode.window.showTextDocument(codingsDoc, vscode.ViewColumn.Two);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(workspaceRoot(), doc)), vscode.ViewColumn.One);
    const before = fs.readFileSync(codingsPath, 'utf8');
    const passage = uncodedPassage(editor.document.getText(), doc);
    editor.selection = new vscode.Selection(editor.document.positionAt(passage.start), editor.document.positionAt(passage.end));
    const painted = (): boolean => api.decorationRanges(editor).some((r) => editor.document.getText(r) === passage.exact);
    const lineOnDisk = (): boolean => readCodings().some((c) => c.doc === doc && c.exact === passage.exact);

    const result = await vscode.commands.executeCommand<{ applied: boolean; ids: string[] }>('qda.selectionCode', { code: 'Dobbeltregistrering' });
    assert.equal(result.applied, true);
    const afterCoding = fs.readFileSync(codingsPath, 'utf8');
    assert.ok(lineOnDisk(), 'the command is done when the line is on disk');
    await waitFor('the passage painted', () => (painted() ? true : undefined));
    // The open codings file shows the new line and has nothing unsaved.
    await waitFor('the open codings file showing the disk', () => (codingsDoc.getText() === afterCoding ? true : undefined));
    assert.equal(codingsDoc.isDirty, false);

    // Undo where the coding was made.
    assert.equal(vscode.window.activeTextEditor, editor);
    assert.equal(await vscode.commands.executeCommand('qda.codingUndo'), true);
    assert.equal(fs.readFileSync(codingsPath, 'utf8'), before, 'the line gone from disk, the file as it was');
    await waitFor('the highlight gone', () => (painted() ? undefined : true));
    await waitFor('the open codings file without the line', () => (codingsDoc.getText() === before ? true : undefined));
    assert.equal(codingsDoc.isDirty, false);
    assert.equal(editor.document.isDirty, false, 'the transcript untouched');

    assert.equal(await vscode.commands.executeCommand('qda.codingRedo'), true);
    assert.equal(fs.readFileSync(codingsPath, 'utf8'), afterCoding, 'the line back on disk, byte for byte');
    assert.ok(readCodings().some((c) => c.id === result.ids[0]), 'the same coding (same id)');
    await waitFor('the highlight back', () => (painted() ? true : undefined));
    await waitFor('the open codings file with the line again', () => (codingsDoc.getText() === afterCoding ? true : undefined));
    assert.equal(codingsDoc.isDirty, false);
  });
});
