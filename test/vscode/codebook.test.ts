// Issue 6 in a real VS Code: drag a code onto another category in the Codebook view, then
// rename it with F2 (the rename provider), and check codebook.md, codings and [[links]] on disk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { qda, waitFor, walkTree, readCodings, workspaceRoot, waitForAllSaved } from './helpers';

const CODE = 'Lære av kolleger';
const NEW_NAME = 'Læring fra kolleger «side om side»';
const TARGET_CATEGORY = 'Sandkasse og superbrukere';

function sectionOf(codebook: string, item: string): string {
  const at = codebook.indexOf(item);
  assert.ok(at >= 0, `${item} is in codebook.md`);
  const heading = [...codebook.slice(0, at).matchAll(/^#{2,}\s+(.+)$/gm)].pop();
  return heading?.[1].trim() ?? '';
}

describe('codebook work in a real VS Code', function () {
  this.timeout(60_000);

  it('drags a code into another category, then renames it with F2: codebook, codings and links follow', async function () {
    const api = await qda();
    const root = workspaceRoot();
    const codebookPath = path.join(root, 'codebook.md');
    const memoPath = path.join(root, 'memos/teori/Wenger 1998.md');
    const codingsBefore = readCodings().filter((c) => c.code === CODE).length;
    assert.ok(codingsBefore > 0, `${CODE} has codings in the demo`);
    assert.equal(sectionOf(fs.readFileSync(codebookPath, 'utf8'), `**${CODE}**`), 'Læringsformer');

    const nodes = await walkTree(api.codebookTree, 4);
    const code = nodes.find((n) => n.label === CODE);
    const category = nodes.find((n) => n.label === TARGET_CATEGORY);
    assert.ok(code && category, 'the tree shows the code and the target category');

    // Drag and drop as the tree view does: handleDrag fills the transfer, handleDrop reads it.
    const transfer = new vscode.DataTransfer();
    const cancel = new vscode.CancellationTokenSource().token;
    await api.codebookDragAndDrop.handleDrag?.([code.element], transfer, cancel);
    await api.codebookDragAndDrop.handleDrop?.(category.element, transfer, cancel);
    await waitFor(`${CODE} under ${TARGET_CATEGORY} in codebook.md on disk`, () =>
      sectionOf(fs.readFileSync(codebookPath, 'utf8'), `**${CODE}**`) === TARGET_CATEGORY ? true : undefined);

    // F2 on the code's name in codebook.md.
    const doc = await vscode.workspace.openTextDocument(codebookPath);
    await vscode.window.showTextDocument(doc);
    const pos = doc.positionAt(doc.getText().indexOf(CODE) + 2);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, pos, NEW_NAME);
    assert.ok(edit && edit.size > 0, 'the rename provider returns an edit');
    const touched = edit.entries().map(([uri]) => path.relative(root, uri.fsPath)).sort();
    // The codings are the server's to write (issue 16.3): they follow once the edit is applied.
    assert.ok(touched.includes('codebook.md') && touched.includes('memos/teori/Wenger 1998.md') && !touched.some((t) => t.startsWith('.qda/codings/')), `the edit touches codebook and memo, not codings: ${touched.join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    // Auto-save may save some of them first (saveAll then resolves false): wait until all are saved.
    await waitForAllSaved();

    const codebook = fs.readFileSync(codebookPath, 'utf8');
    assert.ok(codebook.includes(`**${NEW_NAME}**`) && !codebook.includes(`**${CODE}**`));
    assert.equal(sectionOf(codebook, `**${NEW_NAME}**`), TARGET_CATEGORY);
    // Saving reaches the disk a moment after saveAll resolves (and VS Code does not write
    // atomically): wait until every coding carries the new name, none the old.
    await waitFor(`all ${codingsBefore} codings renamed on disk`, () => {
      const all = readCodings();
      return !all.some((c) => c.code === CODE) && all.filter((c) => c.code === NEW_NAME).length === codingsBefore ? true : undefined;
    });
    const memo = fs.readFileSync(memoPath, 'utf8');
    assert.ok(memo.includes(`[[${NEW_NAME}]]`) && !memo.includes(`[[${CODE}]]`), 'the memo links to the new name');

    // The tree follows: the renamed code sits under its new category with its codings. The
    // codebook's edit lands before the codings' commit, so for a moment the tree may show the
    // new name with no codings yet: wait for the settled count, not the first drawing.
    const settled = new RegExp(`^${codingsBefore}\\b`);
    const after = await waitFor('the renamed code in the tree with its codings', async () => (await walkTree(api.codebookTree, 4)).find((n) => n.label === NEW_NAME && settled.test(String(n.item.description))));
    assert.match(String(after.item.description), settled);
  });

  it('keeps tree descriptions short ("10 · 4") with the words, the full name and the definition in the tooltip', async () => {
    const api = await qda();
    const nodes = await walkTree(api.codebookTree, 4);
    const codes = nodes.filter((n) => n.item.contextValue === 'qda.code' || n.item.contextValue === 'qda.category');
    assert.ok(codes.length > 20);
    for (const n of codes) {
      assert.match(String(n.item.description), /^\d+ · \d+$/, `${n.label}: ${String(n.item.description)}`);
      // As the user reads it: MarkdownString.appendText escapes punctuation and writes spaces as &nbsp;.
      const tip = (n.item.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1').replace(/&nbsp;/g, ' ');
      assert.ok(tip.includes(n.label), `${n.label}: the tooltip names it in full: ${tip}`);
      assert.match(tip, /\d+ (coding|codings|koding|kodinger) · \d+ (informant|informants|informanter)/, `${n.label}: counts in words`);
    }
  });
});
