// Issue 4.7 in a real VS Code: Undo and Redo of a coding from the transcript editor it was made
// in (Ctrl+Z / Ctrl+Shift+Z run qda.codingUndo / qda.codingRedo there), exactly restoring the
// codings file each time, while the transcript itself is untouched.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, waitFor, readCodings, uncodedPassage, workspaceRoot } from './helpers';

describe('undo and redo of coding in a real VS Code', function () {
  this.timeout(60_000);

  it('undoes a coding from the transcript editor and redoes it with the same id', async function () {
    const api = await qda();
    // Compare with the disk only once every editor's changes are on it.
    await vscode.workspace.saveAll(false);
    const doc = 'transcripts/teams-intervju-FL2.md';
    const codingsFile = path.join(workspaceRoot(), `.qda/codings/anna/${doc}.jsonl`);
    const before = fs.readFileSync(codingsFile, 'utf8');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(workspaceRoot(), doc)));
    const transcriptBefore = editor.document.getText();
    const passage = uncodedPassage(transcriptBefore, doc);
    editor.selection = new vscode.Selection(editor.document.positionAt(passage.start), editor.document.positionAt(passage.end));
    await vscode.commands.executeCommand('qda.selectionCode', { code: 'Dobbeltregistrering' });
    const made = await waitFor('the coding on disk', () => readCodings().find((c) => c.doc === doc && c.exact === passage.exact));
    const afterCoding = fs.readFileSync(codingsFile, 'utf8');
    const paintedNow = (): boolean => api.decorationRanges(editor).some((r) => editor.document.getText(r) === passage.exact);
    await waitFor('the new coding painted', () => (paintedNow() ? true : undefined));

    await vscode.commands.executeCommand('qda.codingUndo');
    await waitFor('the codings file as it was before the coding', () => (fs.readFileSync(codingsFile, 'utf8') === before ? true : undefined));
    await waitFor('the passage no longer painted', () => (paintedNow() ? undefined : true));
    assert.equal(editor.document.getText(), transcriptBefore, 'the transcript is untouched');
    assert.equal(editor.document.isDirty, false);

    await vscode.commands.executeCommand('qda.codingRedo');
    await waitFor('the codings file as it was after the coding', () => (fs.readFileSync(codingsFile, 'utf8') === afterCoding ? true : undefined));
    assert.ok(readCodings().some((c) => c.id === made.id), 'the same coding (same id) is back');
    await waitFor('the passage painted again', () => (paintedNow() ? true : undefined));
  });
});
