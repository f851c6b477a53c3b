// Issue 15.1: "Thesis QDA: New Thesis Project…" in a real VS Code. The first suite runs in the
// usual (demo) workspace: a project in another folder, and nothing there replaced. The second
// runs only when the workspace is a folder WITHOUT a project (npm test runs it a second time on
// test/vscode/fixture-no-project): no server until the folder is a project, then the codebook.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, qda, waitFor, walkTree, withTimeout, workspaceRoot, type QdaTestApi } from './helpers';

interface NewProjectResult { folder: string; created: string[]; extended: string[]; kept: string[] }

const isProject = (dir: string) => fs.existsSync(path.join(dir, 'qda.yaml')) || fs.existsSync(path.join(dir, 'codebook.md'));

describe('New Thesis Project (in a project workspace)', function () {
  this.timeout(60_000);
  before(function () {
    if (!isProject(workspaceRoot())) this.skip();
  });

  it('creates the project in another folder and keeps what is there', async () => {
    await qda();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-new-'));
    fs.writeFileSync(path.join(dir, 'codebook.md'), '# My own codebook\n');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
    const result = await vscode.commands.executeCommand<NewProjectResult>('qda.projectNew', vscode.Uri.file(dir));
    assert.ok(result, 'the command returned nothing');
    assert.deepEqual(result.created, ['qda.yaml', 'transcripts/', 'memos/', 'chapters/', '.gitattributes']);
    assert.deepEqual(result.extended, ['.gitignore']);
    assert.deepEqual(result.kept, ['codebook.md']);
    assert.equal(fs.readFileSync(path.join(dir, 'codebook.md'), 'utf8'), '# My own codebook\n');
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n')[0], 'node_modules/');
    assert.match(fs.readFileSync(path.join(dir, '.gitattributes'), 'utf8'), /^\.qda\/codings\/\*\*\/\*\.jsonl merge=union$/m);
    assert.match(fs.readFileSync(path.join(dir, 'qda.yaml'), 'utf8'), /^# Thesis QDA/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('a folder without a project', function () {
  this.timeout(60_000);
  before(function () {
    if (isProject(workspaceRoot())) this.skip();
  });

  it('runs no server and shows an empty Codebook until New Thesis Project makes the folder a project; then the example theme', async () => {
    const root = workspaceRoot();
    const ext = vscode.extensions.getExtension<QdaTestApi>(EXTENSION_ID);
    assert.ok(ext);
    const api = await ext.activate();
    assert.deepEqual(await api.codebookTree.getChildren(undefined), [], 'the Codebook of a folder without a project is empty (its welcome offers a project)');
    // Opening a Markdown file asks nothing of a server: none runs, so none is indexed.
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(root, 'notes.md')));
    const early = await Promise.race([api.ready.then(() => 'ready'), new Promise((r) => setTimeout(() => r('waiting'), 1500))]);
    assert.equal(early, 'waiting', 'the language server indexed a folder that is no project');

    const result = await vscode.commands.executeCommand<NewProjectResult>('qda.projectNew', vscode.Uri.file(root));
    assert.ok(result);
    assert.deepEqual(result.created.slice(0, 2), ['qda.yaml', 'codebook.md']);
    assert.equal(fs.readFileSync(path.join(root, 'notes.md'), 'utf8').startsWith('# Notes'), true);
    await withTimeout(api.ready, 30_000, 'the server did not start once the folder became a project');
    const nodes = await waitFor('the example theme in the Codebook tree', async () => {
      const n = await walkTree(api.codebookTree, 2);
      return n.length >= 3 ? n : undefined;
    });
    assert.equal(nodes[0].depth, 0);
    assert.match(nodes[0].label, /^(Example theme|Eksempeltema)$/);
    assert.equal(nodes.filter((n) => n.depth === 1).length, 2, nodes.map((n) => n.label).join(', '));
    // The codebook the student edits next is open.
    await waitFor('codebook.md open in an editor', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath.endsWith('codebook.md')));
  });
});
