// Issue 13.5 in a real VS Code: a transcript renamed as the explorer does it (a WorkspaceEdit
// with a file rename, which VS Code reports through workspace/didRenameFiles) takes its
// codings along, moved by the server; a deleted transcript's codings stay, grouped under the missing file in the
// Orphaned Codings view, and are re-linked to the file when it comes back under another name.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { labelOf, qda, readCodings, waitFor, workspaceRoot } from './helpers';

const DOC = 'transcripts/intervju-informant-A.md';

describe('transcripts renamed, moved or deleted in a real VS Code (issue 13.5)', function () {
  this.timeout(90_000);
  const uri = (rel: string): vscode.Uri => vscode.Uri.file(path.join(workspaceRoot(), rel));
  const codingsOf = (doc: string): string[] => readCodings().filter((c) => c.doc === doc).map((c) => c.id).sort();
  const exists = (rel: string): boolean => fs.existsSync(path.join(workspaceRoot(), rel));

  async function renameInExplorer(from: string, to: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(uri(from), uri(to));
    assert.ok(await vscode.workspace.applyEdit(edit), `renamed ${from} → ${to}`);
  }

  /** Every coding of `doc` painted in its editor, on the text it was made on. */
  async function allPainted(doc: string, exacts: string[]): Promise<void> {
    const api = await qda();
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri(doc)));
    await waitFor(`every coding of ${doc} painted`, () => {
      const current = vscode.window.visibleTextEditors.find((e) => e.document === editor.document) ?? editor;
      const painted = new Set(api.decorationRanges(current).map((r) => editor.document.getText(r)));
      return exacts.every((x) => painted.has(x)) ? true : undefined;
    });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  }

  it('renaming and moving a transcript in the explorer moves its codings with it, on disk and in the editor', async function () {
    await qda();
    const ids = codingsOf(DOC);
    const exacts = readCodings().filter((c) => c.doc === DOC).map((c) => c.exact);
    assert.ok(ids.length >= 5, `${DOC} has codings`);
    const coders = fs.readdirSync(path.join(workspaceRoot(), '.qda/codings')).filter((c) => exists(`.qda/codings/${c}/${DOC}.jsonl`));
    assert.ok(coders.length >= 2, 'two coders coded it');

    const moved = 'transcripts/arkiv/informant-A-anonymisert.md';
    await renameInExplorer(DOC, moved);
    // The server writes each codings file at its new place, then deletes the old one: done when both are so.
    await waitFor('every coding of the transcript names its new path on disk', () => (JSON.stringify(codingsOf(moved)) === JSON.stringify(ids) && codingsOf(DOC).length === 0 ? true : undefined));
    assert.deepEqual(codingsOf(DOC), [], 'no coding is left pointing at the old path');
    for (const coder of coders) {
      assert.ok(exists(`.qda/codings/${coder}/${moved}.jsonl`), `${coder}'s codings file moved`);
      assert.ok(!exists(`.qda/codings/${coder}/${DOC}.jsonl`), `${coder}'s old codings file is gone`);
    }
    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.fsPath.includes('.qda'));
    await waitFor('the edited codings files saved', () => (dirty.every((d) => !d.isDirty) ? true : undefined));
    await allPainted(moved, exacts);
    const api = await qda();
    const roots = (await api.orphansTree.getChildren(undefined)) ?? [];
    const labels = await Promise.all(roots.map(async (r) => labelOf(await api.orphansTree.getTreeItem(r))));
    assert.ok(!labels.some((l) => l.includes('informant-A')), `no orphans of the renamed transcript: ${labels.join(' | ')}`);

    // And back (the other suites use the demo as it was).
    await renameInExplorer(moved, DOC);
    await waitFor('the codings back at the old path', () => (JSON.stringify(codingsOf(DOC)) === JSON.stringify(ids) && codingsOf(moved).length === 0 ? true : undefined));
    await allPainted(DOC, exacts);
  });

  it('deleting a transcript keeps its codings, grouped under the missing file; they are re-linked when it comes back', async function () {
    const api = await qda();
    const ids = codingsOf(DOC);
    const exacts = readCodings().filter((c) => c.doc === DOC).map((c) => c.exact);
    const bytes = fs.readFileSync(path.join(workspaceRoot(), DOC));
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(uri(DOC));
    assert.ok(await vscode.workspace.applyEdit(edit));

    const group = async (): Promise<{ element: unknown; item: vscode.TreeItem } | undefined> => {
      for (const element of (await api.orphansTree.getChildren(undefined)) ?? []) {
        const item = await api.orphansTree.getTreeItem(element);
        if (labelOf(item) === DOC) return { element, item };
      }
      return undefined;
    };
    const missing = await waitFor('the missing transcript in the Orphaned Codings view', group);
    assert.match(String(missing.item.description), new RegExp(`\\b${ids.length}\\b`), 'it shows how many codings');
    const children = (await api.orphansTree.getChildren(missing.element)) ?? [];
    assert.equal(children.length, ids.length, 'each of its codings under it');
    assert.deepEqual(codingsOf(DOC), ids, 'no coding deleted with the transcript');

    // The transcript comes back under another name (as a file manager would put it there).
    const back = 'transcripts/informant-A.md';
    await vscode.workspace.fs.writeFile(uri(back), bytes);
    const found = await waitFor('the new file suggested', async () => {
      const g = await group();
      return g && String(g.item.description).includes(back) ? g : undefined;
    });
    assert.ok(await vscode.commands.executeCommand('qda.orphansRelink', found.element, uri(back)));
    await waitFor('the codings name the file again on disk', () => (JSON.stringify(codingsOf(back)) === JSON.stringify(ids) && codingsOf(DOC).length === 0 ? true : undefined));
    await waitFor('the group gone', async () => ((await group()) ? undefined : true));
    await allPainted(back, exacts);

    await renameInExplorer(back, DOC);
    await waitFor('the codings back at the old path', () => (JSON.stringify(codingsOf(DOC)) === JSON.stringify(ids) && codingsOf(back).length === 0 ? true : undefined));
  });
  it('recognises a rename outside VS Code (git mv) and re-links every coding through one quick fix', async function () {
    await qda();
    // A transcript with codings that no editor has open: while a file is open, the editor's text
    // counts, not the disk (other suites open some transcripts before this one runs).
    const isOpen = (d: string): boolean => vscode.workspace.textDocuments.some((t) => t.uri.fsPath === uri(d).fsPath);
    const doc = fs
      .readdirSync(path.join(workspaceRoot(), 'transcripts'))
      .map((f) => `transcripts/${f}`)
      .sort((a, b) => (a === 'transcripts/interview-R3-en.md' ? -1 : b === 'transcripts/interview-R3-en.md' ? 1 : a.localeCompare(b)))
      .find((d) => /\.(md|txt)$/.test(d) && !isOpen(d) && codingsOf(d).length >= 3);
    assert.ok(doc, 'a transcript with codings that is not open');
    const ids = codingsOf(doc);
    const moved = doc.replace(/\.(md|txt)$/, '-git-mv.$1');
    // As git mv does it: the file moves on disk, behind the editor's back.
    fs.renameSync(path.join(workspaceRoot(), doc), path.join(workspaceRoot(), moved));
    const title = `${ids.length} codings belong to ${moved}`;
    // The analyst opens the moved transcript (code actions are asked for open documents).
    await vscode.window.showTextDocument(await waitFor('the moved file', () => Promise.resolve(vscode.workspace.openTextDocument(uri(moved)))));
    const fix = await waitFor('the quick fix in the moved transcript', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri(moved), new vscode.Range(0, 0, 0, 0));
      return actions?.find((a) => a.title === title);
    });
    // No edit: the fix's command asks the server, which writes the codings files itself (issue 16.3).
    assert.equal(fix.edit, undefined);
    assert.ok(fix.command);
    assert.equal(await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? [])), true);
    await waitFor('the codings name the moved file on disk', () => (JSON.stringify(codingsOf(moved)) === JSON.stringify(ids) && codingsOf(doc).length === 0 ? true : undefined));
    assert.ok(vscode.workspace.textDocuments.every((d) => !d.isDirty || !d.uri.fsPath.includes('.qda')), 'the codings files are saved');

    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await renameInExplorer(moved, doc);
    await waitFor('the codings back at the old path', () => (JSON.stringify(codingsOf(doc)) === JSON.stringify(ids) && codingsOf(moved).length === 0 ? true : undefined));
  });
});
