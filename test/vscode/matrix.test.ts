// Issue 17.2 in a real VS Code: the framework matrix webview on the demo thesis shows the same
// counts as `qda matrix --json` (the CLI over the same folder), by role, and follows options.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, qda, readCodings, waitFor, waitForAllSaved, workspaceRoot } from './helpers';
import type { FrameworkNoteResult, FrameworkResult, MatrixResult } from '../../server/src/protocol';

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

  it('framework mode: a cell shows its first segment, a note written through Edit Note goes under its headings in framework.md and the cell shows it', async function () {
    const api = await qda();
    const root = workspaceRoot();
    const file = path.join(root, 'framework.md');
    assert.ok(!fs.existsSync(file), 'the demo starts without notes');
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist/cli.js');
    try {
      await vscode.commands.executeCommand<MatrixResult>('qda.matrixShow', { rows: 'themes', cols: 'role', count: 'codings', coder: '' });
      // The toggle, as the page sends it.
      await api.analysis.toMatrix({ type: 'params', params: { mode: 'framework' } });
      const theme = 'Kompetanse og opplæring';
      const key = `${theme} × rådgiver`;
      const first = await waitFor('the page draws the framework cells', () => { const m = api.analysis.matrix(); return m?.rendered?.mode === 'framework' && m.rendered.texts[key] ? m : undefined; });
      // The first segment of an adviser's under the theme, in transcript and offset order, as qda query finds it.
      const segments = JSON.parse(execFileSync(process.execPath, [cli, 'query', `"${theme}"`, '--attribute', 'role=rådgiver', '--json', root], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })) as Array<{ doc: string; start: number; informant: string; text: string }>;
      segments.sort((a, b) => (a.doc === b.doc ? a.start - b.start : a.doc < b.doc ? -1 : 1));
      const words = segments[0].text.replace(/\s+/g, ' ').trim().slice(0, 60);
      assert.ok(first.rendered!.texts[key].includes(words), `${first.rendered!.texts[key]} starts with ${words}`);
      assert.ok(first.rendered!.texts[key].includes(`(${segments[0].informant})`), 'with its informant');
      const result = first.result as FrameworkResult;
      const row = result.rows.findIndex((r) => r.name === theme);
      assert.ok(first.rendered!.texts[key].endsWith(String(result.rows[row].cells['rådgiver'])), 'and its count');
      // Empty cells stay empty.
      for (const [i, r] of result.rows.entries()) for (const c of result.columns) if (!r.cells[c] && !result.cells[i][c]) assert.equal(first.rendered!.texts[`${r.name} × ${c}`], undefined);

      const note = 'Rådgiverne lærer i sandkassa & av <b>kolleger</b>.';
      const reply = await vscode.commands.executeCommand<FrameworkNoteResult>('qda.matrixEditNote', { row: theme, column: 'rådgiver', text: note });
      assert.equal(reply?.error, undefined);
      const onDisk = await waitFor('framework.md is saved with the note', () => { const t = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''; return t.includes(note) ? t : undefined; });
      assert.ok(onDisk.includes(`## ${theme}\n\n### rådgiver\n\n${note}\n`), onDisk);
      const shown = await waitFor('the cell shows the note', () => { const m = api.analysis.matrix(); return m?.rendered?.texts[key]?.startsWith(note) ? m : undefined; });
      assert.equal((shown.result as FrameworkResult).cells[row]['rådgiver'].note, note, 'the note as text (the markup is not drawn)');
      // F2 on the cell (the page's message) opens framework.md beside the matrix at the note.
      await api.analysis.toMatrix({ type: 'editNote', row: theme, column: 'rådgiver' });
      const editor = await waitFor('framework.md opens', () => { const e = vscode.window.activeTextEditor; return e && e.document.uri.fsPath === file ? e : undefined; });
      assert.equal(editor.document.lineAt(editor.selection.active.line).text, note);
    } finally {
      await api.analysis.toMatrix({ type: 'params', params: { mode: 'counts' } });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (fs.existsSync(file)) await vscode.workspace.fs.delete(vscode.Uri.file(file));
    }
  });
  it('framework mode follows F2: a code renamed in codebook.md keeps its note in its cell under the new name, and Ctrl+Z takes both back', async function () {
    this.timeout(90_000);
    const api = await qda();
    const root = workspaceRoot();
    const file = path.join(root, 'framework.md');
    const codebookPath = path.join(root, 'codebook.md');
    const code = 'Språk som barriere';
    const newName = 'Språket som hinder';
    const note = 'Rådgiverne med et annet morsmål ber om enklere skjermbilder.';
    const textAt = (row: string): string | undefined => { const m = api.analysis.matrix(); return m?.rendered?.mode === 'framework' ? m.rendered.texts[`${row} × rådgiver`] : undefined; };
    try {
      await waitForAllSaved();
      await vscode.commands.executeCommand<MatrixResult>('qda.matrixShow', { rows: 'codes', cols: 'role', count: 'codings', coder: '' });
      await api.analysis.toMatrix({ type: 'params', params: { mode: 'framework' } });
      const reply = await vscode.commands.executeCommand<FrameworkNoteResult>('qda.matrixEditNote', { row: code, column: 'rådgiver', text: note });
      assert.equal(reply?.error, undefined);
      await waitFor('the cell shows the note', () => (textAt(code)?.startsWith(note) ? true : undefined));
      await waitForAllSaved();
      const notesBefore = fs.readFileSync(file, 'utf8');
      const codebookBefore = fs.readFileSync(codebookPath, 'utf8');
      const count = readCodings().filter((c) => c.code === code).length;

      // F2 on the code in codebook.md, opened beside the matrix (a hidden panel is not redrawn), as VS Code runs it.
      const doc = await vscode.workspace.openTextDocument(codebookPath);
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside);
      const pos = doc.positionAt(doc.getText().indexOf(`**${code}**`) + 3);
      const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, pos, newName);
      const touched = edit.entries().map(([uri]) => path.relative(root, uri.fsPath).split(path.sep).join('/'));
      assert.ok(touched.includes('framework.md'), `framework.md in the rename's edit: ${touched.join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor('the codings renamed on disk', () => (readCodings().filter((c) => c.code === newName).length === count ? true : undefined));
      await waitForAllSaved();
      assert.equal(fs.readFileSync(file, 'utf8'), notesBefore.replace(`## ${code}\n`, `## ${newName}\n`));
      // The matrix: the note in the renamed row's cell, the old row gone.
      await waitFor('the renamed row shows the note', () => (textAt(newName)?.startsWith(note) && textAt(code) === undefined ? true : undefined));

      // Ctrl+Z in codebook.md, where F2 was pressed: codebook, codings and framework.md back.
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, codebookPath);
      assert.equal(await vscode.commands.executeCommand('qda.codingUndo'), true);
      await waitFor('the codings back on disk', () => (readCodings().filter((c) => c.code === code).length === count ? true : undefined));
      await waitForAllSaved();
      assert.equal(fs.readFileSync(file, 'utf8'), notesBefore);
      assert.equal(fs.readFileSync(codebookPath, 'utf8'), codebookBefore);
      await waitFor('the note under the old name again', () => (textAt(code)?.startsWith(note) ? true : undefined));
    } finally {
      await api.analysis.toMatrix({ type: 'params', params: { mode: 'counts' } });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (fs.existsSync(file)) await vscode.workspace.fs.delete(vscode.Uri.file(file));
    }
  });
});
