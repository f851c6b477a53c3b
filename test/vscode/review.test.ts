// Issue 20 in a real VS Code: a supervisor comments on a theme from the Codebook tree, a
// co-author replies, the thread is resolved — and the theme shows "agreed" in the tree, the
// thread is in .qda/reviews on disk, and a renamed code takes its comment along.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, waitFor, walkTree, workspaceRoot, waitForAllSaved } from './helpers';

const THEME = 'Ledelse av innføringen';
const CODE = 'Tall som utgangspunkt, ikke fasit';
const NEW_NAME = 'Tallene som samtaleåpner';

function reviewLines(root: string): Array<Record<string, unknown>> {
  const dir = path.join(root, '.qda/reviews');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

describe('review comments and status in a real VS Code', function () {
  this.timeout(90_000);

  it('comments on a theme in the tree, replies, resolves: the tree shows it agreed and the thread is on disk', async function () {
    const api = await qda();
    const root = workspaceRoot();
    const theme = (await walkTree(api.codebookTree, 1)).find((n) => n.label === THEME);
    assert.ok(theme, `the tree shows the theme ${THEME}`);
    assert.doesNotMatch(String(theme.item.description), /agreed|comment/, 'nothing reviewed yet');

    await vscode.commands.executeCommand('qda.reviewCommentItem', theme.element, 'Er dette ett tema eller to?');
    const thread = await waitFor('a comment thread at the theme in codebook.md', () =>
      [...api.review.threads().values()].find((t) => t.comments.some((c) => c.body === 'Er dette ett tema eller to?')),
    );
    assert.equal(path.relative(root, thread.uri.fsPath), 'codebook.md');
    const codebook = await vscode.workspace.openTextDocument(thread.uri);
    assert.equal(codebook.lineAt(thread.range!.start.line).text, `## ${THEME}`, 'the thread sits on the theme heading');
    assert.equal(thread.state, vscode.CommentThreadState.Unresolved);
    const withThread = await waitFor('the tree counts the open thread', async () => {
      const n = (await walkTree(api.codebookTree, 1)).find((x) => x.label === THEME);
      return n && /· 1 comment$/.test(String(n.item.description)) ? n : undefined;
    });
    assert.ok(withThread);

    // A reply, as the comment widget's Reply button sends it.
    await vscode.commands.executeCommand('qda.reviewReply', { thread, text: 'Ett tema: ledelse er rammen.' } satisfies vscode.CommentReply);
    await waitFor('the reply in the thread', () => (thread.comments.length === 2 ? true : undefined));
    assert.deepEqual(
      thread.comments.map((c) => (typeof c.body === 'string' ? c.body : c.body.value)),
      ['Er dette ett tema eller to?', 'Ett tema: ledelse er rammen.'],
    );

    await vscode.commands.executeCommand('qda.reviewResolve', thread);
    await waitFor('the thread resolved', () => (thread.state === vscode.CommentThreadState.Resolved ? true : undefined));
    const agreed = await waitFor('the theme agreed in the tree', async () => {
      const n = (await walkTree(api.codebookTree, 1)).find((x) => x.label === THEME);
      return n && /agreed/.test(String(n.item.description)) ? n : undefined;
    });
    assert.doesNotMatch(String(agreed.item.description), /comment/, 'no open thread left');

    const lines = reviewLines(root);
    const start = lines.find((l) => l.kind === 'comment' && (l.on as { item?: string } | undefined)?.item === THEME);
    assert.ok(start, 'the thread is in .qda/reviews on disk, on the theme');
    assert.ok(lines.some((l) => l.kind === 'comment' && l.thread === start.id && l.body === 'Ett tema: ledelse er rammen.'), 'the reply is on disk');
    assert.ok(lines.some((l) => l.kind === 'resolve' && l.thread === start.id), 'the resolve is on disk');
    const state = await api.review.state();
    assert.equal(state?.status[THEME].status, 'agreed');
  });

  it('renames a commented code with F2: the comment follows the new name', async function () {
    const api = await qda();
    const root = workspaceRoot();
    await vscode.commands.executeCommand('qda.reviewCommentItem', CODE, 'Er «fasit» riktig ord?');
    await waitFor('the thread on the code', () => [...api.review.threads().values()].find((t) => t.label?.includes(CODE)));

    const doc = await vscode.workspace.openTextDocument(path.join(root, 'codebook.md'));
    await vscode.window.showTextDocument(doc);
    const pos = doc.positionAt(doc.getText().indexOf(CODE) + 2);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, pos, NEW_NAME);
    assert.ok(edit && edit.size > 0, 'the rename provider returns an edit');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitForAllSaved();

    const moved = await waitFor('the thread at the new name in codebook.md', () =>
      [...api.review.threads().values()].find((t) => t.label?.includes(NEW_NAME) && t.comments.some((c) => c.body === 'Er «fasit» riktig ord?')),
    );
    assert.ok(doc.lineAt(moved.range!.start.line).text.includes(`**${NEW_NAME}**`), 'the thread sits on the renamed code');
    const onDisk = reviewLines(root).find((l) => l.body === 'Er «fasit» riktig ord?');
    assert.deepEqual(onDisk?.on, { item: NEW_NAME }, 'the thread on disk names the new code');
    const state = await api.review.state();
    assert.equal(state?.status[NEW_NAME].openThreads, 1);
  });
});
