// Issue 18.3 in a real VS Code: Compare Coders on the demo thesis — step to the second
// disagreement, keep A's coding, and see it in the consensus coder's file on disk, the decision
// in the log, the coders' own files untouched, and one disagreement fewer; Ctrl+Z undoes it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, waitFor, workspaceRoot } from './helpers';

describe('Compare Coders in a real VS Code', function () {
  this.timeout(90_000);

  it('steps to the second disagreement, keeps A into the consensus coder, and the list drops by one; Ctrl+Z undoes it', async function () {
    const api = await qda();
    await vscode.workspace.saveAll(false);
    const root = workspaceRoot();
    const open = await vscode.commands.executeCommand<number>('qda.compareCoders', 'anna', 'bjorn');
    assert.ok(typeof open === 'number' && open >= 2, `the demo has disagreements between anna and bjorn (got ${open})`);
    const provider = api.compareCoders;
    const view = provider.getChildren();
    assert.equal(view[0].kind, 'summary');
    // The view's own rows: the summary names both coders and the number open.
    assert.match(String(provider.getTreeItem(view[0]).label), new RegExp(`anna ↔ bjorn: ${open} `));

    // Step to the second disagreement with A's codings in it (the walk is in the view's order).
    await vscode.commands.executeCommand('qda.compareNext');
    let key = await vscode.commands.executeCommand<string>('qda.compareNext');
    while (provider.currentItem!.a.length === 0) key = await vscode.commands.executeCommand<string>('qda.compareNext');
    const item = provider.currentItem!;
    assert.equal(item.key, key);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), vscode.Uri.parse(item.uri).toString(), 'the transcript of the disagreement is shown');
    assert.equal(editor.document.getText(editor.selection), item.text, 'the place is selected');

    const doc = vscode.workspace.asRelativePath(vscode.Uri.parse(item.uri), false);
    const consensusFile = path.join(root, `.qda/codings/konsensus/${doc}.jsonl`);
    const annaFile = path.join(root, `.qda/codings/anna/${doc}.jsonl`);
    const bjornFile = path.join(root, `.qda/codings/bjorn/${doc}.jsonl`);
    const read = (f: string): string | undefined => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
    const annaBefore = read(annaFile);
    const bjornBefore = read(bjornFile);
    const consensusBefore = read(consensusFile);

    assert.equal(await vscode.commands.executeCommand('qda.compareSettle', 'keepA', 'konsensus'), true);
    const kept = await waitFor('the kept coding in the consensus file on disk', () =>
      read(consensusFile)
        ?.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { code: string; coder: string; exact: string })
        .find((c) => c.code === item.code && item.text.includes(c.exact)),
    );
    assert.equal(kept.coder, 'konsensus');
    const log = await waitFor('the decision in the log', () => read(path.join(root, '.qda/consensus/anna+bjorn.jsonl')));
    assert.match(log, /"decision":"keepA"/);
    assert.equal(read(annaFile), annaBefore, "anna's file is untouched");
    assert.equal(read(bjornFile), bjornBefore, "bjorn's file is untouched");
    await waitFor('one disagreement fewer in the view', () => (provider.result!.total === open - 1 ? true : undefined));
    assert.match(String(provider.getTreeItem(provider.getChildren()[0]).label), new RegExp(`anna ↔ bjorn: ${open - 1} open, 1 settled`));

    // Undo from the transcript editor, as after a coding.
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('qda.codingUndo');
    await waitFor('the consensus file as before', () => (read(consensusFile) === consensusBefore || (consensusBefore === undefined && read(consensusFile) === '') ? true : undefined));
    let state = '';
    await waitFor('the disagreement open again', () => {
      state = `view visible ${provider.view?.visible}, stale ${provider.stale}, ${provider.result!.total} open, ${provider.result!.settled} settled, log ${read(path.join(root, '.qda/consensus/anna+bjorn.jsonl'))?.length}`;
      return provider.result!.total === open ? true : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message} (${state})`);
    });
  });

  it('a hidden view asks for nothing when the index changes, and asks again when shown', async function () {
    const api = await qda();
    const provider = api.compareCoders;
    const total = await vscode.commands.executeCommand<number>('qda.compareCoders', 'anna', 'bjorn');
    await waitFor('the Compare Coders view shown', () => (provider.view!.visible ? true : undefined));
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the Compare Coders view hidden', () => (provider.view!.visible ? undefined : true));
    const asked = provider.requests;

    // An index change while hidden: a memo typed in.
    const memo = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'memos/analytisk-memo-lederen.md'));
    const editor = await vscode.window.showTextDocument(memo);
    try {
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'x'));
      await waitFor('the index change seen by the hidden view', () => (provider.stale ? true : undefined));
      assert.equal(provider.requests, asked, 'no request while hidden');

      await vscode.commands.executeCommand('qda.compare.focus');
      await waitFor('the view asking again when shown', () => (provider.requests > asked && !provider.stale ? true : undefined));
      await waitFor('the list of the shown view', () => (provider.result!.total === total ? true : undefined));
    } finally {
      await vscode.window.showTextDocument(memo);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
