// Issue 4 in a real VS Code: typing inside a coded passage grows it; deleting the passage
// orphans its coding and Undo brings it back in place; nothing reaches disk before a save.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, waitFor, waitForSaved, readCodings, workspaceRoot, hoverText } from './helpers';

describe('anchoring in a real VS Code', function () {
  this.timeout(60_000);

  it('grows a coding when typing inside it, and Undo of its deletion restores it exactly', async function () {
    const api = await qda();
    const doc = 'transcripts/intervju-R2.md';
    const coding = readCodings().filter((c) => c.doc === doc && c.exact.length > 30).sort((a, b) => b.start - a.start)[0];
    assert.ok(coding, `${doc} has codings`);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(workspaceRoot(), doc)));
    // The visible editor of the transcript (a revert may give it a new TextEditor object).
    const current = (): vscode.TextEditor => vscode.window.visibleTextEditors.find((e) => e.document === editor.document) ?? editor;
    const painted = (): string[] => api.decorationRanges(current()).map((r) => editor.document.getText(r));
    await waitFor('the coded passage painted', () => (painted().includes(coding.exact) ? true : undefined));

    // Type "jo " after the passage's first word: the painted passage grows by those characters.
    const original = editor.document.getText();
    const firstSpace = coding.exact.indexOf(' ');
    const insertAt = editor.document.positionAt(coding.start + firstSpace + 1);
    await editor.edit((b) => b.insert(insertAt, 'jo '));
    const grown = coding.exact.slice(0, firstSpace + 1) + 'jo ' + coding.exact.slice(firstSpace + 1);
    await waitFor('the painted passage includes the typed word', () => (painted().includes(grown) ? true : undefined));

    // Delete the whole passage: its paint goes. Undo: it comes back exactly.
    const start = editor.document.positionAt(coding.start);
    const end = editor.document.positionAt(coding.start + grown.length);
    await editor.edit((b) => b.delete(new vscode.Range(start, end)));
    await waitFor('the deleted passage no longer painted', () => (painted().some((t) => t.includes('jo ')) ? undefined : true));
    await vscode.commands.executeCommand('undo');
    await waitFor('the passage painted again after Undo', () => (painted().includes(grown) ? true : undefined));
    const range = api.decorationRanges(current()).find((r) => editor.document.getText(r) === grown)!;
    assert.equal(editor.document.offsetAt(range.start), coding.start);

    // Not saved, so the codings file on disk is unchanged — unless VS Code saves by itself
    // (files.autoSave; then the server writes the shifted codings on each save, as it should).
    if (vscode.workspace.getConfiguration('files', editor.document.uri).get('autoSave') === 'off') {
      assert.deepEqual(readCodings().find((c) => c.id === coding.id)?.exact, coding.exact);
    }
    // Put the file's text back in one edit (as a revert or "replace all" does): the codings are
    // placed again, not orphaned by the wholesale change.
    const whole = new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length));
    await editor.edit((b) => b.replace(whole, original));
    await waitFor('the original passage painted after the text was put back', () => (painted().includes(coding.exact) ? true : undefined)).catch(async (err) => {
      // Say whether the server or the paint is behind: the hover comes from the server.
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.document.positionAt(coding.start + 2));
      const near = painted().filter((t) => t.includes(coding.exact.slice(0, 12)) || coding.exact.includes(t.slice(0, 12)));
      throw new Error(`${(err as Error).message}; painted near it: ${JSON.stringify(near)}; server hover: ${JSON.stringify(hoverText(hovers).slice(0, 200))}`);
    });
    // Auto-save may have saved it first (save() then resolves false): wait until it is on disk.
    await waitForSaved(editor.document);
  });
});
