// Issue 17.2 in a real VS Code: the framework matrix webview on the demo thesis shows the same
// counts as `qda matrix --json` (the CLI over the same folder), by role, and follows options.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, qda, workspaceRoot } from './helpers';
import type { MatrixResult } from '../../server/src/protocol';

describe('the framework matrix in a real VS Code', function () {
  this.timeout(60_000);

  it('opens as a webview whose counts by role equal qda matrix --json', async function () {
    const api = await qda();
    await vscode.workspace.saveAll(false);
    const shown = await vscode.commands.executeCommand<MatrixResult>('qda.matrixShow', { rows: 'themes', cols: 'role', count: 'codings', coder: '' });
    assert.ok(shown && shown.rows.length > 0, 'the matrix has rows');
    // What the page drew (it reports after drawing): a row per theme, the roles as columns, a
    // cell with a count wherever the data has one.
    const drawn = api.analysis.matrix()?.rendered;
    assert.ok(drawn, 'the page reported its drawing');
    assert.deepEqual(drawn.columns, shown.columns);
    assert.equal(drawn.rows, shown.rows.length);
    assert.equal(drawn.cells, shown.rows.reduce((n, r) => n + shown.columns.filter((c) => r.cells[c] > 0).length, 0));
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputWebview, 'a webview is the active tab');
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist/cli.js');
    const expected = JSON.parse(execFileSync(process.execPath, [cli, 'matrix', '--rows', 'themes', '--cols', 'role', '--json', workspaceRoot()], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }));
    assert.deepEqual(shown.columns, expected.columns);
    assert.deepEqual(shown.rows.map(({ name, kind, cells, total }) => ({ name, kind, cells, total })), expected.rows);
    assert.ok(shown.columns.includes('rådgiver') && shown.columns.includes('leder'), 'roles from qda.yaml are the columns');
    // Another option: informants as columns, codes as rows.
    const byInformant = await vscode.commands.executeCommand<MatrixResult>('qda.matrixShow', { rows: 'codes', cols: 'informants' });
    assert.ok(byInformant.columns.includes('FL1'));
    assert.ok(byInformant.rows.some((r) => r.kind === 'code') && byInformant.rows.some((r) => r.kind === 'theme'));
  });
});
